"""Verdicts: rules that turn statistics tables into a claim's verdict (pure pandas).

Each rule is stated in words (``rule_text``) that the report prints beside it, so
a reader can check the verdict against the numbers.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import pandas as pd

SUPPORTED, NOT_SUPPORTED, INCONCLUSIVE = "supported", "not supported", "inconclusive"
C1_SPLITS = ("held_out", "held_out_link_goal")


@dataclass
class Verdict:
    claim: str
    test: str
    effect_label: str
    effect: float
    ci_low: float
    ci_high: float
    p_holm: float
    verdict: str
    reason: str

    def as_row(self) -> dict:
        return asdict(self)


def c1_rule_text(margin: float, alpha: float, associational) -> str:
    names = ", ".join(associational)
    return (
        f"C1 is supported when, on both held-out splits, the agent's reward/optimal exceeds every "
        f"associational or heuristic baseline ({names}) with a Holm-adjusted p below {alpha:g} and a "
        f"95\\% CI above zero, and the expert's advantage over the agent has its whole CI below "
        f"{margin:g}. It is not supported when some such baseline is significantly better than the "
        f"agent, or the expert's advantage has its whole CI above {margin:g}; otherwise it is inconclusive."
    )


def c1_verdict(contrasts: pd.DataFrame, margin: float, alpha: float, associational) -> Verdict:
    """Apply the C1 rule to the agent-minus-policy contrasts (metric reward_over_optimal,
    all episodes)."""
    rows = contrasts[(contrasts.metric == "reward_over_optimal") & (contrasts.subset == "all")]
    rows = rows[rows.split.isin(C1_SPLITS)]
    versus_assoc = rows[rows.other.isin(associational)]
    versus_expert = rows[rows.other == "expert"]
    if versus_assoc.empty or versus_expert.empty:
        raise ValueError("C1 needs agent-vs-baseline contrasts on the held-out splits")
    beats = ((versus_assoc.ci_low > 0) & (versus_assoc.p_holm < alpha)).all()
    loses = ((versus_assoc.ci_high < 0) & (versus_assoc.p_holm < alpha)).any()
    # agent - expert > -margin for the whole CI <=> expert advantage < margin
    near = (versus_expert.ci_low > -margin).all()
    far = (versus_expert.ci_high < -margin).any()
    weakest = versus_assoc.sort_values("diff").iloc[0]
    if beats and near:
        verdict, reason = SUPPORTED, "the agent beats every associational baseline and is near the expert"
    elif loses or far:
        verdict = NOT_SUPPORTED
        reason = (
            "an associational baseline is significantly better than the agent" if loses
            else "the agent is clearly further from the expert than the margin"
        )
    else:
        verdict, reason = INCONCLUSIVE, "the CIs do not settle every part of the rule"
    return Verdict(
        claim="C1",
        test="agent minus weakest-margin associational baseline, reward/optimal, held-out DAGs",
        effect_label=f"agent $-$ {weakest.other} ({weakest.split.replace('_', ' ')})",
        effect=float(weakest["diff"]),
        ci_low=float(weakest.ci_low),
        ci_high=float(weakest.ci_high),
        p_holm=float(weakest.p_holm),
        verdict=verdict,
        reason=reason,
    )
