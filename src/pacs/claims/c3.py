"""C3 (Experiment 3): odd-one-out with explanations and confounding; C3b: under perfect
confounding, the feature the explanations name is the feature the learner follows."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from pacs import analysis, report
from pacs.analysis import PLANS
from pacs.claims import controls
from pacs.claims.c1 import CONTRASTS, SUMMARY
from pacs.claims.spec import Claim, Decision
from pacs.stats import BootstrapSettings, holm, paired_differences
from pacs.tables import read_training_log
from pacs.verdicts import (INCONCLUSIVE, NOT_SUPPORTED, SUPPORTED, Verdict, benefit_verdict, beyond, c3_rule,
                           equivalent, require_rows, reversed_beyond)

TRAINING = ("measure", "mean", "ci_low", "ci_high", "condition")
SHARES = ("metric", "group", "mean", "ci_low", "ci_high", "seed_means")
FEATURE_CONTRASTS = ("metric", "reference", "other", "diff", "ci_low", "ci_high", "ci90_low", "ci90_high",
                     "p_value", "p_holm")
NO_EXPLANATIONS = "no explanations"


# --- C3b: explanations pick the feature ---------------------------------------------------------

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
    paired on test episodes, Holm over the two; the learners' training summary."""
    settings = BootstrapSettings(**params["stats"])
    x, y = params["feature_choice"]["confounded_dims"][:2]
    episodes = analysis.read_episode_tables([*inputs["agent"], *inputs["baselines"]],
                                            (*analysis.C3_EPISODE_COLUMNS, f"follows_{x}", f"follows_{y}"))
    shares = [c for c in episodes.columns if c.startswith("follows_") and c not in ("follows_other", "follows_none")]
    shares.append("follows_none")
    learners = episodes.explanations.isin(["with", "without"])
    episodes["group"] = episodes.policy
    episodes.loc[learners, "group"] = [feature_group(c, e) for c, e in
                                       zip(episodes.confounding[learners], episodes.explanations[learners])]
    contrasts = pd.concat([
        paired_differences(episodes[learners], f"follows_{follows}", "group", explained_group(follows),
                                    [explained_group(other)], unit_cols=["seed", "episode"], by=["split"],
                                    settings=settings).assign(metric=f"follows_{follows}", subset="all")
        for follows, other in ((x, y), (y, x))
    ], ignore_index=True)
    contrasts["p_holm"] = holm(contrasts.p_value.to_numpy())  # one family: the rule's two contrasts
    return {"episodes": episodes, "shares": analysis.metric_summary(episodes, shares, ["group"], settings),
            "contrasts": contrasts,
            "training": analysis.learner_training_summary(inputs["training_logs"], params["log_conditions"], settings)}


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
            *(f"follow_{d}" for d in confounded_dims[:2]), "random"]


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
    them, with a planted gain of twice ``params["margin"]`` or none), training summary; C3b's
    statistics (``feature_choice_statistics``) when ``params["part"]`` names it."""
    if params.get("part") == "feature_choice":
        return feature_choice_statistics(inputs, params)
    settings = BootstrapSettings(**params["stats"])
    episodes = analysis.read_episode_tables([*inputs["agent"], *inputs["baselines"]], analysis.C3_EPISODE_COLUMNS)
    metric = params["verdict"]["metric"]
    learners = episodes[episodes.explanations.isin(["with", "without"])]
    return {"episodes": episodes, "summary": analysis.summary_table(episodes, PLANS["c3"], settings),
            "contrasts": analysis.explanation_contrasts(episodes, ("test_correct", "follows_other"), settings),
            "controls": controls.pair_controls(
                learners, "explanations", "without", "with", metric, 2 * params["margin"], ("confounding",),
                lambda arms: analysis.explanation_contrasts(arms, (metric,), settings)),
            "training": analysis.learner_training_summary(inputs["training_logs"], params["log_conditions"], settings)}


def results(tables, params) -> str:
    """Setup macros, agreement per condition, the per-metric tables and the explanation contrasts."""
    summary, contrasts = tables["summary"], tables["contrasts"]
    plan, ooo = PLANS["c3"], params["c3"]
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
    ])


def feature_choice_results(tables, params) -> list[str]:
    """C3b's setup macros, its share table, its two contrasts and its learners' agreement."""
    fc = params["c3"]["feature_choice"]
    dims = fc["confounded_dims"]
    return [
        report.macro("CThreeFeatureX", dims[0]),
        report.macro("CThreeFeatureY", dims[1]),
        report.macro("CThreeFeatureDims", " and ".join(dims)),
        report.macro("CThreeFeatureMargin", f"{fc['margin']:g}"),
        report.macro("CThreeFeatureTrainEpisodes", f"{fc['data']['train_episodes']:,}"),
        report.macro("CThreeFeatureEvalEpisodes", f"{fc['eval']['episodes_per_split']:,}"),
        report.macro("CThreeFeatureShareTable", share_table(tables["feature_shares"], feature_choice_groups(dims))),
        report.macro("CThreeFeatureContrastTable", report.difference_table(
            tables["feature_contrasts"], [("share of picks", "metric"), ("group", "reference"), ("minus", "other")])),
        report.macro("CThreeFeatureAgreementTable", agreement_table(tables["feature_training"], split=None)),
    ]


def decide(tables, trained, params) -> list[Decision]:
    """Explanations raise test-trial accuracy whatever the training confounding (with the
    rule's controls); C3b: under perfect confounding each explained group follows the
    feature its explanations named."""
    rule = c3_rule(params["verdicts"], params["c3"]["verdict"])
    feature_rule = feature_choice_rule(params["verdicts"], params["c3"]["feature_choice"])
    return [Decision.qualified("CThree", benefit_verdict(tables["contrasts"], rule), rule, trained["training_logs"],
                               controls.call(tables["controls"], benefit_verdict, rule,
                                             control_text(params["verdicts"]["c3_equivalence_margin"]))),
            Decision.qualified("CThreeFeature", feature_choice_verdict(tables["feature_contrasts"], feature_rule),
                               feature_rule, trained["training_logs_feature_choice"])]


SPEC = Claim(
    id="c3",
    statistics=statistics,
    title="Experiment 3: explanations and confounding in odd-one-out",
    tables={"summary": SUMMARY, "contrasts": CONTRASTS, "controls": ("control",), "training": TRAINING,
            "feature_shares": SHARES, "feature_contrasts": FEATURE_CONTRASTS, "feature_training": TRAINING},
    results=results,
    decide=decide,
    figures={"c3": "analysis_plan_figure", "c3_feature_choice": "feature_choice_figure"},
    learning_curves={"c3": "C3 agents", "c3_feature_choice": "C3b agents (perfectly confounded training)"},
)
