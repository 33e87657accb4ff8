"""Verdicts: rules that turn contrast tables into a claim's verdict (pure pandas).

Every claim tested on the agent uses one rule shape: on the splits that test
generalization, the agent must beat the named baselines and come within a margin
of a reference policy. One margin per rule defines both what counts as an effect
and what counts as none:

- an effect counts only when its 95% CI lies wholly beyond the margin (and its
  Holm-adjusted p is below alpha): an effect of [0.01, 0.03] under a margin of
  0.05 is too small to count;
- "no effect" (equivalence) is shown by two one-sided tests at level 0.05, i.e.
  the 90% CI lies wholly inside +/- margin; "near a reference" is the one-sided
  half of it (non-inferiority: the 90% CI's lower end above -margin).

Holm's family is the contrasts a rule reads (``rule_family``): a verdict adjusts the
p-values of exactly the rows it tests, never those of a figure panel, so adding a
comparison to a figure changes no verdict. A rule's choices (its metric, decisive
splits or groups, must-beat list, reference and respondent) are config keys under its
claim's section (``<claim>.verdict``), printed with the rule; so are its margins
(``..._margin``, ``..._threshold``), which the rule prints in its own words. The rules of
each claim are built in its own module (``pacs.claims.<claim>``) from these shapes.

A rule that names a row (split, baseline, group) the contrast table lacks raises
a one-line ValueError naming it: a verdict never rests on fewer rows than its rule
names. The rule is printed in the report beside the verdict (``rule_text``), so a
reader can check it against the numbers.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace

import numpy as np
import pandas as pd

from pacs.labels import METRIC_LABELS
from pacs.stats import holm, seeds_for_power

SUPPORTED, NOT_SUPPORTED, INCONCLUSIVE = "supported", "not supported", "inconclusive"
CANNOT_DECIDE = "cannot be decided by this design"
# a verdict row whose experiment this preset does not run (another tier's): a state, not a
# verdict; it has no numbers, and no count of verdicts (robustness, digests, plans) holds it
NOT_RUN = "not run at this preset"

# A claim's margins and thresholds sit in its own verdict block (``<claim>.verdict``) beside the
# rule's other choices, named ``..._margin`` or ``..._threshold``: the rules print them in their
# own words (and the report's margin table with their sources), not among the choices.
MARGIN_SUFFIXES = ("_margin", "_threshold")


def is_margin(key: str) -> bool:
    """Whether a key of a verdict block is a margin or threshold (``MARGIN_SUFFIXES``)."""
    return key.endswith(MARGIN_SUFFIXES)


def rule_choices(block: dict) -> dict:
    """A claim's verdict block without its margins and thresholds: the choices a rule prints
    beside itself and a claim's statistics read (the margins only its verdicts read)."""
    return {key: value for key, value in block.items() if not is_margin(key)}


def config_choices(section: str, rule: dict) -> str:
    """A rule's choices as the config keys that hold them, in LaTeX (margins left out:
    ``rule_choices``): ``<claim>.verdict.splits = held_out, held_out_link_goal; ...``."""
    def value(v) -> str:
        if isinstance(v, dict):
            return ", ".join(f"{k}: {value(x)}" for k, x in v.items())
        return ", ".join(map(str, v)) if isinstance(v, (list, tuple)) else str(v)
    return "; ".join(f"\\texttt{{{section}.{key}}} = {value(v)}"
                     for key, v in rule_choices(rule).items()).replace("_", "\\_")


def choices_sentence(choices: str) -> str:
    return f" Its choices (config): {choices}." if choices else ""


def metric_label(metric: str) -> str:
    return METRIC_LABELS.get(metric, metric.replace("_", " "))


def rule_family(rows: pd.DataFrame) -> pd.DataFrame:
    """``rows`` with ``p_holm`` recomputed as Holm's adjustment over exactly these rows
    (the contrasts a rule tests) from their unadjusted ``p_value``; rows without
    p-values keep the ``p_holm`` they came with."""
    if rows.empty or "p_value" not in rows.columns or rows["p_value"].isna().any():
        return rows
    return rows.assign(p_holm=holm(rows["p_value"].to_numpy(dtype=float)))


@dataclass(frozen=True)
class BeatAndApproachRule:
    claim: str
    metric: str
    metric_label: str
    splits: tuple[str, ...]
    must_beat: tuple[str, ...]
    reference: str  # the policy the agent should come close to
    margin: float
    alpha: float
    subject: str = "agent"  # what is tested (the agent, a language model)
    choices: str = ""  # the config keys that hold the rule's choices (config_choices)
    approach: bool = True  # False: only "beats every named baseline" (the reference is read by another row)

    def text(self) -> str:
        """The rule in words, as LaTeX (identifiers printed with spaces for underscores)."""
        split_words = " and ".join(s.replace("_", " ") for s in self.splits)
        baselines = ", ".join(b.replace("_", " ") for b in self.must_beat)
        near = (f" and the {self.reference}'s advantage over the {self.subject} is below {self.margin:g} "
                f"(non-inferiority: the whole 90\\% CI below {self.margin:g})") if self.approach else ""
        far = (f", or when the {self.reference}'s advantage has its whole 95\\% CI above {self.margin:g}"
               if self.approach else "")
        return (
            f"{self.claim} is supported when, on {split_words}, the {self.subject}'s {self.metric_label} exceeds "
            f"{baselines} by more than {self.margin:g} (the whole 95\\% CI above {self.margin:g}, Holm-adjusted $p$ "
            f"below {self.alpha:g}){near}. It is not supported when "
            f"one of those baselines is better than the {self.subject} (whole 95\\% CI beyond zero, Holm $p$ below "
            f"{self.alpha:g}), when the {self.subject} is equivalent to one of them (the whole 90\\% CI of the "
            f"difference inside $\\pm${self.margin:g}: two one-sided tests){far}; otherwise it is inconclusive. "
            f"Holm's family: the {len(self.splits) * len(self.must_beat)} baseline contrasts this rule tests."
            + choices_sentence(self.choices)
        )


@dataclass
class Verdict:
    claim: str
    test: str
    effect_label: str
    effect: float
    ci_low: float
    ci_high: float
    z: float
    p_holm: float
    mde: float  # smallest effect this design detects with 80% power (same contrast)
    verdict: str
    reason: str
    p_value: float = float("nan")  # the same contrast's p before any adjustment
    margin: float = float("nan")  # the rule's margin (smallest effect that counts)
    se: float = float("nan")  # standard error of the effect's test
    n_seeds: int = 0  # seeds behind the effect
    block: str = "replication"  # "replication" (a claim as its paper states it) or "extension" (ours)
    # the rule called on its controls (pacs.claims.controls): what each is, and the verdict it got
    positive_control: str = ""
    positive_verdict: str = ""
    negative_control: str = ""
    negative_verdict: str = ""

    def as_row(self) -> dict:
        return asdict(self)


def not_run_verdict(claim: str, test: str, effect_label: str, margin: float, reason: str) -> Verdict:
    """A verdict row this preset does not run (``NOT_RUN``): its test and deciding effect named
    as the rule would read them, no numbers (NaN, no seeds), ``reason`` saying why not."""
    nan = float("nan")
    return Verdict(claim=claim, test=test, effect_label=effect_label, effect=nan, ci_low=nan, ci_high=nan, z=nan,
                   p_holm=nan, mde=nan, verdict=NOT_RUN, reason=reason, margin=margin)


def decided(rows: pd.DataFrame) -> pd.Series:
    """Which verdict rows were run at this preset (every row whose verdict is not ``NOT_RUN``)."""
    return rows["verdict"] != NOT_RUN


def adjust_across_claims(rows: pd.DataFrame) -> pd.DataFrame:
    """The verdict table with ``p_all``: Holm's adjustment over all its rows of each
    row's p (already Holm-adjusted within its claim's family, so ``p_all`` controls
    the family-wise error over every contrast the table rests on). Rows without a
    p keep NaN and do not count."""
    p = rows["p_holm"].to_numpy(dtype=float)
    adjusted = np.full(len(p), np.nan)
    tested = ~np.isnan(p)
    if tested.any():
        adjusted[tested] = holm(p[tested])
    return rows.assign(p_all=adjusted)


def planning_table(rows: pd.DataFrame, level: float, power: float) -> pd.DataFrame:
    """Per verdict row: the seeds needed for ``power`` to detect a true difference of
    one margin (the distance between "no effect" and "counts as an effect") with the
    two-sided t-test at ``level``, given the SD of the per-seed values observed in
    this run (SE x sqrt(seeds)); beside the seeds used. Rows with fewer than 2
    seeds have no observed seed SD: NaN. For crossed contrasts (items shared by every seed) the SE also
    holds the item variance, which more seeds do not shrink, so there the number
    is optimistic (more items are needed as well when the item part is large). Rows not run
    at this preset (``NOT_RUN``) have no plan: they are left out."""
    rows = rows[decided(rows)] if "verdict" in rows.columns else rows
    seed_sd = rows["se"].to_numpy(dtype=float) * np.sqrt(rows["n_seeds"].to_numpy(dtype=float))
    seed_sd = np.where(rows["n_seeds"].to_numpy() >= 2, seed_sd, np.nan)
    needed = [seeds_for_power(sd, margin, level, power) for sd, margin in zip(seed_sd, rows["margin"])]
    plan = pd.DataFrame({"claim": rows["claim"], "effect_label": rows["effect_label"], "margin": rows["margin"],
                         "seed_sd": seed_sd, "n_seeds": rows["n_seeds"], "seeds_needed": needed})
    if "mde" in rows:
        plan = plan.assign(mde=rows["mde"], mde_within_margin=mde_within_margin(rows))
    return plan


def mde_within_margin(rows: pd.DataFrame) -> pd.Series:
    """Per verdict row: whether its minimum detectable effect (``mde``, 80% power at this
    preset's seeds and episodes) is at or below its ``margin``, the smallest effect that
    counts; False marks a row underpowered at this preset (an effect of one margin may go
    undetected), None a row without both numbers."""
    return pd.Series([None if pd.isna(mde) or pd.isna(margin) else bool(mde <= margin)
                      for mde, margin in zip(rows["mde"], rows["margin"])], index=rows.index, dtype=object)


def require_rows(rows: pd.DataFrame, column: str, names, claim: str, what: str) -> None:
    """One-line ValueError naming the first of ``names`` with no row in ``rows[column]``."""
    present = set(rows[column]) if column in rows.columns else set()
    for name in names:
        if name not in present:
            raise ValueError(f"{claim}: the contrast table has no {what} {name!r} ({column}); its rule names it")


def beyond(rows: pd.DataFrame, margin: float, alpha: float) -> pd.Series:
    """An effect that counts: whole 95% CI above ``margin`` and Holm p below alpha."""
    return (rows.ci_low > margin) & (rows.p_holm < alpha)


def reversed_beyond(rows: pd.DataFrame, margin: float, alpha: float) -> pd.Series:
    """An effect that counts in the wrong direction: whole 95% CI below ``-margin``."""
    return (rows.ci_high < -margin) & (rows.p_holm < alpha)


def equivalent(rows: pd.DataFrame, margin: float) -> pd.Series:
    """No effect by two one-sided tests at 0.05: the whole 90% CI inside +/- margin."""
    return (rows.ci90_low > -margin) & (rows.ci90_high < margin)


def beat_and_approach_verdict(contrasts: pd.DataFrame, rule: BeatAndApproachRule) -> Verdict:
    """Apply a rule to agent-minus-policy contrasts (episode set 'all')."""
    rows = contrasts[(contrasts.metric == rule.metric) & (contrasts.subset == "all")]
    require_rows(rows, "split", rule.splits, rule.claim, f"split with {rule.metric}")
    read = (*rule.must_beat, rule.reference) if rule.approach else rule.must_beat
    for split in rule.splits:
        require_rows(rows[rows.split == split], "other", read, rule.claim, f"contrast on split {split!r} with")
    rows = rows[rows.split.isin(rule.splits)]
    versus_baselines = rule_family(rows[rows.other.isin(rule.must_beat)])
    versus_reference = rows[rows.other == rule.reference] if rule.approach else rows.iloc[:0]
    beats = beyond(versus_baselines, rule.margin, rule.alpha).all()
    loses = reversed_beyond(versus_baselines, 0.0, rule.alpha).any()
    ties = equivalent(versus_baselines, rule.margin).any()
    near = (versus_reference.ci90_low > -rule.margin).all()  # reference - agent below the margin
    far = (versus_reference.ci_high < -rule.margin).any()
    if beats and near:
        verdict, reason = SUPPORTED, (f"the {rule.subject} beats every named baseline by more than the margin"
                                      + (f" and is near the {rule.reference}" if rule.approach else ""))
    elif loses:
        verdict, reason = NOT_SUPPORTED, f"a named baseline is significantly better than the {rule.subject}"
    elif ties:
        verdict, reason = NOT_SUPPORTED, f"the {rule.subject} is equivalent to a named baseline (within the margin)"
    elif far:
        verdict, reason = NOT_SUPPORTED, f"the {rule.subject} is clearly further from the {rule.reference} than the margin"
    else:
        verdict, reason = INCONCLUSIVE, "the CIs do not settle every part of the rule"
    weakest = versus_baselines.sort_values("diff").iloc[0]
    if rule.approach:
        gap = versus_reference.sort_values("diff").iloc[0]
        reason += (f"; largest {rule.reference} advantage: {-gap['diff']:.2f} "
                   f"[{-gap.ci_high:.2f}, {-gap.ci_low:.2f}] ({gap.split.replace('_', ' ')})")
    versus = f"{', '.join(rule.must_beat)} and {rule.reference}" if rule.approach else ", ".join(rule.must_beat)
    return Verdict(
        claim=rule.claim,
        test=f"{rule.subject} vs {versus}; {rule.metric_label}".replace("_", " "),
        effect_label=f"{rule.subject} $-$ {weakest.other} ({weakest.split})".replace("_", " "),
        effect=float(weakest["diff"]),
        ci_low=float(weakest.ci_low),
        ci_high=float(weakest.ci_high),
        z=float(weakest.z),
        p_holm=float(weakest.p_holm),
        mde=float(weakest.mde),
        verdict=verdict,
        reason=reason,
        p_value=float(weakest.p_value), margin=rule.margin, se=float(weakest.se), n_seeds=int(weakest.n_seeds),
    )


@dataclass(frozen=True)
class BenefitRule:
    """A manipulation (e.g. explanations) must raise a metric in every group."""

    claim: str
    metric: str
    metric_label: str
    manipulation: str
    groups: tuple[str, ...]
    group_col: str
    margin: float
    alpha: float
    versus: str = "none"  # what the manipulation is compared with
    contrast: str = "with $-$ without"  # how the effect is labelled
    choices: str = ""

    def text(self) -> str:
        groups = " and ".join(g.replace("_", " ") for g in self.groups)
        return (
            f"{self.claim} is supported when {self.manipulation} raise the {self.metric_label} in each of "
            f"{groups} by more than {self.margin:g} (paired difference with its whole 95\\% CI above "
            f"{self.margin:g} and a Holm-adjusted $p$ below {self.alpha:g}). It is not supported when "
            f"{self.manipulation} lower it somewhere by more than {self.margin:g} (whole 95\\% CI below "
            f"$-${self.margin:g}, Holm $p$ below {self.alpha:g}), or when every difference is equivalent to zero "
            f"(two one-sided tests: its whole 90\\% CI inside $\\pm${self.margin:g}); otherwise it is inconclusive. "
            f"Holm's family: the {len(self.groups)} contrasts this rule tests." + choices_sentence(self.choices)
        )


def benefit_verdict(contrasts: pd.DataFrame, rule: BenefitRule) -> Verdict:
    rows = contrasts[contrasts.metric == rule.metric] if "metric" in contrasts.columns else contrasts.iloc[:0]
    require_rows(rows, rule.group_col, rule.groups, rule.claim, f"group with {rule.metric}")
    rows = rule_family(rows[rows[rule.group_col].isin(rule.groups)])
    helps = beyond(rows, rule.margin, rule.alpha).all()
    hurts = reversed_beyond(rows, rule.margin, rule.alpha).any()
    null = equivalent(rows, rule.margin).all()
    if helps:
        verdict, reason = SUPPORTED, f"{rule.manipulation} raise it by more than the margin in every group"
    elif hurts:
        verdict, reason = NOT_SUPPORTED, f"{rule.manipulation} lower it by more than the margin in some group"
    elif null:
        verdict, reason = NOT_SUPPORTED, f"every effect of {rule.manipulation} is equivalent to zero (within the margin)"
    else:
        verdict, reason = INCONCLUSIVE, "the CIs do not settle every part of the rule"
    weakest = rows.sort_values("diff").iloc[0]
    return Verdict(
        claim=rule.claim,
        test=f"{rule.manipulation} vs {rule.versus}, {rule.metric_label}, paired per {rule.group_col}".replace("_", " "),
        effect_label=f"{rule.contrast} ({weakest[rule.group_col]})".replace("_", " "),
        effect=float(weakest["diff"]), ci_low=float(weakest.ci_low), ci_high=float(weakest.ci_high),
        z=float(weakest.z), p_holm=float(weakest.p_holm), mde=float(weakest.mde),
        verdict=verdict, reason=reason, p_value=float(weakest.p_value), margin=rule.margin,
        se=float(weakest.se), n_seeds=int(weakest.n_seeds),
    )


def beat_rule(claim: str, section: str, rule: dict, margin: float, alpha: float, subject: str = "agent",
              **fields) -> BeatAndApproachRule:
    """A beat-and-approach rule whose metric, splits, must-beat list and reference are the
    config block ``rule`` (``<claim>.verdict``, printed with the rule); ``fields`` holds
    any key of ``rule`` the claim reads for something else."""
    return BeatAndApproachRule(
        claim=claim, metric=rule["metric"], metric_label=metric_label(rule["metric"]), splits=tuple(rule["splits"]),
        must_beat=tuple(rule["must_beat"]), reference=rule["reference"], margin=margin, alpha=alpha, subject=subject,
        choices=config_choices(section, {**rule, **fields}),
    )


@dataclass(frozen=True)
class EffectRule:
    """One effect (a contrast of condition means) must be positive."""

    claim: str
    effect_label: str  # what is measured, e.g. "belief-congruent minus incongruent accuracy"
    subject: str  # who shows it, e.g. the model and prompt
    margin: float
    alpha: float
    choices: str = ""

    def text(self) -> str:
        return (
            f"{self.claim} ({self.subject}) is supported when the {self.effect_label} exceeds {self.margin:g} "
            f"(its whole 95\\% CI above {self.margin:g}, Holm-adjusted $p$ below {self.alpha:g}). It is not "
            f"supported when it is below $-${self.margin:g} (whole 95\\% CI below $-${self.margin:g}, Holm $p$ below "
            f"{self.alpha:g}) or equivalent to zero (two one-sided tests: its whole 90\\% CI inside "
            f"$\\pm${self.margin:g}); otherwise it is inconclusive. Holm's family: this one contrast."
            + choices_sentence(self.choices)
        )


def one_contrast(row) -> pd.DataFrame:
    """One contrast row (estimate, ci_low, ci_high, ci90_low, ci90_high, t, p_holm, mde;
    p_value if there) as the one-row frame a rule tests: Holm over the one contrast the
    rule reads is its p itself."""
    frame = pd.DataFrame([{key: row[key] for key in ("ci_low", "ci_high", "ci90_low", "ci90_high", "p_holm")}])
    if not pd.isna(row.get("p_value", np.nan)):
        frame["p_holm"] = float(row["p_value"])
    return frame


def one_contrast_verdict(row, frame: pd.DataFrame, rule, test: str, verdict: str, reason: str) -> Verdict:
    """The verdict of a rule (``EffectRule``, ``EquivalenceRule``) on one contrast row; the
    row's t statistic goes to the verdict's ``z`` field (the verdict table's statistic column)."""
    return Verdict(
        claim=rule.claim, test=test, effect_label=f"{rule.effect_label} ({rule.subject})",
        effect=float(row.estimate), ci_low=float(row.ci_low), ci_high=float(row.ci_high), z=float(row.t),
        p_holm=float(frame.p_holm.item()), mde=float(row.mde), verdict=verdict, reason=reason,
        p_value=float(row.get("p_value", np.nan)), margin=rule.margin, se=float(row.get("se", np.nan)),
        n_seeds=int(row.get("n_seeds", 0)),
    )


def effect_verdict(row, rule: EffectRule, test: str) -> Verdict:
    """Apply an ``EffectRule`` to one contrast row (``one_contrast``)."""
    frame = one_contrast(row)
    if beyond(frame, rule.margin, rule.alpha).item():
        verdict, reason = SUPPORTED, "the effect exceeds the margin"
    elif reversed_beyond(frame, rule.margin, rule.alpha).item():
        verdict, reason = NOT_SUPPORTED, "the effect is reversed beyond the margin"
    elif equivalent(frame, rule.margin).item():
        verdict, reason = NOT_SUPPORTED, "the effect is equivalent to zero (within the margin)"
    else:
        verdict, reason = INCONCLUSIVE, "the CI does not settle the rule"
    return one_contrast_verdict(row, frame, rule, test, verdict, reason)


@dataclass(frozen=True)
class GapShareRule:
    """The share of the gap between the best must-beat baseline and the reference that
    the subject closes must exceed a threshold declared before the run."""

    claim: str
    metric_label: str
    splits: tuple[str, ...]
    reference: str
    threshold: float
    threshold_key: str  # the config key that declares it
    subject: str = "agent"
    choices: str = ""

    def text(self) -> str:
        splits = " and ".join(s.replace("_", " ") for s in self.splits)
        return (
            f"{self.claim} (near the {self.reference}) is supported when, on {splits}, the {self.subject} closes more "
            f"than {self.threshold:g} of the gap in {self.metric_label} between the best named baseline and the "
            f"{self.reference} (the whole 95\\% CI of the share above {self.threshold:g}; share = ({self.subject} $-$ "
            f"best baseline) / ({self.reference} $-$ best baseline)). It is not supported when the whole 95\\% CI "
            f"lies below {self.threshold:g} on some split; otherwise, and where the {self.reference} is not above the "
            f"best baseline (no gap to close), it is inconclusive. The threshold is "
            f"\\texttt{{{self.threshold_key.replace('_', chr(92) + '_')}}}, declared before the run; no $p$-value "
            "(an interval against a threshold)." + choices_sentence(self.choices)
        )


def gap_share_verdict(gaps: pd.DataFrame, rule: GapShareRule) -> Verdict:
    """Apply a ``GapShareRule`` to a gap-share table (``pacs.analysis.gap_share_table``)."""
    require_rows(gaps, "split", rule.splits, rule.claim, "gap share on split")
    rows = gaps[gaps.split.isin(rule.splits)]
    if rows.share.isna().any():
        verdict, reason = INCONCLUSIVE, f"the {rule.reference} is not above the best baseline: no gap to close"
    elif (rows.ci_low > rule.threshold).all():
        verdict, reason = SUPPORTED, f"the {rule.subject} closes more than {rule.threshold:g} of the gap on every split"
    elif (rows.ci_high < rule.threshold).any():
        verdict, reason = NOT_SUPPORTED, f"the {rule.subject} closes less than {rule.threshold:g} of the gap on a split"
    else:
        verdict, reason = INCONCLUSIVE, "the CIs do not settle every part of the rule"
    weakest = rows.sort_values("share", na_position="first").iloc[0]
    se = float(weakest.se)
    return Verdict(
        claim=rule.claim, test=f"{rule.subject}'s share of the gap from the best baseline to the {rule.reference}; "
                               f"{rule.metric_label}".replace("_", " "),
        effect_label=f"gap share closed ({weakest.split}; best baseline {weakest.best_baseline})".replace("_", " "),
        effect=float(weakest.share), ci_low=float(weakest.ci_low), ci_high=float(weakest.ci_high),
        z=(float(weakest.share) - rule.threshold) / se if se > 0 else float("nan"), p_holm=float("nan"),
        mde=float("nan"), verdict=verdict,
        reason=f"{reason} (threshold {rule.threshold:g}; {rule.reference} {weakest.reference_mean:.2f}, best baseline "
               f"{weakest.best_mean:.2f}, {rule.subject} {weakest.subject_mean:.2f})",
        n_seeds=int(weakest.n_seeds),
    )


@dataclass(frozen=True)
class EquivalenceRule:
    """An effect the claim says is small or absent: supported when it is equivalent to zero."""

    claim: str
    effect_label: str
    subject: str
    margin: float
    alpha: float
    choices: str = ""

    def text(self) -> str:
        return (
            f"{self.claim} ({self.subject}) is supported when the {self.effect_label} is equivalent to zero (two "
            f"one-sided tests: its whole 90\\% CI inside $\\pm${self.margin:g}). It is not supported when it "
            f"exceeds the margin in either direction (whole 95\\% CI beyond $\\pm${self.margin:g}, $p$ below "
            f"{self.alpha:g}); otherwise it is inconclusive. Holm's family: this one contrast."
            + choices_sentence(self.choices)
        )


def equivalence_verdict(row, rule: EquivalenceRule, test: str) -> Verdict:
    """Apply an ``EquivalenceRule`` to one contrast row (``one_contrast``)."""
    frame = one_contrast(row)
    if equivalent(frame, rule.margin).item():
        verdict, reason = SUPPORTED, "the effect is equivalent to zero (within the margin)"
    elif (beyond(frame, rule.margin, rule.alpha) | reversed_beyond(frame, rule.margin, rule.alpha)).item():
        verdict, reason = NOT_SUPPORTED, "the effect exceeds the margin"
    else:
        verdict, reason = INCONCLUSIVE, "the CI does not settle the rule"
    return one_contrast_verdict(row, frame, rule, test, verdict, reason)


def validate(verdict: Verdict, positive: tuple[str, Verdict], negative: tuple[str, Verdict]) -> Verdict:
    """``verdict`` with its controls recorded: ``positive`` and ``negative`` are (what the
    control is, the verdict the same rule gave it). Unless the positive control reads
    supported and the negative one not supported, the row cannot be decided by this
    design: its verdict says so, and its reason says why (the numbers are kept)."""
    (positive_what, positive_verdict), (negative_what, negative_verdict) = positive, negative
    checked = replace(verdict, positive_control=positive_what, positive_verdict=positive_verdict.verdict,
                      negative_control=negative_what, negative_verdict=negative_verdict.verdict)
    problems = [f"its {kind} control ({what}) reads {control.verdict} (it must read {wanted})"
                for kind, what, control, wanted in (("positive", positive_what, positive_verdict, SUPPORTED),
                                                    ("negative", negative_what, negative_verdict, NOT_SUPPORTED))
                if control.verdict != wanted]
    if not problems:
        return checked
    return replace(checked, verdict=CANNOT_DECIDE,
                   reason=f"{'; '.join(problems)}; the data alone would read {verdict.verdict}: {verdict.reason}")


def resolve_choice(choice, values, key: str) -> int:
    """A rule's pick among numbered conditions (shots, rounds, samples): ``most`` or
    ``last`` is the largest of ``values``, ``fewest`` or ``first`` the smallest, a number
    itself (a one-line ValueError naming ``key`` if it is not among ``values``)."""
    values = sorted(int(v) for v in values)
    if choice in ("most", "last"):
        return values[-1]
    if choice in ("fewest", "first"):
        return values[0]
    if int(choice) not in values:
        raise ValueError(f"{key}: {choice} is not among {values}")
    return int(choice)
