"""Rule dag_training_data: the expert demonstrations one seed trains on."""

from pacs.envs.causal_dag import DagEnvConfig
from pacs.experiments import dag
from pacs.runtime import configure_logging, provenance

configure_logging(snakemake.log[0])
seed = int(snakemake.wildcards.seed)
meta = provenance({"env": snakemake.params.env, "data": snakemake.params.data}, seed)
dag.write_training_data(
    DagEnvConfig.from_dict(snakemake.params.env), snakemake.params.data, seed, dict(snakemake.output), meta
)
