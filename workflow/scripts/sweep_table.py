"""Rule sweep_table: every sweep configuration's validation loss -> the table and the choice (the
report prints them from the tuning record: rules tuning_record, sweep_appendix)."""

import pandas as pd

from pacs import sweep
from pacs.runtime import configure_logging
from pacs.tables import read_training_log, write_table

configure_logging(snakemake.log[0])
configured = snakemake.params.configured
rows = []
for (experiment, lr, d_model, dropout), path in zip(snakemake.params.points, snakemake.input.training_logs):
    rows.append(sweep.sweep_row(experiment, float(lr), int(d_model) / configured[experiment]["d_model"],
                                int(d_model), float(dropout), read_training_log(path)))
table = sweep.choose(pd.DataFrame(rows, columns=sweep.SWEEP_ROW_COLUMNS))
seed_logs = {}
for experiment, path in zip(snakemake.params.seed_log_experiments, snakemake.input.seed_logs):
    seed_logs.setdefault(experiment, {})[path] = read_training_log(path)
agreement = sweep.agreement(table, configured, {e: sweep.seed_spread(logs) for e, logs in seed_logs.items()})
write_table(table, snakemake.output.table)
write_table(agreement, snakemake.output.agreement)
