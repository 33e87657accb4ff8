"""Budget sensitivity: the deciding contrast of a claim at several model widths (pandas only).

A budget is a width multiplier applied to a model's ``d_model`` and ``d_mlp``
(config ``budgets.width_multipliers``; ``pacs.config.scaled_model``). The budget of multiplier 1 is the main
experiment itself (its learners are reused, not retrained); every other budget
trains its own learners on the same data and meets the same test episodes.

A claim takes part by declaring a ``BudgetAnalysis`` in its spec (``pacs.claims.<id>``,
``Claim.budget``): the columns of its episode tables, the contrasts its verdict rests
on (its experiment's own statistics functions), its verdict rule restricted to what
decides it, and the one contrast plotted against budget (``DecidingContrast``), with
the verdict rows of the main report that this analysis qualifies. This module is the
machinery over such declarations and names no claim.

Each budget's verdict is qualified by its learners' adequacy (``pacs.adequacy``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from pacs import adequacy, report
from pacs.stats import BootstrapSettings
from pacs.verdicts import BenefitRule, beat_and_approach_verdict, benefit_verdict

SENSITIVITY_COLUMN = "same verdict at the two largest budgets"
BUDGET_ROW_COLUMNS = ("claim", "budget", "multiplier", "d_model", "effect_label", "effect", "ci_low", "ci_high",
                      "n_seeds", "margin", "verdict", "reason")


@dataclass(frozen=True)
class DecidingContrast:
    """The contrast plotted against budget: the row of a contrast table with
    ``metric`` and ``group_col == group`` (and ``other``, where given)."""

    claim: str  # the claim as the tables name it ("C" and its number)
    metric: str
    group_col: str
    group: str
    other: str | None
    label: str  # LaTeX
    verdict_rows: tuple[str, ...]  # the macro prefixes of the verdict rows this analysis qualifies


@dataclass(frozen=True)
class BudgetAnalysis:
    """How one claim is called at a budget (its spec's ``budget``): ``episode_columns``,
    the columns its episode tables must have (``pacs.analysis.read_episode_tables``);
    ``contrasts(episodes, settings, splits)`` by the experiment's own statistics
    functions; ``rule(verdicts, chosen)`` its verdict rule as ``pacs.verdicts`` builds it
    from the claim's ``verdict`` config block (``chosen``); and the contrast it plots."""

    episode_columns: tuple[str, ...]
    contrasts: Callable[[pd.DataFrame, BootstrapSettings, tuple], pd.DataFrame]
    rule: Callable[[dict, dict], object]
    deciding: DecidingContrast


def budget_name(multiplier: float) -> str:
    """The name of a budget in file paths: ``x0.5``, ``x1``, ``x2``."""
    return f"x{multiplier:g}"


def multiplier_of(name: str) -> float:
    return float(name.removeprefix("x"))


def is_main(name: str) -> bool:
    """The budget of multiplier 1 is the main experiment's own learners."""
    return multiplier_of(name) == 1.0


def claim_contrasts(analysis: BudgetAnalysis, episodes: pd.DataFrame, settings: BootstrapSettings,
                    splits=()) -> pd.DataFrame:
    """The contrasts a claim's budget verdict rests on (its ``BudgetAnalysis``)."""
    return analysis.contrasts(episodes, settings, tuple(splits))


def deciding_row(contrasts: pd.DataFrame, deciding: DecidingContrast) -> pd.Series:
    """The one row of ``contrasts`` that is the deciding contrast (one-line ValueError if absent)."""
    if deciding.group_col not in contrasts.columns:
        raise ValueError(f"{deciding.claim}: the contrast table has no column {deciding.group_col!r} "
                         "for the deciding contrast")
    rows = contrasts[(contrasts.metric == deciding.metric) & (contrasts[deciding.group_col] == deciding.group)]
    if "subset" in rows.columns:
        rows = rows[rows.subset == "all"]
    if deciding.other is not None:
        rows = rows[rows.other == deciding.other]
    if len(rows) != 1:
        raise ValueError(f"{deciding.claim}: expected one deciding contrast ({deciding.metric}, "
                         f"{deciding.group_col} {deciding.group!r}, vs {deciding.other}), found {len(rows)}")
    return rows.iloc[0]


def budget_verdict_row(analysis: BudgetAnalysis, budget: str, model: dict, contrasts: pd.DataFrame,
                       verdicts: dict, training_logs, chosen: dict, expert_imitators=()) -> dict:
    """One row of the budget table: the budget (name, multiplier, d_model), the
    deciding contrast with its 95% CI and seeds, and the claim's verdict at this
    budget by its ``analysis.rule`` with the choices of its ``verdict`` config block
    (``chosen``), qualified by its learners' adequacy (``expert_imitators``, among the
    training logs, held to ``verdicts["expert_agreement_floor"]``)."""
    rule = analysis.rule(verdicts, chosen)
    if isinstance(rule, BenefitRule):
        verdict = benefit_verdict(contrasts, rule)
    else:
        verdict = beat_and_approach_verdict(contrasts, rule)
    trained = adequacy.assess(training_logs, expert_imitators, verdicts["expert_agreement_floor"])
    verdict = adequacy.qualify(verdict, trained)
    deciding = analysis.deciding
    row = deciding_row(contrasts, deciding)
    return {
        "claim": deciding.claim, "budget": budget, "multiplier": multiplier_of(budget), "d_model": model["d_model"],
        "effect_label": deciding.label, "effect": float(row["diff"]), "ci_low": float(row.ci_low),
        "ci_high": float(row.ci_high), "n_seeds": int(row.n_seeds), "margin": rule.margin,
        "verdict": verdict.verdict, "reason": verdict.reason,
    }


def sensitivity(rows: pd.DataFrame) -> pd.DataFrame:
    """Per claim: the verdicts at its two largest budgets and whether they agree
    (``same``: "yes"/"no"; "--" with fewer than two budgets)."""
    out = []
    for claim, group in rows.groupby("claim", sort=True):
        top = group.sort_values("multiplier").tail(2)
        same = "--" if len(top) < 2 else ("yes" if top.verdict.nunique() == 1 else "no")
        out.append({"claim": claim, "budgets": ", ".join(top.budget), "verdicts": " / ".join(top.verdict),
                    "same": same})
    return pd.DataFrame(out, columns=["claim", "budgets", "verdicts", "same"])


def annotate_verdicts(verdict_rows: pd.DataFrame, summary: pd.DataFrame, decidings) -> pd.DataFrame:
    """The verdict table with ``budget_sensitivity``: for the rows each budget analysis
    qualifies (``decidings``: the claims' ``DecidingContrast``s; by claim and macro prefix,
    ``DecidingContrast.verdict_rows``), "same verdict at the two largest budgets: yes/no";
    empty elsewhere."""
    note = pd.Series("", index=verdict_rows.index)
    for deciding in decidings:
        found = summary[summary.claim == deciding.claim]
        if found.empty:
            continue
        rows = (verdict_rows.claim == deciding.claim) & verdict_rows.prefix.isin(deciding.verdict_rows)
        note[rows] = f"{SENSITIVITY_COLUMN}: {found.iloc[0].same}"
    return verdict_rows.assign(budget_sensitivity=note)


NOT_RUN_SENTENCE = ("No budget sensitivity was run at this preset (\\texttt{budgets.claims} is empty); "
                    "the extended tier (\\texttt{make extended}) runs it.")


def budget_tex(rows: pd.DataFrame, sensitivity_rows: pd.DataFrame) -> str:
    """The report's macros: ``BudgetTable`` (one row per claim and budget),
    ``BudgetSensitivityTable`` (per claim: the verdicts at its two largest budgets
    and whether they agree), ``BudgetMultipliers``, ``BudgetClaims`` (the claims named)
    and ``BudgetStatus`` (a sentence: which claims ran, or that none did). With no
    rows (``budgets.claims`` empty) the tables give way to that sentence."""
    if rows.empty:
        return "\n".join([report.macro("BudgetTable", "(none at this preset)"), report.macro("BudgetSensitivityTable", ""),
                          report.macro("BudgetMultipliers", "--"), report.macro("BudgetClaims", "none at this preset"),
                          report.macro("BudgetStatus", NOT_RUN_SENTENCE)])
    body = [[r.claim, r.budget, str(int(r.d_model)), r.effect_label, report.fmt_ci(r.effect, r.ci_low, r.ci_high),
             str(int(r.n_seeds)), r.verdict] for r in rows.itertuples()]
    table = report.tabular(["", "budget", "$d_{\\mathrm{model}}$", "deciding contrast", "effect [95\\% CI]", "seeds",
                            "verdict at this budget"], body,
                           "ll r>{\\raggedright\\arraybackslash}p{4.2cm}cc>{\\raggedright\\arraybackslash}p{2.2cm}")
    same = report.tabular(["", "two largest budgets", "their verdicts", "same verdict"],
                          [[r.claim, r.budgets, r.verdicts, r.same] for r in sensitivity_rows.itertuples()], "lllc")
    multipliers = ", ".join(f"{m:g}" for m in sorted(set(rows.multiplier)))
    claims = sorted(set(rows.claim))
    named = claims[0] if len(claims) == 1 else ", ".join(claims[:-1]) + " and " + claims[-1]
    return "\n".join([report.macro("BudgetTable", table), report.macro("BudgetSensitivityTable", same),
                      report.macro("BudgetMultipliers", multipliers), report.macro("BudgetClaims", named),
                      report.macro("BudgetStatus", f"At this preset the budget sensitivity runs for {named}.")])
