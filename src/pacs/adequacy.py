"""Did the learners behind a verdict finish learning?

Every learner's training log (``pacs.train``) records why it stopped:
``converged`` (its validation loss on its own training distribution stopped
improving), ``cap`` (it reached the step cap while still improving) or
``diverged``. The patience rule cannot tell a learner that finished learning
from one stuck on an early plateau, so a learner that imitates one expert must
also reach the expert-agreement floor (config ``verdicts.expert_agreement_floor``)
on its monitored validation split at its kept step; one that stopped below it is
``stalled``. A verdict measures the claim only when every learner behind it
converged (and no imitator stalled); otherwise it measures the training budget,
and its row reads ``undertrained``, with its numbers kept and the reading they
alone would give in its reason. pandas only (no torch), like the statistics.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from pacs.tables import CAP, CONVERGED, DIVERGED, STOP_REASONS, TableError, read_table

UNDERTRAINED = "undertrained"
STALLED = "stalled"  # an imitator that stopped as converged below the expert-agreement floor
STATE_COLUMNS = ("seed", "step", "best_step", "stop_reason")


def rule_text(expert_agreement_floor: float) -> str:
    """The adequacy rule as the report prints it beside the verdicts."""
    return (
        "A verdict is \\emph{undertrained} when any learner behind it did not converge: it reached its step cap "
        "while its validation loss on held-aside demonstrations of its own training distribution was still "
        "improving, or it diverged. A learner that imitates one expert (C1, C2, C6's expert-only learners) has "
        "converged only if its agreement with the expert on those demonstrations, at its kept step, is at least "
        f"{expert_agreement_floor:g}; below that it stopped on a plateau (\\emph{{stalled}}), which the stopping "
        "rule alone cannot tell from the end of learning. An undertrained verdict's numbers are still shown, and "
        "its reason says what they alone would conclude. A learner that converged and still fails a claim is a "
        "real negative result."
    )


def kept_metric(training_log: pd.DataFrame, metric: str, learner) -> float:
    """A learner's ``metric`` (``loss``, ``agreement``) on its monitored validation
    split at the evaluation it kept (``best_step``); ``learner`` names it in the
    one-line error when the log lacks that column or that evaluation."""
    if "monitor" not in training_log.columns:
        raise ValueError(f"{learner}: missing column 'monitor'")
    monitor, best_step = training_log.monitor.iloc[0], int(training_log.best_step.iloc[0])
    column = f"{monitor}_{metric}"
    if column not in training_log.columns:
        raise ValueError(f"{learner}: missing column {column!r}")
    kept = training_log[training_log.step == best_step]
    if kept.empty:
        raise ValueError(f"{learner}: no evaluation at the kept step {best_step}")
    return float(kept[column].iloc[-1])


def learner_states(training_logs, expert_imitators=(), expert_agreement_floor: float | None = None) -> pd.DataFrame:
    """One row per training log (one learner): learner (the file), seed,
    stop_reason, best_step, last_step, agreement (an expert imitator's, at the
    kept step on the monitored split; NaN for other learners) and state: its stop
    reason, or ``stalled`` for a log among ``expert_imitators`` that converged
    below ``expert_agreement_floor``. A log without its stop columns, or with an
    unknown stop reason, is a one-line TableError naming the file."""
    imitators = {str(Path(path)) for path in expert_imitators}
    if imitators and expert_agreement_floor is None:
        raise ValueError("expert imitators are named but no expert_agreement_floor is given")
    rows = []
    for path in training_logs:
        log = read_table(path, STATE_COLUMNS)
        reasons = set(log.stop_reason.dropna())
        if len(reasons) != 1 or not reasons <= set(STOP_REASONS):
            raise TableError(f"{path}: column stop_reason holds {sorted(map(str, reasons))}, "
                             f"expected one of {CONVERGED}, {CAP}, {DIVERGED}")
        reason, learner = reasons.pop(), str(Path(path))
        imitator = learner in imitators
        agreement = kept_metric(log, "agreement", path) if imitator else math.nan
        stalled = imitator and reason == CONVERGED and agreement < expert_agreement_floor
        rows.append({"learner": learner, "seed": int(log.seed.iloc[0]), "stop_reason": reason,
                     "best_step": int(log.best_step.iloc[0]), "last_step": int(log.step.max()),
                     "agreement": agreement, "state": STALLED if stalled else reason})
    return pd.DataFrame(rows, columns=["learner", "seed", "stop_reason", "best_step", "last_step", "agreement",
                                       "state"])


@dataclass(frozen=True)
class Adequacy:
    """How many of a verdict's learners converged, hit the cap, diverged or (expert
    imitators) stalled below the agreement floor; with the stalled ones' agreement."""

    n_learners: int
    n_converged: int
    n_capped: int
    n_diverged: int
    n_stalled: int = 0
    stalled_agreement: tuple[float, float] | None = None  # lowest and highest
    n_imitators: int = 0  # learners held to the expert-agreement floor
    expert_agreement_floor: float | None = None

    @classmethod
    def of(cls, states: pd.DataFrame, expert_agreement_floor: float | None = None) -> "Adequacy":
        counts = states.state.value_counts()
        stalled = states.agreement[states.state == STALLED]
        return cls(len(states), int(counts.get(CONVERGED, 0)), int(counts.get(CAP, 0)),
                   int(counts.get(DIVERGED, 0)), len(stalled),
                   (float(stalled.min()), float(stalled.max())) if len(stalled) else None,
                   int(states.agreement.notna().sum()), expert_agreement_floor)

    @property
    def converged(self) -> bool:
        return self.n_learners > 0 and self.n_converged == self.n_learners

    def describe(self) -> str:
        """E.g. 'all 10 learners converged' or '3 of 10 learners hit the step cap still improving'."""
        if self.converged:
            if not self.n_imitators:
                return f"all {self.n_learners} learners converged"
            held = "all" if self.n_imitators == self.n_learners else f"the {self.n_imitators} expert imitators"
            return (f"all {self.n_learners} learners converged, {held} at or above the expert-agreement floor "
                    f"{self.expert_agreement_floor:g}")
        parts = []
        if self.n_capped:
            parts.append(f"{self.n_capped} of {self.n_learners} learners hit the step cap still improving")
        if self.n_diverged:
            parts.append(f"{self.n_diverged} of {self.n_learners} diverged")
        if self.n_stalled:
            low, high = self.stalled_agreement
            spread = f"{low:.3f}" if low == high else f"{low:.3f}-{high:.3f}"
            parts.append(f"{self.n_stalled} of {self.n_learners} stalled (converged at agreement {spread} with "
                         f"the expert, below the floor {self.expert_agreement_floor:g})")
        return "; ".join(parts) or "no learners"


def assess(training_logs, expert_imitators=(), expert_agreement_floor: float | None = None) -> Adequacy:
    """The adequacy of the learners whose training logs are given; those among
    ``expert_imitators`` must also reach ``expert_agreement_floor``."""
    return Adequacy.of(learner_states(training_logs, expert_imitators, expert_agreement_floor),
                       expert_agreement_floor)


def qualify(verdict, adequacy: Adequacy):
    """``verdict`` (any verdict dataclass with ``verdict`` and ``reason`` fields) as
    ``undertrained`` when its learners did not all converge, its numbers kept and
    its reason extended; unchanged otherwise, but for the reason naming the adequacy."""
    if adequacy.converged:
        return replace(verdict, reason=f"{verdict.reason} ({adequacy.describe()})")
    return replace(verdict, verdict=UNDERTRAINED,
                   reason=f"{adequacy.describe()}; the numbers alone would read {verdict.verdict}: {verdict.reason}")
