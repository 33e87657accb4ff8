"""Rule causal_training_data: the expert demonstrations one seed trains and validates on."""

from pacs.experiments import dag
from pacs.runtime import configure_logging, provenance

configure_logging(snakemake.log[0])
seed = int(snakemake.wildcards.seed)
params = snakemake.params
design = dag.make_design(snakemake.wildcards.experiment, params.design)
meta = provenance({"design": params.design, "data": params.data}, seed)
dag.write_training_data(design, params.data, seed, snakemake.output.train, snakemake.output.validation, meta)
