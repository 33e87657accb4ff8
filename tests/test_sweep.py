"""The hyperparameter sweep (pacs.sweep) scores validation loss at the kept step and picks its lowest."""

from pathlib import Path

import pandas as pd
import pytest

from pacs import sweep
from pacs.config import ConfigError, load

from conftest import one_line_error

ROOT = Path(__file__).resolve().parents[1]
CONFIG, SCHEMA = ROOT / "config.yaml", ROOT / "workflow" / "schemas" / "config.schema.yaml"


def a_log(losses, best_step, monitor="val_in_distribution", stop="converged"):
    steps = [25 * (i + 1) for i in range(len(losses))]
    return pd.DataFrame({"step": steps, f"{monitor}_loss": losses, "val_held_out_loss": 0.0, "monitor": monitor,
                         "best_step": best_step, "stop_reason": stop})


def test_a_configuration_is_scored_at_its_kept_step_on_its_monitored_split():
    row = sweep.sweep_row("dag", 0.002, 1.0, 64, a_log([3.0, 2.0, 2.5], best_step=50))
    assert row["val_loss"] == 2.0 and row["best_step"] == 50 and row["monitor"] == "val_in_distribution"
    assert set(row) == set(sweep.SWEEP_ROW_COLUMNS)
    with pytest.raises(ValueError, match="no evaluation at the kept step 60"):
        sweep.sweep_row("dag", 0.002, 1.0, 64, a_log([3.0], best_step=60))


def test_the_choice_is_the_lowest_loss_per_experiment_and_its_agreement_with_config():
    table = pd.DataFrame([
        sweep.sweep_row(experiment, lr, width, int(64 * width), a_log([loss], best_step=25))
        for experiment, lr, width, loss in (("dag", 0.002, 1.0, 1.0), ("dag", 0.004, 1.0, 0.8),
                                            ("lm", 0.003, 1.0, 0.5), ("lm", 0.003, 2.0, 0.7))
    ])
    chosen = sweep.choose(table)
    assert chosen[chosen.chosen][["experiment", "lr"]].values.tolist() == [["dag", 0.004], ["lm", 0.003]]
    agreement = sweep.agreement(chosen, {"dag": (0.002, 64), "lm": (0.003, 64)}).set_index("experiment")
    assert not agreement.loc["dag", "agrees"] and agreement.loc["lm", "agrees"]
    tex = sweep.sweep_tex(chosen, agreement.reset_index())
    assert "\\newcommand{\\SweepTable}" in tex and "\\textbf{0.004}" in tex


def test_the_config_rejects_sweep_width_that_is_not_a_whole_number():
    message = one_line_error(ConfigError, lambda: load(CONFIG, SCHEMA, {"sweep": {"width_multipliers": [0.3, 1]}}))
    assert "sweep.width_multipliers" in message
