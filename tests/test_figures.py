"""Figures draw the per-seed means beside each mean and its CI (rliable style)."""

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from pacs import figures
from pacs.stats import BootstrapSettings, format_seed_means, parse_seed_means, summarize


def test_seed_means_survive_a_table_cell():
    assert parse_seed_means(format_seed_means([0.25, 1.0, 1 / 3])) == pytest.approx([0.25, 1.0, 1 / 3])
    assert parse_seed_means(float("nan")) == [] and parse_seed_means("") == []


def test_summaries_carry_their_per_seed_means_in_seed_order():
    frame = pd.DataFrame({"seed": [1, 1, 0, 0], "value": [1.0, 0.0, 1.0, 1.0], "policy": "a"})
    row = summarize(frame, "value", ["policy"], BootstrapSettings(n_boot=50)).iloc[0]
    assert parse_seed_means(row.seed_means) == [1.0, 0.5]


def test_seed_points_sit_left_of_their_mean_and_do_not_overlap():
    positions = figures.seed_point_positions(2.0, 4, 0.3)
    assert positions == pytest.approx([1.7, 1.8, 1.9, 2.0]) and figures.seed_point_positions(2.0, 0, 0.3) == []


def test_a_policy_figure_draws_every_seed(tmp_path, monkeypatch):
    drawn = []
    original = plt.Axes.scatter
    monkeypatch.setattr(plt.Axes, "scatter", lambda self, x, y, **kw: drawn.append(list(y)) or original(self, x, y, **kw))
    summary = pd.DataFrame({
        "metric": "m", "subset": "all", "policy": ["a", "b"], "split": "s", "mean": [0.5, 0.7],
        "ci_low": [0.4, 0.6], "ci_high": [0.6, 0.8], "seed_means": ["0.45;0.5;0.55", "0.6;0.8"],
    })
    figures.policy_comparison_figure(summary, ["a", "b"], ["s"], [("m", "all")], [tmp_path / "f.png"], "t")
    assert drawn == [[0.45, 0.5, 0.55], [0.6, 0.8]] and (tmp_path / "f.png").stat().st_size > 0
