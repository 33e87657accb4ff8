"""Rule c6_statistics: a C6 regime's episode tables -> summaries, paired contrasts, training summary."""

import pandas as pd

from pacs import analysis
from pacs.runtime import configure_logging
from pacs.stats import BootstrapSettings
from pacs.tables import read_training_log, write_table

configure_logging(snakemake.log[0])
settings = BootstrapSettings(**snakemake.params.stats)
episodes = analysis.read_episode_tables([*snakemake.input.agent, *snakemake.input.baselines])
summary, contrasts = analysis.c6_statistics(snakemake.wildcards.c6_regime, episodes, settings)
write_table(episodes, snakemake.output.episodes)
write_table(summary, snakemake.output.summary)
write_table(contrasts, snakemake.output.contrasts)
conditions = snakemake.params.log_conditions  # training log -> its learner
logs = pd.concat([read_training_log(path).assign(condition=conditions[path]) for path in snakemake.input.training_logs])
write_table(analysis.learner_training_summary(logs, settings), snakemake.output.training)
