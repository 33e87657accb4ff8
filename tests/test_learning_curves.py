"""Learning-curve figures from training logs."""

import pandas as pd

from pacs.figures import learner_state_counts, learning_curve_figure


def curve_rows(states):
    rows = []
    for seed, state in enumerate(states):
        reason = "converged" if state == "stalled" else state
        for step in (10, 20, 30):
            rows.append({"seed": seed, "step": step, "episodes_seen": 32 * step, "monitor": "val_own",
                         "val_own_loss": 1.0 / step, "val_own_agreement": 1 - 1.0 / step, "best_step": 20,
                         "stop_reason": reason, "state": state,
                         "learner": f"results/x/seed{seed}/training_log.csv", "condition": "x"})
    return pd.DataFrame(rows)


def test_one_figure_with_a_line_per_learner(tmp_path):
    out = tmp_path / "learning.pdf"
    learning_curve_figure(curve_rows(["converged", "cap", "stalled"]), [out], "test learners")
    assert out.read_bytes().startswith(b"%PDF") and out.stat().st_size > 5000


def test_a_stalled_learner_is_counted_as_stalled_not_converged():
    # its log says "converged"; the figure's count follows its adequacy state
    assert learner_state_counts(curve_rows(["converged", "stalled", "converged"])) == "2 converged, 1 stalled"
