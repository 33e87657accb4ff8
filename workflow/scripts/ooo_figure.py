"""Rule ooo_figure: the C3 figure (test accuracy and dimension following, with CIs)."""

from pacs.analysis import PLANS
from pacs.figures import policy_comparison_figure
from pacs.runtime import configure_logging
from pacs.tables import read_table

configure_logging(snakemake.log[0])
plan = PLANS["ooo"]
policy_comparison_figure(
    read_table(snakemake.input.summary, ("metric", "subset", "policy", "split", "mean", "ci_low", "ci_high")),
    policies=plan.policies, splits=plan.splits, panels=plan.panels,
    out_paths=[snakemake.output.pdf, snakemake.output.png], title=plan.title,
)
