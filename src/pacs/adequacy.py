"""Did the learners behind a verdict finish learning?

Every learner's training log (``pacs.train``) records why it stopped:
``converged`` (its validation loss on its own training distribution stopped
improving), ``cap`` (it reached the step cap while still improving) or
``diverged``. A verdict measures the claim only when every learner behind it
converged; otherwise it measures the training budget, and its row reads
``undertrained``, with its numbers kept and the reading they alone would give in
its reason. pandas only (no torch), like the statistics.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from pacs.tables import CAP, CONVERGED, DIVERGED, STOP_REASONS, TableError, read_table

UNDERTRAINED = "undertrained"
STATE_COLUMNS = ("seed", "step", "best_step", "stop_reason")

RULE_TEXT = (
    "A verdict is \\emph{undertrained} when any learner behind it did not converge: it reached its step cap while "
    "its validation loss on held-aside demonstrations of its own training distribution was still improving, or it "
    "diverged. Its numbers are still shown, and its reason says what they alone would conclude. A learner that "
    "converged and still fails a claim is a real negative result."
)


def learner_states(training_logs) -> pd.DataFrame:
    """One row per training log (one learner): learner (the file), seed,
    stop_reason, best_step and last_step. A log without its stop columns, or with
    an unknown stop reason, is a one-line TableError naming the file."""
    rows = []
    for path in training_logs:
        log = read_table(path, STATE_COLUMNS)
        reasons = set(log.stop_reason.dropna())
        if len(reasons) != 1 or not reasons <= set(STOP_REASONS):
            raise TableError(f"{path}: column stop_reason holds {sorted(map(str, reasons))}, "
                             f"expected one of {CONVERGED}, {CAP}, {DIVERGED}")
        rows.append({"learner": str(Path(path)), "seed": int(log.seed.iloc[0]), "stop_reason": reasons.pop(),
                     "best_step": int(log.best_step.iloc[0]), "last_step": int(log.step.max())})
    return pd.DataFrame(rows, columns=["learner", "seed", "stop_reason", "best_step", "last_step"])


@dataclass(frozen=True)
class Adequacy:
    """How many of a verdict's learners converged, hit the cap or diverged."""

    n_learners: int
    n_converged: int
    n_capped: int
    n_diverged: int

    @classmethod
    def of(cls, states: pd.DataFrame) -> "Adequacy":
        counts = states.stop_reason.value_counts()
        return cls(len(states), int(counts.get(CONVERGED, 0)), int(counts.get(CAP, 0)),
                   int(counts.get(DIVERGED, 0)))

    @property
    def converged(self) -> bool:
        return self.n_learners > 0 and self.n_converged == self.n_learners

    def describe(self) -> str:
        """E.g. 'all 10 learners converged' or '3 of 10 learners hit the step cap still improving'."""
        if self.converged:
            return f"all {self.n_learners} learners converged"
        parts = []
        if self.n_capped:
            parts.append(f"{self.n_capped} of {self.n_learners} learners hit the step cap still improving")
        if self.n_diverged:
            parts.append(f"{self.n_diverged} of {self.n_learners} diverged")
        return "; ".join(parts) or "no learners"


def assess(training_logs) -> Adequacy:
    """The adequacy of the learners whose training logs are given."""
    return Adequacy.of(learner_states(training_logs))


def qualify(verdict, adequacy: Adequacy):
    """``verdict`` (any verdict dataclass with ``verdict`` and ``reason`` fields) as
    ``undertrained`` when its learners did not all converge, its numbers kept and
    its reason extended; unchanged otherwise, but for the reason naming the adequacy."""
    if adequacy.converged:
        return replace(verdict, reason=f"{verdict.reason} ({adequacy.describe()})")
    return replace(verdict, verdict=UNDERTRAINED,
                   reason=f"{adequacy.describe()}; the numbers alone would read {verdict.verdict}: {verdict.reason}")
