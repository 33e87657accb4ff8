"""Rule budget_verdict: one claim at one budget -> its contrasts and its verdict row (pacs.budget),
by the budget analysis its spec declares (pacs.claims.<claim>, ``Claim.budget``)."""

import pandas as pd

from pacs import budget
from pacs.analysis import read_episode_tables
from pacs.claims.registry import REGISTRY
from pacs.runtime import configure_logging
from pacs.stats import BootstrapSettings
from pacs.tables import write_table

configure_logging(snakemake.log[0])
params, inputs, claim = snakemake.params, snakemake.input, snakemake.wildcards.claim
analysis = REGISTRY[claim].budget
episodes = read_episode_tables([*inputs.agent, *inputs.baselines], analysis.episode_columns)
contrasts = budget.claim_contrasts(analysis, episodes, BootstrapSettings(**params.stats), params.rule.get("splits", ()))
write_table(contrasts, snakemake.output.contrasts)
row = budget.budget_verdict_row(analysis, snakemake.wildcards.budget, params.model, contrasts, params.verdicts,
                                inputs.training_logs, params.rule, params.expert_imitators)
write_table(pd.DataFrame([row]), snakemake.output.verdict)
