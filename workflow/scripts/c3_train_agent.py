"""Rule c3_train_agent: the shared trainer on one condition (confounding x explanations)."""

from pacs.envs.odd_one_out import OddOneOutConfig
from pacs.experiments import odd_one_out
from pacs.experiments.fitting import fit_and_save
from pacs.runtime import configure_logging, pick_device, set_threads

configure_logging(snakemake.log[0])
set_threads(snakemake.threads)
seed, params, wildcards = int(snakemake.wildcards.seed), snakemake.params, snakemake.wildcards
fit_and_save(
    odd_one_out.build_agent(OddOneOutConfig.from_dict(params.env), params.model, seed),
    snakemake.input.train, snakemake.input.validation,
    odd_one_out.train_config(params.train, wildcards.explanations, params.explanation_weight),
    seed, pick_device(params.device),
    snakemake.output.model, snakemake.output.training_log, {"model": params.model, "train": params.train},
    monitor=wildcards.confounding,  # validation demonstrations of the training confounding
)
