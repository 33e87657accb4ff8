"""pacs.stats on simulated data with known answers."""

import numpy as np
import pandas as pd
import pytest

from pacs.stats import (
    BootstrapSettings,
    hierarchical_bootstrap,
    holm,
    interval,
    minimum_detectable_effect,
    paired_differences,
    summarize,
)


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


def coverage(rng, settings, n_seeds, seed_sd, episode_sd, n_episodes=100, repeats=2000, truth=0.0):
    """Share of repeats whose interval covers the true mean, on simulated nested data."""
    covered = 0
    for _ in range(repeats):
        groups = [rng.normal(truth + rng.normal(0, seed_sd), episode_sd, n_episodes) for _ in range(n_seeds)]
        estimate = float(np.mean([g.mean() for g in groups]))
        distribution = hierarchical_bootstrap(groups, settings.n_boot, rng, settings.resample_episodes)
        low, high = interval(estimate, distribution, n_seeds, settings)
        covered += low <= truth <= high
    return covered / repeats


@pytest.mark.parametrize(
    "n_seeds, seed_sd",
    [(5, 0.1), (5, 0.0), (3, 0.05), (10, 0.1)],
    ids=["5-seeds-seed-variation", "5-seeds-episode-noise-only", "3-seeds-mixed", "10-seeds"],
)
def test_default_interval_covers_the_truth_93_to_97_percent(n_seeds, seed_sd):
    rng = np.random.default_rng(11)
    observed = coverage(rng, BootstrapSettings(n_boot=500), n_seeds, seed_sd, episode_sd=0.3)
    assert 0.93 <= observed <= 0.97, f"coverage {observed:.3f}"


def test_plain_two_stage_percentile_interval_is_miscalibrated_with_few_seeds():
    """Why the default differs from the textbook two-stage bootstrap (documented in pacs.stats)."""
    plain = BootstrapSettings(n_boot=500, resample_episodes=True, small_sample_correction=False)
    rng = np.random.default_rng(12)
    assert coverage(rng, plain, 5, 0.0, 0.3, repeats=600) > 0.975  # too wide without seed variation
    assert coverage(rng, plain, 5, 0.1, 0.3, repeats=600) < 0.90  # too narrow when seeds differ


def test_paired_difference_recovers_a_known_effect():
    rng = np.random.default_rng(13)
    frame = simulate(rng, n_seeds=6, n_episodes=300, seed_sd=0.2, episode_sd=0.3, effect=0.25).assign(group="g")
    table = paired_differences(frame, "value", "policy", "a", ["b"], ["seed", "episode"], ["group"],
                               BootstrapSettings(n_boot=1000, rng_seed=0))
    row = table.iloc[0]
    assert row.ci_low < 0.25 < row.ci_high
    assert row.ci_low > 0.1, "seed offsets are shared by both policies and cancel in the pairing"
    assert row.p_holm < 0.01
    assert row.ci90_low > row.ci_low and row.ci90_high < row.ci_high
    assert row.effect_size_dz == pytest.approx(0.25 / 0.3, rel=0.2)


def test_summary_mean_is_the_mean_of_seed_means():
    frame = pd.DataFrame({"seed": [0, 0, 0, 1], "value": [1.0, 1.0, 1.0, 3.0], "policy": "a"})
    row = summarize(frame, "value", ["policy"], BootstrapSettings(n_boot=200))
    assert row["mean"].item() == pytest.approx(2.0)
    assert row.n_seeds.item() == 2 and row.n_units.item() == 4


def test_rates_keep_their_interval_inside_zero_and_one():
    frame = pd.DataFrame({"seed": [0, 0, 1, 1, 2, 2], "value": [1.0, 1.0, 1.0, 0.0, 1.0, 1.0], "policy": "a"})
    wide = summarize(frame, "value", ["policy"], BootstrapSettings(n_boot=300))
    bounded = summarize(frame, "value", ["policy"], BootstrapSettings(n_boot=300), bounds=(0.0, 1.0))
    assert wide.ci_high.item() > 1.0 and wide.ci_low.item() < 0.0, "the 3-seed widening overshoots"
    assert 0.0 < bounded.ci_low.item() < bounded["mean"].item() < bounded.ci_high.item() < 1.0
    assert bounded["mean"].item() == wide["mean"].item() and bounded.interval.item() == "logit-t"
    one_seed = summarize(frame[frame.seed == 1], "value", ["policy"], BootstrapSettings(n_boot=300), bounds=(0, 1))
    assert one_seed.interval.item() == "bootstrap" and 0.0 <= one_seed.ci_low.item() <= one_seed.ci_high.item() <= 1.0


def test_same_settings_same_interval():
    frame = simulate(np.random.default_rng(14), 4, 50, 0.1, 0.3)
    settings = BootstrapSettings(n_boot=300, rng_seed=5)
    assert summarize(frame, "value", ["policy"], settings).equals(summarize(frame, "value", ["policy"], settings))


def test_minimum_detectable_effect_matches_the_normal_formula():
    # CI half-width 1.96 -> SE 1 -> MDE = 1.96 + 0.8416
    assert minimum_detectable_effect(-1.96, 1.96) == pytest.approx(2.8016, abs=1e-3)


def test_holm_matches_a_worked_example():
    # sorted p: 0.01*3 = 0.03, 0.02*2 = 0.04, 0.04*1 = 0.04 (monotone)
    assert np.allclose(holm([0.04, 0.01, 0.02]), [0.04, 0.03, 0.04])
    assert np.allclose(holm([0.5, 0.6]), [1.0, 1.0])
