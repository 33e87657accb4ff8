"""Rule verdict_table: one row per claim whose experiment has run, as LaTeX and CSV."""

import pandas as pd

from pacs import adequacy, report
from pacs.runtime import configure_logging
from pacs.tables import read_table, write_table
from pacs.verdicts import CLAIMS

configure_logging(snakemake.log[0])
rows = pd.concat([read_table(p, ("claim", "verdict")) for p in snakemake.input.rows], ignore_index=True)
rows.insert(1, "original_claim", rows.claim.map(CLAIMS))
write_table(rows, snakemake.output.table)
report.write_tex(snakemake.output.tex, "\n".join([
    report.macro("VerdictTable", report.verdict_table(rows)),
    report.macro("AdequacyRule", adequacy.RULE_TEXT),
]))
