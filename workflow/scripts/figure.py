"""Rule figure: one of a claim's figures (pacs.figures.FIGURES), from the statistics tables it names."""

from pacs.figures import FIGURES
from pacs.runtime import configure_logging
from pacs.tables import read_table

configure_logging(snakemake.log[0])
tables = {name: read_table(path) for name, path in snakemake.input.items()}
FIGURES[snakemake.wildcards.figure](tables, snakemake.params.settings, [snakemake.output.pdf, snakemake.output.png])
