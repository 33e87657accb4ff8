"""From tidy episode tables to tidy statistics tables (pandas only, no torch).

The statistics themselves are the pure functions of ``pacs.stats``; an
``AnalysisPlan`` says, per experiment, which metrics, policies, splits and
episode sets are summarized and compared. One set of functions serves them all.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from pacs.labels import (FUSION_POLICIES, RC_LEARNER_POLICIES, REFERENCE_BASELINES, SPLIT_ORDER, pipeline_lm_policy,
                         pretrained_policy)
import numpy as np

from pacs.stats import BootstrapSettings, group_rng, interval, paired_differences, summarize
from pacs.tables import read_table, read_training_log, validation_measures

EPISODE_COLUMNS = (
    "experiment", "seed", "split", "policy", "episode", "target", "goal_variable", "goal_sign",
    "reward", "expected_reward", "optimal_reward", "reward_over_optimal", "optimal_choice",
)


@dataclass(frozen=True)
class AnalysisPlan:
    metrics: tuple[str, ...]
    reference: str  # the policy every contrast starts from (the agent)
    comparisons: tuple[str, ...]  # policies it is compared with, in display order
    splits: tuple[str, ...]
    episode_sets: tuple[str, ...]  # "all", and "diagnostic" where defined
    panels: tuple[tuple[str, str], ...]  # (metric, episode set) per figure panel
    title: str

    @property
    def policies(self) -> list[str]:
        return [self.reference, *self.comparisons]


# Metrics that are rates (shares of episodes): their CIs are clipped to [0, 1].
RATES = ("optimal_choice", "explore_precision", "explore_recall", "test_correct", "follows_other",
         "follows_none", "follows_colour", "follows_shape", "follows_texture")

# C1: baselines the agent must beat (associational or heuristic).
DAG_ASSOCIATIONAL = ("random", "correlational", "observational", "prior")
# C6: reference policies on the shared test episodes of the training-regime experiments.
C6_BASELINES = LM_BASELINES = REFERENCE_BASELINES  # what C4 and C6 compare with, in display order
C6_METRICS = {  # return conditioning: PLANS["rc"]
    "dagger": ("reward_over_optimal", "optimal_choice", "off_oracle_steps", "labelled_steps"),
    "fusion": ("reward_over_optimal", "optimal_choice", "n_interventions"),
}
# C6: the column a regime's learners vary along (none: return conditioning compares learners)
C6_CONDITIONS = {"rc": None, "dagger": "round", "fusion": "n_observational"}

PLANS = {
    "c1": AnalysisPlan(
        metrics=("reward_over_optimal", "optimal_choice"),
        reference="agent",
        comparisons=("optimal", "expert", *DAG_ASSOCIATIONAL, "agent_no_intervention", "agent_random_intervention"),
        splits=("in_distribution", "held_out", "held_out_link_goal"),
        episode_sets=("all", "diagnostic"),
        panels=(("reward_over_optimal", "all"), ("optimal_choice", "diagnostic")),
        title="C1: imitation agent acting in held-out causal graphs (95% hierarchical-bootstrap CIs)",
    ),
    "c2": AnalysisPlan(
        metrics=("explore_precision", "explore_recall", "steps_outside_cue", "reward_over_optimal"),
        reference="agent",
        comparisons=("expert", "explore_all", "random_explore", "optimal"),
        splits=("train_subsets", "held_out_subsets"),
        episode_sets=("all",),
        panels=(("explore_precision", "all"), ("explore_recall", "all"), ("reward_over_optimal", "all")),
        title="C2: exploring cued variable subsets never seen in training (95% hierarchical-bootstrap CIs)",
    ),
    "c3": AnalysisPlan(
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
    ),
    "rc": AnalysisPlan(
        metrics=("reward_over_optimal", "optimal_choice"),
        reference=RC_LEARNER_POLICIES["conditioned"],
        comparisons=(RC_LEARNER_POLICIES["plain"], RC_LEARNER_POLICIES["expert_only"], *C6_BASELINES),
        splits=SPLIT_ORDER,
        episode_sets=("all",),
        panels=(("reward_over_optimal", "all"), ("optimal_choice", "all")),
        title="C6: return-conditioned imitation of mixed-quality demonstrations (95% CIs)",
    ),
}
LM_EPISODE_COLUMNS = (*EPISODE_COLUMNS, "model", "explanations", "shots", "invalid_actions", "tests_run")


def lm_plan(pretrained: str, shots, splits, reference: str | None = None) -> AnalysisPlan:
    """C4: the pipeline LM and the prompted pretrained LM (``pretrained`` is its display
    name) against the baselines; contrasts start from ``reference`` (by default the
    pipeline LM trained with explanations)."""
    policies = [pipeline_lm_policy(e) for e in ("with", "without")]
    policies += [pretrained_policy(pretrained, k, e) for k in shots for e in ("with", "without")]
    policies += list(LM_BASELINES)
    reference = reference or policies[0]
    return AnalysisPlan(
        metrics=("reward_over_optimal", "optimal_choice", "invalid_actions", "tests_run"),
        reference=reference,
        comparisons=tuple(p for p in policies if p != reference),
        splits=tuple(splits),
        episode_sets=("all",),
        panels=(("reward_over_optimal", "all"), ("optimal_choice", "all"), ("tests_run", "all")),
        title="C4: language models acting in causal-DAG episodes written as text (95% CIs)",
    )


C3_EPISODE_COLUMNS = ("experiment", "seed", "split", "policy", "episode", "confounding", "explanations",
                       "test_correct", "follows_other")


# Columns that identify an episode and outcomes every policy's episode has; a missing
# value there is a broken table (reward_over_optimal may be NaN: undefined where no
# intervention moves the target; condition columns are empty for reference policies).
EPISODE_KEYS = ("experiment", "seed", "split", "policy", "episode")
DEFINED_OUTCOMES = ("target", "goal_variable", "goal_sign", "reward", "expected_reward", "optimal_reward",
                    "optimal_choice", "test_correct")


def read_episode_tables(paths, required=EPISODE_COLUMNS) -> pd.DataFrame:
    """Episode tables with their ``required`` columns; keys and always-defined outcomes
    among them must hold no missing value (a one-line TableError naming file and column)."""
    complete = tuple(c for c in required if c in (*EPISODE_KEYS, *DEFINED_OUTCOMES))
    return pd.concat([read_table(p, required, complete) for p in paths], ignore_index=True)


def explanation_contrasts(episodes: pd.DataFrame, metrics, settings: BootstrapSettings,
                          by=("confounding",)) -> pd.DataFrame:
    """Paired with-minus-without-explanations differences per group (``by``: the
    training data's confounding, or the model and split), on the same test episodes; Holm over
    the groups of each metric."""
    agents = episodes[episodes.explanations.isin(["with", "without"])]
    frames = [
        paired_differences(agents, metric, "explanations", "with", ["without"], unit_cols=["seed", "episode"],
                           by=list(by), settings=settings).assign(metric=metric, subset="all")
        for metric in metrics
    ]
    return pd.concat(frames, ignore_index=True)


def mark_diagnostic(episodes: pd.DataFrame) -> pd.DataFrame:
    """Add ``diagnostic``: True for episodes where the correlational choice is not
    optimal, i.e. where causal and correlational reasoning part ways."""
    keys = ["seed", "split", "episode"]
    correlational = episodes.loc[episodes.policy == "correlational", [*keys, "optimal_choice"]]
    flags = correlational.assign(diagnostic=correlational.optimal_choice < 0.5).drop(columns="optimal_choice")
    return episodes.merge(flags, on=keys, how="left").fillna({"diagnostic": False})


def prepare(episodes: pd.DataFrame, plan: AnalysisPlan) -> pd.DataFrame:
    return mark_diagnostic(episodes) if "diagnostic" in plan.episode_sets else episodes


def _episode_sets(episodes: pd.DataFrame, plan: AnalysisPlan):
    for name in plan.episode_sets:
        yield name, episodes if name == "all" else episodes[episodes[name]]


def summary_table(episodes: pd.DataFrame, plan: AnalysisPlan, settings: BootstrapSettings) -> pd.DataFrame:
    """Mean and CI of each metric per (policy, split) and episode set. Long format:
    metric, subset (the episode set), policy, split, mean, ci_low, ci_high, ..."""
    frames = [
        metric_summary(rows, plan.metrics, ["policy", "split"], settings).assign(subset=subset)
        for subset, rows in _episode_sets(episodes, plan)
    ]
    return pd.concat(frames, ignore_index=True)


def metric_summary(episodes: pd.DataFrame, metrics, by: list[str], settings: BootstrapSettings) -> pd.DataFrame:
    """Mean and CI of each metric (a column ``metric``) per group of ``by``; episodes
    without the metric are skipped, and rates are clipped to [0, 1]."""
    frames = []
    for metric in metrics:
        bounds = (0.0, 1.0) if metric in RATES else None
        table = summarize(episodes.dropna(subset=[metric]), metric, by, settings, bounds=bounds)
        frames.append(table.assign(metric=metric))
    return pd.concat(frames, ignore_index=True)


def contrast_table(episodes: pd.DataFrame, plan: AnalysisPlan, settings: BootstrapSettings) -> pd.DataFrame:
    """Paired reference-minus-policy differences per split. Holm's correction runs
    over each (metric, episode set) family: all splits and policies of one panel."""
    frames = []
    for subset, rows in _episode_sets(episodes, plan):
        for metric in plan.metrics:
            table = paired_differences(
                rows, metric, "policy", plan.reference, list(plan.comparisons),
                unit_cols=["seed", "episode"], by=["split"], settings=settings,
            )
            frames.append(table.assign(metric=metric, subset=subset))
    return pd.concat(frames, ignore_index=True)


GAP_COLUMNS = ("metric", "split", "subject", "best_baseline", "reference", "share", "ci_low", "ci_high", "se",
               "n_seeds", "n_units", "subject_mean", "best_mean", "reference_mean")


def gap_share_table(episodes: pd.DataFrame, metric: str, subject: str, baselines, reference: str, splits,
                    settings: BootstrapSettings) -> pd.DataFrame:
    """Per split, the share of the gap between the best of ``baselines`` (highest mean of
    ``metric`` on that split) and ``reference`` that ``subject`` closes:
    (subject - best) / (reference - best), means of per-seed means on the same episodes,
    with a hierarchical-bootstrap CI (seeds resampled, episodes within them as the
    settings say; the same draws for numerator and denominator). 1: as good as the
    reference; 0: no better than the best baseline. NaN where the reference is not above
    the best baseline (no gap to close)."""
    rows = []
    for split in splits:
        policies = [subject, *baselines, reference]
        wide = (episodes[(episodes.split == split) & episodes.policy.isin(policies)]
                .pivot_table(index=["seed", "episode"], columns="policy", values=metric, aggfunc="first")
                .dropna())
        means = wide.groupby(level="seed").mean().mean()
        best = max(baselines, key=lambda b: means[b])
        per_seed = [group[[subject, best, reference]].to_numpy() for _, group in wide.groupby(level="seed")]

        def share(groups) -> float:
            closed = np.mean([g[:, 0].mean() - g[:, 1].mean() for g in groups])
            gap = np.mean([g[:, 2].mean() - g[:, 1].mean() for g in groups])
            return closed / gap if gap > 0 else float("nan")

        estimate = share(per_seed)
        rng = group_rng(settings, ("gap", split, subject))
        resample = settings.resample_episodes or len(per_seed) == 1
        draws = []
        for _ in range(settings.n_boot):
            picked = [per_seed[i] for i in rng.integers(len(per_seed), size=len(per_seed))]
            if resample:
                picked = [g[rng.integers(len(g), size=len(g))] for g in picked]
            draws.append(share(picked))
        draws = np.asarray(draws)
        low, high = (interval(estimate, draws, len(per_seed), settings) if np.isfinite(draws).all()
                     else (float("nan"), float("nan")))
        rows.append({"metric": metric, "split": split, "subject": subject, "best_baseline": best,
                     "reference": reference, "share": estimate, "ci_low": low, "ci_high": high,
                     "se": float(np.std(draws, ddof=1)) if np.isfinite(draws).all() else float("nan"),
                     "n_seeds": len(per_seed), "n_units": len(wide), "subject_mean": means[subject],
                     "best_mean": means[best], "reference_mean": means[reference]})
    return pd.DataFrame(rows, columns=list(GAP_COLUMNS))


def training_summary(training_logs: pd.DataFrame, settings: BootstrapSettings) -> pd.DataFrame:
    """Validation agreement and loss per seed at the evaluation whose weights the
    learner kept (its ``best_step``), summarized across seeds."""
    final = training_logs[training_logs.step == training_logs.best_step].sort_values("step").groupby("seed").tail(1)
    measures = validation_measures(final.columns)
    long = final.melt(id_vars=["seed"], value_vars=measures, var_name="measure", value_name="value")
    return summarize(long, "value", ["measure"], settings)


def condition_summary(episodes: pd.DataFrame, condition: str, metrics, settings: BootstrapSettings) -> pd.DataFrame:
    """C6 curves: each metric per (policy, ``condition``, split) for the rows that have
    the condition (a round, a number of samples), and per (policy, split) for the
    reference policies that have none (``condition`` left empty)."""
    varied = episodes[episodes[condition].notna()]
    fixed = episodes[episodes[condition].isna()]
    frames = [metric_summary(varied, metrics, ["policy", condition, "split"], settings)]
    if not fixed.empty:
        frames.append(metric_summary(fixed, metrics, ["policy", "split"], settings))
    return pd.concat(frames, ignore_index=True).assign(subset="all")


def dagger_contrasts(episodes: pd.DataFrame, metrics, settings: BootstrapSettings) -> pd.DataFrame:
    """DAgger minus plain imitation with the same labelled steps, paired on test
    episodes, per round (from 1) and split; Holm over the splits of each round and metric."""
    arms = episodes[episodes.policy.isin(["dagger", "plain"])]
    return pd.concat([
        paired_differences(arms, metric, "policy", "dagger", ["plain"], unit_cols=["seed", "episode"],
                           by=["round", "split"], settings=settings, family_cols=["round"])
        .assign(metric=metric, subset="all")
        for metric in metrics
    ], ignore_index=True)


def observational_contrasts(episodes: pd.DataFrame, policies, metrics, settings: BootstrapSettings) -> pd.DataFrame:
    """Each number of observational samples minus none, per policy and split, paired
    on test episodes; Holm over the splits of each (policy, metric, number of samples)."""
    frames = []
    for policy in policies:
        rows = episodes[episodes.policy == policy]
        for metric in metrics:
            for n_samples in sorted(set(rows.n_observational) - {0}):
                frames.append(paired_differences(
                    rows, metric, "n_observational", n_samples, [0], unit_cols=["seed", "episode"], by=["split"],
                    settings=settings,
                ).assign(policy=policy, metric=metric, subset="all"))
    return pd.concat(frames, ignore_index=True)


def c6_statistics(regime: str, episodes: pd.DataFrame, settings: BootstrapSettings):
    """(summary, contrasts) of a C6 regime: for return conditioning the learners'
    summaries and paired contrasts from the conditioned learner; for DAgger and
    data fusion the curves along rounds or samples and their paired contrasts."""
    if regime == "rc":
        return summary_table(episodes, PLANS["rc"], settings), contrast_table(episodes, PLANS["rc"], settings)
    metrics = C6_METRICS[regime]
    summary = condition_summary(episodes, C6_CONDITIONS[regime], metrics, settings)
    if regime == "dagger":
        return summary, dagger_contrasts(episodes, [m for m in metrics if m != "labelled_steps"], settings)
    if regime == "fusion":
        return summary, observational_contrasts(episodes, FUSION_POLICIES, metrics, settings)
    raise ValueError(f"unknown C6 regime {regime!r}")


def learner_training_summary(paths, labels, settings: BootstrapSettings, by: str = "condition",
                             sort: bool = False) -> pd.DataFrame:
    """``training_summary`` per learner condition: the training logs at ``paths``, each
    labelled with its learner's condition (``labels``: path -> condition, in column
    ``by``), in the order the conditions first appear, or sorted by name."""
    logs = pd.concat([read_training_log(path).assign(**{by: labels[path]}) for path in paths])
    return pd.concat([training_summary(rows, settings).assign(**{by: name})
                      for name, rows in logs.groupby(by, sort=sort)], ignore_index=True)


def mixture_summary(kinds: pd.DataFrame, settings: BootstrapSettings) -> pd.DataFrame:
    """C6 return conditioning: share, mean quality and top-bucket share of each
    demonstrator kind (per-seed rows of ``kinds``), mean over seeds with its CI."""
    bounds = {"share": (0.0, 1.0), "mean_quality": (-1.0, 1.0), "top_bucket_share": (0.0, 1.0)}
    return pd.concat([
        summarize(kinds.assign(measure=measure), measure, ["kind", "measure"], settings, bounds=measure_bounds)
        for measure, measure_bounds in bounds.items()
    ], ignore_index=True)
