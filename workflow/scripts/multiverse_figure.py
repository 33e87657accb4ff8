"""Rule multiverse_figure: one claim's specification curve (pacs.figures.specification_curve_figure)
from its universe table (rule multiverse)."""

from pacs.figures import specification_curve_figure
from pacs.claims.multiverse import UNIVERSE_COLUMNS
from pacs.runtime import configure_logging
from pacs.tables import read_table

configure_logging(snakemake.log[0])
claim = snakemake.wildcards.claim
rows = read_table(snakemake.input.universes, UNIVERSE_COLUMNS)
specification_curve_figure(rows, [snakemake.output.pdf], f"{claim.upper()}: verdicts in every universe")
