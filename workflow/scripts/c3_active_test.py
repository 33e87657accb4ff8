"""Rule c3_active_test: one condition's agent in the deconfounded test episodes."""

from pacs.envs.odd_one_out import OddOneOutConfig
from pacs.experiments import odd_one_out
from pacs.models.transformer import load_checkpoint
from pacs.runtime import configure_logging, pick_device, set_threads
from pacs.tables import write_table

configure_logging(snakemake.log[0])
set_threads(snakemake.threads)
device, wildcards = pick_device(snakemake.params.device), snakemake.wildcards
table = odd_one_out.agent_table(
    load_checkpoint(snakemake.input.model, device), odd_one_out.read_eval_episodes(snakemake.input.episodes),
    OddOneOutConfig.from_dict(snakemake.params.env), int(wildcards.seed), wildcards.confounding,
    wildcards.explanations, device,
)
write_table(table, snakemake.output[0])
