"""Rule c3_statistics: test-trial summaries per condition and explanation contrasts (the claim's statistics, ``pacs.claims.c3.statistics``)."""

from pacs.claims.c3 import SPEC
from pacs.runtime import configure_logging
from pacs.tables import write_tables

configure_logging(snakemake.log[0])
inputs, params, outputs = (dict(named.items()) for named in (snakemake.input, snakemake.params, snakemake.output))
write_tables(SPEC.statistics(inputs, params), outputs)
