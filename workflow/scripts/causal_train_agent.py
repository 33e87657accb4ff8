"""Rule causal_train_agent: passive imitation training of one seed's agent."""

from pacs.data import load_dataset, load_datasets
from pacs.experiments import dag
from pacs.models.transformer import save_checkpoint
from pacs.runtime import configure_logging, pick_device, provenance, set_threads
from pacs.tables import write_table
from pacs.train import TrainConfig, train

configure_logging(snakemake.log[0])
set_threads(snakemake.threads)
seed = int(snakemake.wildcards.seed)
params = snakemake.params
design = dag.make_design(snakemake.wildcards.experiment, params.design)
model = dag.build_agent(design, params.model, seed)
validation = {f"val_{split}": dataset for split, dataset in load_datasets(snakemake.input.validation).items()}
training_log = train(
    model, load_dataset(snakemake.input.train), validation, TrainConfig(**params.train),
    seed=seed, device=pick_device(params.device),
)
save_checkpoint(snakemake.output.model, model, provenance({"model": params.model, "train": params.train}, seed))
training_log.insert(0, "seed", seed)
write_table(training_log, snakemake.output.training_log)
