"""Rule c4_statistics: C4 summaries per policy and split, contrasts, explanation effects."""

from dataclasses import replace

import pandas as pd

from pacs import analysis
from pacs.labels import pretrained_label, pretrained_policy
from pacs.runtime import configure_logging
from pacs.stats import BootstrapSettings
from pacs.tables import read_training_log, write_table

configure_logging(snakemake.log[0])
settings = BootstrapSettings(**snakemake.params.stats)
inputs = snakemake.input
episodes = analysis.read_episode_tables([*inputs.pipeline, *inputs.pretrained, *inputs.baselines],
                                        analysis.LM_EPISODE_COLUMNS)
params = snakemake.params
plan = analysis.lm_plan(pretrained_label(params.model_name), params.shots, params.splits)
write_table(episodes, snakemake.output.episodes)
write_table(analysis.summary_table(episodes, plan, settings), snakemake.output.summary)
# contrasts from each LM's best-informed condition: the pipeline LM and the pretrained LM
# with explanations and the most shots
references = [plan.reference, pretrained_policy(pretrained_label(params.model_name), max(params.shots), "with")]
write_table(pd.concat([analysis.contrast_table(episodes, replace(plan, reference=reference,
                                                                  comparisons=tuple(p for p in plan.policies
                                                                                    if p != reference)), settings)
                       for reference in references], ignore_index=True),
            snakemake.output.contrasts)
write_table(analysis.explanation_contrasts(episodes, ("reward_over_optimal", "optimal_choice"), settings,
                                           by=("model", "shots", "split")),
            snakemake.output.explanation_contrasts)
conditions = params.log_conditions  # training log -> with or without explanations
logs = pd.concat([read_training_log(path).assign(condition=conditions[path]) for path in inputs.training_logs])
write_table(
    pd.concat([analysis.training_summary(rows, settings).assign(condition=condition)
               for condition, rows in logs.groupby("condition")]),
    snakemake.output.training,
)
