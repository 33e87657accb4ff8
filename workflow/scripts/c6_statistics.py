"""Rule c6_statistics: a C6 regime's episode tables -> summaries, paired contrasts, training summary (the claim's statistics, ``pacs.claims.c6.statistics``)."""

from pacs.claims.c6 import SPEC
from pacs.runtime import configure_logging
from pacs.tables import write_tables

configure_logging(snakemake.log[0])
inputs, params, outputs = (dict(named.items()) for named in (snakemake.input, snakemake.params, snakemake.output))
write_tables(SPEC.statistics(inputs, params), outputs)
