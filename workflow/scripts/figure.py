"""Rule figure: one of a claim's figures, drawn by the function of pacs.figures its spec names,
from the statistics tables it wired."""

import sys

from pacs import figures
from pacs.runtime import configure_logging
from pacs.tables import read_table

configure_logging(snakemake.log[0])
tables = {name: read_table(path) for name, path in snakemake.input.items()}
draw = getattr(figures, snakemake.params.draw, None)
if draw is None:
    sys.exit(f"pacs: figure {snakemake.wildcards.figure}: pacs.figures has no function {snakemake.params.draw!r}")
draw(tables, snakemake.params.settings, [snakemake.output.pdf, snakemake.output.png])
