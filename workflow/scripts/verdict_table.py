"""Rule verdict_table: one row per claim whose experiment has run, as LaTeX and CSV, and the
planning table (seeds needed for the configured power at each row's margin, and whether the
row's MDE at this preset is within that margin: a row beyond it is flagged underpowered)."""

import pandas as pd

from pacs import adequacy, budget, report
from pacs.claims import multiverse
from pacs.claims.registry import REGISTRY
from pacs.runtime import configure_logging
from pacs.tables import read_table, write_table
from pacs.verdicts import adjust_across_claims, mde_within_margin, planning_table

configure_logging(snakemake.log[0])
# one verdict-rows file per claim of the registry, in its order (the rule's input)
claims = list(REGISTRY.values())
tables = [read_table(p, ("claim", "prefix", "verdict", "p_holm", "margin", "se", "n_seeds")) for p in snakemake.input.rows]
rows = pd.concat(tables, ignore_index=True)
rows.insert(1, "original_claim", [claim.original_claim for claim, table in zip(claims, tables) for _ in range(len(table))])
rows = adjust_across_claims(rows)
robust = pd.concat([read_table(p, ("prefix", "holds", "n", "flipped_by")) for p in snakemake.input.robustness],
                   ignore_index=True)
rows = rows.merge(robust.assign(robustness=robust.apply(multiverse.robustness_cell, axis=1))[["prefix", "robustness"]],
                  on="prefix", how="left")
rows = budget.annotate_verdicts(rows, read_table(snakemake.input.budget_sensitivity, ("claim", "same")),
                               [claim.budget.deciding for claim in REGISTRY.values() if claim.budget])
rows["mde_within_margin"] = mde_within_margin(rows)  # False: underpowered at this preset
write_table(rows, snakemake.output.table)
verdicts = snakemake.params.verdicts
# each claim's margins (its verdict block's ``..._margin``/``..._threshold`` keys) and where they come from
margins = [(f"{claim.id}.verdict.{key}", snakemake.params.claim_verdicts[claim.id][key], source)
           for claim in claims for key, source in claim.margins.items()]
plan = planning_table(rows, verdicts["alpha"], verdicts["planning_power"])
report.write_tex(snakemake.output.tex, "\n".join([
    report.macro("VerdictTable", report.verdict_table(rows)),
    report.macro("PlanningTable", report.planning_table(plan)),
    report.macro("PlanningPower", f"{100 * verdicts['planning_power']:g}"),
    report.macro("AdequacyRule", adequacy.rule_text(verdicts["expert_agreement_floor"])),
    report.macro("MarginTable", report.margin_table(margins)),
    report.macro("RuleValidationTable", report.rule_validation_table(rows)),
]))
