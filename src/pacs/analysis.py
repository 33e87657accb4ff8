"""From tidy episode tables to tidy statistics tables (pandas only, no torch).

The statistics themselves are the pure functions of ``pacs.stats``; this module
decides which summaries and contrasts each experiment reports.
"""

from __future__ import annotations

import pandas as pd

from pacs.stats import BootstrapSettings, paired_differences, summarize
from pacs.tables import read_table

EPISODE_COLUMNS = (
    "experiment", "seed", "split", "policy", "episode", "target", "goal_variable", "goal_sign",
    "reward", "expected_reward", "optimal_reward", "reward_over_optimal", "optimal_choice",
)
DAG_METRICS = ("reward_over_optimal", "optimal_choice")
DAG_REFERENCE = "agent"
# Baselines the agent must beat for C1 (associational or heuristic), and the rest.
DAG_ASSOCIATIONAL = ("random", "correlational", "observational", "prior")
DAG_COMPARISONS = ("optimal", "expert", *DAG_ASSOCIATIONAL, "agent_no_intervention", "agent_random_intervention")


def read_episode_tables(paths) -> pd.DataFrame:
    return pd.concat([read_table(p, EPISODE_COLUMNS) for p in paths], ignore_index=True)


def mark_diagnostic(episodes: pd.DataFrame) -> pd.DataFrame:
    """Add ``diagnostic``: True for episodes where the correlational choice is not
    optimal, i.e. where causal and correlational reasoning part ways."""
    keys = ["seed", "split", "episode"]
    correlational = episodes.loc[episodes.policy == "correlational", [*keys, "optimal_choice"]]
    flags = correlational.assign(diagnostic=correlational.optimal_choice < 0.5).drop(columns="optimal_choice")
    return episodes.merge(flags, on=keys, how="left").fillna({"diagnostic": False})


def dag_summary(episodes: pd.DataFrame, settings: BootstrapSettings) -> pd.DataFrame:
    """Mean and CI of each metric per (policy, split), on all episodes and on the
    diagnostic subset. Long format: metric, subset, policy, split, mean, ci_low, ..."""
    frames = []
    for subset, rows in (("all", episodes), ("diagnostic", episodes[episodes.diagnostic])):
        for metric in DAG_METRICS:
            table = summarize(rows, metric, ["policy", "split"], settings)
            frames.append(table.assign(metric=metric, subset=subset))
    return pd.concat(frames, ignore_index=True)


def dag_contrasts(episodes: pd.DataFrame, settings: BootstrapSettings) -> pd.DataFrame:
    """Paired agent-minus-policy differences per split. Holm's correction runs over
    each (metric, subset) family: all splits and policies of one figure panel."""
    frames = []
    for subset, rows in (("all", episodes), ("diagnostic", episodes[episodes.diagnostic])):
        for metric in DAG_METRICS:
            table = paired_differences(
                rows, metric, "policy", DAG_REFERENCE, list(DAG_COMPARISONS),
                unit_cols=["seed", "episode"], by=["split"], settings=settings,
            )
            frames.append(table.assign(metric=metric, subset=subset))
    return pd.concat(frames, ignore_index=True)


def training_summary(training_logs: pd.DataFrame, settings: BootstrapSettings) -> pd.DataFrame:
    """Final validation agreement and loss per seed, summarized across seeds."""
    final = training_logs.sort_values("step").groupby("seed").tail(1)
    measures = [c for c in final.columns if c.startswith("val_") and ("agreement" in c or c.endswith("loss"))]
    long = final.melt(id_vars=["seed"], value_vars=measures, var_name="measure", value_name="value")
    return summarize(long, "value", ["measure"], settings)
