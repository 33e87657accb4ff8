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
        "improving, or it diverged. A learner that imitates one expert (an agent, or a learner of the expert's demonstrations alone) has "
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
    """How the learners behind a verdict ended: each one's state (``converged``,
    ``cap``, ``diverged`` or ``stalled``) and, in the same order, its agreement with
    the expert at its kept step (NaN for a learner not held to the expert-agreement
    floor; no agreements at all when none is)."""

    states: tuple[str, ...]
    agreements: tuple[float, ...] = ()
    expert_agreement_floor: float | None = None

    @classmethod
    def of(cls, states: pd.DataFrame, expert_agreement_floor: float | None = None) -> "Adequacy":
        return cls(tuple(states.state), tuple(states.agreement), expert_agreement_floor)

    @property
    def converged(self) -> bool:
        return bool(self.states) and all(state == CONVERGED for state in self.states)

    def describe(self) -> str:
        """E.g. 'all 10 learners converged' or '3 of 10 learners hit the step cap still improving'."""
        n_learners, count = len(self.states), self.states.count
        n_imitators = sum(not math.isnan(agreement) for agreement in self.agreements)
        if self.converged:
            if not n_imitators:
                return f"all {n_learners} learners converged"
            held = "all" if n_imitators == n_learners else f"the {n_imitators} expert imitators"
            return (f"all {n_learners} learners converged, {held} at or above the expert-agreement floor "
                    f"{self.expert_agreement_floor:g}")
        parts = []
        if count(CAP):
            parts.append(f"{count(CAP)} of {n_learners} learners hit the step cap still improving")
        if count(DIVERGED):
            parts.append(f"{count(DIVERGED)} of {n_learners} diverged")
        stalled = [agreement for state, agreement in zip(self.states, self.agreements) if state == STALLED]
        if stalled:
            low, high = min(stalled), max(stalled)
            spread = f"{low:.3f}" if low == high else f"{low:.3f}-{high:.3f}"
            parts.append(f"{len(stalled)} of {n_learners} stalled (converged at agreement {spread} with "
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
