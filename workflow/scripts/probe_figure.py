"""Rule probe_figure: C5 accuracy per task and condition, and syllogism acceptance beside humans
(items of an extra stimulus file as their own points, named by the file)."""

from pacs.experiments.content_effects import CONDITION_ORDER
from pacs.figures import content_effect_figure
from pacs.probes.analysis import SCORE_NAMES, with_respondent, with_source
from pacs.runtime import configure_logging
from pacs.tables import read_table

configure_logging(snakemake.log[0])
params = snakemake.params
score = params.primary_score
accuracy = with_source(with_respondent(read_table(snakemake.input.accuracy))).query("score == @score")
acceptance = with_source(with_respondent(read_table(snakemake.input.acceptance))).query("score == @score")
content_effect_figure(accuracy, acceptance, CONDITION_ORDER, params.human["syllogism_acceptance"],
                      [snakemake.output.pdf, snakemake.output.png],
                      f"Content effects on reasoning ({SCORE_NAMES[score]} choices); 95% CIs, seeds crossed with items")
