"""Rule dag_baselines: every baseline on the agent's test episodes."""

from pacs.data import load_dataset
from pacs.envs.causal_dag import DagEnvConfig
from pacs.experiments import dag
from pacs.runtime import configure_logging
from pacs.tables import write_table

configure_logging(snakemake.log[0])
episodes = dag.read_eval_episodes(snakemake.input.episodes)
train_extras = load_dataset(snakemake.input.train).extras
table = dag.baseline_table(
    episodes, DagEnvConfig.from_dict(snakemake.params.env), int(snakemake.wildcards.seed), train_extras
)
write_table(table, snakemake.output[0])
