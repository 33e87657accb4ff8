"""Rule c6_dagger_active_test: one arm's learner of one round acts closed loop on the shared test episodes."""

from pacs.data import load_metadata
from pacs.experiments import dag, dagger, regimes
from pacs.models.transformer import load_checkpoint
from pacs.runtime import configure_logging, pick_device, set_threads
from pacs.tables import write_table

configure_logging(snakemake.log[0])
set_threads(snakemake.threads)
params, wildcards, device = snakemake.params, snakemake.wildcards, pick_device(snakemake.params.device)
design = regimes.regime_design(params.env)
table = dagger.agent_table(
    load_checkpoint(snakemake.input.model, device), dag.read_eval_episodes(snakemake.input.episodes, design),
    design, wildcards.arm, int(wildcards.round), load_metadata(snakemake.input.train)["labelled_steps"],
    int(wildcards.seed), device,
)
write_table(table, snakemake.output[0])
