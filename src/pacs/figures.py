"""Figures with seaborn styling; confidence intervals come from pacs.stats tables,
never from seaborn's own resampling. As rliable recommends, every mean with its CI
has its per-seed means drawn beside it (small open markers; a summary row's
``seed_means``), so a reader sees how many seeds there are and how they spread."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402

from pacs.adequacy import STALLED  # noqa: E402
from pacs.analysis import AnalysisPlan  # noqa: E402
from pacs.labels import CONFIGURED, METRIC_LABELS, POLICY_LABELS, SPLIT_LABELS  # noqa: E402
from pacs.probes.analysis import SCORE_NAMES, with_respondent, with_source  # noqa: E402
from pacs.probes.sources import TASK_CONDITIONS  # noqa: E402
from pacs.stats import parse_seed_means  # noqa: E402

SEED_POINT_SIZE = 7


def seed_point_positions(centre: float, n_seeds: int, width: float) -> list[float]:
    """x positions of ``n_seeds`` per-seed points spread evenly over ``width`` just
    left of a mean drawn at ``centre`` (deterministic: no random jitter)."""
    if n_seeds == 0:
        return []
    if n_seeds == 1:
        return [centre - width / 2]
    return [centre - width + width * i / (n_seeds - 1) for i in range(n_seeds)]


def seed_points(ax, centres, rows: pd.DataFrame, colour, width: float) -> None:
    """Each row's per-seed means (``seed_means``), as small open markers beside its mean."""
    if "seed_means" not in rows.columns:
        return
    for centre, text in zip(centres, rows["seed_means"]):
        values = parse_seed_means(text)
        ax.scatter(seed_point_positions(centre, len(values), width), values, s=SEED_POINT_SIZE,
                   facecolors="none", edgecolors=colour, linewidths=0.6, alpha=0.8, zorder=1)

def interval_panel(ax, summary: pd.DataFrame, x: str, hue: str, x_order, hue_order, palette) -> None:
    """Points with CI bars: one group per ``x`` value, one dodged point per ``hue``."""
    width = 0.8
    step = width / max(1, len(hue_order))
    for hue_index, level in enumerate(hue_order):
        rows = summary[summary[hue] == level].set_index(x).reindex(x_order)
        offsets = [i - width / 2 + step * (hue_index + 0.5) for i in range(len(x_order))]
        seed_points(ax, offsets, rows, palette[hue_index], step * 0.4)
        ax.errorbar(
            offsets, rows["mean"],
            yerr=[rows["mean"] - rows["ci_low"], rows["ci_high"] - rows["mean"]],
            fmt="o", ms=4, capsize=2, color=palette[hue_index], label=POLICY_LABELS.get(level, level),
        )
    ax.set_xticks(range(len(x_order)))
    ax.set_xticklabels([SPLIT_LABELS.get(v, v) for v in x_order], fontsize=7)


def save_with_legend(fig, legend_source, title: str, out_paths, ncol: int) -> None:
    """Title the figure, put the legend of ``legend_source`` (an axes, or a list of axes
    whose entries are merged, each label once) below it, save it to every path and close it."""
    merged = {}
    for axis in legend_source if isinstance(legend_source, (list, tuple)) else [legend_source]:
        for handle, label in zip(*axis.get_legend_handles_labels()):
            merged.setdefault(label, handle)
    handles, labels = list(merged.values()), list(merged)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    fig.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=ncol, fontsize=8, frameon=False)
    save_figure(fig, out_paths, dpi=150)


def policy_comparison_figure(
    summary: pd.DataFrame, policies, splits, panels, out_paths, title: str
) -> None:
    """One panel per (metric, subset); policies dodged within each split."""
    sns.set_theme(style="whitegrid", context="paper")
    palette = sns.color_palette("tab10", len(policies))
    fig, axes = plt.subplots(1, len(panels), figsize=(4.2 * len(panels), 3.4), squeeze=False)
    for ax, (metric, subset) in zip(axes[0], panels):
        rows = summary[(summary.metric == metric) & (summary.subset == subset)]
        interval_panel(ax, rows, "split", "policy", splits, policies, palette)
        ax.set_ylabel(METRIC_LABELS.get(metric, metric))
        ax.set_title(f"{METRIC_LABELS.get(metric, metric)} ({subset} episodes)", fontsize=9)
    save_with_legend(fig, axes[0][0], title, out_paths, ncol=3)


def content_effect_figure(accuracy: pd.DataFrame, acceptance: pd.DataFrame, condition_order: dict,
                          human_acceptance: dict, out_paths, title: str) -> None:
    """Content effects: accuracy per condition for each task (one panel per task, one point per
    respondent), and syllogism acceptance rates beside the published human rates."""
    sns.set_theme(style="whitegrid", context="paper")
    tasks = [t for t in condition_order if t in set(accuracy.task)]
    respondents = sorted(set(accuracy.respondent), key=lambda r: (r.startswith("world"), r))
    palette = sns.color_palette("tab10", len(respondents) + 1)
    fig, axes = plt.subplots(1, len(tasks) + 1, figsize=(3.6 * (len(tasks) + 1), 3.4), squeeze=False)
    for ax, task in zip(axes[0], tasks):
        rows = accuracy[accuracy.task == task]
        present = [r for r in respondents if r in set(rows.respondent)]
        interval_panel(ax, rows, "condition", "respondent", list(condition_order[task]), present,
                       [palette[respondents.index(r)] for r in present])
        ax.set_ylim(-0.02, 1.02)
        ax.set_ylabel("accuracy")
        ax.set_title(task, fontsize=9)
        plt.setp(ax.get_xticklabels(), rotation=30, ha="right", rotation_mode="anchor")
    ax = axes[0][-1]
    cells = list(human_acceptance)
    human = pd.DataFrame({"condition": cells, "mean": [human_acceptance[c] for c in cells],
                          "ci_low": [human_acceptance[c] for c in cells],
                          "ci_high": [human_acceptance[c] for c in cells], "respondent": "humans (E83)"})
    rows = pd.concat([acceptance[acceptance.condition.isin(cells)], human], ignore_index=True)
    present = [r for r in respondents if r in set(rows.respondent)] + ["humans (E83)"]
    interval_panel(ax, rows, "condition", "respondent", cells, present,
                   [palette[respondents.index(r)] if r in respondents else "black" for r in present])
    ax.set_ylim(-0.02, 1.02)
    ax.set_ylabel('share answering "yes"')
    ax.set_title("syllogism acceptance", fontsize=9)
    plt.setp(ax.get_xticklabels(), rotation=30, ha="right", rotation_mode="anchor")
    save_with_legend(fig, list(axes[0]), title, out_paths, ncol=4)  # a respondent may answer only some tasks


def curve_figure(summary: pd.DataFrame, x: str, x_label: str, curves, references, panels, out_paths, title: str,
                 symlog_x: bool = False, marked=(), marked_label: str = "") -> None:
    """Curves: one panel per (metric, split); a line with CI bars for each policy in
    ``curves`` along ``x`` (a round, a number of samples), and a dashed line with a
    shaded CI for each policy in ``references`` (rows whose ``x`` is empty); the ``x``
    values in ``marked`` get a grey vertical line (labelled ``marked_label``)."""
    sns.set_theme(style="whitegrid", context="paper")
    palette = sns.color_palette("tab10", len(curves) + len(references))
    fig, axes = plt.subplots(1, len(panels), figsize=(3.6 * len(panels), 3.2), squeeze=False)
    for ax, (metric, split) in zip(axes[0], panels):
        rows = summary[(summary.metric == metric) & (summary.split == split)]
        for colour, policy in zip(palette, curves):
            line = rows[(rows.policy == policy) & rows[x].notna()].sort_values(x)
            seed_points(ax, line[x].to_numpy(dtype=float), line, colour, 0.0)
            ax.errorbar(line[x], line["mean"], yerr=[line["mean"] - line.ci_low, line.ci_high - line["mean"]],
                        fmt="o-", ms=4, capsize=2, color=colour, label=POLICY_LABELS.get(policy, policy))
        for colour, policy in zip(palette[len(curves):], references):
            level = rows[(rows.policy == policy) & rows[x].isna()]
            if level.empty:
                continue
            ax.axhline(level["mean"].item(), ls="--", lw=1, color=colour, label=POLICY_LABELS.get(policy, policy))
            ax.axhspan(level.ci_low.item(), level.ci_high.item(), color=colour, alpha=0.12, lw=0)
        for index, value in enumerate(marked):
            ax.axvline(value, color="grey", lw=6, alpha=0.25, zorder=0, label=marked_label if index == 0 else None)
        if symlog_x:
            ax.set_xscale("symlog", linthresh=1)
        values = sorted(rows.loc[rows.policy.isin(curves), x].dropna().unique())
        ax.set_xticks(values, [f"{v:g}" for v in values])
        ax.minorticks_off()
        ax.set_xlabel(x_label)
        ax.set_ylabel(METRIC_LABELS.get(metric, metric))
        ax.set_title(f"{SPLIT_LABELS.get(split, split)}", fontsize=9)
    save_with_legend(fig, axes[0][0], title, out_paths, ncol=3)


def learner_state_counts(logs: pd.DataFrame) -> str:
    """How the learners of a learning-curve figure ended, by their adequacy state
    (``state``: ``pacs.adequacy.learner_states``), e.g. '4 converged, 1 stalled'."""
    states = logs.drop_duplicates("learner").state.value_counts()
    return ", ".join(f"{count} {state}" for state, count in states.items())


def learning_curve_figure(logs: pd.DataFrame, out_paths, title: str) -> None:
    """Validation loss and agreement on each learner's monitored set (its own
    training distribution) against training episodes seen: one line per learner
    (``learner``: one per seed and ``condition``), coloured by condition, its kept
    (best) evaluation marked with a dot, or a cross when the learner stalled below
    the expert-agreement floor (``state``, ``pacs.adequacy.learner_states``); the
    line ends where training stopped. No learners (none trained at this preset): a figure
    that says so."""
    sns.set_theme(style="whitegrid", context="paper")
    if logs.empty:
        notice_figure("no learner of these curves was trained at this preset", out_paths, (4, 1), title)
        return
    conditions = list(dict.fromkeys(logs.condition))
    palette = dict(zip(conditions, sns.color_palette("tab10", len(conditions))))
    fig, axes = plt.subplots(1, 2, figsize=(8.4, 3.2), squeeze=False)
    for learner, rows in logs.sort_values("step").groupby("learner", sort=False):
        monitor, condition = rows.monitor.iloc[0], rows.condition.iloc[0]
        kept = rows[rows.step == rows.best_step]
        marker = "x" if rows.state.iloc[0] == STALLED else "o"
        first_of_condition = learner == logs[logs.condition == condition].learner.iloc[0]
        for ax, measure in zip(axes[0], ("loss", "agreement")):
            ax.plot(rows.episodes_seen, rows[f"{monitor}_{measure}"], color=palette[condition], lw=1, alpha=0.8,
                    label=condition if first_of_condition else None)
            ax.plot(kept.episodes_seen, kept[f"{monitor}_{measure}"], marker, color=palette[condition], ms=4)
    for ax, measure in zip(axes[0], ("validation loss (nats)", "validation agreement")):
        ax.set_xlabel("training episodes seen")
        ax.set_ylabel(measure)
    axes[0][0].set_yscale("log")
    marks = "dot: kept evaluation" + ("; cross: kept evaluation of a stalled learner"
                                      if (logs.state == STALLED).any() else "")
    save_with_legend(fig, axes[0][0], f"{title} (learners: {learner_state_counts(logs)}; {marks})", out_paths,
                     ncol=min(4, len(conditions)))


def budget_figure(rows: pd.DataFrame, out_paths) -> None:
    """Budget sensitivity (pacs.budget): one panel per claim, its deciding contrast
    with the 95% CI against the width multiplier (log scale), the claim's margin
    dashed, and the verdict at each budget written beside its point."""
    sns.set_theme(style="whitegrid", context="paper")
    claims = sorted(set(rows.claim))
    if not claims:  # budgets.claims empty at this preset
        notice_figure("No budget sensitivity at this preset (budgets.claims is empty)", out_paths, (5, 1.2))
        return
    fig, axes = plt.subplots(1, len(claims), figsize=(3.6 * len(claims), 3.2), squeeze=False)
    for ax, claim in zip(axes[0], claims):
        group = rows[rows.claim == claim].sort_values("multiplier")
        ax.errorbar(group.multiplier, group.effect, yerr=[group.effect - group.ci_low, group.ci_high - group.effect],
                    fmt="o-", capsize=3, color="tab:blue")
        for r in group.itertuples():
            ax.annotate(r.verdict, (r.multiplier, r.ci_high), textcoords="offset points", xytext=(0, 4),
                        ha="center", fontsize=6)
        margin = group.margin.iloc[0]
        for level in (-margin, margin):
            ax.axhline(level, color="grey", ls="--", lw=0.8)
        ax.axhline(0, color="black", lw=0.6)
        ax.set_xscale("log", base=2)
        ax.set_xticks(group.multiplier, [f"{m:g}" for m in group.multiplier])
        ax.set_xlabel("width multiplier (d_model, d_mlp)")
        ax.set_ylabel("effect")
        label = group.effect_label.iloc[0].replace("$-$", "-")
        ax.set_title(f"{claim}: {label}", fontsize=7, wrap=True)
    fig.suptitle("Budget sensitivity: deciding contrast with 95% CI against model width", fontsize=9)
    fig.tight_layout()
    save_figure(fig, out_paths)


def save_figure(fig, out_paths, dpi=None) -> None:
    """Save the figure to every path (folders made) and close it."""
    for path in out_paths:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path, dpi=dpi, bbox_inches="tight")
    plt.close(fig)


def notice_figure(text: str, out_paths, size: tuple[float, float], title: str = "") -> None:
    """A figure holding only a sentence (what was not run at this preset), saved to every path."""
    fig, ax = plt.subplots(figsize=size)
    ax.axis("off")
    ax.text(0.5, 0.5, text, ha="center", va="center")
    if title:
        fig.suptitle(title, fontsize=10)
    save_figure(fig, out_paths)


# --- each claim's figures, by name (pacs.claims: a claim's spec lists its figure names) ----------------------------

def plan_figure(plan: AnalysisPlan, tables, out_paths) -> None:
    """An analysis plan's panels of policies by split, from the ``summary`` table."""
    policy_comparison_figure(tables["summary"], plan.policies, plan.splits, plan.panels, out_paths, plan.title)


def analysis_plan_figure(tables, params, out_paths) -> None:
    """An analysis plan's figure (params ``plan``: the plan's fields, ``pacs.analysis.figure_params``)."""
    plan_figure(AnalysisPlan(**params["plan"]), tables, out_paths)


def policy_curve_figure(tables, params, out_paths) -> None:
    """``curve_figure`` of the table params ``table`` names along column ``x`` (labelled
    ``x_label``): the policies of ``curves``, those of ``references`` flat beside, one panel per
    (metric, split) of ``panels``, titled ``title``, a symlog x axis where ``symlog_x``; where
    ``start`` names a policy, its rows are also every curve's first point (e.g. an initial
    learner both arms start from)."""
    rows, curves = tables[params["table"]], list(params["curves"])
    if params.get("start"):
        start = rows[rows.policy == params["start"]]
        rows = pd.concat([rows, *(start.assign(policy=curve) for curve in curves)])
    curve_figure(rows, params["x"], params["x_label"], curves, list(params["references"]),
                 [tuple(panel) for panel in params["panels"]], out_paths, params["title"],
                 symlog_x=params.get("symlog_x", False))


def data_efficiency_figure(tables, params, out_paths) -> None:
    """A data-efficiency curve: test-trial accuracy with and without explanations along the
    training-set size (log x; table ``curve``, column ``train_episodes``), the expert and
    random levels beside, the sizes the contrasts table marks ``deciding`` shaded."""
    curve = tables["curve"].assign(split="deconfounded")
    arms = curve.explanations.isin(["with", "without"])
    curve.loc[arms, "policy"] = curve.explanations[arms] + " explanations"
    contrasts = tables["contrasts"]
    curve_figure(curve, "train_episodes", "training episodes per seed", ["with explanations", "without explanations"],
                 ["expert", "random"], [("test_correct", "deconfounded")], out_paths, params["title"], symlog_x=True,
                 marked=sorted(contrasts.train_episodes[contrasts.deciding.astype(bool)]),
                 marked_label="deciding size (validation)")


def probe_accuracy_figure(tables, params, out_paths) -> None:
    """Accuracy per probe task and condition and syllogism acceptance beside humans, on the
    primary score (items of an extra stimulus file as their own points, named by the file)."""
    score = params["primary_score"]
    accuracy, acceptance = (with_source(with_respondent(tables[name])) for name in ("accuracy", "acceptance"))
    accuracy, acceptance = accuracy[accuracy.score == score], acceptance[acceptance.score == score]
    content_effect_figure(accuracy, acceptance, TASK_CONDITIONS, params["human"]["syllogism_acceptance"], out_paths,
                          f"Content effects on reasoning ({SCORE_NAMES[score]} choices); 95% CIs, seeds crossed with items")


def feature_choice_figure(tables, params, out_paths) -> None:
    """Per group (params ``groups``, in order) the share of test picks that follow
    each of params ``metrics`` (e.g. follows_colour, follows_shape), with CIs and per-seed points;
    where params ``run`` is false (this preset does not run the learners) a figure that says so."""
    sns.set_theme(style="whitegrid", context="paper")
    if not params["run"]:
        notice_figure("C3b's learners are not run at this preset (extended tier)", out_paths, (4.5, 1),
                      params["title"])
        return
    def readable(names):  # follows_colour -> "follows colour", the label in the legend and on the axis
        return [str(name).replace("_", " ") for name in names]

    groups, metrics = readable(params["groups"]), readable(params["metrics"])
    shares = tables["shares"].assign(group=lambda t: readable(t.group), metric=lambda t: readable(t.metric))
    rows = shares[shares.metric.isin(metrics) & shares.group.isin(groups)]
    fig, ax = plt.subplots(figsize=(1.1 * len(groups) + 2.0, 3.2))
    interval_panel(ax, rows, "group", "metric", groups, metrics, sns.color_palette("tab10", len(metrics)))
    ax.set_ylim(-0.02, 1.02)
    ax.set_ylabel("share of test picks")
    plt.setp(ax.get_xticklabels(), rotation=20, ha="right", rotation_mode="anchor")
    save_with_legend(fig, ax, params["title"], out_paths, ncol=len(metrics))


def curve_order(rows: pd.DataFrame) -> pd.DataFrame:
    """One verdict row's universes in specification-curve order: by effect, smallest first
    (ties by universe name, so the order is deterministic), with ``rank`` 0, 1, ..."""
    ordered = rows.sort_values(["effect", "universe"], kind="mergesort", na_position="first")
    return ordered.assign(rank=range(len(ordered))).reset_index(drop=True)


def universe_label(row) -> str:
    """A universe's line in the dot matrix: its choice and value, design universes (their
    own training run) marked as such."""
    return f"{'design: ' if row.kind == 'design' else ''}{row.choice} = {row.value}"


def specification_curve_figure(rows: pd.DataFrame, out_paths, title: str) -> None:
    """A claim's specification curve (Simonsohn et al. 2020), one column per verdict row
    (``prefix``): above, the deciding effect with its 95% CI in every universe, sorted by
    effect (``curve_order``) and coloured by verdict (design universes as squares, analysis
    ones as circles); below, a dot matrix of the choice each universe takes (design choices
    marked "design:"; the configured run: the bottom row). ``rows``: the tidy
    universe table of ``pacs.claims.multiverse`` (``UNIVERSE_COLUMNS``)."""
    sns.set_theme(style="whitegrid", context="paper")
    if rows.empty:  # no verdict row was tested: say so rather than draw empty axes
        fig, ax = plt.subplots(figsize=(4, 1))
        ax.axis("off")
        ax.text(0.5, 0.5, "no verdict row was tested", ha="center", va="center")
        save_with_legend(fig, ax, title, out_paths, ncol=1)
        return
    prefixes = list(dict.fromkeys(rows.prefix))
    verdicts = list(dict.fromkeys(rows.verdict))
    palette = dict(zip(verdicts, sns.color_palette("colorblind", len(verdicts))))
    labels = list(dict.fromkeys(universe_label(r) for r in rows.itertuples() if r.universe != CONFIGURED))
    labels.append(CONFIGURED)
    fig, axes = plt.subplots(2, len(prefixes), figsize=(3.2 * len(prefixes) + 1.5, 2.6 + 0.22 * len(labels)),
                             squeeze=False, sharex="col", gridspec_kw={"height_ratios": [2, 0.4 + 0.18 * len(labels)]})
    for column, prefix in enumerate(prefixes):
        curve = curve_order(rows[rows.prefix == prefix])
        top, matrix = axes[0][column], axes[1][column]
        for r in curve.itertuples():
            colour = palette[r.verdict]
            marker = "s" if r.kind == "design" else "o"
            top.errorbar(r.rank, r.effect, yerr=[[r.effect - r.ci_low], [r.ci_high - r.effect]], fmt=marker,
                         color=colour, markersize=4, capsize=2)
            label = CONFIGURED if r.universe == CONFIGURED else universe_label(r)
            matrix.scatter(r.rank, labels.index(label), color=colour, s=14, marker=marker)
        top.set_title(f"{prefix}: {curve.effect_label.iloc[0]}", fontsize=7)
        top.set_ylabel("effect [95% CI]" if column == 0 else "")
        matrix.set_yticks(range(len(labels)))
        matrix.set_yticklabels(labels if column == 0 else [], fontsize=6)
        matrix.set_ylim(-0.5, len(labels) - 0.5)
        matrix.invert_yaxis()
        matrix.set_xticks(range(len(curve)))
        matrix.set_xticklabels([])
        matrix.set_xlabel("universes, by effect")
    # the legend: colour is the verdict; marker the kind of universe, where design ones are drawn
    for verdict in verdicts:
        axes[0][0].plot([], [], "o", color=palette[verdict], label=verdict)
    kinds = [("o", "analysis universe"), ("s", "design universe (own training)")]
    kinds = kinds if (rows.kind == "design").any() else []
    for marker, label in kinds:
        axes[0][0].plot([], [], marker, color="grey", label=label)
    save_with_legend(fig, list(axes[0]), title, out_paths, ncol=len(verdicts) + len(kinds))
