"""Rule c5_statistics: C5 accuracies, acceptance rates, content effects, corpus contrasts, Wason categories, regressions (the claim's statistics, ``pacs.claims.c5.statistics``)."""

from pacs.claims.c5 import SPEC
from pacs.runtime import configure_logging
from pacs.tables import write_tables

configure_logging(snakemake.log[0])
inputs, params, outputs = (dict(named.items()) for named in (snakemake.input, snakemake.params, snakemake.output))
write_tables(SPEC.statistics(inputs, params), outputs)
