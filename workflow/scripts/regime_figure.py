"""Rule regime_figure: the figure of one C6 regime."""

from pacs.figures import training_regime_figure
from pacs.runtime import configure_logging
from pacs.tables import read_table

configure_logging(snakemake.log[0])
training_regime_figure(
    snakemake.wildcards.c6_regime,
    read_table(snakemake.input.summary, ("metric", "policy", "split", "mean", "ci_low", "ci_high")),
    [snakemake.output.pdf, snakemake.output.png],
)
