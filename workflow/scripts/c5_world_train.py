"""Rule c5_world_train: next-token training of one seed's pipeline LM on its world corpus."""

from pacs.experiments.language import fit_pipeline_lm
from pacs.runtime import configure_logging, pick_device, provenance, set_threads
from pacs.train import TrainConfig

configure_logging(snakemake.log[0])
set_threads(snakemake.threads)
seed, params, inputs = int(snakemake.wildcards.seed), snakemake.params, snakemake.input
fit_pipeline_lm(
    inputs.train, {"world": inputs.validation}, params.model, TrainConfig(**params.train), seed,
    pick_device(params.device), snakemake.output.model, snakemake.output.training_log,
    provenance({"model": params.model, "train": params.train, "corpus": snakemake.wildcards.corpus}, seed),
    monitor="world",
)
