"""Rule c3_feature_choice_data: C3b's perfectly confounded demonstrations of one level (the dimension its explanations name) for one seed."""

from pacs.envs.odd_one_out import OddOneOutConfig
from pacs.experiments import odd_one_out
from pacs.runtime import configure_logging, provenance

configure_logging(snakemake.log[0])
seed, params = int(snakemake.wildcards.seed), snakemake.params
odd_one_out.write_feature_choice_data(
    OddOneOutConfig.from_dict(params.env), snakemake.wildcards.confounding, params.confounded_dims, params.data, seed,
    snakemake.output.train, snakemake.output.validation,
    provenance({"env": params.env, "confounded_dims": params.confounded_dims, "data": params.data}, seed),
)
