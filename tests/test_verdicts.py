"""Every verdict rule's outcomes on constructed contrast tables, including a missing row."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pacs import report
from pacs.analysis import gap_share_table
from pacs.claims import c1, c2, c3, c4, c6
from pacs.claims.registry import REGISTRY
from pacs.config import load_yaml
from pacs.stats import BootstrapSettings
from pacs.verdicts import (BeatAndApproachRule, BenefitRule, EquivalenceRule, GapShareRule, Verdict,
                           adjust_across_claims, beat_and_approach_verdict, benefit_verdict, config_choices,
                           equivalence_verdict, gap_share_verdict, is_margin, planning_table, rule_choices)

VERDICTS = {"alpha": 0.05}
RATIO_90_TO_95 = 1.645 / 1.96
# each claim's rule choices as config.yaml sets them (``<claim>.verdict``)
DEFAULTS = load_yaml(Path(__file__).resolve().parents[1] / "config.yaml")
CHOICES = {claim: DEFAULTS[claim]["verdict"] for claim in ("c1", "c2", "c3", "c4", "c5", "c6")}


def row(low, high, p=0.001, **keys):
    """One contrast row with its 95% CI [low, high]; the 90% CI is the same centre
    with the normal ratio of half-widths."""
    centre, half90 = (low + high) / 2, (high - low) / 2 * RATIO_90_TO_95
    return {"metric": "m", "subset": "all", "diff": centre, "ci_low": low, "ci_high": high,
            "ci90_low": centre - half90, "ci90_high": centre + half90, "z": 3.0, "t": 3.0, "p_value": p / 2, "p_holm": p,
            "se": (high - low) / 4, "n_seeds": 5,
            "mde": 0.05, **keys}


BEAT = BeatAndApproachRule(claim="CX", metric="m", metric_label="m", splits=("s1", "s2"), must_beat=("b1", "b2"),
                           reference="expert", margin=0.1, alpha=0.05)


def beat_table(baseline=(0.2, 0.4), reference=(-0.05, 0.05), p=0.001, weak=None):
    """Agent-minus-policy rows on two splits; ``weak`` replaces (s2, b2)'s CI and p."""
    rows = []
    for split in ("s1", "s2"):
        for other in ("b1", "b2"):
            low, high, p_row = (*weak,) if weak and (split, other) == ("s2", "b2") else (*baseline, p)
            rows.append(row(low, high, p_row, split=split, other=other))
        rows.append(row(*reference, p=0.5, split=split, other="expert"))
    rows.append(row(-0.5, -0.4, split="s1", other="b1", subset="diagnostic"))  # another episode set: ignored
    return pd.DataFrame(rows)


@pytest.mark.parametrize("table, expected, reason", [
    (beat_table(), "supported", "beats every named baseline"),
    (beat_table(weak=(0.02, 0.3, 0.01)), "inconclusive", "do not settle"),  # CI reaches below the margin
    (beat_table(weak=(0.01, 0.04, 0.001)), "not supported", "equivalent to a named baseline"),
    (beat_table(weak=(-0.3, -0.01, 0.01)), "not supported", "significantly better"),
    (beat_table(weak=(-0.3, -0.01, 0.2)), "inconclusive", "do not settle"),  # reversed, but not after Holm
    (beat_table(reference=(-0.3, -0.15)), "not supported", "further from the expert"),
    (beat_table(reference=(-0.14, -0.02)), "inconclusive", "do not settle"),  # 90% CI reaches past -0.1
])
def test_beat_and_approach_outcomes(table, expected, reason):
    verdict = beat_and_approach_verdict(table, BEAT)
    assert verdict.verdict == expected and reason in verdict.reason
    assert isinstance(verdict, Verdict) and verdict.p_value <= verdict.p_holm
    assert verdict.margin == 0.1 and verdict.n_seeds == 5 and verdict.se > 0


@pytest.mark.parametrize("drop, named", [
    (("split", "s2"), "'s2'"), (("other", "b2"), "'b2'"), (("other", "expert"), "'expert'"),
])
def test_beat_and_approach_names_a_missing_row(drop, named):
    table = beat_table()
    column, value = drop
    table = table[~((table[column] == value) & ((table.split == "s2") | (column == "split")))]
    with pytest.raises(ValueError, match=f"CX: .*{named}"):
        beat_and_approach_verdict(table, BEAT)


BENEFIT = BenefitRule(claim="CY", metric="m", metric_label="m", manipulation="explanations", groups=("g1", "g2"),
                      group_col="confounding", margin=0.05, alpha=0.05)


def benefit_table(first=(0.1, 0.3, 0.001), second=(0.1, 0.3, 0.001)):
    return pd.DataFrame([row(*first[:2], p=first[2], confounding="g1"), row(*second[:2], p=second[2], confounding="g2"),
                         row(-0.9, -0.8, confounding="g3")])  # a group the rule does not name: ignored


@pytest.mark.parametrize("table, expected, reason", [
    (benefit_table(), "supported", "in every group"),
    (benefit_table(second=(0.01, 0.03, 0.001)), "inconclusive", "do not settle"),  # tiny effect in one group only
    (benefit_table((0.01, 0.03, 0.001), (-0.02, 0.04, 0.5)), "not supported", "equivalent to zero"),
    (benefit_table(second=(-0.3, -0.1, 0.001)), "not supported", "lower it"),
    (benefit_table(second=(-0.3, -0.02, 0.001)), "inconclusive", "do not settle"),  # harm not beyond the margin
    (benefit_table(second=(-0.1, 0.3, 0.4)), "inconclusive", "do not settle"),
])
def test_benefit_outcomes(table, expected, reason):
    verdict = benefit_verdict(table, BENEFIT)
    assert verdict.verdict == expected and reason in verdict.reason


def test_benefit_names_a_missing_group():
    with pytest.raises(ValueError, match="CY: .*'g2'"):
        benefit_verdict(benefit_table().query("confounding != 'g2'"), BENEFIT)


def test_every_claim_rule_states_its_margin_and_the_equivalence_test():
    rules = [c1.above_rule(VERDICTS, CHOICES["c1"]), c2.recall_rule(VERDICTS, CHOICES["c2"]),
             c3.explanation_rule(VERDICTS, CHOICES["c3"]), c4.strategy_rule(VERDICTS, CHOICES["c4"], "LM"),
             c4.explanation_rule(VERDICTS, CHOICES["c4"], ["LM"]),
             c6.conditioning_rule(VERDICTS, CHOICES["c6"], "rc", "plain", "expert_only"),
             c6.benefit_rule(VERDICTS, CHOICES["c6"], "DAgger", "plain", "DAgger $-$ plain", "dagger_round")]
    for rule in rules:
        text = rule.text()
        assert f"{rule.margin:g}" in text and "90\\%" in text and "two one-sided tests" in text, rule.claim
        # its choices are printed as the config keys that hold them
        assert f"\\texttt{{{rule.claim.lower()}.verdict.metric}}" in text and "Holm's family" in text, rule.claim


def test_holm_runs_over_the_contrasts_a_rule_reads_not_the_panel():
    """A contrast table whose p_holm came from a bigger figure panel: the verdict adjusts
    only the rows its rule tests, so an extra figure comparison changes nothing."""
    table = beat_table(baseline=(0.2, 0.4), p=0.02)  # p_value 0.01 on each of the 4 tested rows
    extra = pd.DataFrame([row(0.5, 0.6, p=0.02, split=s, other=f"figure_only_{k}") for s in ("s1", "s2")
                          for k in range(20)])
    # the panel's Holm over 4 + 2 + 40 rows would read 0.46 for a tested row; the rule's own family 0.04
    panel = pd.concat([table, extra], ignore_index=True).assign(p_holm=lambda t: np.minimum(t.p_value * len(t), 1))
    alone, with_figure = beat_and_approach_verdict(table, BEAT), beat_and_approach_verdict(panel, BEAT)
    assert alone.as_row() == with_figure.as_row()
    assert alone.p_holm == pytest.approx(0.04) and alone.verdict == "supported"


def test_the_verdict_table_adjusts_p_over_all_its_rows():
    rows = pd.DataFrame({"claim": ["C1", "C2", "C3", "C5"], "p_holm": [0.01, 0.04, float("nan"), 0.02]})
    adjusted = adjust_across_claims(rows)
    # sorted: 0.01 * 3, 0.02 * 2, 0.04 * 1 -> monotone 0.03, 0.04, 0.04; the untested row stays NaN
    assert adjusted.p_all.tolist()[:2] == pytest.approx([0.03, 0.04]) and adjusted.p_all[3] == pytest.approx(0.04)
    assert pd.isna(adjusted.p_all[2]) and adjusted.p_holm.equals(rows.p_holm)


def test_planning_needs_more_seeds_for_noisier_claims_and_none_without_a_seed_sd():
    rows = pd.DataFrame({"claim": ["C1", "C3", "C5"], "effect_label": ["a", "b", "c"], "margin": [0.1, 0.05, 0.05],
                         "se": [0.1 / np.sqrt(5), 0.1 / np.sqrt(5), 0.02], "n_seeds": [5, 5, 1]})
    plan = planning_table(rows, level=0.05, power=0.8)
    # seed SD 0.1: one margin of 0.1 is d = 1 (10 seeds), of 0.05 is d = 0.5 (34 seeds)
    assert plan.seed_sd.tolist()[:2] == pytest.approx([0.1, 0.1])
    assert plan.seeds_needed.tolist()[:2] == [10, 34] and np.isnan(plan.seeds_needed[2])


def gap_rows(shares):
    """Gap-share rows on two splits, each (share, ci_low, ci_high)."""
    return pd.DataFrame([{"split": split, "share": s, "ci_low": lo, "ci_high": hi, "se": 0.02, "n_seeds": 5,
                          "best_baseline": "b1", "subject_mean": 0.8, "best_mean": 0.4, "reference_mean": 0.9}
                         for split, (s, lo, hi) in zip(("s1", "s2"), shares)])


GAP = GapShareRule(claim="CX", metric_label="m", splits=("s1", "s2"), reference="expert", threshold=0.75,
                   threshold_key="verdicts.x")


@pytest.mark.parametrize("shares, expected", [
    (((0.9, 0.8, 1.0), (0.85, 0.8, 0.9)), "supported"),
    (((0.9, 0.8, 1.0), (0.6, 0.5, 0.7)), "not supported"),
    (((0.9, 0.8, 1.0), (0.75, 0.6, 0.9)), "inconclusive"),
    (((0.9, 0.8, 1.0), (float("nan"), float("nan"), float("nan"))), "inconclusive"),  # no gap to close
])
def test_gap_share_outcomes(shares, expected):
    verdict = gap_share_verdict(gap_rows(shares), GAP)
    assert verdict.verdict == expected
    assert np.isnan(verdict.p_holm) and verdict.n_seeds == 5


def test_the_gap_share_has_a_known_answer_on_simulated_episodes():
    """Agent at 0.8, best baseline 0.4 (another at 0.2), expert 0.9: it closes 0.8 of the gap."""
    rng = np.random.default_rng(0)
    means = {"agent": 0.8, "b1": 0.4, "b2": 0.2, "expert": 0.9}
    episodes = pd.DataFrame([{"seed": seed, "episode": e, "split": "s1", "policy": p,
                              "m": mean + 0.05 * seed_shift + rng.normal(0, 0.1)}
                             for seed, seed_shift in enumerate(rng.normal(size=5)) for e in range(200)
                             for p, mean in means.items()])
    table = gap_share_table(episodes, "m", "agent", ["b1", "b2"], "expert", ["s1"], BootstrapSettings(n_boot=400))
    [share] = table.itertuples()
    assert share.best_baseline == "b1" and abs(share.share - 0.8) < 0.05
    assert share.ci_low < share.share < share.ci_high and share.ci_high - share.ci_low < 0.2


@pytest.mark.parametrize("ci, expected", [((-0.02, 0.02), "supported"), ((0.1, 0.3), "not supported"),
                                          ((-0.3, -0.1), "not supported"), ((-0.1, 0.2), "inconclusive")])
def test_equivalence_outcomes(ci, expected):
    rule = EquivalenceRule(claim="CZ", effect_label="an effect", subject="a model", margin=0.05, alpha=0.05)
    verdict = equivalence_verdict(pd.Series({**row(*ci), "estimate": sum(ci) / 2}), rule, "a test")
    assert verdict.verdict == expected and "two one-sided tests" in rule.text()


def test_the_verdict_table_has_a_replication_and_an_extension_block():
    base = {"original_claim": "x", "test": "t", "effect_label": "e", "effect": 0.1, "ci_low": 0.0, "ci_high": 0.2,
            "z": 1.0, "p_holm": 0.1, "p_all": 0.1, "mde": 0.1, "verdict": "supported"}
    rows = pd.DataFrame([{**base, "claim": "C6", "block": "extension"}, {**base, "claim": "C1", "block": "replication"}])
    text = report.verdict_table(rows)
    assert text.index("Replication claims") < text.index("C1 &") < text.index("extensions") < text.index("C6 &")
    undecidable = rows.assign(verdict=["cannot be decided by this design", "supported"],
                              reason=["its positive control (x) reads inconclusive (it must read supported); the data alone "
                                      "would read supported: y", "z"])
    assert "{\\tiny its positive control (x) reads inconclusive (it must read supported)}" in report.verdict_table(undecidable)
    with pytest.raises(ValueError, match="unknown block 'other'"):
        report.verdict_table(rows.assign(block="other"))


def test_every_margin_sits_in_its_claims_verdict_block_and_says_where_it_comes_from():
    assert not any(is_margin(key) for key in DEFAULTS["verdicts"])  # the shared block holds none
    for claim in REGISTRY.values():
        block = DEFAULTS[claim.id]["verdict"]
        assert {key for key in block if is_margin(key)} == set(claim.margins), claim.id
    margins = [(f"{claim.id}.verdict.{key}", DEFAULTS[claim.id]["verdict"][key], source)
               for claim in REGISTRY.values() for key, source in claim.margins.items()]
    text = report.margin_table(margins)
    assert "c1.verdict.above\\_margin" in text and "c6.verdict.equivalence\\_margin" in text
    assert all(f"& {value:g} & {source}" in text for _, value, source in margins)


def test_a_rule_prints_its_choices_without_the_margins_it_states_in_its_own_words():
    block = {"metric": "m", "splits": ["s"], "above_margin": 0.1, "gap_share_threshold": 0.75}
    assert rule_choices(block) == {"metric": "m", "splits": ["s"]}
    assert "margin" not in config_choices("cX.verdict", block) and "threshold" not in config_choices("cX.verdict", block)
