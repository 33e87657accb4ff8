"""Rule causal_train_ensemble: passive imitation training of every seed's agent together."""

from pacs.experiments import dag
from pacs.experiments.ensemble_fitting import fit_and_save_ensemble
from pacs.runtime import configure_logging, pick_device, set_threads
from pacs.train import TrainConfig

configure_logging(snakemake.log[0])
set_threads(snakemake.threads)
seeds, params = [int(seed) for seed in snakemake.params.seeds], snakemake.params
design = dag.make_design(snakemake.wildcards.experiment, params.design)
fit_and_save_ensemble(
    [dag.build_agent(design, params.model, seed) for seed in seeds],
    snakemake.input.train, snakemake.input.validation, TrainConfig(**params.train), seeds, pick_device(params.device),
    snakemake.output.model, snakemake.output.training_log, {"model": params.model, "train": params.train},
    monitor=design.val_splits[0],  # the training distribution's validation set
)
