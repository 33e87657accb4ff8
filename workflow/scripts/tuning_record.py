"""Rule tuning_record: the sweep's tables beside the config values and code fingerprints that made them."""

from datetime import datetime, timezone

from pacs import tuning
from pacs.runtime import configure_logging, git_commit
from pacs.tables import read_table

configure_logging(snakemake.log[0])
record = tuning.build_record(
    read_table(snakemake.input.table, ("experiment", "val_loss", "chosen")),
    read_table(snakemake.input.agreement, ("experiment", "agrees")),
    snakemake.params.inputs,
    snakemake.params.preset,
    git_commit(),
    datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
)
tuning.write_record(record, snakemake.output.record)
