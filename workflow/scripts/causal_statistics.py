"""Rule causal_statistics: C1's or C2's episode tables -> summaries and paired contrasts with CIs, training summary (the claim's statistics, ``pacs.claims.c1.causal_statistics``)."""

from pacs.claims import c1, c2
from pacs.runtime import configure_logging
from pacs.tables import write_tables

configure_logging(snakemake.log[0])
spec = {"c1": c1.SPEC, "c2": c2.SPEC}[snakemake.wildcards.experiment]
inputs, params, outputs = (dict(named.items()) for named in (snakemake.input, snakemake.params, snakemake.output))
write_tables(spec.statistics(inputs, params), outputs)
