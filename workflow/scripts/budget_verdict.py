"""Rule budget_verdict: one claim at one budget -> its contrasts and its verdict row (pacs.budget)."""

import pandas as pd

from pacs import budget
from pacs.analysis import read_episode_tables
from pacs.runtime import configure_logging
from pacs.stats import BootstrapSettings
from pacs.tables import write_table

configure_logging(snakemake.log[0])
params, inputs, claim = snakemake.params, snakemake.input, snakemake.wildcards.claim
episodes = read_episode_tables([*inputs.agent, *inputs.baselines], budget.CLAIM_EPISODE_COLUMNS[claim])
contrasts = budget.claim_contrasts(claim, episodes, BootstrapSettings(**params.stats), params.rule.get("splits", ()))
write_table(contrasts, snakemake.output.contrasts)
row = budget.budget_verdict_row(claim, snakemake.wildcards.budget, params.model, contrasts, params.verdicts,
                                inputs.training_logs, params.rule, params.expert_imitators)
write_table(pd.DataFrame([row]), snakemake.output.verdict)
