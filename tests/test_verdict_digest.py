"""The Markdown digest of a run's verdicts (pacs.verdict_digest), on a synthetic verdict table
written as rule verdict_table writes it."""

import subprocess
import sys

import pandas as pd
import pytest

from pacs.tables import TableError, write_table
from pacs.verdict_digest import digest, main, plain, write_digest
from pacs.claims.registry import REGISTRY
from pacs.verdicts import Verdict, adjust_across_claims

# each claim as its source states it, by the label its verdict rows carry
CLAIMS = {claim.id.upper(): claim.original_claim for claim in REGISTRY.values()}


def verdict_table() -> pd.DataFrame:
    """Three verdict rows in the columns and order of results/verdicts/all.csv."""
    rows = [
        Verdict(claim="C1", test="held-out links", effect_label="agent $-$ expert (held out goal)", effect=-0.184,
                ci_low=-0.262, ci_high=-0.0951, z=-4.1, p_holm=0.0004, mde=0.05, verdict="inconclusive",
                reason="the CIs do not settle every part of the rule", p_value=0.0002, margin=0.1, se=0.04,
                n_seeds=5),
        Verdict(claim="C2", test="unseen cued subsets", effect_label="agent $-$ correlational", effect=0.512,
                ci_low=0.401, ci_high=0.623, z=9.0, p_holm=0.00001, mde=0.05, verdict="supported",
                reason="the agent beats every named baseline | by more than the margin", margin=0.1, se=0.05,
                n_seeds=5),
        Verdict(claim="C5", test="syllogisms (pretrained LM)", effect_label="belief congruence, 5\\% items",
                effect=0.094, ci_low=-0.041, ci_high=0.229, z=1.4, p_holm=0.16, mde=0.1, verdict="not supported",
                reason="the effect is equivalent to zero (within the margin)", margin=0.05, se=0.07, n_seeds=5),
    ]
    table = adjust_across_claims(pd.DataFrame([r.as_row() for r in rows]))
    table.insert(1, "original_claim", table.claim.map(CLAIMS))
    return table.assign(budget_sensitivity=["same verdict at the two largest budgets: yes", "", ""])


def test_the_digest_shows_every_verdict_with_its_effect_and_reason(tmp_path):
    path = tmp_path / "all.csv"
    write_table(verdict_table(), path)
    out = tmp_path / "digest.md"
    write_digest(path, out, preset="default", commit="abc123", config_hash="f00")
    text = out.read_text()
    assert text.startswith("# Verdicts of the last run\n")
    assert "preset `default`, commit `abc123`, config hash `f00`" in text
    assert "Verdicts: 1 supported, 1 not supported, 1 inconclusive (3 rows)." in text
    lines = text.splitlines()
    table = [line for line in lines if line.startswith("| C")]
    assert table == [
        "| C1 | held-out links | agent - expert (held out goal): -0.18 [-0.26, -0.10] | <0.001 | <0.001 | "
        "**inconclusive** |",
        "| C2 | unseen cued subsets | agent - correlational: 0.51 [0.40, 0.62] | <0.001 | <0.001 | **supported** |",
        "| C5 | syllogisms (pretrained LM) | belief congruence, 5% items: 0.09 [-0.04, 0.23] | 0.160 | 0.160 | "
        "**not supported** |",
    ]
    assert "- C1, held-out links: the CIs do not settle every part of the rule (same verdict at the two largest " \
           "budgets: yes)" in lines
    assert "- C2, unseen cued subsets: the agent beats every named baseline / by more than the margin" in lines
    assert f"- C5: {CLAIMS['C5']}" in lines and sum(line.startswith("- C1: ") for line in lines) == 1


def test_a_table_without_the_optional_columns_still_has_a_digest():
    table = verdict_table().drop(columns=["original_claim", "p_all", "budget_sensitivity"])
    text = digest(table, "all.csv")
    assert "| C2 | unseen cued subsets | agent - correlational: 0.51 [0.40, 0.62] | <0.001 | -- | **supported** |" in text
    assert "as the protocol states them" not in text and "Run:" not in text


def test_plain_drops_latex_and_keeps_one_markdown_cell():
    assert plain("with $-$ without Notes (\\textbf{pipeline\\_lm})\n| x") == "with - without Notes (pipeline_lm) / x"
    assert plain(float("nan")) == ""


def test_a_missing_or_incomplete_table_is_one_line_naming_it(tmp_path, capsys):
    with pytest.raises(TableError, match=r"all\.csv: file not found"):
        write_digest(tmp_path / "all.csv", tmp_path / "digest.md")
    write_table(verdict_table().drop(columns=["reason"]), tmp_path / "all.csv")
    assert main([str(tmp_path / "all.csv"), str(tmp_path / "digest.md")]) == 1
    assert capsys.readouterr().err == f"pacs: {tmp_path / 'all.csv'}: missing columns ['reason']\n"
    assert not (tmp_path / "digest.md").exists()


def test_the_command_line_writes_the_digest(tmp_path):
    write_table(verdict_table(), tmp_path / "all.csv")
    result = subprocess.run([sys.executable, "-m", "pacs.verdict_digest", str(tmp_path / "all.csv"),
                             str(tmp_path / "out" / "digest.md"), "--preset", "smoke"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "Run: preset `smoke`." in (tmp_path / "out" / "digest.md").read_text()
