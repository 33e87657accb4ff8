"""Rule causal_train_agent: passive imitation training of one seed's agent."""

from pacs.experiments import dag
from pacs.experiments.fitting import fit_and_save
from pacs.runtime import configure_logging, pick_device, set_threads
from pacs.train import TrainConfig

configure_logging(snakemake.log[0])
set_threads(snakemake.threads)
seed, params = int(snakemake.wildcards.seed), snakemake.params
design = dag.make_design(snakemake.wildcards.experiment, params.design)
fit_and_save(
    dag.build_agent(design, params.model, seed), snakemake.input.train, snakemake.input.validation,
    TrainConfig(**params.train), seed, pick_device(params.device),
    snakemake.output.model, snakemake.output.training_log, {"model": params.model, "train": params.train},
    monitor=design.val_splits[0],  # the training distribution's validation set
)
