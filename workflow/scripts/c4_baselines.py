"""Rule c4_baselines: Experiment 4's baselines on the language models' test episodes."""

from pacs.experiments import dag, language
from pacs.runtime import configure_logging
from pacs.tables import write_table

configure_logging(snakemake.log[0])
params = snakemake.params
design = language.language_design(params.env, params.splits)
episodes = dag.read_eval_episodes(snakemake.input.episodes, design)
write_table(language.baseline_table(episodes, design, int(snakemake.wildcards.seed), params.episodes_per_split),
            snakemake.output[0])
