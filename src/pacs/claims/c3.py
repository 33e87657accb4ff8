"""C3 (Experiment 3): odd-one-out with explanations and confounding; C3b: under perfect
confounding, the feature the explanations name is the feature the learner follows; C3a:
explanations help where learning is hard (a data-efficiency curve read at the sizes a
validation-only rule picks)."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from pacs import analysis, report
from pacs.analysis import AnalysisPlan
from pacs.budget import BudgetAnalysis, DecidingContrast
from pacs.claims import controls
from pacs.claims.c1 import CONTRASTS, SUMMARY
from pacs.claims.config_checks import ClaimConfig, batch_fits, training_batch
from pacs.claims.spec import Claim, Decision
from pacs.stats import BootstrapSettings, holm, paired_differences
from pacs.tables import read_training_log
from pacs.verdicts import (CANNOT_DECIDE, INCONCLUSIVE, NOT_SUPPORTED, SUPPORTED, BenefitRule, Verdict,
                           benefit_verdict, beyond, config_choices, equivalent, metric_label, not_run_verdict,
                           require_rows, reversed_beyond)

# the claim as L23 and T22 state it (shortened)
ORIGINAL_CLAIM = ("Predicting explanations helps passive learners; with confounded data, explanations decide "
                  "which feature is learned.")
# where the margin of c3.verdict comes from (taken over by c3.feature_choice.margin and c3.efficiency.margin)
MARGINS = {"equivalence_margin": "our smallest effect of interest for ``helps'': 5 accuracy points; the claim gives "
                                 "no size"}
# the columns every episode table of this experiment has (pacs.analysis.read_episode_tables)
EPISODE_COLUMNS = ("experiment", "seed", "split", "policy", "episode", "confounding", "explanations",
                   "test_correct", "follows_other")
PLAN = AnalysisPlan(
    metrics=("test_correct", "follows_other", "follows_none", "dimensions_tried", "experiment_rewards",
             "follows_colour", "follows_shape", "follows_texture"),
    reference="deconfounded, with explanations",
    comparisons=("deconfounded, without explanations", "confounded, with explanations",
                 "confounded, without explanations", "expert", "random",
                 "follow_colour", "follow_shape", "follow_texture"),
    splits=("deconfounded",),
    episode_sets=("all",),
    panels=(("test_correct", "all"), ("follows_other", "all"), ("dimensions_tried", "all")),
    title="C3: odd-one-out test trials after imitation, with and without explanations (95% CIs)",
)

TRAINING = ("measure", "mean", "ci_low", "ci_high", "condition")
SHARES = ("metric", "group", "mean", "ci_low", "ci_high", "seed_means")
FEATURE_CONTRASTS = ("metric", "reference", "other", "diff", "ci_low", "ci_high", "ci90_low", "ci90_high",
                     "p_value", "p_holm")
NO_EXPLANATIONS = "no explanations"
# why C3b's row is not run where c3.feature_choice.enabled is false (the default's budget)
FEATURE_NOT_RUN = report.extended_tier_reason("C3b's learners belong", "c3.feature_choice.enabled")


# --- C3b: explanations pick the feature ---------------------------------------------------------

def learner_explanation_weight(explanations: str, configured: float) -> float:
    """The explanation loss weight a C3 learner trains with: ``configured`` (config
    c3.explanation_weight) with explanations, 0 without. What its training job's params hold,
    so a change of the weight reruns only the learners that read it (a design universe of
    c3.explanation_weight retrains the learners with explanations and reuses the others)."""
    return float(configured) if explanations == "with" else 0.0


def explained_group(dimension: str) -> str:
    return f"{dimension} explained"


def feature_group(confounding: str, explanations: str) -> str:
    """A C3b learner's group from its training level (the dimension its explanations name) and explanations."""
    return explained_group(confounding) if explanations == "with" else NO_EXPLANATIONS


def feature_learners(confounded_dims) -> list[str]:
    """C3b's learners as ``<level>-<explanations>``: explanations naming X, naming Y, and
    none (on X's data, whose tokens and action targets are Y's)."""
    return [f"{dimension}-with" for dimension in confounded_dims] + [f"{confounded_dims[0]}-without"]


def feature_choice_statistics(inputs, params) -> dict[str, pd.DataFrame]:
    """C3b: per group (explanations naming X, naming Y, none; and the baselines) the share
    of deconfounded test picks that follow each dimension, with CIs over seeds; the two
    deciding contrasts (follows X: X-explained minus Y-explained; follows Y: the reverse),
    paired on test episodes, Holm over the two (``feature_contrasts``); those contrasts on the
    rule's controls (``feature_controls``); the learners' training summary. Where this preset
    does not run C3b's learners (``c3.feature_choice.enabled`` false) the baselines' shares
    alone, and no contrast, control or training row."""
    settings = BootstrapSettings(**params["stats"])
    x, y = params["feature_choice"]["confounded_dims"][:2]
    run = params["feature_choice"]["enabled"]
    if not run and (inputs["agent"] or inputs["training_logs"]):
        raise ValueError(f"C3b: c3.feature_choice.enabled is false but {len(inputs['agent'])} learner test "
                         f"tables and {len(inputs['training_logs'])} training logs were given")
    episodes = analysis.read_episode_tables([*inputs["agent"], *inputs["baselines"]],
                                            (*EPISODE_COLUMNS, f"follows_{x}", f"follows_{y}"))
    shares = [c for c in episodes.columns if c.startswith("follows_") and c not in ("follows_other", "follows_none")]
    shares.append("follows_none")
    learners = episodes.explanations.isin(["with", "without"])
    episodes["group"] = episodes.policy
    episodes.loc[learners, "group"] = [feature_group(c, e) for c, e in
                                       zip(episodes.confounding[learners], episodes.explanations[learners])]
    summary = analysis.metric_summary(episodes, shares, ["group"], settings)
    if not run:
        return {"episodes": episodes, "shares": summary, "contrasts": pd.DataFrame(columns=list(FEATURE_CONTRASTS)),
                "controls": pd.DataFrame(columns=[*FEATURE_CONTRASTS, "control"]),
                "training": pd.DataFrame(columns=list(TRAINING))}
    return {"episodes": episodes, "shares": summary,
            "contrasts": feature_contrasts(episodes[learners], x, y, settings),
            "controls": feature_controls(episodes, x, y, settings),
            "training": analysis.learner_training_summary(inputs["training_logs"], params["log_conditions"], settings)}


def feature_contrasts(episodes: pd.DataFrame, x: str, y: str, settings: BootstrapSettings) -> pd.DataFrame:
    """C3b's two deciding contrasts on ``episodes`` (one row per group, seed and test
    episode; ``group`` as ``feature_group`` names it): the share of picks following ``x``,
    ``x``-explained minus ``y``-explained, and the reverse for ``y``; paired on test
    episodes, Holm over the two (one family: the rule's two contrasts)."""
    contrasts = pd.concat([
        paired_differences(episodes, f"follows_{follows}", "group", explained_group(follows),
                           [explained_group(other)], unit_cols=["seed", "episode"], by=["split"],
                           settings=settings).assign(metric=f"follows_{follows}", subset="all")
        for follows, other in ((x, y), (y, x))
    ], ignore_index=True)
    contrasts["p_holm"] = holm(contrasts.p_value.to_numpy())
    return contrasts


def fixed_dimension_baseline(dimension: str) -> str:
    """The scripted baseline that picks the object odd along ``dimension`` on every test trial."""
    return f"follow_{dimension}"


def feature_controls(episodes: pd.DataFrame, x: str, y: str, settings: BootstrapSettings) -> pd.DataFrame:
    """C3b's controls, ``feature_contrasts`` on the real test episodes with the explained
    groups' picks replaced: by the scripted baselines that follow ``x`` and ``y`` (each
    explained group follows its feature by construction: positive), and by the learners
    without explanations for both groups (one group's picks for all: negative)."""
    def as_groups(sources: dict) -> pd.DataFrame:
        table = episodes
        for group, source in sources.items():
            table = controls.replay(table, source, group, "group")
        return table
    scripted = {explained_group(d): fixed_dimension_baseline(d) for d in (x, y)}
    shared = {explained_group(d): NO_EXPLANATIONS for d in (x, y)}
    return controls.labelled({controls.POSITIVE: feature_contrasts(as_groups(scripted), x, y, settings),
                              controls.NEGATIVE: feature_contrasts(as_groups(shared), x, y, settings)})


def feature_control_text(x: str, y: str) -> dict[str, str]:
    return {controls.POSITIVE: (f"the scripted {fixed_dimension_baseline(x)} and {fixed_dimension_baseline(y)} "
                                f"baselines replayed as the {x}- and {y}-explained learners"),
            controls.NEGATIVE: "the learners without explanations replayed as both explained groups"}


@dataclass(frozen=True)
class FeatureChoiceRule:
    """C3b: each explained group follows its explained feature more than the other group does."""

    claim: str
    x: str
    y: str
    margin: float
    alpha: float

    def text(self) -> str:
        x, y = self.x, self.y
        return (
            f"{self.claim} (explanations pick the feature) is supported when, on deconfounded test trials, the "
            f"learners whose explanations named {x} pick the {x}-odd object more often than those whose "
            f"explanations named {y} by more than {self.margin:g}, and the {y}-explained learners pick the "
            f"{y}-odd object more often than the {x}-explained ones by more than {self.margin:g} (paired "
            f"differences of shares, each with its whole 95\\% CI above {self.margin:g} and a Holm-adjusted $p$, "
            f"over the two, below {self.alpha:g}). It is not supported when either difference is equivalent to "
            f"zero (two one-sided tests: its whole 90\\% CI inside $\\pm${self.margin:g}) or reversed (whole 95\\% "
            f"CI below zero, Holm $p$ below {self.alpha:g}); otherwise it is inconclusive."
        )


def feature_choice_verdict(contrasts: pd.DataFrame, rule: FeatureChoiceRule) -> Verdict:
    """Apply ``rule`` to the two rows of ``feature_choice_statistics``' contrasts."""
    require_rows(contrasts, "metric", [f"follows_{rule.x}", f"follows_{rule.y}"], rule.claim, "contrast")
    rows = contrasts[contrasts.metric.isin([f"follows_{rule.x}", f"follows_{rule.y}"])]
    if beyond(rows, rule.margin, rule.alpha).all():
        verdict, reason = SUPPORTED, "each explained group follows its feature more than the other by more than the margin"
    elif reversed_beyond(rows, 0.0, rule.alpha).any():
        verdict, reason = NOT_SUPPORTED, "an explained group follows its feature less than the other group does"
    elif equivalent(rows, rule.margin).any():
        verdict, reason = NOT_SUPPORTED, "an explained group follows its feature no more than the other (within the margin)"
    else:
        verdict, reason = INCONCLUSIVE, "the CIs do not settle every part of the rule"
    weakest = rows.sort_values("diff").iloc[0]
    follows = weakest.metric.removeprefix("follows_")
    return Verdict(
        claim=rule.claim, test=f"explanations naming {rule.x} vs {rule.y}, share of test picks following each",
        effect_label=f"{follows}-odd picks, {weakest.reference} $-$ {weakest.other}",
        effect=float(weakest["diff"]), ci_low=float(weakest.ci_low), ci_high=float(weakest.ci_high),
        z=float(weakest.z), p_holm=float(weakest.p_holm), mde=float(weakest.mde), verdict=verdict, reason=reason,
        p_value=float(weakest.p_value), margin=rule.margin, se=float(weakest.se), n_seeds=int(weakest.n_seeds),
    )


def feature_choice_decision(tables, trained, feature_choice: dict, rule: FeatureChoiceRule) -> Decision:
    """C3b's verdict row with its controls and its learners' adequacy; where this preset does
    not run its learners (``c3.feature_choice.enabled`` false), a row without numbers that says so."""
    if not feature_choice["enabled"]:
        return Decision("CThreeFeature", not_run_verdict(
            rule.claim, f"explanations naming {rule.x} vs {rule.y}, share of test picks following each",
            "weaker of the two explained-minus-other contrasts", rule.margin, FEATURE_NOT_RUN), rule)
    return Decision.qualified("CThreeFeature", feature_choice_verdict(tables["feature_contrasts"], rule), rule,
                              trained["training_logs_feature_choice"],
                              controls.call(tables["feature_controls"], feature_choice_verdict, rule,
                                            feature_control_text(rule.x, rule.y)))


def feature_choice_rule(verdicts: dict, feature_choice: dict) -> FeatureChoiceRule:
    x, y = feature_choice["confounded_dims"][:2]
    return FeatureChoiceRule(claim="C3", x=x, y=y, margin=feature_choice["margin"], alpha=verdicts["alpha"])


def share_table(shares: pd.DataFrame, groups) -> str:
    """Share of test picks following each dimension, and none (columns: the table's
    metrics), per group (rows), mean [95% CI]."""
    metrics = list(dict.fromkeys(shares.metric))
    cells = shares.set_index(["group", "metric"])
    body = [[report.tex_escape(group.replace("_", " ")),
             *[report.fmt_ci(*cells.loc[(group, m), ["mean", "ci_low", "ci_high"]]) for m in metrics]]
            for group in groups if group in set(shares.group)]
    return report.tabular(["group", *[m.replace("_", " ") for m in metrics]], body, "l" + "c" * len(metrics))


def feature_choice_groups(confounded_dims) -> list[str]:
    """The learner groups in display order, then the fixed-dimension and other baselines."""
    return [*(explained_group(d) for d in confounded_dims[:2]), NO_EXPLANATIONS,
            *(fixed_dimension_baseline(d) for d in confounded_dims[:2]), "random"]


# --- C3a: where learning is hard (the size rule; issue 32) ----------------------------------------

def kept_validation(training_logs, measure: str) -> pd.DataFrame:
    """Per learner (``training_logs``: path -> its training-set size): ``measure``, a
    validation column of its training log, at the evaluation whose weights it kept
    (``best_step``). Columns train_episodes, seed, value. Anything but a ``val_`` column
    is refused: the size rule never sees test data."""
    if not measure.startswith("val_"):
        raise ValueError(f"size rule: {measure!r} is not a validation measure (val_*); it must never read test data")
    rows = []
    for path, size in training_logs.items():
        log = read_training_log(path)
        if measure not in log.columns:
            raise ValueError(f"{path}: missing column {measure!r}")
        kept = log[log.step == log.best_step.iloc[0]]
        if kept.empty:
            raise ValueError(f"{path}: no evaluation at its kept step {int(log.best_step.iloc[0])}")
        rows.append({"train_episodes": int(size), "seed": int(log.seed.iloc[0]), "value": float(kept[measure].iloc[-1])})
    return pd.DataFrame(rows, columns=["train_episodes", "seed", "value"])


def deciding_sizes(kept: pd.DataFrame, floor: float, ceiling: float, margin: float) -> list[int]:
    """C3a's rule, fixed before the run: the training-set sizes at which the
    without-explanations arm's validation measure (``kept_validation``; mean over seeds)
    lies above ``floor`` and below ``ceiling`` by more than ``margin``, smallest first:
    the sizes where learning is hard and the explanation contrast can show something."""
    means = kept.groupby("train_episodes")["value"].mean()
    return [int(size) for size, value in means.sort_index().items() if floor + margin < value < ceiling - margin]


SIZE_MEASURE = "val_deconfounded_agreement_pick"  # the size rule's validation measure (deconfounded, as the test)
CURVE = ("explanations", "train_episodes", "metric", "mean", "ci_low", "ci_high", "seed_means")
VALIDATION = ("train_episodes", "seed", "value", "explanations")
SIZE_CONTRASTS = ("train_episodes", "diff", "ci_low", "ci_high", "ci90_low", "ci90_high", "p_value", "p_holm",
                  "deciding")


def pick_agreement_floor(env: dict) -> float:
    """The chance level of the size rule's measure, teacher-forced pick agreement over an
    episode's T experiment picks and its test pick: a learner that picks the object it just
    transformed, as the expert does, and picks at chance among the n objects at test agrees
    on (T + 1/n) of T + 1 picks."""
    trials = env["experiment_trials"]
    return (trials + 1 / env["n_objects"]) / (trials + 1)


@dataclass(frozen=True)
class EfficiencyRule:
    """C3a: explanations help where learning is hard. The deciding sizes are those where the
    without-explanations arm's validation measure lies off ``floor`` and ``ceiling`` by more
    than ``margin`` (``deciding_sizes``); there, with minus without on test-trial accuracy
    must exceed ``margin`` (Holm over the deciding sizes)."""

    claim: str
    floor: float
    ceiling: float
    margin: float
    alpha: float

    def text(self) -> str:
        return (
            f"{self.claim}a (explanations help where learning is hard) is decided only at the training-set sizes "
            f"where the learners without explanations are neither at their floor nor at their ceiling on "
            f"\\emph{{validation}} data: their teacher-forced pick agreement with the expert on held-aside "
            f"deconfounded validation episodes, at each learner's kept step and averaged over seeds, lies above "
            f"the floor {self.floor:.4g} (the expert's experiment-trial picks and a chance test pick) and below "
            f"{self.ceiling:g} by more than {self.margin:g}; no test number enters this choice. It is supported "
            f"when, at every deciding size, explanations raise test-trial accuracy by more than {self.margin:g} "
            f"(paired difference with its whole 95\\% CI above {self.margin:g} and a Holm-adjusted $p$, over the "
            f"deciding sizes, below {self.alpha:g}); not supported when explanations lower it at a deciding size "
            f"by more than {self.margin:g} (whole 95\\% CI below $-${self.margin:g}) or every difference there is "
            f"equivalent to zero (whole 90\\% CI inside $\\pm${self.margin:g}); otherwise inconclusive. When no "
            f"size qualifies, it cannot be decided by this design."
        )

    def benefit(self, sizes) -> BenefitRule:
        return BenefitRule(claim=self.claim, metric="test_correct", metric_label="test-trial accuracy",
                           manipulation="explanations", groups=tuple(sizes), group_col="train_episodes",
                           margin=self.margin, alpha=self.alpha)


def efficiency_rule(verdicts: dict, efficiency: dict, env: dict) -> EfficiencyRule:
    return EfficiencyRule(claim="C3", floor=pick_agreement_floor(env), ceiling=efficiency["ceiling"],
                          margin=efficiency["margin"], alpha=verdicts["alpha"])


def deciding_contrasts(contrasts: pd.DataFrame, validation: pd.DataFrame, efficiency: dict, env: dict) -> pd.DataFrame:
    """The with-minus-without contrasts per size with ``deciding`` (the size rule of
    ``efficiency``, c3.efficiency, on the without-explanations arm's ``validation`` rows) and
    ``p_holm``: Holm over the deciding sizes (NaN elsewhere: those sizes decide nothing)."""
    sizes = deciding_sizes(validation[validation.explanations == "without"], pick_agreement_floor(env),
                           efficiency["ceiling"], efficiency["margin"])
    rows = contrasts.sort_values("train_episodes").assign(deciding=lambda t: t.train_episodes.isin(sizes))
    rows["p_holm"] = float("nan")
    if sizes:
        rows.loc[rows.deciding, "p_holm"] = holm(rows.loc[rows.deciding, "p_value"].to_numpy())
    return rows.reset_index(drop=True)


def efficiency_verdict(rows: pd.DataFrame, validation: pd.DataFrame, rule: EfficiencyRule) -> Verdict:
    """Apply ``rule`` to the contrasts per size (``deciding_contrasts``): the benefit rule at
    the deciding sizes, or "cannot be decided by this design" when the size rule left none
    (the reason gives each size's validation mean)."""
    sizes = [int(size) for size in rows.train_episodes[rows.deciding]]
    if sizes:
        verdict = benefit_verdict(rows[rows.deciding].assign(metric="test_correct"), rule.benefit(sizes))
        return replace(verdict, test=f"{verdict.test} at the deciding sizes ({', '.join(f'{n:,}' for n in sizes)})",
                       effect_label=verdict.effect_label.replace(")", " episodes)"))
    means = validation[validation.explanations == "without"].groupby("train_episodes")["value"].mean()
    where = ", ".join(f"{int(size):,}: {value:.3f}" for size, value in means.sort_index().items())
    nan = float("nan")
    return Verdict(
        claim=rule.claim, test="explanations vs none, test-trial accuracy, at the sizes where learning is hard",
        effect_label="with $-$ without (no deciding size)", effect=nan, ci_low=nan, ci_high=nan, z=nan, p_holm=nan,
        mde=nan, verdict=CANNOT_DECIDE, margin=rule.margin,
        reason=(f"no training-set size has the validation pick agreement of the learners without explanations "
                f"above {rule.floor + rule.margin:.3f} and below {rule.ceiling - rule.margin:.3f} (means over seeds: "
                f"{where}), so no size shows learning that is hard"),
    )


def efficiency_statistics(inputs, params) -> dict[str, pd.DataFrame]:
    """C3a: test-trial accuracy per arm (with, without explanations) and training-set size
    (``curve_sizes``: episode table -> size), with the expert's and random levels beside
    (``curve``); each learner's validation measure at its kept step (``validation``;
    ``log_sizes``: training log -> size, ``log_arms``: -> explanations); with-minus-without
    contrasts per size, paired on test episodes, marked ``deciding`` by the size rule of
    ``efficiency`` (``deciding_contrasts``: Holm over the deciding sizes); the same contrasts
    on the rule's controls (``efficiency_controls``)."""
    settings = BootstrapSettings(**params["stats"])
    sizes, arms = params["curve_sizes"], params["log_arms"]
    episodes = pd.concat([analysis.read_episode_tables([path], EPISODE_COLUMNS)
                          .assign(train_episodes=int(sizes[path])) for path in inputs["agent"]], ignore_index=True)
    references = analysis.read_episode_tables(inputs["baselines"], EPISODE_COLUMNS)
    references = references[references.policy.isin(["expert", "random"])]
    curve = pd.concat([analysis.metric_summary(episodes, ["test_correct"], ["explanations", "train_episodes"], settings),
                       analysis.metric_summary(references, ["test_correct"], ["policy"], settings)], ignore_index=True)
    validation = pd.concat([kept_validation({path: size}, SIZE_MEASURE).assign(explanations=arms[path])
                            for path, size in params["log_sizes"].items()], ignore_index=True)

    def contrasts_of(learners: pd.DataFrame) -> pd.DataFrame:
        return deciding_contrasts(size_contrasts(learners, settings), validation, params["efficiency"], params["env"])
    return {"curve": curve, "validation": validation, "contrasts": contrasts_of(episodes),
            "controls": efficiency_controls(episodes, params["efficiency"]["margin"], contrasts_of)}


def size_contrasts(episodes: pd.DataFrame, settings: BootstrapSettings) -> pd.DataFrame:
    """With minus without explanations on test-trial accuracy per training-set size, paired on test episodes."""
    return paired_differences(episodes, "test_correct", "explanations", "with", ["without"],
                              unit_cols=["seed", "episode"], by=["train_episodes"], settings=settings)


def efficiency_controls(episodes: pd.DataFrame, margin: float, contrasts_of) -> pd.DataFrame:
    """C3a's controls (``pacs.claims.controls.pair_controls``): at every training-set size
    the arm with explanations replaced by the arm without them, with a planted test-accuracy
    gain of twice ``margin`` (as far as the ceiling leaves room) or unchanged;
    ``contrasts_of`` (episodes -> ``deciding_contrasts``) marks the deciding sizes, which
    read the real learners' validation logs and so are the data's own."""
    return controls.pair_controls(episodes, "explanations", "without", "with", "test_correct", 2 * margin,
                                  ("train_episodes",), contrasts_of)


def efficiency_control_text(margin: float) -> dict[str, str]:
    text = control_text(margin)
    return {kind: f"{description}, at every training-set size" for kind, description in text.items()}


def validation_table(validation: pd.DataFrame, contrasts: pd.DataFrame) -> str:
    """Validation pick agreement at the kept step per size (rows) and arm, mean over seeds
    with its range, and whether the size decides (``contrasts``' ``deciding``)."""
    means = validation.groupby(["train_episodes", "explanations"])["value"].agg(["mean", "min", "max"])
    deciding = set(contrasts.train_episodes[contrasts.deciding])
    body = [[f"{int(size):,}", *(f"{means.loc[(size, arm), 'mean']:.3f} ({means.loc[(size, arm), 'min']:.3f}--"
                                 f"{means.loc[(size, arm), 'max']:.3f})" if (size, arm) in means.index else "--"
                                 for arm in ("without", "with")), "yes" if size in deciding else "no"]
            for size in sorted(validation.train_episodes.unique())]
    return report.tabular(["training episodes", "without explanations", "with explanations", "deciding"], body,
                          "rccc")


def curve_table(curve: pd.DataFrame) -> str:
    """Test-trial accuracy per size (rows) with and without explanations, mean [95% CI]."""
    rows = curve[curve.explanations.isin(["with", "without"])].set_index(["train_episodes", "explanations"])
    body = [[f"{int(size):,}", *(report.fmt_ci(*rows.loc[(size, arm), ["mean", "ci_low", "ci_high"]])
                                 if (size, arm) in rows.index else "--" for arm in ("with", "without"))]
            for size in sorted(rows.index.get_level_values(0).unique())]
    return report.tabular(["training episodes", "with explanations", "without explanations"], body, "rcc")


def size_contrast_table(rows: pd.DataFrame) -> str:
    """With minus without per size: difference [95% CI], p, Holm p over the deciding sizes."""
    body = [[f"{int(r.train_episodes):,}", report.fmt_ci(r.diff, r.ci_low, r.ci_high), report.fmt_p(r.p_value),
             report.fmt_p(r.p_holm) if r.deciding else "--", "yes" if r.deciding else "no"]
            for r in rows.itertuples()]
    return report.tabular(["training episodes", "with $-$ without [95\\% CI]", "$p$", "Holm $p$", "deciding"],
                          body, "rcccc")


def efficiency_results(tables, params) -> list[str]:
    """C3a's setup macros, its validation table (the size rule), its test accuracies and
    contrasts per size."""
    efficiency = params["c3"]["efficiency"]
    rule = efficiency_rule(params["verdicts"], efficiency, params["c3"]["env"])
    return [
        report.macro("CThreeEfficiencySizes", ", ".join(f"{n:,}" for n in efficiency["train_sizes"])),
        report.macro("CThreeEfficiencyConfounding", efficiency["confounding"]),
        report.macro("CThreeEfficiencyMargin", f"{efficiency['margin']:g}"),
        report.macro("CThreeEfficiencyFloor", f"{rule.floor:.4g}"),
        report.macro("CThreeEfficiencyValidationTable", validation_table(tables["efficiency_validation"],
                                                                         tables["efficiency_contrasts"])),
        report.macro("CThreeEfficiencyContrastTable", size_contrast_table(tables["efficiency_contrasts"])),
        report.macro("CThreeEfficiencyCurveTable", curve_table(tables["efficiency_curve"])),
    ]


def agreement_table(training, split: str | None = "deconfounded") -> str:
    """Teacher-forced agreement per condition and head on the validation ``split`` (with
    None: whichever validation set each condition has, its own training level's in C3b)."""
    pattern = f"val_{split if split else '.+'}_agreement_(?:pick|transform)"
    rows = training[training.measure.str.fullmatch(pattern) & training["mean"].notna()]
    body = [[report.tex_escape(r.condition), r.measure.rsplit("_", 1)[-1], report.fmt_ci(r.mean, r.ci_low, r.ci_high, 3)]
            for r in rows.itertuples()]
    return report.tabular(["condition", "head", "agreement [95\\% CI]"], body, "llc")


def control_text(margin: float) -> dict[str, str]:
    return {controls.POSITIVE: controls.planted_text("without-explanations", 2 * margin),
            controls.NEGATIVE: controls.identical_text("without-explanations")}


def statistics(inputs, params) -> dict[str, pd.DataFrame]:
    """Test-trial summaries per condition, explanation contrasts per confounding, the
    rule's controls (``pacs.claims.controls``: the arm without explanations copied as the arm with
    them, with a planted gain of twice ``params["margin"]`` or none), training summary; C3b's or
    C3a's statistics (``feature_choice_statistics``, ``efficiency_statistics``) when
    ``params["part"]`` names one."""
    if params.get("part") == "feature_choice":
        return feature_choice_statistics(inputs, params)
    if params.get("part") == "efficiency":
        return efficiency_statistics(inputs, params)
    settings = BootstrapSettings(**params["stats"])
    episodes = analysis.read_episode_tables([*inputs["agent"], *inputs["baselines"]], EPISODE_COLUMNS)
    metric = params["verdict"]["metric"]
    learners = episodes[episodes.explanations.isin(["with", "without"])]
    return {"episodes": episodes, "summary": analysis.summary_table(episodes, PLAN, settings),
            "contrasts": analysis.explanation_contrasts(episodes, ("test_correct", "follows_other"), settings),
            "controls": controls.pair_controls(
                learners, "explanations", "without", "with", metric, 2 * params["margin"], ("confounding",),
                lambda arms: analysis.explanation_contrasts(arms, (metric,), settings)),
            "training": analysis.learner_training_summary(inputs["training_logs"], params["log_conditions"], settings)}


def results(tables, params) -> str:
    """Setup macros, agreement per condition, the per-metric tables and the explanation contrasts."""
    summary, contrasts = tables["summary"], tables["contrasts"]
    plan, ooo = PLAN, params["c3"]
    return "\n".join([
        report.macro("CThreeValues", ", ".join(map(str, ooo["env"]["values_per_dimension"]))),
        report.macro("CThreeObjects", ooo["env"]["n_objects"]),
        report.macro("CThreeTrials", ooo["env"]["experiment_trials"]),
        report.macro("CThreeWeight", ooo["explanation_weight"]),
        report.macro("CThreeSteps", f"{params['train']['steps']:,}"),
        report.macro("CThreeBatch", params["train"]["batch_size"]),
        report.macro("CThreeTrainEpisodes", f"{ooo['data']['train_episodes']:,}"),
        report.macro("CThreeEvalEpisodes", f"{ooo['eval']['episodes_per_split']:,}"),
        report.macro("CThreeAgreementTable", agreement_table(tables["training"])),
        *[
            report.macro(f"CThree{name}Table",
                         report.policy_by_split_table(summary, metric, "all", plan.policies, plan.splits))
            for name, metric in (("Accuracy", "test_correct"), ("Other", "follows_other"),
                                 ("Tried", "dimensions_tried"))
        ],
        report.macro("CThreeContrastTable", report.contrast_table(
            contrasts, "test_correct", "all", ooo["confounding"], group_col="confounding", minus="with explanations minus")),
        *feature_choice_results(tables, params),
        *efficiency_results(tables, params),
    ])


def feature_choice_results(tables, params) -> list[str]:
    """C3b's setup macros, its share table, its two contrasts and its learners' agreement
    (where this preset does not run its learners: the baselines' shares, and a sentence
    saying so in place of the learners' tables)."""
    fc = params["c3"]["feature_choice"]
    dims = fc["confounded_dims"]
    setup = [
        report.macro("CThreeFeatureX", dims[0]),
        report.macro("CThreeFeatureY", dims[1]),
        report.macro("CThreeFeatureDims", " and ".join(dims)),
        report.macro("CThreeFeatureMargin", f"{fc['margin']:g}"),
        report.macro("CThreeFeatureTrainEpisodes", f"{fc['data']['train_episodes']:,}"),
        report.macro("CThreeFeatureEvalEpisodes", f"{fc['eval']['episodes_per_split']:,}"),
        report.macro("CThreeFeatureShareTable", share_table(tables["feature_shares"], feature_choice_groups(dims))),
    ]
    if not fc["enabled"]:
        return [*setup, report.macro("CThreeFeatureContrastTable", FEATURE_NOT_RUN + "."),
                report.macro("CThreeFeatureAgreementTable", FEATURE_NOT_RUN + ".")]
    return [
        *setup,
        report.macro("CThreeFeatureContrastTable", report.difference_table(
            tables["feature_contrasts"], [("share of picks", "metric"), ("group", "reference"), ("minus", "other")])),
        report.macro("CThreeFeatureAgreementTable", agreement_table(tables["feature_training"], split=None)),
    ]


def explanation_rule(verdicts: dict, rule: dict) -> BenefitRule:
    """Predicting explanations raises the metric (test-trial accuracy: following the latent
    dimension on deconfounded tests) by more than ``c3.verdict.equivalence_margin`` after each
    training confounding the rule names (``c3.verdict``: metric, confounding)."""
    return BenefitRule(
        claim="C3", metric=rule["metric"], metric_label=metric_label(rule["metric"]), manipulation="explanations",
        groups=tuple(rule["confounding"]), group_col="confounding", margin=rule["equivalence_margin"],
        alpha=verdicts["alpha"], choices=config_choices("c3.verdict", rule),
    )


def decide(tables, trained, params) -> list[Decision]:
    """Explanations raise test-trial accuracy whatever the training confounding (with the
    rule's controls); C3b: under perfect confounding each explained group follows the
    feature its explanations named; C3a: explanations raise it at the training-set sizes
    where learning is hard (on validation)."""
    rule = explanation_rule(params["verdicts"], params["c3"]["verdict"])
    feature_rule = feature_choice_rule(params["verdicts"], params["c3"]["feature_choice"])
    size_rule = efficiency_rule(params["verdicts"], params["c3"]["efficiency"], params["c3"]["env"])
    validation = tables["efficiency_validation"]

    def size_verdict(rows: pd.DataFrame, efficiency: EfficiencyRule) -> Verdict:
        return efficiency_verdict(rows, validation, efficiency)
    return [Decision.qualified("CThree", benefit_verdict(tables["contrasts"], rule), rule, trained["training_logs"],
                               controls.call(tables["controls"], benefit_verdict, rule,
                                             control_text(rule.margin))),
            feature_choice_decision(tables, trained, params["c3"]["feature_choice"], feature_rule),
            Decision.qualified("CThreeEfficiency", size_verdict(tables["efficiency_contrasts"], size_rule), size_rule,
                               trained["training_logs_efficiency"],
                               controls.call(tables["efficiency_controls"], size_verdict, size_rule,
                                             efficiency_control_text(size_rule.margin)))]


def check_training(config):
    """No training set of C3's learners (C3 itself, C3b, each size of C3a's data-efficiency
    curve) is smaller than their training batch; the verdict's confoundings are run."""
    c3 = config["c3"]
    yield from batch_fits(config, "c3.train", "c3.data.train_episodes", c3["data"]["train_episodes"])
    yield from batch_fits(config, "c3.train", "c3.feature_choice.data.train_episodes",
                          c3["feature_choice"]["data"]["train_episodes"])
    _, batch_size = training_batch(config, "c3.train")
    for size in c3["efficiency"]["train_sizes"]:
        if size < batch_size:
            yield "c3.efficiency.train_sizes", f"{size} is smaller than the C3 learners' training batch ({batch_size})"
    for confounding in c3["verdict"]["confounding"]:
        if confounding not in c3["confounding"]:
            yield "c3.verdict.confounding", f"{confounding!r} is not run (c3.confounding: {c3['confounding']})"


# every C3 learner is the shared model overlaid with c3.model
CONFIG = ClaimConfig(model="c3.model", relations=(check_training,))


# --- budget sensitivity (pacs.budget): the C3 rule on deconfounded training alone -------------

BUDGET_CONFOUNDING = "deconfounded"  # the budgets' learners are trained on this data only


def budget_contrasts(episodes: pd.DataFrame, settings: BootstrapSettings, splits=()) -> pd.DataFrame:
    """At a budget: with minus without explanations, per confounding and metric."""
    return analysis.explanation_contrasts(episodes, ("test_correct",), settings)


def budget_rule(verdicts: dict, chosen: dict) -> BenefitRule:
    """The C3 rule restricted to the confounding the budgets' learners are trained on."""
    return explanation_rule(verdicts, {**chosen, "confounding": [BUDGET_CONFOUNDING]})


BUDGET = BudgetAnalysis(
    EPISODE_COLUMNS, budget_contrasts, budget_rule,
    DecidingContrast("C3", "test_correct", "confounding", BUDGET_CONFOUNDING, None,
                     "with $-$ without explanations, test-trial accuracy (deconfounded)", ("CThree",)))


SPEC = Claim(
    id="c3",
    statistics=statistics,
    title="Experiment 3: explanations and confounding in odd-one-out",
    tables={"summary": SUMMARY, "contrasts": CONTRASTS, "controls": ("control",), "training": TRAINING,
            "feature_shares": SHARES, "feature_contrasts": FEATURE_CONTRASTS, "feature_controls": ("control",),
            "feature_training": TRAINING, "efficiency_curve": CURVE, "efficiency_contrasts": SIZE_CONTRASTS,
            "efficiency_controls": (*SIZE_CONTRASTS, "control"), "efficiency_validation": VALIDATION},
    results=results,
    decide=decide,
    figures={"c3": "analysis_plan_figure", "c3_feature_choice": "feature_choice_figure",
             "c3_efficiency": "data_efficiency_figure"},
    learning_curves={"c3": "C3 agents", "c3_feature_choice": "C3b agents (perfectly confounded training)",
                     "c3_efficiency": "C3a agents by training-set size"},
    config=CONFIG,
    budget=BUDGET,
    sweep_learner="C3 agent (deconfounded, with explanations)",
    original_claim=ORIGINAL_CLAIM,
    margins=MARGINS,
)
