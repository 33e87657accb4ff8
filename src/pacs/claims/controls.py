"""Controls for the verdict rules, built from the real test episodes (pandas only).

A verdict means something only if the design could have given the opposite answer.
Each verdict row is therefore also called, by the claim's own statistics and rule, on

- a positive control, which has the claimed property by construction: a scripted
  policy replayed as the agent on the same episodes (``replay``: the expert in place
  of the agent), or one arm of a learner contrast copied and moved toward the
  metric's ceiling by twice the rule's margin (``plant``: a pair whose difference is
  known, as far as the ceiling leaves room for it);
- a negative control, which lacks it: a baseline replayed as the agent (it ties
  itself), or a contrast of two identical arms.

A row whose positive control does not read ``supported`` or whose negative control
does not read ``not supported`` cannot be decided by this design (``pacs.verdicts.
validate``). A planted effect cannot lift an arm that already sits at the ceiling, so
a design whose arms are both at the ceiling fails its positive control.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

POSITIVE, NEGATIVE = "positive", "negative"
# the largest value of each metric a verdict reads (reward/optimal: the expected reward of
# an action is at most the optimal one's)
CEILINGS = {"reward_over_optimal": 1.0, "optimal_choice": 1.0, "test_correct": 1.0, "explore_recall": 1.0,
            "explore_precision": 1.0}


def replay(episodes: pd.DataFrame, source: str, as_policy: str, policy_col: str = "policy") -> pd.DataFrame:
    """``episodes`` with ``as_policy``'s rows replaced by a copy of ``source``'s (same
    seeds, splits and episodes), so every contrast from ``as_policy`` reads ``source``."""
    if source not in set(episodes[policy_col]):
        raise ValueError(f"control: no episodes of {source!r} ({policy_col}) to replay as {as_policy!r}")
    kept = episodes[episodes[policy_col] != as_policy]
    return pd.concat([kept, episodes[episodes[policy_col] == source].assign(**{policy_col: as_policy})],
                     ignore_index=True)


def plant(episodes: pd.DataFrame, arm_col: str, source_arm, treated_arm, metric: str, shift: float,
          groups=()) -> pd.DataFrame:
    """``episodes`` with the ``treated_arm`` rows replaced by a copy of the ``source_arm``
    rows whose ``metric`` is moved toward its ceiling (``CEILINGS``) so that its mean in
    each seed (and group of ``groups``) rises by ``shift``, or by as much as the ceiling
    leaves: each episode moves the same share of its own distance to the ceiling."""
    if metric not in CEILINGS:
        raise ValueError(f"control: no ceiling known for metric {metric!r}")
    if source_arm not in set(episodes[arm_col]):
        raise ValueError(f"control: no episodes of {source_arm!r} ({arm_col}) to plant an effect on")
    ceiling = CEILINGS[metric]
    source = episodes[episodes[arm_col] == source_arm].copy()
    room = ceiling - source.groupby([*groups, "seed"])[metric].transform("mean")
    share = np.where(room > 1e-12, np.minimum(1.0, shift / room.clip(lower=1e-12)), 0.0)
    source[metric] = source[metric] + share * (ceiling - source[metric])
    source[arm_col] = treated_arm
    return pd.concat([episodes[episodes[arm_col] != treated_arm], source], ignore_index=True)


def identical(episodes: pd.DataFrame, arm_col: str, source_arm, treated_arm) -> pd.DataFrame:
    """``episodes`` with the ``treated_arm`` rows replaced by a copy of ``source_arm``'s:
    two identical arms."""
    return replay(episodes, source_arm, treated_arm, arm_col)


def labelled(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One table of control contrasts: each of ``tables`` (control kind -> its contrasts)
    with a ``control`` column."""
    return pd.concat([table.assign(control=kind) for kind, table in tables.items()], ignore_index=True)


def of_kind(controls: pd.DataFrame, kind: str) -> pd.DataFrame:
    """The contrasts of one control kind (one-line ValueError if there are none)."""
    rows = controls[controls.control == kind] if "control" in controls.columns else controls.iloc[:0]
    if rows.empty:
        raise ValueError(f"the control table has no {kind} control rows")
    return rows


def replayed_text(source: str, subject: str = "agent") -> str:
    return f"the {source.replace('_', ' ')} policy replayed as the {subject}"


def planted_text(source_arm, shift: float) -> str:
    return f"the {source_arm} arm copied with a planted gain of {shift:g} (twice the margin) up to the ceiling"


def identical_text(source_arm) -> str:
    return f"two identical arms (the {source_arm} arm twice)"


def pair_controls(episodes: pd.DataFrame, arm_col: str, source_arm, treated_arm, metric: str, shift: float,
                  groups, contrasts_of) -> pd.DataFrame:
    """A learner contrast's controls: ``contrasts_of`` (episodes -> contrast table) on the
    treated arm replaced by the source arm with a planted gain of ``shift`` (positive) and
    by the source arm unchanged (negative)."""
    return labelled({
        POSITIVE: contrasts_of(plant(episodes, arm_col, source_arm, treated_arm, metric, shift, groups)),
        NEGATIVE: contrasts_of(identical(episodes, arm_col, source_arm, treated_arm)),
    })


def call(table: pd.DataFrame, decide_one, rule, descriptions: dict, select=None):
    """(positive, negative): each control's description (``descriptions``: kind -> text)
    and the verdict ``decide_one(rows, rule)`` gives its rows of ``table`` (after
    ``select(rows)``, where the rule reads a chosen part of them)."""
    def rows(kind):
        chosen = of_kind(table, kind)
        return select(chosen) if select else chosen
    return tuple((descriptions[kind], decide_one(rows(kind), rule)) for kind in (POSITIVE, NEGATIVE))
