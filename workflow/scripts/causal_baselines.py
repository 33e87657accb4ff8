"""Rule causal_baselines: the experiment's baselines on the agent's test episodes."""

from pacs.data import load_dataset
from pacs.experiments import dag
from pacs.runtime import configure_logging
from pacs.tables import write_table

configure_logging(snakemake.log[0])
design = dag.make_design(snakemake.wildcards.experiment, snakemake.params.design)
episodes = dag.read_eval_episodes(snakemake.input.episodes, design)
train_extras = load_dataset(snakemake.input.train).extras
table = dag.baseline_table(episodes, design, int(snakemake.wildcards.seed), train_extras)
write_table(table, snakemake.output[0])
