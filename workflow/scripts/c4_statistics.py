"""Rule c4_statistics: C4 summaries per policy and split, contrasts, explanation effects (the claim's statistics, ``pacs.claims.c4.statistics``)."""

from pacs.claims.c4 import SPEC
from pacs.runtime import configure_logging
from pacs.tables import write_tables

configure_logging(snakemake.log[0])
inputs, params, outputs = (dict(named.items()) for named in (snakemake.input, snakemake.params, snakemake.output))
write_tables(SPEC.statistics(inputs, params), outputs)
