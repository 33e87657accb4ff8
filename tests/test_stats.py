"""pacs.stats on simulated data with known answers."""

import numpy as np
import pandas as pd
import pytest

from pacs.stats import BootstrapSettings, holm, paired_differences, summarize


def simulate(rng, n_seeds, n_episodes, seed_sd, episode_sd, mean=0.0, effect=0.0):
    """Nested data: seed offsets, episodes within seeds; two policies share episodes."""
    rows = []
    for seed in range(n_seeds):
        offset = rng.normal(0, seed_sd)
        shared = rng.normal(mean + offset, episode_sd, n_episodes)
        other = shared - effect + rng.normal(0, episode_sd, n_episodes)
        rows.append(pd.DataFrame({
            "seed": seed, "episode": np.arange(n_episodes), "a": shared, "b": other,
        }))
    wide = pd.concat(rows)
    return wide.melt(id_vars=["seed", "episode"], value_vars=["a", "b"], var_name="policy", value_name="value")


@pytest.mark.parametrize(
    "seed_sd, episode_sd", [(0.1, 0.3), (0.0, 0.3)], ids=["seed-variation-dominates", "episode-noise-only"]
)
def test_interval_covers_the_truth_about_95_percent(seed_sd, episode_sd):
    rng = np.random.default_rng(11)
    settings = BootstrapSettings(n_boot=500, rng_seed=1)
    repeats, covered = 400, 0
    for repeat in range(repeats):
        frame = simulate(rng, n_seeds=5, n_episodes=100, seed_sd=seed_sd, episode_sd=episode_sd)
        row = summarize(frame[frame.policy == "a"], "value", ["policy"],
                        BootstrapSettings(**{**settings.__dict__, "rng_seed": repeat}))
        covered += row.ci_low.item() <= 0.0 <= row.ci_high.item()
    coverage = covered / repeats
    assert 0.92 <= coverage <= 0.98, f"coverage {coverage:.3f}"


def test_paired_test_false_positive_rate_is_at_most_about_alpha():
    rng = np.random.default_rng(12)
    repeats, rejections = 300, 0
    for repeat in range(repeats):
        frame = simulate(rng, n_seeds=5, n_episodes=60, seed_sd=0.05, episode_sd=0.3, effect=0.0)
        table = paired_differences(frame.assign(group="g"), "value", "policy", "a", ["b"], ["seed", "episode"],
                                   ["group"], BootstrapSettings(n_boot=400, rng_seed=repeat))
        rejections += table.p_value.item() < 0.05
    assert rejections / repeats <= 0.075


def test_paired_difference_recovers_a_known_effect():
    rng = np.random.default_rng(13)
    frame = simulate(rng, n_seeds=6, n_episodes=300, seed_sd=0.2, episode_sd=0.3, effect=0.25).assign(group="g")
    table = paired_differences(frame, "value", "policy", "a", ["b"], ["seed", "episode"], ["group"],
                               BootstrapSettings(n_boot=1000, rng_seed=0))
    row = table.iloc[0]
    assert row.ci_low < 0.25 < row.ci_high
    assert row.ci_low > 0.1, "seed offsets are shared by both policies and cancel in the pairing"
    assert row.p_holm < 0.01
    assert row.effect_size_dz == pytest.approx(0.25 / 0.3, rel=0.2)


def test_summary_mean_is_the_mean_of_seed_means():
    frame = pd.DataFrame({"seed": [0, 0, 0, 1], "value": [1.0, 1.0, 1.0, 3.0], "policy": "a"})
    row = summarize(frame, "value", ["policy"], BootstrapSettings(n_boot=200))
    assert row["mean"].item() == pytest.approx(2.0)
    assert row.n_seeds.item() == 2 and row.n_units.item() == 4


def test_same_settings_same_interval():
    frame = simulate(np.random.default_rng(14), 4, 50, 0.1, 0.3)
    settings = BootstrapSettings(n_boot=300, rng_seed=5)
    assert summarize(frame, "value", ["policy"], settings).equals(summarize(frame, "value", ["policy"], settings))


def test_holm_matches_a_worked_example():
    # sorted p: 0.01*3 = 0.03, 0.02*2 = 0.04, 0.04*1 = 0.04 (monotone)
    assert np.allclose(holm([0.04, 0.01, 0.02]), [0.04, 0.03, 0.04])
    assert np.allclose(holm([0.5, 0.6]), [1.0, 1.0])
