"""Rule causal_active_test: the trained agent acts in fresh episodes (closed loop)."""

from pacs.experiments import dag
from pacs.models.transformer import load_checkpoint
from pacs.runtime import configure_logging, pick_device, set_threads
from pacs.tables import write_table

configure_logging(snakemake.log[0])
set_threads(snakemake.threads)
device = pick_device(snakemake.params.device)
design = dag.make_design(snakemake.wildcards.experiment, snakemake.params.design)
model = load_checkpoint(snakemake.input.model, device)
episodes = dag.read_eval_episodes(snakemake.input.episodes, design)
write_table(dag.agent_table(model, episodes, design, int(snakemake.wildcards.seed), device), snakemake.output[0])
