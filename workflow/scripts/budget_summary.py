"""Rule budget_summary: every claim's budget rows -> one table, the sensitivity per claim, and their LaTeX."""

import pandas as pd

from pacs import budget, report
from pacs.runtime import configure_logging
from pacs.tables import read_table, write_table

configure_logging(snakemake.log[0])
# no rows when budgets.claims is empty: the tables are empty and the LaTeX says so
tables = [read_table(p, budget.BUDGET_ROW_COLUMNS) for p in snakemake.input.rows]
rows = pd.concat(tables, ignore_index=True) if tables else pd.DataFrame(columns=list(budget.BUDGET_ROW_COLUMNS))
rows = rows.sort_values(["claim", "multiplier"], ignore_index=True)
sensitivity = budget.sensitivity(rows)
write_table(rows, snakemake.output.table)
write_table(sensitivity, snakemake.output.sensitivity)
report.write_tex(snakemake.output.tex, budget.budget_tex(rows, sensitivity))
