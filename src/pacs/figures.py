"""Figures with seaborn styling; confidence intervals come from pacs.stats tables
(the hierarchical bootstrap), never from seaborn's own resampling."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402

from pacs.labels import METRIC_LABELS, POLICY_LABELS, SPLIT_LABELS  # noqa: E402

def interval_panel(ax, summary: pd.DataFrame, x: str, hue: str, x_order, hue_order, palette) -> None:
    """Points with CI bars: one group per ``x`` value, one dodged point per ``hue``."""
    width = 0.8
    step = width / max(1, len(hue_order))
    for hue_index, level in enumerate(hue_order):
        rows = summary[summary[hue] == level].set_index(x).reindex(x_order)
        offsets = [i - width / 2 + step * (hue_index + 0.5) for i in range(len(x_order))]
        ax.errorbar(
            offsets, rows["mean"],
            yerr=[rows["mean"] - rows["ci_low"], rows["ci_high"] - rows["mean"]],
            fmt="o", ms=4, capsize=2, color=palette[hue_index], label=POLICY_LABELS.get(level, level),
        )
    ax.set_xticks(range(len(x_order)))
    ax.set_xticklabels([SPLIT_LABELS.get(v, v) for v in x_order], fontsize=7)


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
    handles, labels = axes[0][0].get_legend_handles_labels()
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    fig.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=3, fontsize=8, frameon=False)
    for path in out_paths:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path, dpi=150, bbox_inches="tight")
    plt.close(fig)
