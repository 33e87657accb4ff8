"""Rule c6_fusion_active_test: the learner and the fusion expert, given the same observational samples."""

from pacs.experiments import dag, data_fusion, regimes
from pacs.models.transformer import load_checkpoint
from pacs.runtime import configure_logging, pick_device, set_threads
from pacs.tables import write_table

configure_logging(snakemake.log[0])
set_threads(snakemake.threads)
params, device = snakemake.params, pick_device(snakemake.params.device)
design = regimes.regime_design(params.env)
table = data_fusion.episode_table(
    load_checkpoint(snakemake.input.model, device), dag.read_eval_episodes(snakemake.input.episodes, design),
    design, params.settings, int(snakemake.wildcards.n_observational), int(snakemake.wildcards.seed), device,
)
write_table(table, snakemake.output[0])
