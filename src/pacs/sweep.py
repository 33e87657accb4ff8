"""Hyperparameter sweep on validation data only (pandas only).

Learning rate x model width (a multiplier of ``d_model`` and ``d_mlp``, as in
``pacs.budget``) x dropout, one seed per experiment. Each configuration's learner is scored
by its validation loss on its monitored split (held-aside demonstrations of its
own training distribution, the split early stopping watches) at the evaluation
whose weights it kept; the lowest loss is the sweep's choice. No test episode is
read: the sweep's rules take training data and training logs only.
"""

from __future__ import annotations

import math

import pandas as pd

from pacs import report
from pacs.adequacy import kept_metric

SWEEP_ROW_COLUMNS = ("experiment", "lr", "multiplier", "d_model", "dropout", "val_loss", "monitor", "best_step",
                     "stop_reason")
CONFIGURED = ("lr", "d_model", "dropout")  # what the sweep chooses and config holds


def sweep_row(experiment: str, lr: float, multiplier: float, d_model: int, dropout: float,
              training_log: pd.DataFrame) -> dict:
    """One configuration: its validation loss on the monitored split at the kept
    (best) evaluation, that step, and how training stopped."""
    val_loss = kept_metric(training_log, "loss", f"sweep {experiment} lr {lr:g} x{multiplier:g} dropout {dropout:g}")
    return {"experiment": experiment, "lr": float(lr), "multiplier": float(multiplier), "d_model": int(d_model),
            "dropout": float(dropout), "val_loss": val_loss, "monitor": training_log.monitor.iloc[0],
            "best_step": int(training_log.best_step.iloc[0]), "stop_reason": training_log.stop_reason.iloc[0]}


def choose(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with ``chosen``: True on each experiment's lowest validation loss."""
    best = table.groupby("experiment").val_loss.transform("min")
    return table.assign(chosen=table.val_loss.eq(best) & ~table.duplicated(["experiment", "val_loss"]))


def is_configured(point: dict, configured: dict, keys=CONFIGURED) -> bool:
    """Whether a grid point's values of ``keys`` (lr, d_model and dropout) are the
    configured ones (lr to 6 significant digits, as grid points name it in their paths)."""
    return all(math.isclose(float(point[key]), float(configured[key]), rel_tol=1e-5) for key in keys)


def budget_multiplier(point: dict, configured: dict, multipliers) -> float | None:
    """The width multiplier (other than 1) of the budget (``pacs.budget``) whose
    learner this grid point is: the configured lr and dropout, and ``d_model`` the
    configured one times that multiplier exactly (so ``d_mlp`` scales alike). None
    when no budget trains this point. The budget's learner of the sweep's seed has
    the same data, settings and seed, so the sweep reads its training log rather
    than training it again."""
    if not is_configured(point, configured, ("lr", "dropout")):
        return None
    width = float(point["d_model"]) / float(configured["d_model"])
    return next((float(m) for m in sorted(multipliers) if m != 1 and math.isclose(width, m, rel_tol=1e-9)), None)


def seed_spread(training_logs: dict) -> float:
    """Standard deviation over seeds (n - 1 in the denominator) of the kept validation
    loss of one configuration's learners, ``training_logs`` by name (NaN below two
    seeds): the scale of chance differences, which a one-seed sweep cannot measure
    between its own points."""
    losses = pd.Series([kept_metric(log, "loss", name) for name, log in training_logs.items()], dtype=float)
    return float(losses.std(ddof=1)) if len(losses) > 1 else math.nan


def choice_caveats(group: pd.DataFrame, pick) -> str:
    """Why one experiment's choice may not be the optimum its grid measures ("" when
    none): its learner hit the step cap (its loss was still falling), or a swept value
    is the smallest or largest of its axis (a better value may lie outside the grid)."""
    caveats = ["hit the step cap"] if pick["stop_reason"] == "cap" else []
    edges = [key for key in CONFIGURED
             if group[key].nunique() > 1 and pick[key] in (group[key].min(), group[key].max())]
    if edges:
        caveats.append("grid edge: " + ", ".join(edges))
    return "; ".join(caveats)


def agreement(table: pd.DataFrame, configured: dict, seed_sd: dict | None = None) -> pd.DataFrame:
    """Per experiment: the configured lr, d_model and dropout (``configured[experiment]``
    maps each of ``CONFIGURED`` to its value), the sweep's choice, whether they agree,
    the choice's caveats (``choice_caveats``), its margin (the configured point's
    validation loss minus the choice's; NaN when the grid lacks the configured point)
    and ``seed_sd[experiment]``, the configured learners' spread over seeds
    (``seed_spread``), to read the margin against."""
    rows = []
    for experiment, group in table.groupby("experiment", sort=False):
        pick = group[group.chosen].iloc[0]
        row = {"experiment": experiment}
        for key in CONFIGURED:
            row[f"configured_{key}"], row[f"chosen_{key}"] = configured[experiment][key], pick[key]
        row["agrees"] = is_configured(pick, configured[experiment])
        row["caveat"] = choice_caveats(group, pick)
        at_configured = group[[is_configured(point, configured[experiment]) for _, point in group.iterrows()]]
        row["margin"] = float(at_configured.val_loss.iloc[0] - pick.val_loss) if len(at_configured) else math.nan
        row["seed_sd"] = (seed_sd or {}).get(experiment, math.nan)
        rows.append(row)
    return pd.DataFrame(rows)


def _setting(lr: float, d_model: float, dropout: float) -> str:
    return f"{lr:g}, {int(d_model)}, {dropout:g}"


def sweep_tex(table: pd.DataFrame, agreement_rows: pd.DataFrame, labels: dict | None = None) -> str:
    """Macros ``SweepTable`` (every configuration, the choice in bold) and ``SweepChoiceTable``;
    ``labels``: each experiment's name in them (its claim's ``sweep_label``; by default, and for an
    experiment it lacks, the experiment's own name)."""
    labels = labels or {}
    body = []
    for r in table.itertuples():
        cells = [labels.get(r.experiment, r.experiment), f"{r.lr:g}", f"{r.multiplier:g}",
                 str(int(r.d_model)), f"{r.dropout:g}", report.fmt(r.val_loss, 4), str(int(r.best_step)),
                 r.stop_reason]
        body.append([f"\\textbf{{{c}}}" for c in cells] if r.chosen else cells)
    sweep = report.tabular(["learner", "lr", "width $\\times$", "$d_{\\mathrm{model}}$", "dropout",
                            "validation loss", "kept step", "stopped"], body, "lrrrrrrl")
    choice = report.tabular(
        ["learner", "configured lr, $d_{\\mathrm{model}}$, dropout", "sweep's choice", "same", "margin",
         "seed s.d.", "caveat"],
        [[labels.get(r.experiment, r.experiment),
          _setting(r.configured_lr, r.configured_d_model, r.configured_dropout),
          _setting(r.chosen_lr, r.chosen_d_model, r.chosen_dropout), "yes" if r.agrees else "no",
          report.fmt(r.margin, 4), report.fmt(r.seed_sd, 4), report.tex_escape(r.caveat) or "none"]
         for r in agreement_rows.itertuples()], "lllcrrl")
    return "\n".join([report.macro("SweepTable", sweep), report.macro("SweepChoiceTable", choice)])
