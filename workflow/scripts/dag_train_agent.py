"""Rule dag_train_agent: passive imitation training of one seed's agent."""

from pacs.data import load_dataset
from pacs.envs.causal_dag import DagEnvConfig
from pacs.experiments import dag
from pacs.models.transformer import save_checkpoint
from pacs.runtime import configure_logging, pick_device, provenance, set_threads
from pacs.tables import write_table
from pacs.train import TrainConfig, train

configure_logging(snakemake.log[0])
set_threads(snakemake.threads)
seed = int(snakemake.wildcards.seed)
params = snakemake.params
model = dag.build_agent(DagEnvConfig.from_dict(params.env), params.model, seed)
training_log = train(
    model,
    load_dataset(snakemake.input.train),
    {name: load_dataset(snakemake.input[name]) for name in ("val_in_distribution", "val_held_out")},
    TrainConfig(**params.train),
    seed=seed,
    device=pick_device(params.device),
)
save_checkpoint(snakemake.output.model, model, provenance({"model": params.model, "train": params.train}, seed))
training_log.insert(0, "seed", seed)
write_table(training_log, snakemake.output.training_log)
