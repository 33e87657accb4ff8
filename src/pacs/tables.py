"""Tidy result tables: one row per episode (or item), read and written with clear errors.

Episode tables of the causal-DAG experiment have these columns:
experiment, seed, split, policy, episode (index within the split),
target, goal_variable, goal_sign, reward (sampled X_t), expected_reward
(v * T[i, t]), optimal_reward, reward_over_optimal (reward / optimal_reward),
optimal_choice (1 if the expected reward of the choice is optimal), and
explore_actions (the executed exploration, as a '-'-joined string; '' if none).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:  # only for annotations: statistics and report jobs never import torch
    import torch


class TableError(RuntimeError):
    """A results table is missing, unreadable or lacks required columns."""


def outcome_frame(outcomes: dict[str, torch.Tensor], **constants) -> pd.DataFrame:
    """Per-episode tensors (all length B) plus constant columns -> a tidy frame."""
    columns = {name: value.detach().cpu().numpy() for name, value in outcomes.items()}
    n_rows = len(next(iter(columns.values())))
    frame = pd.DataFrame({**{k: [v] * n_rows for k, v in constants.items()}, **columns})
    frame.insert(len(constants), "episode", range(n_rows))
    return frame


def action_strings(actions: torch.Tensor) -> list[str]:
    """(B, E) exploration actions -> '3-0-4-1-2' strings ('' for none taken, -1 = passive)."""
    return ["-".join(str(int(a)) for a in row) for row in actions]


def write_table(frame: pd.DataFrame, path: str | Path) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".csv":
        frame.to_csv(path, index=False)
    else:
        frame.to_parquet(path, index=False)


def write_tables(tables: dict[str, pd.DataFrame], outputs: dict[str, str | Path]) -> None:
    """Write each named table to the output of the same name (a rule's named outputs,
    which must be exactly the tables' names)."""
    if sorted(outputs) != sorted(tables):
        raise ValueError(f"tables {sorted(tables)} do not match the outputs {sorted(outputs)}")
    for name, frame in tables.items():
        write_table(frame, outputs[name])


def read_table(path: str | Path, required: tuple[str, ...] = (), complete: tuple[str, ...] = ()) -> pd.DataFrame:
    """Read a Parquet or CSV table; a missing file, bad file, missing ``required``
    column or a missing value (NaN) in a ``complete`` column is a one-line TableError
    naming the file and the column. Columns in ``complete`` must also be present."""
    path = Path(path)
    if not path.is_file():
        raise TableError(f"{path}: file not found")
    try:
        frame = pd.read_csv(path) if path.suffix == ".csv" else pd.read_parquet(path)
    except Exception as error:  # noqa: BLE001 - any parse failure is reported the same way
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise TableError(f"{path}: unreadable table ({reason})") from None
    missing = [c for c in dict.fromkeys([*required, *complete]) if c not in frame.columns]
    if missing:
        raise TableError(f"{path}: missing columns {missing}")
    require_complete(frame, complete, path)
    return frame


def require_complete(frame: pd.DataFrame, columns, path: str | Path) -> None:
    """A TableError naming the file and the first of ``columns`` with a missing value."""
    for column in columns:
        n_missing = int(frame[column].isna().sum())
        if n_missing:
            raise TableError(f"{path}: column '{column}' has {n_missing} missing (NaN) values of {len(frame)}")


# A trainer's log (pacs.train, one row per evaluation): these columns, and the
# validation measures (val_<set>_loss, val_<set>_agreement...) that summaries report.
TRAINING_LOG_COLUMNS = ("seed", "step", "train_loss")
# why a trainer stopped (its log's stop_reason column): validation loss stopped improving,
# the step cap reached while still improving, or the loss diverged
CONVERGED, CAP, DIVERGED = "converged", "cap", "diverged"
STOP_REASONS = (CONVERGED, CAP, DIVERGED)


def validation_measures(columns) -> list[str]:
    """The validation loss and agreement columns of a training log."""
    return [c for c in columns if c.startswith("val_") and ("agreement" in c or c.endswith("loss"))]


def read_training_log(path: str | Path) -> pd.DataFrame:
    """A training log whose seed, step, training loss and validation measures are all
    present and complete (a TableError naming the file and the column otherwise)."""
    frame = read_table(path, complete=TRAINING_LOG_COLUMNS)
    measures = validation_measures(frame.columns)
    if not measures:
        raise TableError(f"{path}: missing columns ['val_*_loss', 'val_*_agreement'] (no validation measures)")
    require_complete(frame, measures, path)
    return frame


def benchmark_table(paths, root: str | Path = "benchmarks") -> pd.DataFrame:
    """Snakemake ``benchmark:`` files -> job (path under ``root`` without .tsv),
    seconds (wall), cpu_s (CPU seconds; NaN where the file has none) and max_rss_mb
    (one row per file)."""
    rows = []
    for path in map(Path, paths):
        frame = read_table_tsv(path)
        job = str(path.relative_to(root).with_suffix("")) if path.is_relative_to(root) else path.stem
        cpu = float(frame.cpu_time.iloc[0]) if "cpu_time" in frame.columns else float("nan")
        rows.append({"job": job, "seconds": float(frame.s.iloc[0]), "cpu_s": cpu,
                     "max_rss_mb": float(frame.max_rss.iloc[0])})
    return pd.DataFrame(rows, columns=["job", "seconds", "cpu_s", "max_rss_mb"])


def stage_summary(times: pd.DataFrame) -> pd.DataFrame:
    """Per pipeline stage (a job's path without its ``_seed<N>`` part): jobs, summed
    wall and CPU seconds, the largest max RSS; stages by CPU time, largest first."""
    stages = times.assign(stage=times.job.str.replace(r"_?seed\d+", "", regex=True))
    summary = stages.groupby("stage").agg(jobs=("job", "size"), seconds=("seconds", "sum"),
                                          cpu_s=("cpu_s", "sum"), max_rss_mb=("max_rss_mb", "max"))
    return summary.reset_index().sort_values(["cpu_s", "stage"], ascending=[False, True], ignore_index=True)


def read_table_tsv(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise TableError(f"{path}: file not found")
    frame = pd.read_csv(path, sep="\t", na_values=["-"])
    if "s" not in frame.columns:
        raise TableError(f"{path}: not a Snakemake benchmark file (no 's' column)")
    return frame
