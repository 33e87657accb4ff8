"""Rule sweep_appendix: the report's sweep appendix from the committed tuning record, each
experiment marked current, stale or without a record."""

from pacs import report, tuning
from pacs.claims.registry import REGISTRY
from pacs.runtime import configure_logging

configure_logging(snakemake.log[0])
record = tuning.read_record(snakemake.params.record)
states = tuning.status(record, snakemake.params.inputs)
# each swept learner as its claim names it
names = {claim.id: claim.sweep_label for claim in REGISTRY.values() if claim.sweep_label}
report.write_tex(snakemake.output.tex, tuning.appendix_tex(record, states, snakemake.params.record, names))
