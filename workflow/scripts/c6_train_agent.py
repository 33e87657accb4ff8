"""Rule c6_train_agent: the shared trainer on any C6 learner's training set."""

from pacs.experiments import regimes
from pacs.experiments.fitting import fit_and_save
from pacs.runtime import configure_logging, pick_device, set_threads
from pacs.train import TrainConfig

configure_logging(snakemake.log[0])
set_threads(snakemake.threads)
seed, params = int(snakemake.wildcards.seed), snakemake.params
fit_and_save(
    regimes.build_learner(snakemake.input.train, params.model, seed, params.regime),
    snakemake.input.train, snakemake.input.validation, TrainConfig(**params.train), seed, pick_device(params.device),
    snakemake.output.model, snakemake.output.training_log, {"model": params.model, "train": params.train},
    monitor="in_distribution",
)
