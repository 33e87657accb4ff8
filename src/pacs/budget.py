"""Budget sensitivity: the deciding contrast of a claim at several model widths (pandas only).

A budget is a width multiplier applied to a model's ``d_model`` and ``d_mlp``
(config ``budgets.width_multipliers``; ``pacs.config.scaled_model``). The budget of multiplier 1 is the main
experiment itself (its learners are reused, not retrained); every other budget
trains its own learners on the same data and meets the same test episodes.

At each budget a claim is called by its own rule (``pacs.verdicts``) on that
budget's contrasts, restricted to what decides it:

- C1: the agent on the held-out-link splits against the associational baselines
  and the expert (the whole C1 rule); the plotted effect is agent minus expert on
  the held-out-link-goal split;
- C3: explanations when trained deconfounded (the C3 rule on that confounding alone);
  the plotted effect is with minus without explanations;
- C4: the pipeline LM trained with explanations against random and correlational
  choices and the expert (the C4 strategy rule); the plotted effect is the
  pipeline LM minus the expert on the held-out-link-goal split.

Each budget's verdict is qualified by its learners' adequacy (``pacs.adequacy``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from pacs import adequacy, report
from pacs.analysis import (
    EPISODE_COLUMNS,
    LM_EPISODE_COLUMNS,
    AnalysisPlan,
    contrast_table,
    explanation_contrasts,
    prepare,
)
from pacs.claims.c1 import PLAN as C1_PLAN, above_rule as c1_rule
from pacs.claims.c3 import EPISODE_COLUMNS as C3_EPISODE_COLUMNS, explanation_rule as c3_rule
from pacs.claims.c4 import LM_BASELINES, strategy_rule as c4_strategy_rule
from pacs.labels import pipeline_lm_policy
from pacs.stats import BootstrapSettings
from pacs.verdicts import (
    BenefitRule,
    beat_and_approach_verdict,
    benefit_verdict,
)

C4_SUBJECT = "pipeline LM (with explanations)"
C3_CONFOUNDING = "deconfounded"
SENSITIVITY_COLUMN = "same verdict at the two largest budgets"
BUDGET_ROW_COLUMNS = ("claim", "budget", "multiplier", "d_model", "effect_label", "effect", "ci_low", "ci_high",
                      "n_seeds", "margin", "verdict", "reason")
# the columns each claim's episode tables must have (pacs.analysis.read_episode_tables)
CLAIM_EPISODE_COLUMNS = {"c1": EPISODE_COLUMNS, "c3": C3_EPISODE_COLUMNS, "c4": LM_EPISODE_COLUMNS}


@dataclass(frozen=True)
class DecidingContrast:
    """The contrast plotted against budget: the row of a contrast table with
    ``metric`` and ``group_col == group`` (and ``other``, where given)."""

    claim: str  # "C1"
    metric: str
    group_col: str
    group: str
    other: str | None
    label: str  # LaTeX
    verdict_rows: tuple[str, ...]  # the macro prefixes of the verdict rows this analysis qualifies


def _c4_plan(splits) -> AnalysisPlan:
    return AnalysisPlan(metrics=("reward_over_optimal",), reference=pipeline_lm_policy("with"),
                        comparisons=LM_BASELINES, splits=tuple(splits), episode_sets=("all",), panels=(),
                        title="C4 budget")


@dataclass(frozen=True)
class BudgetAnalysis:
    """How one claim is called at a budget: ``contrasts(episodes, settings, splits)``
    by the experiment's own statistics functions, ``rule(verdicts, chosen)`` its
    verdict rule as ``pacs.verdicts`` builds it from the claim's ``verdict`` config
    block (``chosen``), and the contrast it plots."""

    contrasts: Callable[[pd.DataFrame, BootstrapSettings, tuple], pd.DataFrame]
    rule: Callable[[dict, tuple], object]
    deciding: DecidingContrast


ANALYSES = {
    "c1": BudgetAnalysis(
        lambda episodes, settings, splits: contrast_table(prepare(episodes, C1_PLAN), C1_PLAN, settings),
        lambda verdicts, chosen: c1_rule(verdicts, chosen),
        DecidingContrast("C1", "reward_over_optimal", "split", "held_out_link_goal", "expert",
                         "agent $-$ expert, reward/optimal (held-out-link goal)", ("COne",))),
    "c3": BudgetAnalysis(
        lambda episodes, settings, splits: explanation_contrasts(episodes, ("test_correct",), settings),
        # budget learners are trained on deconfounded data only
        lambda verdicts, chosen: c3_rule(verdicts, {**chosen, "confounding": [C3_CONFOUNDING]}),
        DecidingContrast("C3", "test_correct", "confounding", C3_CONFOUNDING, None,
                         "with $-$ without explanations, test-trial accuracy (deconfounded)", ("CThree",))),
    "c4": BudgetAnalysis(
        lambda episodes, settings, splits: contrast_table(episodes, _c4_plan(splits), settings),
        lambda verdicts, chosen: c4_strategy_rule(verdicts, chosen, C4_SUBJECT),
        DecidingContrast("C4", "reward_over_optimal", "split", "held_out_link_goal", "expert",
                         "pipeline LM $-$ expert, reward/optimal (held-out-link goal)",
                         # the budget LMs are read on every split together: both strategy rows
                         ("CFourPipelineRuns", "CFourPipelineGeneralizes"))),
}
BUDGET_CLAIMS = tuple(ANALYSES)
DECIDING = {claim: analysis.deciding for claim, analysis in ANALYSES.items()}


def analysis_of(claim: str) -> BudgetAnalysis:
    if claim not in ANALYSES:
        raise ValueError(f"no budget analysis for claim {claim!r} (known: {', '.join(BUDGET_CLAIMS)})")
    return ANALYSES[claim]


def budget_name(multiplier: float) -> str:
    """The name of a budget in file paths: ``x0.5``, ``x1``, ``x2``."""
    return f"x{multiplier:g}"


def multiplier_of(name: str) -> float:
    return float(name.removeprefix("x"))


def is_main(name: str) -> bool:
    """The budget of multiplier 1 is the main experiment's own learners."""
    return multiplier_of(name) == 1.0


def claim_contrasts(claim: str, episodes: pd.DataFrame, settings: BootstrapSettings, splits=()) -> pd.DataFrame:
    """The contrasts a claim's budget verdict rests on (``ANALYSES``; see the module docstring)."""
    return analysis_of(claim).contrasts(episodes, settings, tuple(splits))


def claim_rule(claim: str, verdicts: dict, chosen: dict):
    """The claim's verdict rule as the budget analysis applies it (see the module docstring),
    with the choices of its ``<claim>.verdict`` config block (``chosen``)."""
    return analysis_of(claim).rule(verdicts, chosen)


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


def budget_verdict_row(claim: str, budget: str, model: dict, contrasts: pd.DataFrame, verdicts: dict,
                       training_logs, chosen: dict, expert_imitators=()) -> dict:
    """One row of the budget table: the budget (name, multiplier, d_model), the
    deciding contrast with its 95% CI and seeds, and the claim's verdict at this
    budget, qualified by its learners' adequacy (``expert_imitators``, among the
    training logs, held to ``verdicts["expert_agreement_floor"]``)."""
    rule = claim_rule(claim, verdicts, chosen)
    if isinstance(rule, BenefitRule):
        verdict = benefit_verdict(contrasts, rule)
    else:
        verdict = beat_and_approach_verdict(contrasts, rule)
    trained = adequacy.assess(training_logs, expert_imitators, verdicts["expert_agreement_floor"])
    verdict = adequacy.qualify(verdict, trained)
    deciding = DECIDING[claim]
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


def annotate_verdicts(verdict_rows: pd.DataFrame, summary: pd.DataFrame) -> pd.DataFrame:
    """The verdict table with ``budget_sensitivity``: for the rows each budget analysis
    qualifies (by claim and macro prefix, ``DecidingContrast.verdict_rows``), "same verdict
    at the two largest budgets: yes/no"; empty elsewhere."""
    note = pd.Series("", index=verdict_rows.index)
    for claim_key, deciding in DECIDING.items():
        found = summary[summary.claim == deciding.claim]
        if found.empty:
            continue
        rows = (verdict_rows.claim == deciding.claim) & verdict_rows.prefix.isin(deciding.verdict_rows)
        note[rows] = f"{SENSITIVITY_COLUMN}: {found.iloc[0].same}"
    return verdict_rows.assign(budget_sensitivity=note)


def budget_tex(rows: pd.DataFrame, sensitivity_rows: pd.DataFrame) -> str:
    """The report's macros: ``BudgetTable`` (one row per claim and budget),
    ``BudgetSensitivityTable`` (per claim: the verdicts at its two largest budgets
    and whether they agree) and ``BudgetMultipliers``."""
    body = [[r.claim, r.budget, str(int(r.d_model)), r.effect_label, report.fmt_ci(r.effect, r.ci_low, r.ci_high),
             str(int(r.n_seeds)), r.verdict] for r in rows.itertuples()]
    table = report.tabular(["", "budget", "$d_{\\mathrm{model}}$", "deciding contrast", "effect [95\\% CI]", "seeds",
                            "verdict at this budget"], body,
                           "ll r>{\\raggedright\\arraybackslash}p{4.2cm}cc>{\\raggedright\\arraybackslash}p{2.2cm}")
    same = report.tabular(["", "two largest budgets", "their verdicts", "same verdict"],
                          [[r.claim, r.budgets, r.verdicts, r.same] for r in sensitivity_rows.itertuples()], "lllc")
    multipliers = ", ".join(f"{m:g}" for m in sorted(set(rows.multiplier)))
    return "\n".join([report.macro("BudgetTable", table), report.macro("BudgetSensitivityTable", same),
                      report.macro("BudgetMultipliers", multipliers)])
