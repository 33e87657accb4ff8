"""Rule c3_train_ensemble: the shared trainer on one condition (confounding x explanations), every seed together."""

from pacs.envs.odd_one_out import OddOneOutConfig
from pacs.experiments import odd_one_out
from pacs.experiments.ensemble_fitting import fit_and_save_ensemble
from pacs.runtime import configure_logging, pick_device, set_threads

configure_logging(snakemake.log[0])
set_threads(snakemake.threads)
seeds, params, wildcards = [int(seed) for seed in snakemake.params.seeds], snakemake.params, snakemake.wildcards
env = OddOneOutConfig.from_dict(params.env)
fit_and_save_ensemble(
    [odd_one_out.build_agent(env, params.model, seed) for seed in seeds],
    snakemake.input.train, snakemake.input.validation,
    odd_one_out.train_config(params.train, wildcards.explanations, params.explanation_weight),
    seeds, pick_device(params.device),
    snakemake.output.model, snakemake.output.training_log, {"model": params.model, "train": params.train},
    monitor=wildcards.confounding,  # validation demonstrations of the training confounding
)
