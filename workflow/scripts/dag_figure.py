"""Rule dag_figure: the C1 figure (reward/optimal and optimal-choice rate with CIs)."""

from pacs.analysis import DAG_COMPARISONS, DAG_REFERENCE
from pacs.figures import policy_comparison_figure
from pacs.labels import SPLIT_ORDER
from pacs.runtime import configure_logging
from pacs.tables import read_table

configure_logging(snakemake.log[0])
policy_comparison_figure(
    read_table(snakemake.input.summary, ("metric", "subset", "policy", "split", "mean", "ci_low", "ci_high")),
    policies=[DAG_REFERENCE, *DAG_COMPARISONS],
    splits=SPLIT_ORDER,
    panels=[("reward_over_optimal", "all"), ("optimal_choice", "diagnostic")],
    out_paths=[snakemake.output.pdf, snakemake.output.png],
    title="C1: imitation agent acting in held-out causal graphs (95% hierarchical-bootstrap CIs)",
)
