"""Rule report_numbers: one claim's generated LaTeX (results and verdict macros) and verdict rows,
from its statistics tables (pacs.claims: the claim's spec decides what they say)."""

from pacs import report
from pacs.claims.registry import REGISTRY
from pacs.claims.spec import assess_training, load_tables
from pacs.runtime import configure_logging
from pacs.tables import write_table

configure_logging(snakemake.log[0])
claim = REGISTRY[snakemake.wildcards.claim]
params = snakemake.params
trained = assess_training(snakemake.input, params.expert_imitators, params.expert_agreement_floor)
numbers = claim.report_numbers(load_tables(claim, snakemake.input), trained, params.settings)
report.write_tex(snakemake.output.results, numbers.results)
report.write_tex(snakemake.output.verdict, numbers.verdict)
write_table(numbers.verdict_rows, snakemake.output.verdict_row)
