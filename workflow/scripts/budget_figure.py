"""Rule budget_figure: each claim's deciding contrast with its 95% CI against the model width."""

from pacs import budget
from pacs.figures import budget_figure
from pacs.runtime import configure_logging
from pacs.tables import read_table

configure_logging(snakemake.log[0])
budget_figure(read_table(snakemake.input.table, budget.BUDGET_ROW_COLUMNS), [snakemake.output.pdf])
