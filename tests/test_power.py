"""Sized by power (issue 34): a verdict row whose minimum detectable effect exceeds its margin
is flagged underpowered at its preset, in the verdict table and in the planning table."""

import numpy as np
import pandas as pd

from pacs import report
from pacs.verdicts import mde_within_margin, planning_table


def verdict_rows() -> pd.DataFrame:
    """C1 detects a tenth of its margin's size; C3's MDE is twice its margin; C5 has no MDE."""
    return pd.DataFrame({
        "claim": ["C1", "C3", "C5"], "original_claim": ["one", "three", "five"], "test": ["t1", "t3", "t5"],
        "effect_label": ["a", "b", "c"], "effect": [0.3, 0.0, 0.01], "ci_low": [0.25, -0.1, 0.0],
        "ci_high": [0.35, 0.1, 0.02], "z": [10.0, 0.0, 1.0], "p_holm": [0.001, 0.9, 0.3], "p_all": [0.003, 0.9, 0.6],
        "mde": [0.01, 0.1, float("nan")], "margin": [0.1, 0.05, 0.05], "verdict": ["supported", "inconclusive",
                                                                            "inconclusive"],
        "se": [0.1 / np.sqrt(5), 0.1 / np.sqrt(5), 0.02], "n_seeds": [5, 5, 1]})


def test_a_row_whose_mde_exceeds_its_margin_is_underpowered_and_one_without_an_mde_is_unknown():
    rows = verdict_rows()
    assert mde_within_margin(rows).tolist() == [True, False, None]
    # at the margin exactly is powered
    assert mde_within_margin(rows.assign(mde=[0.1, 0.05, 0.05])).tolist() == [True, True, True]


def test_the_verdict_and_planning_tables_flag_the_underpowered_row_only():
    rows = verdict_rows().assign(mde_within_margin=lambda r: mde_within_margin(r))
    lines = [line for line in report.verdict_table(rows).splitlines() if line.startswith("C")]
    assert ["underpowered at this preset" in line for line in lines] == [False, True, False]
    plan = planning_table(rows, level=0.05, power=0.8)
    assert plan.mde_within_margin.tolist() == [True, False, None]
    planned = [line for line in report.planning_table(plan).splitlines() if line.startswith("C")]
    assert planned[0].endswith("& 0.01 & yes \\\\")
    assert planned[1].endswith("& 0.10 & \\textbf{no: underpowered} \\\\")
    assert planned[2].endswith("& -- & -- \\\\")
    # a planning table of rows without MDEs (as before) still renders, with no flag
    bare = planning_table(rows.drop(columns=["mde", "mde_within_margin"]), level=0.05, power=0.8)
    assert "underpowered" not in report.planning_table(bare)
