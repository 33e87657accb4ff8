"""Rule verdict_table: one row per claim whose experiment has run, as LaTeX and CSV, and the
planning table (seeds needed for the configured power at each row's margin, and whether the
row's MDE at this preset is within that margin: a row beyond it is flagged underpowered)."""

import pandas as pd

from pacs import adequacy, budget, report
from pacs.claims import multiverse
from pacs.claims.registry import REGISTRY
from pacs.runtime import configure_logging
from pacs.tables import read_table, write_table
from pacs.verdicts import CLAIMS, MARGIN_SOURCES, adjust_across_claims, mde_within_margin, planning_table

configure_logging(snakemake.log[0])
rows = pd.concat([read_table(p, ("claim", "prefix", "verdict", "p_holm", "margin", "se", "n_seeds")) for p in snakemake.input.rows], ignore_index=True)
rows = adjust_across_claims(rows)
robust = pd.concat([read_table(p, ("prefix", "holds", "n", "flipped_by")) for p in snakemake.input.robustness],
                   ignore_index=True)
rows = rows.merge(robust.assign(robustness=robust.apply(multiverse.robustness_cell, axis=1))[["prefix", "robustness"]],
                  on="prefix", how="left")
rows.insert(1, "original_claim", rows.claim.map(CLAIMS))
rows = budget.annotate_verdicts(rows, read_table(snakemake.input.budget_sensitivity, ("claim", "same")),
                               [claim.budget.deciding for claim in REGISTRY.values() if claim.budget])
rows["mde_within_margin"] = mde_within_margin(rows)  # False: underpowered at this preset
write_table(rows, snakemake.output.table)
verdicts = snakemake.params.verdicts
plan = planning_table(rows, verdicts["alpha"], verdicts["planning_power"])
report.write_tex(snakemake.output.tex, "\n".join([
    report.macro("VerdictTable", report.verdict_table(rows)),
    report.macro("PlanningTable", report.planning_table(plan)),
    report.macro("PlanningPower", f"{100 * verdicts['planning_power']:g}"),
    report.macro("AdequacyRule", adequacy.rule_text(verdicts["expert_agreement_floor"])),
    report.macro("MarginTable", report.margin_table(verdicts, MARGIN_SOURCES)),
    report.macro("RuleValidationTable", report.rule_validation_table(rows)),
]))
