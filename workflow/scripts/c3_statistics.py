"""Rule c3_statistics: test-trial summaries per condition and explanation contrasts."""

import pandas as pd

from pacs import analysis
from pacs.runtime import configure_logging
from pacs.stats import BootstrapSettings
from pacs.tables import read_training_log, write_table

configure_logging(snakemake.log[0])
settings = BootstrapSettings(**snakemake.params.stats)
plan = analysis.PLANS["c3"]
episodes = analysis.read_episode_tables([*snakemake.input.agent, *snakemake.input.baselines],
                                        analysis.C3_EPISODE_COLUMNS)
write_table(episodes, snakemake.output.episodes)
write_table(analysis.summary_table(episodes, plan, settings), snakemake.output.summary)
write_table(analysis.explanation_contrasts(episodes, ("test_correct", "follows_other"), settings),
            snakemake.output.contrasts)
conditions = snakemake.params.log_conditions  # training log -> its condition
logs = pd.concat([read_training_log(path).assign(condition=conditions[path]) for path in snakemake.input.training_logs])
write_table(analysis.learner_training_summary(logs, settings), snakemake.output.training)
