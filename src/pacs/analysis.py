"""From tidy episode tables to tidy statistics tables (pandas only, no torch).

The statistics themselves are the pure functions of ``pacs.stats``; an
``AnalysisPlan`` says, per experiment, which metrics, policies, splits and
episode sets are summarized and compared (each claim's plans are in its own module,
``pacs.claims.<claim>``). One set of functions serves them all.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import pandas as pd

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


def figure_params(plan: AnalysisPlan) -> dict:
    """A plan as the params of ``pacs.figures.analysis_plan_figure`` (plain values, as a rule's params)."""
    return {"plan": asdict(plan)}


# Metrics that are rates (shares of episodes): their CIs are clipped to [0, 1].
RATES = ("optimal_choice", "explore_precision", "explore_recall", "test_correct", "follows_other",
         "follows_none", "follows_colour", "follows_shape", "follows_texture")

# episode tables of language models acting on the same episodes
LM_EPISODE_COLUMNS = (*EPISODE_COLUMNS, "model", "explanations", "shots", "invalid_actions", "tests_run")


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
    """Curves along a condition: each metric per (policy, ``condition``, split) for the rows that have
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


def learner_training_summary(paths, labels, settings: BootstrapSettings, by: str = "condition",
                             sort: bool = False) -> pd.DataFrame:
    """``training_summary`` per learner condition: the training logs at ``paths``, each
    labelled with its learner's condition (``labels``: path -> condition, in column
    ``by``), in the order the conditions first appear, or sorted by name."""
    logs = pd.concat([read_training_log(path).assign(**{by: labels[path]}) for path in paths])
    return pd.concat([training_summary(rows, settings).assign(**{by: name})
                      for name, rows in logs.groupby(by, sort=sort)], ignore_index=True)


def mixture_summary(kinds: pd.DataFrame, settings: BootstrapSettings) -> pd.DataFrame:
    """Mixed-quality demonstrations: share, mean quality and top-bucket share of each
    demonstrator kind (per-seed rows of ``kinds``), mean over seeds with its CI."""
    bounds = {"share": (0.0, 1.0), "mean_quality": (-1.0, 1.0), "top_bucket_share": (0.0, 1.0)}
    return pd.concat([
        summarize(kinds.assign(measure=measure), measure, ["kind", "measure"], settings, bounds=measure_bounds)
        for measure, measure_bounds in bounds.items()
    ], ignore_index=True)
