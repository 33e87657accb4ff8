"""Rule lm_figure: the C4 figure (language models vs baselines, with CIs)."""

from pacs.analysis import lm_plan
from pacs.figures import policy_comparison_figure
from pacs.labels import pretrained_label
from pacs.runtime import configure_logging
from pacs.tables import read_table

configure_logging(snakemake.log[0])
params = snakemake.params
plan = lm_plan(pretrained_label(params.model_name), params.shots, params.splits)
policy_comparison_figure(
    read_table(snakemake.input.summary, ("metric", "subset", "policy", "split", "mean", "ci_low", "ci_high")),
    policies=plan.policies, splits=plan.splits, panels=plan.panels,
    out_paths=[snakemake.output.pdf, snakemake.output.png], title=plan.title,
)
