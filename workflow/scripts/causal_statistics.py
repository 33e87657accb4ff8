"""Rule causal_statistics: tidy episode table -> summaries and paired contrasts with CIs."""

import pandas as pd

from pacs import analysis
from pacs.runtime import configure_logging
from pacs.stats import BootstrapSettings
from pacs.tables import read_training_log, write_table

configure_logging(snakemake.log[0])
settings = BootstrapSettings(**snakemake.params.stats)
plan = analysis.PLANS[snakemake.wildcards.experiment]
episodes = analysis.prepare(
    analysis.read_episode_tables([*snakemake.input.agent, *snakemake.input.baselines]), plan
)
write_table(episodes, snakemake.output.episodes)
write_table(analysis.summary_table(episodes, plan, settings), snakemake.output.summary)
write_table(analysis.contrast_table(episodes, plan, settings), snakemake.output.contrasts)
logs = pd.concat([read_training_log(p) for p in snakemake.input.training_logs])
write_table(analysis.training_summary(logs, settings), snakemake.output.training)
