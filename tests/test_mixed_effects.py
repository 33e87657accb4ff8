"""Random-intercept logistic regression: known effects are recovered and the 95%
intervals cover them (simulated items nested in conditions, answered repeatedly)."""

import numpy as np
import pandas as pd
import pytest

from pacs.mixed_effects import random_intercept_logit

TRUE_INTERCEPT, TRUE_EFFECTS = 0.3, {"a": 0.0, "b": 1.0, "c": -0.5}


def simulate(seed: int, n_items: int = 30, n_answers: int = 3, item_sd: float = 1.0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for condition, effect in TRUE_EFFECTS.items():
        for item in range(n_items):
            intercept = rng.normal(0, item_sd)
            p = 1 / (1 + np.exp(-(TRUE_INTERCEPT + effect + intercept)))
            for _ in range(n_answers):
                rows.append({"condition": condition, "item": f"{condition}{item}", "correct": float(rng.random() < p)})
    return pd.DataFrame(rows)


def test_fit_reports_every_term():
    table = random_intercept_logit(simulate(0), "C(condition)", "correct", "item")
    assert table.term.tolist() == ["Intercept", "C(condition)[T.b]", "C(condition)[T.c]", "log_sigma"]
    assert table.converged.all() and (table.n_groups == 90).all() and (table.n_obs == 270).all()
    assert (table.ci_low < table.estimate).all() and (table.estimate < table.ci_high).all()


def test_known_effects_are_recovered_and_covered():
    estimates, covered = [], []
    for seed in range(1, 41):
        row = random_intercept_logit(simulate(seed), "C(condition)", "correct", "item").set_index("term")
        effect = row.loc["C(condition)[T.c]"]
        estimates.append(effect.estimate)
        covered.append(effect.ci_low <= TRUE_EFFECTS["c"] <= effect.ci_high)
    assert np.mean(estimates) == pytest.approx(TRUE_EFFECTS["c"], abs=0.15)
    assert np.mean(covered) >= 0.85  # nominal 0.95; 40 repeats have a binomial SD of 0.034


def test_no_item_variation_and_non_binary_outcomes():
    flat = simulate(3, item_sd=0.0)
    sigma = random_intercept_logit(flat, "C(condition)", "correct", "item").set_index("term").loc["log_sigma"]
    assert np.exp(sigma.estimate) < 0.6  # no item spread in the data: a small SD is estimated
    with pytest.raises(ValueError, match="0/1"):
        random_intercept_logit(flat.assign(correct=flat.correct * 2), "C(condition)", "correct", "item")
