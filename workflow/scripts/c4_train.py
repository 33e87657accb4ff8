"""Rule c4_train: next-token training of one seed's pipeline LM on its corpus."""

from pacs.experiments.language import fit_pipeline_lm
from pacs.runtime import configure_logging, pick_device, provenance, set_threads
from pacs.train import TrainConfig

configure_logging(snakemake.log[0])
set_threads(snakemake.threads)
seed, params, inputs = int(snakemake.wildcards.seed), snakemake.params, snakemake.input
fit_pipeline_lm(
    inputs.train, {"in_distribution": inputs.in_distribution, "held_out": inputs.held_out},
    params.model, TrainConfig(**params.train), seed, pick_device(params.device),
    snakemake.output.model, snakemake.output.training_log,
    provenance({"model": params.model, "train": params.train}, seed),
    monitor="in_distribution",
)
