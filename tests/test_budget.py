"""Budget sensitivity (pacs.budget): budgets as scaled model configs, one verdict row per
budget from the claim's own rule, and "same verdict at the two largest budgets"."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pacs import budget
from pacs.claims import c1, c3
from pacs.claims.registry import REGISTRY, load_config as load
from pacs.config import ConfigError, scaled_model
from pacs.figures import budget_figure
from pacs.stats import BootstrapSettings
from pacs.tables import write_table
from pacs.verdicts import NOT_SUPPORTED, SUPPORTED

from conftest import one_line_error

ROOT = Path(__file__).resolve().parents[1]
CONFIG, SCHEMA = ROOT / "config.yaml", ROOT / "workflow" / "schemas" / "config.schema.yaml"
MODEL = {"n_layers": 2, "d_model": 32, "n_heads": 4, "d_mlp": 128, "dropout": 0.0}
VERDICTS = {"alpha": 0.05, "expert_agreement_floor": 0.995}
C3_CHOICES = {"metric": "test_correct", "confounding": ["deconfounded", "confounded"], "equivalence_margin": 0.05}
SETTINGS = BootstrapSettings(n_boot=200, level=0.95, rng_seed=0, resample_episodes=False, small_sample_correction=True)


def test_a_budget_scales_d_model_and_d_mlp_and_keeps_the_rest():
    assert scaled_model(MODEL, 0.5) == {**MODEL, "d_model": 16, "d_mlp": 64}
    assert scaled_model(MODEL, 2) == {**MODEL, "d_model": 64, "d_mlp": 256}
    assert scaled_model(MODEL, 1) == MODEL


@pytest.mark.parametrize("multiplier, words", [(0.3, "not a whole number"), (0.1875, "does not divide")])
def test_a_budget_with_a_bad_width_is_a_one_line_error(multiplier, words):
    assert words in one_line_error(ValueError, lambda: scaled_model(MODEL, multiplier))


@pytest.mark.parametrize("override", [{"claims": ["c1", "c3"], "width_multipliers": [0.3, 1]},
                                      {"width_multipliers": [0.5, 2]}, {"claims": ["c2"]}])
def test_the_config_rejects_bad_budgets_naming_the_key(override):
    message = one_line_error(ConfigError, lambda: load(CONFIG, SCHEMA, {"budgets": override}))
    assert "budgets" in message


def test_budget_names_order_and_the_main_budget():
    assert [budget.budget_name(m) for m in (0.5, 1.0, 2)] == ["x0.5", "x1", "x2"]
    assert budget.is_main("x1") and not budget.is_main("x0.5")
    assert budget.multiplier_of("x0.25") == 0.25
    smoke = load(CONFIG, SCHEMA, {"preset": "smoke"})
    assert 1 in smoke["budgets"]["width_multipliers"]


def rows(verdicts_by_multiplier, claim="C1"):
    return pd.DataFrame([{"claim": claim, "budget": budget.budget_name(m), "multiplier": m, "verdict": v}
                         for m, v in verdicts_by_multiplier.items()])


def test_same_verdict_is_read_at_the_two_largest_budgets_only():
    table = pd.concat([
        rows({2.0: NOT_SUPPORTED, 0.5: SUPPORTED, 1.0: NOT_SUPPORTED}, "C1"),
        rows({0.5: NOT_SUPPORTED, 1.0: SUPPORTED, 2.0: NOT_SUPPORTED}, "C3"),
    ])
    result = budget.sensitivity(table).set_index("claim")
    assert result.loc["C1", "same"] == "yes" and result.loc["C1", "budgets"] == "x1, x2"
    assert result.loc["C3", "same"] == "no"
    assert budget.sensitivity(rows({1.0: SUPPORTED}, "C4")).same.item() == "--"


def test_the_note_goes_on_the_verdict_rows_each_analysis_qualifies():
    # rows named by their macro prefix: C3a's row shares the start of C3's test text but is not
    # what C3's budget analysis reads; C4's analysis reads both of the pipeline LM's strategy rows
    verdict_rows = pd.DataFrame({
        "claim": ["C1", "C2", "C3", "C3", "C4", "C4", "C4"],
        "prefix": ["COne", "CTwo", "CThree", "CThreeEfficiency", "CFourPipelineRuns", "CFourPipelineGeneralizes",
                   "CFourExplain"],
    })
    summary = pd.DataFrame({"claim": ["C1", "C3", "C4"], "same": ["yes", "yes", "no"]})
    decidings = [claim.budget.deciding for claim in REGISTRY.values() if claim.budget]
    notes = budget.annotate_verdicts(verdict_rows, summary, decidings).budget_sensitivity.tolist()
    yes, no = f"{budget.SENSITIVITY_COLUMN}: yes", f"{budget.SENSITIVITY_COLUMN}: no"
    assert notes == [yes, "", yes, "", no, no, ""]


def ooo_episodes(benefit: float, seeds=(0, 1, 2), n=200) -> pd.DataFrame:
    """Deconfounded test episodes where explanations raise the chance of a correct test trial by ``benefit``."""
    rng = np.random.default_rng(0)
    frames = []
    for seed in seeds:
        for explanations, p in (("with", 0.5 + benefit), ("without", 0.5)):
            frames.append(pd.DataFrame({
                "experiment": "ooo", "seed": seed, "split": "deconfounded", "episode": np.arange(n),
                "policy": f"deconfounded, {explanations} explanations", "confounding": "deconfounded",
                "explanations": explanations, "test_correct": (rng.random(n) < p).astype(float),
                "follows_other": 0.0,
            }))
    return pd.concat(frames, ignore_index=True)


def converged_logs(tmp_path, n=2):
    paths = []
    for seed in range(n):
        path = tmp_path / f"log{seed}.csv"
        write_table(pd.DataFrame({"seed": [seed, seed], "step": [0, 10], "best_step": 10,
                                  "stop_reason": "converged"}), path)
        paths.append(path)
    return paths


def test_a_budget_row_carries_the_deciding_contrast_and_the_claims_own_verdict(tmp_path):
    contrasts = budget.claim_contrasts(c3.BUDGET, ooo_episodes(0.3), SETTINGS)
    row = budget.budget_verdict_row(c3.BUDGET, "x2", scaled_model(MODEL, 2), contrasts, VERDICTS,
                                    converged_logs(tmp_path), C3_CHOICES)
    assert set(budget.BUDGET_ROW_COLUMNS) == set(row)
    assert row["claim"] == "C3" and row["multiplier"] == 2.0 and row["d_model"] == 64
    assert 0.2 < row["effect"] < 0.4 and row["ci_low"] < row["effect"] < row["ci_high"]
    assert row["n_seeds"] == 3 and row["verdict"] == SUPPORTED
    assert "learners converged" in row["reason"]

    null = budget.claim_contrasts(c3.BUDGET, ooo_episodes(0.0, n=2000), SETTINGS)
    assert budget.budget_verdict_row(c3.BUDGET, "x1", MODEL, null, VERDICTS, converged_logs(tmp_path),
                                     C3_CHOICES)["verdict"] \
        != SUPPORTED


def test_a_missing_deciding_contrast_is_a_one_line_error():
    contrasts = budget.claim_contrasts(c3.BUDGET, ooo_episodes(0.3), SETTINGS)
    message = one_line_error(ValueError, lambda: budget.deciding_row(contrasts, c1.BUDGET.deciding))
    assert message.startswith("C1:")


def test_the_tex_and_the_figure_are_written(tmp_path):
    table = pd.DataFrame([
        {"claim": claim, "budget": budget.budget_name(m), "multiplier": m, "d_model": int(32 * m),
         "effect_label": spec.budget.deciding.label, "effect": 0.1 * m, "ci_low": 0.1 * m - 0.05,
         "ci_high": 0.1 * m + 0.05, "n_seeds": 2, "margin": 0.05, "verdict": SUPPORTED, "reason": "r"}
        for spec, claim in ((c1.SPEC, "C1"), (c3.SPEC, "C3")) for m in (0.5, 1.0, 2.0)
    ])
    tex = budget.budget_tex(table, budget.sensitivity(table))
    assert "\\newcommand{\\BudgetTable}" in tex and "\\newcommand{\\BudgetMultipliers}{0.5, 1, 2}" in tex
    assert "0.20 [0.15, 0.25]" in tex
    budget_figure(table, [tmp_path / "budget.pdf"])
    assert (tmp_path / "budget.pdf").stat().st_size > 1000



def test_a_preset_without_budget_claims_says_so_in_the_report_and_the_figure(tmp_path):
    empty = pd.DataFrame(columns=list(budget.BUDGET_ROW_COLUMNS))
    tex = budget.budget_tex(empty, budget.sensitivity(empty))
    assert "No budget sensitivity was run at this preset" in tex and "\\newcommand{\\BudgetClaims}" in tex
    assert tex.count("No budget sensitivity was run") == 1  # once, in BudgetStatus; the empty table says none
    budget_figure(empty, [tmp_path / "budget.pdf"])
    assert (tmp_path / "budget.pdf").stat().st_size > 0
