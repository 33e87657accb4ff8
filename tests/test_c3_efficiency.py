"""C3a (explanations and learning difficulty): the size rule reads validation only, the
verdict at the deciding sizes on simulated tables, and the curve's learners in the plan."""

import numpy as np
import pandas as pd
import pytest

from pacs.adequacy import Adequacy
from pacs.claims import c3
from pacs.verdicts import CANNOT_DECIDE

ENV = {"values_per_dimension": [4, 4, 4], "n_objects": 4, "experiment_trials": 3}
EFFICIENCY = {"train_sizes": [1000, 3000, 10000], "confounding": "deconfounded", "margin": 0.05, "ceiling": 1.0}
STATS = {"n_boot": 200, "level": 0.95, "rng_seed": 0, "resample_episodes": False, "small_sample_correction": True}
SEEDS, EPISODES = range(5), 400


def write_log(path, seed, kept_value):
    """A converged training log whose deconfounded validation pick agreement is ``kept_value`` at
    its kept step (500) and something else at the steps around it."""
    pd.DataFrame({"seed": seed, "step": [250, 500, 750], "train_loss": 1.0, "val_deconfounded_loss": 1.0,
                  "val_deconfounded_agreement_pick": [0.3, kept_value, 0.31], "monitor": "val_deconfounded",
                  "best_step": 500, "stop_reason": "converged"}).to_csv(path, index=False)
    return str(path)


def write_episodes(path, seed, explanations, accuracy, rng):
    """One learner's test episodes, each correct with probability ``accuracy``."""
    correct = (rng.random(EPISODES) < accuracy) * 1.0
    pd.DataFrame({"experiment": "ooo", "seed": seed, "split": "deconfounded",
                  "policy": f"deconfounded, {explanations} explanations", "episode": np.arange(EPISODES),
                  "confounding": "deconfounded", "explanations": explanations, "test_correct": correct,
                  "follows_other": 1.0 - correct}).to_parquet(path)
    return str(path)


def simulate(tmp_path, validation, accuracy):
    """Statistics of a simulated curve: ``validation[arm][size]``, every learner's kept
    validation agreement; ``accuracy[arm][size]``, its test-trial accuracy."""
    rng = np.random.default_rng(0)
    agent, curve_sizes, log_sizes, log_arms = [], {}, {}, {}
    for arm in ("with", "without"):
        for size in EFFICIENCY["train_sizes"]:
            for seed in SEEDS:
                stem = tmp_path / f"{size}_{arm}_{seed}"
                log = write_log(f"{stem}.csv", seed, validation[arm][size])
                episodes = write_episodes(f"{stem}.parquet", seed, arm, accuracy[arm][size], rng)
                agent.append(episodes)
                curve_sizes[episodes], log_sizes[log], log_arms[log] = size, size, arm
    baselines = write_episodes(tmp_path / "expert.parquet", 0, "none", 1.0, rng)
    frame = pd.read_parquet(baselines).assign(policy="expert")
    frame.to_parquet(baselines)
    return c3.statistics({"agent": agent, "baselines": [baselines], "training_logs": list(log_sizes)},
                         {"part": "efficiency", "stats": STATS, "curve_sizes": curve_sizes, "log_sizes": log_sizes,
                          "log_arms": log_arms, "efficiency": EFFICIENCY, "env": ENV})


FLOOR = c3.pick_agreement_floor(ENV)  # 0.8125: expert experiment picks, chance at test
RULE = c3.efficiency_rule({"alpha": 0.05}, EFFICIENCY, ENV)


def test_the_floor_is_the_chance_level_of_the_pick_agreement():
    assert FLOOR == pytest.approx((3 + 1 / 4) / 4)
    assert RULE.floor == FLOOR and RULE.ceiling == 1.0


def test_the_size_rule_follows_validation_where_test_data_would_choose_otherwise(tmp_path):
    # validation: 1,000 on the floor, 3,000 in between, 10,000 on the ceiling; the test accuracies
    # of the learners without explanations say the opposite (in between at 1,000 and 10,000, at
    # the ceiling at 3,000): a rule that read them would pick 1,000 and 10,000
    validation = {arm: {1000: FLOOR + 0.01, 3000: 0.9, 10000: 0.995} for arm in ("with", "without")}
    accuracy = {arm: {1000: 0.6, 3000: 1.0, 10000: 0.6} for arm in ("with", "without")}
    tables = simulate(tmp_path, validation, accuracy)
    contrasts = tables["contrasts"].set_index("train_episodes")
    assert contrasts.deciding.to_dict() == {1000: False, 3000: True, 10000: False}
    assert contrasts.p_holm.isna().to_dict() == {1000: True, 3000: False, 10000: True}, "Holm over deciding sizes"
    validation_rows = tables["validation"]
    assert set(validation_rows.value.round(4)) == {round(FLOOR + 0.01, 4), 0.9, 0.995}, "values at the kept step"


def test_the_size_rule_reads_only_the_arm_without_explanations(tmp_path):
    validation = {"without": {1000: 0.99, 3000: 0.99, 10000: 0.99}, "with": {1000: 0.9, 3000: 0.9, 10000: 0.9}}
    accuracy = {arm: {1000: 0.6, 3000: 0.6, 10000: 0.6} for arm in ("with", "without")}
    assert not simulate(tmp_path, validation, accuracy)["contrasts"].deciding.any()


HARD = {arm: {1000: 0.83, 3000: 0.9, 10000: 0.99} for arm in ("with", "without")}  # 3,000 decides


@pytest.mark.parametrize("with_accuracy, expected", [
    ({1000: 0.5, 3000: 0.9, 10000: 1.0}, "supported"),  # explanations add 0.3 where learning is hard
    ({1000: 0.5, 3000: 0.6, 10000: 1.0}, "not supported"),  # equivalent to none there
    ({1000: 0.5, 3000: 0.3, 10000: 1.0}, "not supported"),  # reversed there
])
def test_the_verdict_at_the_deciding_size_on_simulated_tables(tmp_path, with_accuracy, expected):
    # at 1,000 (off the deciding sizes) explanations change nothing; at 10,000 both arms are at the ceiling
    accuracy = {"with": with_accuracy, "without": {1000: 0.5, 3000: 0.6, 10000: 1.0}}
    tables = simulate(tmp_path, HARD, accuracy)
    verdict = c3.efficiency_verdict(tables["contrasts"], tables["validation"], RULE)
    assert verdict.verdict == expected
    assert "3,000" in verdict.test and "(3000 episodes)" in verdict.effect_label
    assert verdict.effect == pytest.approx(with_accuracy[3000] - 0.6, abs=0.06)
    decision = c3.Decision.qualified("CThreeEfficiency", verdict, RULE, Adequacy(("converged", "cap")))
    assert decision.verdict.verdict == "undertrained", "a learner at its cap makes the row undertrained"


def test_the_verdict_cannot_be_decided_when_no_size_qualifies(tmp_path):
    # every size at the ceiling on validation, although the test data show a large effect at 1,000
    validation = {arm: {1000: 0.99, 3000: 0.995, 10000: 1.0} for arm in ("with", "without")}
    accuracy = {"with": {1000: 0.9, 3000: 1.0, 10000: 1.0}, "without": {1000: 0.5, 3000: 1.0, 10000: 1.0}}
    tables = simulate(tmp_path, validation, accuracy)
    verdict = c3.efficiency_verdict(tables["contrasts"], tables["validation"], RULE)
    assert verdict.verdict == CANNOT_DECIDE
    assert "1,000: 0.990" in verdict.reason and np.isnan(verdict.effect)
    macros = c3.Decision("CThreeEfficiency", verdict, RULE).macros()
    assert "cannot be decided by this design" in macros and "validation" in RULE.text()


def test_the_report_tables_and_figure_of_the_curve(tmp_path):
    from pacs import figures

    accuracy = {"with": {1000: 0.5, 3000: 0.9, 10000: 1.0}, "without": {1000: 0.5, 3000: 0.6, 10000: 1.0}}
    tables = simulate(tmp_path, HARD, accuracy)
    table = c3.validation_table(tables["validation"], tables["contrasts"])
    assert "3,000 & 0.900 (0.900--0.900) & 0.900 (0.900--0.900) & yes" in table
    assert "10,000" in c3.size_contrast_table(tables["contrasts"])
    assert "10,000 & 1.00 [1.00, 1.00] & 1.00 [1.00, 1.00]" in c3.curve_table(tables["curve"])
    figures.data_efficiency_figure(tables, {"title": "t"}, [tmp_path / "curve.png"])
    assert (tmp_path / "curve.png").stat().st_size > 1000


def test_the_dry_run_plans_the_sized_learners_and_reuses_the_main_ones(tmp_path):
    from test_c3_feature_choice import smoke_plan

    text, jobs = smoke_plan(tmp_path, ["results/c3/efficiency/contrasts.csv"])
    seeds = 2  # the smoke preset's; its sizes are 500 and 3,000, the main training size
    assert {rule: jobs.get(rule) for rule in ("efficiency_c3_training_data", "efficiency_c3_train_agent",
                                              "efficiency_c3_active_test", "c3_train_agent", "c3_active_test")} == {
        "efficiency_c3_training_data": seeds, "efficiency_c3_train_agent": 2 * seeds,
        "efficiency_c3_active_test": 2 * seeds, "c3_train_agent": 2 * seeds, "c3_active_test": 2 * seeds}
    for arm in ("with", "without"):
        assert f"results/c3/efficiency/size500/deconfounded-{arm}/seed0/agent.safetensors" in text
        assert f"results/c3/deconfounded-{arm}/seed1/agent_episodes.parquet" in text
    assert "size3000" not in text, "the main training size reuses the main learners"
    assert "results/c3/confounded-with" not in text, "only the configured confounding's learners"
