"""Rule multiverse_report: the report's multiverse section (per claim, the choice that matters
most, the design universes that ran and did not, and its specification curve), from every
claim's universe table (pacs.claims.multiverse)."""

from pacs import report
from pacs.claims import multiverse
from pacs.runtime import configure_logging
from pacs.tables import read_table

configure_logging(snakemake.log[0])
tables = {claim: read_table(path, multiverse.UNIVERSE_COLUMNS)
          for claim, path in zip(snakemake.params.claims, snakemake.input.universes)}
report.write_tex(snakemake.output.tex, multiverse.section(tables, lambda claim: f"figures/multiverse_{claim}.pdf",
                                                          snakemake.params.design))
