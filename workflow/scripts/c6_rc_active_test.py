"""Rule c6_rc_active_test: a return-conditioning learner acts closed loop on the shared test episodes."""

from pacs.experiments import dag, regimes, return_conditioning
from pacs.models.transformer import load_checkpoint
from pacs.runtime import configure_logging, pick_device, set_threads
from pacs.tables import write_table

configure_logging(snakemake.log[0])
set_threads(snakemake.threads)
params, device = snakemake.params, pick_device(snakemake.params.device)
design = regimes.regime_design(params.env)
table = return_conditioning.agent_table(
    load_checkpoint(snakemake.input.model, device), dag.read_eval_episodes(snakemake.input.episodes, design),
    design, params.settings, snakemake.wildcards.rc_learner, int(snakemake.wildcards.seed), device,
)
write_table(table, snakemake.output[0])
