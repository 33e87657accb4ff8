"""The hyperparameter sweep (pacs.sweep) scores validation loss at the kept step and picks its lowest."""

from pathlib import Path

import pandas as pd
import pytest

from pacs import sweep
from pacs.config import ConfigError, claim_model, load, sweep_axes

from conftest import one_line_error

ROOT = Path(__file__).resolve().parents[1]
CONFIG, SCHEMA = ROOT / "config.yaml", ROOT / "workflow" / "schemas" / "config.schema.yaml"


def a_log(losses, best_step, monitor="val_in_distribution", stop="converged"):
    steps = [25 * (i + 1) for i in range(len(losses))]
    return pd.DataFrame({"step": steps, f"{monitor}_loss": losses, "val_held_out_loss": 0.0, "monitor": monitor,
                         "best_step": best_step, "stop_reason": stop})


def test_a_configuration_is_scored_at_its_kept_step_on_its_monitored_split():
    row = sweep.sweep_row("c1", 0.002, 1.0, 64, 0.0, a_log([3.0, 2.0, 2.5], best_step=50))
    assert row["val_loss"] == 2.0 and row["best_step"] == 50 and row["monitor"] == "val_in_distribution"
    assert set(row) == set(sweep.SWEEP_ROW_COLUMNS)
    with pytest.raises(ValueError, match="no evaluation at the kept step 60"):
        sweep.sweep_row("c1", 0.002, 1.0, 64, 0.0, a_log([3.0], best_step=60))


def test_the_choice_is_the_lowest_loss_per_experiment_and_its_agreement_with_config():
    table = pd.DataFrame([
        sweep.sweep_row(experiment, lr, width, int(64 * width), dropout, a_log([loss], best_step=25))
        for experiment, lr, width, dropout, loss in (
            ("c1", 0.002, 1.0, 0.0, 1.0), ("c1", 0.004, 1.0, 0.0, 0.8), ("c4", 0.003, 1.0, 0.0, 0.5),
            ("c4", 0.003, 2.0, 0.0, 0.7), ("c6", 0.002, 1.0, 0.0, 1.6), ("c6", 0.002, 1.0, 0.1, 1.5))
    ])
    chosen = sweep.choose(table)
    assert chosen[chosen.chosen][["experiment", "lr", "dropout"]].values.tolist() == [
        ["c1", 0.004, 0.0], ["c4", 0.003, 0.0], ["c6", 0.002, 0.1]]
    configured = {"c1": {"lr": 0.002, "d_model": 64, "dropout": 0.0}, "c4": {"lr": 0.003, "d_model": 64, "dropout": 0.0},
                  "c6": {"lr": 0.002, "d_model": 64, "dropout": 0.0}}
    agreement = sweep.agreement(chosen, configured).set_index("experiment")
    assert not agreement.loc["c1", "agrees"] and agreement.loc["c4", "agrees"]
    assert not agreement.loc["c6", "agrees"] and agreement.loc["c6", "chosen_dropout"] == 0.1
    tex = sweep.sweep_tex(chosen, agreement.reset_index())
    assert "\\newcommand{\\SweepTable}" in tex and "\\textbf{0.004}" in tex
    assert "0.002, 64, 0.1" in tex  # the regimes choice: lr, d_model, dropout


def test_a_choice_that_hit_the_cap_or_lies_on_the_grid_edge_says_so():
    def point(lr, width, dropout, loss, stop="converged"):
        return sweep.sweep_row("c3", lr, width, int(64 * width), dropout, a_log([loss], best_step=25, stop=stop))

    configured = {"c3": {"lr": 0.002, "d_model": 64, "dropout": 0.0}}
    grid = [(lr, width) for lr in (0.001, 0.002, 0.004) for width in (0.5, 1.0, 2.0)]

    def caveat(best, stop="converged"):
        table = sweep.choose(pd.DataFrame([point(lr, w, 0.0, 1.0 if (lr, w) == best else 2.0,
                                                 stop if (lr, w) == best else "converged") for lr, w in grid]))
        return sweep.agreement(table, configured).caveat.iloc[0]

    assert caveat((0.002, 1.0)) == ""  # interior and converged; dropout has one value, so no edge
    assert caveat((0.002, 0.5), stop="cap") == "hit the step cap; grid edge: d_model"
    assert caveat((0.004, 2.0)) == "grid edge: lr, d_model"
    table = sweep.choose(pd.DataFrame([point(0.002, 1.0, 0.0, 1.0, "cap"), point(0.002, 1.0, 0.1, 2.0)]))
    agreement = sweep.agreement(table, configured)
    assert agreement.caveat.iloc[0] == "hit the step cap; grid edge: dropout"
    assert "& yes & 0.0000 & -- & hit the step cap; grid edge: dropout" in sweep.sweep_tex(table, agreement)
    edge = sweep.choose(pd.DataFrame([point(lr, w, 0.0, 1.0 if (lr, w) == (0.004, 2.0) else 2.0) for lr, w in grid]))
    assert "grid edge: lr, d\\_model" in sweep.sweep_tex(edge, sweep.agreement(edge, configured))


def test_the_choice_margin_is_read_against_the_configured_learners_spread_over_seeds():
    table = sweep.choose(pd.DataFrame([
        sweep.sweep_row("c4", lr, 1.0, 64, 0.0, a_log([loss], best_step=25))
        for lr, loss in ((0.003, 0.1334), (0.006, 0.1300), (0.0015, 0.1400))]))
    spread = sweep.seed_spread({f"seed{i}": a_log([9.0, loss], best_step=50)
                                for i, loss in enumerate((0.13, 0.14, 0.12))})
    assert spread == pytest.approx(0.01)  # kept-step losses 0.13, 0.14, 0.12
    assert pd.isna(sweep.seed_spread({"seed0": a_log([0.13], best_step=25)}))  # one seed: no spread
    with pytest.raises(ValueError, match="^c4 seed1: no evaluation at the kept step 60$"):
        sweep.seed_spread({"c4 seed1": a_log([0.13], best_step=60)})
    agreement = sweep.agreement(table, {"c4": {"lr": 0.003, "d_model": 64, "dropout": 0.0}}, {"c4": spread})
    assert agreement.margin.iloc[0] == pytest.approx(0.0034) and agreement.seed_sd.iloc[0] == pytest.approx(0.01)
    assert "& no & 0.0034 & 0.0100 & grid edge: lr" in sweep.sweep_tex(table, agreement)
    # a grid without the configured point has no margin
    elsewhere = sweep.agreement(table, {"c4": {"lr": 0.003, "d_model": 128, "dropout": 0.0}})
    assert pd.isna(elsewhere.margin.iloc[0]) and pd.isna(elsewhere.seed_sd.iloc[0])


def test_a_point_at_the_configured_lr_and_dropout_and_a_budget_width_is_that_budget_learner():
    configured = {"lr": 0.002, "d_model": 64, "dropout": 0.0}
    budgets = [0.5, 1, 2]
    assert sweep.budget_multiplier({"lr": "0.002", "d_model": "32", "dropout": "0"}, configured, budgets) == 0.5
    assert sweep.budget_multiplier({"lr": 0.002, "d_model": 128, "dropout": 0.0}, configured, budgets) == 2.0
    # the configured point is the main experiment's (multiplier 1), not a budget's
    assert sweep.budget_multiplier({"lr": 0.002, "d_model": 64, "dropout": 0.0}, configured, budgets) is None
    # another lr, dropout or a width no budget trains: the sweep trains it itself
    assert sweep.budget_multiplier({"lr": 0.004, "d_model": 32, "dropout": 0.0}, configured, budgets) is None
    assert sweep.budget_multiplier({"lr": 0.002, "d_model": 32, "dropout": 0.1}, configured, budgets) is None
    assert sweep.budget_multiplier({"lr": 0.002, "d_model": 16, "dropout": 0.0}, configured, budgets) is None


def test_the_config_rejects_sweep_width_that_is_not_a_whole_number():
    message = one_line_error(ConfigError, lambda: load(CONFIG, SCHEMA, {"sweep": {"width_multipliers": [0.3, 1]}}))
    assert "sweep.width_multipliers" in message


def test_an_experiment_may_replace_the_shared_axes():
    shared = {"lr_multipliers": [0.5, 1], "width_multipliers": [1], "dropouts": [0.0],
              "per_experiment": {"c6": {"dropouts": [0.0, 0.1]}}}
    assert sweep_axes(shared, "c1") == {"lr_multipliers": [0.5, 1], "width_multipliers": [1], "dropouts": [0.0]}
    assert sweep_axes(shared, "c6")["dropouts"] == [0.0, 0.1]
    assert sweep_axes(shared, "c6")["lr_multipliers"] == [0.5, 1]


def test_the_config_names_the_experiment_whose_own_sweep_width_is_bad():
    bad = {"sweep": {"per_experiment": {"c6": {"width_multipliers": [1, 0.3]}}}}
    message = one_line_error(ConfigError, lambda: load(CONFIG, SCHEMA, bad))
    assert "sweep.per_experiment.c6.width_multipliers" in message and "c6" in message


@pytest.mark.parametrize("claim", ["c3", "c6"])
def test_a_claims_learners_use_the_shared_model_overlaid_with_their_own_section(claim):
    config = load(CONFIG, SCHEMA, {claim: {"model": {"d_model": 48, "dropout": 0.3}}})
    assert claim_model(config, claim) == {**config["model"], **config[claim]["model"], "d_model": 48,
                                          "dropout": 0.3}
    assert claim_model(config, "c1") == config["model"]


@pytest.mark.parametrize("claim", ["c3", "c6"])
def test_the_config_names_the_claim_model_whose_heads_do_not_divide_its_width(claim):
    message = one_line_error(ConfigError, lambda: load(CONFIG, SCHEMA, {claim: {"model": {"d_model": 30}}}))
    assert f"{claim}.model.n_heads" in message
