"""Rule c3_training_data: expert demonstrations with one confounding (deconfounded / confounded) for one seed."""

from pacs.envs.odd_one_out import OddOneOutConfig
from pacs.experiments import odd_one_out
from pacs.runtime import configure_logging, provenance

configure_logging(snakemake.log[0])
seed, params = int(snakemake.wildcards.seed), snakemake.params
odd_one_out.write_training_data(
    OddOneOutConfig.from_dict(params.env), snakemake.wildcards.confounding, params.data, seed,
    snakemake.output.train, snakemake.output.validation, provenance({"env": params.env, "data": params.data}, seed),
)
