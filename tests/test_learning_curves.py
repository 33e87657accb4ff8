"""Learning-curve figures from training logs."""

import pandas as pd

from pacs.figures import learning_curve_figure


def test_one_figure_with_a_line_per_learner(tmp_path):
    rows = []
    for seed, reason in ((0, "converged"), (1, "cap")):
        for step in (10, 20, 30):
            rows.append({"seed": seed, "step": step, "episodes_seen": 32 * step, "monitor": "val_own",
                         "val_own_loss": 1.0 / step, "val_own_agreement": 1 - 1.0 / step, "best_step": 20,
                         "stop_reason": reason, "learner": f"results/x/seed{seed}/training_log.csv",
                         "condition": "x"})
    out = tmp_path / "learning.pdf"
    learning_curve_figure(pd.DataFrame(rows), [out], "test learners")
    assert out.read_bytes().startswith(b"%PDF") and out.stat().st_size > 5000
