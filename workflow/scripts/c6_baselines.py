"""Rule c6_baselines: the C6 reference policies on a seed's test episodes."""

from pacs.experiments import dag, regimes
from pacs.runtime import configure_logging
from pacs.tables import write_table

configure_logging(snakemake.log[0])
design = regimes.regime_design(snakemake.params.env)
episodes = dag.read_eval_episodes(snakemake.input.episodes, design)
write_table(regimes.baseline_table(episodes, design, int(snakemake.wildcards.seed)), snakemake.output[0])
