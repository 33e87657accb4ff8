"""Rule c6_eval_episodes: the test episodes every C6 learner of a seed meets."""

from pacs.experiments import dag, regimes
from pacs.runtime import configure_logging, provenance

configure_logging(snakemake.log[0])
seed, params = int(snakemake.wildcards.seed), snakemake.params
design = regimes.regime_design(params.env)
episodes = dag.draw_eval_episodes(design, params.eval["episodes_per_split"], params.eval["eval_seed"], seed)
dag.write_eval_episodes(snakemake.output[0], episodes, provenance({"env": params.env, "eval": params.eval}, seed))
