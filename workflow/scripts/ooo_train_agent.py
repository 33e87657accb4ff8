"""Rule ooo_train_agent: the shared trainer on one condition (regime x explanations)."""

from pacs.data import load_dataset, load_datasets
from pacs.envs.odd_one_out import OddOneOutConfig
from pacs.experiments import odd_one_out
from pacs.models.transformer import save_checkpoint
from pacs.runtime import configure_logging, pick_device, provenance, set_threads
from pacs.tables import write_table
from pacs.train import train

configure_logging(snakemake.log[0])
set_threads(snakemake.threads)
seed, params, wildcards = int(snakemake.wildcards.seed), snakemake.params, snakemake.wildcards
model = odd_one_out.build_agent(OddOneOutConfig.from_dict(params.env), params.model, seed)
settings = odd_one_out.train_config(params.train, wildcards.explanations, params.explanation_weight)
validation = {f"val_{split}": data for split, data in load_datasets(snakemake.input.validation).items()}
training_log = train(model, load_dataset(snakemake.input.train), validation, settings, seed,
                     pick_device(params.device))
save_checkpoint(snakemake.output.model, model, provenance({"model": params.model, "train": params.train}, seed))
training_log.insert(0, "seed", seed)
write_table(training_log, snakemake.output.training_log)
