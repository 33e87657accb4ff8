"""Experiment 5's statistics: condition contrasts (hand-checked and calibrated on
simulated items), regressions and the verdict rule."""

import numpy as np
import pandas as pd
import pytest

from pacs.probes import analysis
from pacs.stats import BootstrapSettings
from pacs.claims.c5 import content_rule
from pacs.verdicts import effect_verdict

SETTINGS = BootstrapSettings(n_boot=400, rng_seed=1)


def simulated_items(rates: dict[str, float], n_items: int, n_seeds: int, rng) -> pd.DataFrame:
    rows = []
    for seed in range(n_seeds):
        for condition, rate in rates.items():
            for item in range(n_items):
                rows.append({"seed": seed, "condition": condition, "item_id": f"{condition}-{item}",
                             "correct": float(rng.random() < rate)})
    return pd.DataFrame(rows)


def test_a_contrast_is_the_weighted_difference_of_condition_means_averaged_over_seeds():
    frame = pd.DataFrame({
        "seed": [0, 0, 0, 0, 1, 1, 1, 1],
        "condition": ["a", "a", "b", "b", "a", "a", "b", "b"],
        "correct": [1, 1, 0, 1, 1, 0, 0, 0],
    })
    result = analysis.cell_contrast(frame, "correct", "condition", {"a": 1.0, "b": -1.0}, SETTINGS, "k")
    # seed 0: 1 - 0.5; seed 1: 0.5 - 0
    assert result["estimate"] == pytest.approx(0.5)
    assert result["ci_low"] <= 0.5 <= result["ci_high"] and result["n_seeds"] == 2 and result["n_units"] == 8
    only_seed_0 = frame.assign(condition=np.where((frame.seed == 0) & (frame.condition == "b"), "c", frame.condition))
    with pytest.raises(ValueError, match="seed 1 has no correct observations in 'c'"):
        analysis.cell_contrast(only_seed_0, "correct", "condition", {"a": 1.0, "c": -1.0}, SETTINGS, "k")


def test_contrast_intervals_cover_the_truth_and_the_test_keeps_its_level():
    """Simulated items with known rates: 95% CIs cover the true difference in about
    95% of data sets, and with no difference the test rejects in about 5%."""
    rng = np.random.default_rng(7)
    covered, rejected, repeats = 0, 0, 200
    for repeat in range(repeats):
        effect = simulated_items({"a": 0.7, "b": 0.5}, 48, 1, rng)
        result = analysis.cell_contrast(effect, "correct", "condition", {"a": 1.0, "b": -1.0}, SETTINGS, repeat)
        covered += result["ci_low"] <= 0.2 <= result["ci_high"]
        null = simulated_items({"a": 0.6, "b": 0.6}, 48, 1, rng)
        result = analysis.cell_contrast(null, "correct", "condition", {"a": 1.0, "b": -1.0}, SETTINGS, repeat)
        rejected += result["p_value"] < 0.05
    assert 0.90 <= covered / repeats <= 0.99
    assert rejected / repeats <= 0.08


def test_the_regression_has_item_intercepts_only_when_items_are_answered_more_than_once():
    rng = np.random.default_rng(0)
    frame = simulated_items({"consistent": 0.8, "violate": 0.5}, 40, 3, rng).assign(
        model="m", task="nli", prompt="0-shot", shots=0, source="generated").rename(columns={"correct": "correct_x"})
    mixed = analysis.regression_table(frame, {"nli": "consistent"}, score="x")
    assert mixed.random_intercepts.all() and "log_sigma" in set(mixed.term)
    assert mixed.n_groups.iloc[0] == 80 and mixed.n_obs.iloc[0] == 240
    single = analysis.regression_table(frame[frame.seed == 0], {"nli": "consistent"}, score="x")
    assert not single.random_intercepts.any() and "log_sigma" not in set(single.term)
    term = analysis.condition_terms(single).iloc[0]
    assert term.term == "violate" and term.odds_ratio < 1 and term.odds_ratio_low < term.odds_ratio < term.odds_ratio_high


@pytest.mark.parametrize("low, high, p, expected", [
    (0.06, 0.3, 0.01, "supported"),
    (0.01, 0.03, 0.01, "not supported"),  # significant but smaller than the margin: equivalent to none
    (-0.3, -0.06, 0.01, "not supported"),
    (-0.03, 0.04, 0.6, "not supported"),
    (-0.1, 0.3, 0.3, "inconclusive"),
])
def test_the_c5_rule(low, high, p, expected):
    centre, half90 = (low + high) / 2, (high - low) / 2 * 1.645 / 1.96
    row = pd.Series({"estimate": centre, "ci_low": low, "ci_high": high, "ci90_low": centre - half90,
                     "ci90_high": centre + half90, "t": 1.0, "p_holm": p, "mde": 0.1})
    rule = content_rule({"alpha": 0.05}, {"equivalence_margin": 0.05}, "an effect", "a model")
    verdict = effect_verdict(row, rule, "a test")
    assert verdict.verdict == expected and verdict.claim == "C5"
    assert "a model" in rule.text() and "0.05" in rule.text() and "90" in rule.text()


def test_human_indices_from_the_published_rates():
    rates = {"valid-believable": 0.89, "valid-unbelievable": 0.56, "invalid-believable": 0.71,
             "invalid-unbelievable": 0.10}
    indices = analysis.human_indices(rates).set_index("contrast").estimate
    assert indices["belief"] == pytest.approx((0.89 + 0.71 - 0.56 - 0.10) / 2)
    assert indices["logic"] == pytest.approx((0.89 + 0.56 - 0.71 - 0.10) / 2)
    assert indices["interaction"] == pytest.approx((0.71 - 0.10) - (0.89 - 0.56))


def test_the_corpus_difference_pairs_seeds_and_items():
    rng = np.random.default_rng(3)
    base = simulated_items({analysis.VB: 0.9, analysis.VU: 0.9, analysis.IB: 0.9, analysis.IU: 0.9}, 30, 3, rng)
    control = base.assign(corpus="independent", correct_plain=base.correct)
    treated = base.assign(corpus="confounded", correct_plain=np.where(base.condition == analysis.VU, 0.0, base.correct))
    items = pd.concat([treated, control]).assign(task="syllogism")
    result = analysis.corpus_difference(items, analysis.CONTRASTS[0], "confounded", "independent", SETTINGS, "plain")
    # only valid-unbelievable items changed: the congruence contrast rises by half their accuracy
    vu = base[base.condition == analysis.VU].groupby("seed").correct.mean().mean()
    assert result["estimate"] == pytest.approx(0.5 * vu)
    assert result["ci_low"] > 0 and result["treated"] == "confounded" and result["n_seeds"] == 3
    with pytest.raises(ValueError, match="same items"):
        analysis.corpus_difference(items.iloc[1:], analysis.CONTRASTS[0], "confounded", "independent", SETTINGS,
                                   "plain")


def test_corpus_contrasts_take_the_weakest_coupling_as_control_for_every_other_corpus_and_score():
    rng = np.random.default_rng(4)
    base = simulated_items({analysis.VB: 0.9, analysis.VU: 0.6, analysis.IB: 0.6, analysis.IU: 0.9}, 20, 2, rng)
    items = pd.concat([base.assign(corpus=name, correct_plain=base.correct, correct_dcpmi=base.correct)
                       for name in ("strong", "independent", "weak")] + [base.assign(corpus="")])
    items = items.assign(task="syllogism")
    table = analysis.corpus_contrasts(items, {"strong": 0.9, "independent": 0.0, "weak": 0.3}, SETTINGS)
    assert set(table.control) == {"independent"} and sorted(set(table.treated)) == ["strong", "weak"]
    assert len(table) == 2 * len(analysis.SCORES)
    assert table.estimate.abs().max() == pytest.approx(0.0)  # the same answers in every corpus
    empty = analysis.corpus_contrasts(items[items.corpus == ""], {"independent": 0.0, "strong": 0.9}, SETTINGS)
    assert empty.empty and list(empty.columns) == list(analysis.EMPTY_COLUMNS["corpora"])


def test_every_table_keeps_the_item_sources_apart():
    """Generated syllogisms with a belief bias and an outside set without one: each
    table has a row per source, and the outside set's numbers are its own."""
    rng = np.random.default_rng(5)
    biased = {analysis.VB: 0.9, analysis.IU: 0.9, analysis.VU: 0.4, analysis.IB: 0.4}
    frames = []
    for source, rates in (("generated", biased), ("theirs.jsonl", dict.fromkeys(biased, 0.0))):
        items = simulated_items(rates, 12, 1, rng).assign(source=source, item_id=lambda f: source + f.item_id)
        frames.append(items)
    items = pd.concat(frames, ignore_index=True).assign(
        model="m", shots=0, prompt="0-shot", task="syllogism", wason_category="",
        correct_dcpmi=lambda f: f.correct, correct_plain=lambda f: f.correct,
        accepted_dcpmi=lambda f: f.correct, accepted_plain=lambda f: f.correct)
    accuracy = analysis.accuracy_table(items, SETTINGS)
    assert set(accuracy.source) == {"generated", "theirs.jsonl"}
    assert (accuracy[accuracy.source == "theirs.jsonl"]["mean"] == 0).all()
    assert (accuracy[accuracy.source == "generated"]["mean"] > 0).all()
    contrasts = analysis.contrast_table(items, analysis.CONTRASTS, SETTINGS).set_index(["source", "score"])
    assert contrasts.loc[("theirs.jsonl", "dcpmi"), "estimate"] == 0
    assert contrasts.loc[("generated", "dcpmi"), "estimate"] > 0.2
    assert set(analysis.acceptance_table(items, SETTINGS).source) == {"generated", "theirs.jsonl"}
    indices = analysis.contrast_table(items, analysis.BELIEF_INDICES, SETTINGS)
    assert indices.groupby(["source", "score"]).size().eq(3).all()  # Holm within each source
    regression = analysis.regression_table(items, {"syllogism": analysis.VB}, "dcpmi")
    assert set(regression.source) == {"generated", "theirs.jsonl"}
    # a source with one condition of the task (and a reference it lacks) has no rows, and no error
    one_condition = items[(items.source == "generated") | (items.condition == analysis.IU)]
    assert set(analysis.regression_table(one_condition, {"syllogism": analysis.VB}, "dcpmi").source) == {"generated"}


def test_tables_of_a_run_with_one_task_are_written_and_read_back(tmp_path):
    """Only NLI items: the syllogism and Wason tables have no rows but keep their columns."""
    from pacs.tables import read_table, write_table

    rng = np.random.default_rng(2)
    items = simulated_items({"consistent": 0.8, "violate": 0.5}, 10, 1, rng).assign(
        model="m", shots=0, prompt="0-shot", task="nli", source="generated", wason_category="",
        correct_dcpmi=lambda f: f.correct, correct_plain=lambda f: f.correct,
        accepted_dcpmi=np.nan, accepted_plain=np.nan)
    tables = {"acceptance": analysis.acceptance_table(items, SETTINGS),
              "indices": analysis.contrast_table(items, analysis.BELIEF_INDICES, SETTINGS),
              "categories": analysis.category_table(items, SETTINGS),
              "regression": analysis.regression_table(items[items.condition == "violate"], {"nli": "consistent"})}
    for name, table in tables.items():
        assert table.empty and "source" in table.columns, name
        write_table(table, tmp_path / f"{name}.csv")
        assert read_table(tmp_path / f"{name}.csv", ("model", "source")).empty


def test_the_c5_figure_legend_names_respondents_of_every_panel(tmp_path):
    """An extra file's respondent that answers only Wason items is in the legend."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    from pacs.figures import content_effect_figure

    def rows(respondent, task, conditions):
        return pd.DataFrame({"respondent": respondent, "task": task, "condition": conditions,
                             "mean": 0.5, "ci_low": 0.4, "ci_high": 0.6})

    accuracy = pd.concat([rows("m, 0-shot", "nli", ["consistent", "violate"]),
                          rows("m, 0-shot [theirs.jsonl]", "wason", ["realistic", "arbitrary"])])
    acceptance = rows("m, 0-shot", "syllogism", [analysis.VB, analysis.IU])
    figures = []
    original_close = plt.close
    plt.close = lambda fig=None: figures.append(fig)
    try:
        content_effect_figure(accuracy, acceptance, {"nli": ("consistent", "violate"),
                                                     "wason": ("realistic", "arbitrary")},
                              {analysis.VB: 0.89, analysis.IU: 0.1}, [tmp_path / "f.png"], "t")
    finally:
        plt.close = original_close
    labels = [text.get_text() for text in figures[0].legends[0].get_texts()]
    assert labels == ["m, 0-shot", "m, 0-shot [theirs.jsonl]", "humans (E83)"]
    original_close(figures[0])
def test_rate_tables_use_the_crossed_interval_when_every_seed_answers_every_item():
    rng = np.random.default_rng(9)
    crossed = simulated_items({"a": 0.7, "b": 0.4}, 30, 3, rng)
    crossed["item_id"] = crossed.item_id  # the same ids in every seed: crossed
    table = analysis.rate_table(crossed, "correct", ["condition"], SETTINGS)
    assert (table.interval == "crossed logit-t").all()
    assert ((table.ci_low < table["mean"]) & (table["mean"] < table.ci_high)).all()
    nested = crossed.assign(item_id=crossed.item_id + "-seed" + crossed.seed.astype(str))
    assert (analysis.rate_table(nested, "correct", ["condition"], SETTINGS).interval == "logit-t").all()


def test_contrasts_of_crossed_items_include_the_item_variance():
    """Every seed answers the same items, and items differ a lot: the crossed SE is
    larger than the spread of the per-seed contrasts alone would say."""
    rng = np.random.default_rng(10)
    easy = rng.random(40) < 0.5  # half the items are always right, half always wrong, in every seed
    rows = [{"seed": s, "condition": c, "item_id": f"{c}{i}", "correct": float(easy[i] if c == "a" else easy[i + 20])}
            for s in range(4) for c in ("a", "b") for i in range(20)]
    result = analysis.cell_contrast(pd.DataFrame(rows), "correct", "condition", {"a": 1.0, "b": -1.0}, SETTINGS, "k")
    assert result["design"] == "crossed" and result["ci_high"] - result["ci_low"] > 0.3


def test_a_contrast_with_one_missing_answer_stays_crossed_without_that_item(caplog):
    """One seed lacks one answer: the item leaves the contrast (a logged count, n_items
    one less), and the contrast is the crossed one of the remaining items."""
    rng = np.random.default_rng(11)
    frame = simulated_items({"a": 0.7, "b": 0.4}, 30, 3, rng)
    frame["item_id"] = frame.condition + frame.item_id.str.split("-").str[1]  # shared by every seed
    full = analysis.cell_contrast(frame, "correct", "condition", {"a": 1.0, "b": -1.0}, SETTINGS, "k")
    missing = frame.drop(index=frame[(frame.seed == 2) & (frame.item_id == "a7")].index)
    with caplog.at_level("WARNING", logger="pacs.probes.analysis"):
        result = analysis.cell_contrast(missing, "correct", "condition", {"a": 1.0, "b": -1.0}, SETTINGS, "k")
    without = analysis.cell_contrast(frame[frame.item_id != "a7"], "correct", "condition", {"a": 1.0, "b": -1.0},
                                     SETTINGS, "k")
    assert full["design"] == "crossed" and full["n_items"] == 60
    assert result["design"] == "crossed" and result["n_items"] == 59
    assert "1 item(s) not answered by every seed" in caplog.text
    assert result["estimate"] == pytest.approx(without["estimate"]) and result["df"] == pytest.approx(without["df"])
    assert "n_boot" not in result and "t" in result and "z" not in result


def test_a_contrast_of_items_nested_in_seeds_is_the_seed_level_t_test():
    rng = np.random.default_rng(12)
    frame = simulated_items({"a": 0.7, "b": 0.4}, 30, 3, rng)
    nested = frame.assign(item_id=frame.item_id + "-seed" + frame.seed.astype(str))
    result = analysis.cell_contrast(nested, "correct", "condition", {"a": 1.0, "b": -1.0}, SETTINGS, "k")
    assert result["design"] == "nested" and result["df"] == 2 and result["n_items"] == 180
    twice = pd.concat([frame, frame.iloc[:1]])
    with pytest.raises(ValueError, match="seed 0 answered item 'a-0' of 'a' twice"):
        analysis.cell_contrast(twice, "correct", "condition", {"a": 1.0, "b": -1.0}, SETTINGS, "k")
