"""The verdict rules' controls (pacs.claims.controls): on simulated episode tables, each rule
gives its positive control `supported` and its negative control `not supported`, by the
claim's own statistics; a design whose arms sit at the ceiling cannot be decided."""

import numpy as np
import pandas as pd
import pytest

from pacs.claims import controls
from pacs.analysis import explanation_contrasts
from pacs.claims import c1, c2, c3, c4, c5, c6
from pacs.labels import RC_LEARNER_POLICIES, pipeline_lm_policy, pretrained_policy
from pacs.stats import BootstrapSettings
from pacs.verdicts import (CANNOT_DECIDE, NOT_SUPPORTED, SUPPORTED, Verdict, beat_and_approach_verdict,
                           benefit_verdict, effect_verdict, gap_share_verdict, validate)
from test_verdicts import CHOICES, VERDICTS

SETTINGS = BootstrapSettings(n_boot=300)
SEEDS, EPISODES = 5, 120


def episodes(means: dict, splits, metric="reward_over_optimal", seed_sd=0.03, noise=0.2, **columns):
    """Per policy (or arm) a normal metric around its mean, per seed and episode, clipped to [0, 1]."""
    rng = np.random.default_rng(0)
    rows = []
    for seed in range(SEEDS):
        for split in splits:
            shift = rng.normal(0, seed_sd)
            for episode in range(EPISODES):
                for policy, mean in means.items():
                    value = float(np.clip(mean + shift + rng.normal(0, noise), 0, 1))
                    rows.append({"seed": seed, "split": split, "episode": episode, "policy": policy, metric: value,
                                 **columns})
    return pd.DataFrame(rows)


def assert_valid(called):
    (_, positive), (_, negative) = called
    assert positive.verdict == SUPPORTED and negative.verdict == NOT_SUPPORTED


def test_c1_controls_are_the_expert_and_the_correlational_policy_replayed_as_the_agent():
    rule = CHOICES["c1"]
    means = {"agent": 0.5, "expert": 0.95, "optimal": 1.0, "random": 0.3, "correlational": 0.4,
             "observational": 0.35, "prior": 0.3}
    tables = c1.agent_control_statistics(episodes(means, rule["splits"]), c1.PLAN, rule, c1.AGENT_CONTROLS,
                                         SETTINGS)
    assert_valid(controls.call(tables["controls"], beat_and_approach_verdict, c1.above_rule(VERDICTS, rule),
                               c1.CONTROL_TEXT))
    assert_valid(controls.call(tables["control_gaps"], gap_share_verdict, c1.near_rule(VERDICTS, rule),
                               c1.CONTROL_TEXT))


def test_c2_controls_are_the_expert_and_the_cue_blind_explorer_replayed_as_the_agent():
    rule = CHOICES["c2"]
    means = {"agent": 0.7, "expert": 1.0, "random_explore": 0.6, "explore_all": 1.0, "optimal": 0.0}
    tables = c1.agent_control_statistics(episodes(means, rule["splits"], "explore_recall"), c2.PLAN, rule,
                                         c2.AGENT_CONTROLS, SETTINGS)
    assert_valid(controls.call(tables["controls"], beat_and_approach_verdict, c2.recall_rule(VERDICTS, rule),
                               c2.CONTROL_TEXT))


def learner_arms(without: float, groups=("deconfounded", "confounded"), metric="test_correct", noise=0.3):
    """Learners with and without explanations at the same accuracy, per training confounding."""
    frames = [episodes({"with": without, "without": without}, ["deconfounded"], metric, noise=noise,
                       confounding=group) for group in groups]
    return pd.concat(frames, ignore_index=True).rename(columns={"policy": "explanations"})


def c3_called(without: float, noise=0.3):
    rule = c3.explanation_rule(VERDICTS, CHOICES["c3"])
    table = controls.pair_controls(learner_arms(without, noise=noise), "explanations", "without", "with",
                                   "test_correct", 2 * CHOICES["c3"]["equivalence_margin"], ("confounding",),
                                   lambda arms: explanation_contrasts(arms, ("test_correct",), SETTINGS))
    return controls.call(table, benefit_verdict, rule, {controls.POSITIVE: "planted", controls.NEGATIVE: "same"})


def test_c3_controls_are_a_planted_gain_and_two_identical_arms():
    assert_valid(c3_called(0.6))


def test_a_design_whose_arms_sit_at_the_ceiling_cannot_be_decided():
    called = c3_called(1.0, noise=0.0)  # both arms at the ceiling: no room for a planted gain
    (_, positive), _ = called
    assert positive.verdict != SUPPORTED
    data = Verdict(claim="C3", test="t", effect_label="e", effect=0.0, ci_low=0.0, ci_high=0.0, z=0.0, p_holm=1.0,
                   mde=0.0, verdict=NOT_SUPPORTED, reason="every effect is equivalent to zero")
    checked = validate(data, *called)
    assert checked.verdict == CANNOT_DECIDE and "positive control (planted)" in checked.reason
    assert "the data alone would read not supported" in checked.reason and checked.positive_verdict != SUPPORTED
    assert validate(data, *c3_called(0.6)).verdict == NOT_SUPPORTED  # a decidable design keeps its verdict


def test_learners_that_did_not_converge_read_undertrained_whatever_the_controls_read():
    """Undertrained wins over "cannot be decided": with failing controls (both arms at the
    ceiling) a row of capped learners reads undertrained, and so does one whose controls
    pass; converged learners let the controls decide."""
    from pacs.adequacy import UNDERTRAINED, Adequacy
    from pacs.claims.spec import Decision

    data = Verdict(claim="C3", test="t", effect_label="e", effect=0.0, ci_low=0.0, ci_high=0.0, z=0.0, p_holm=1.0,
                   mde=0.0, verdict=NOT_SUPPORTED, reason="every effect is equivalent to zero")
    capped, converged = Adequacy(("converged", "cap")), Adequacy(("converged", "converged"))
    failing, passing = c3_called(1.0, noise=0.0), c3_called(0.6)
    for controls in (failing, passing):
        row = Decision.qualified("CThree", data, None, capped, controls).verdict
        assert row.verdict == UNDERTRAINED and row.positive_control, row
    assert Decision.qualified("CThree", data, None, converged, failing).verdict.verdict == CANNOT_DECIDE
    assert Decision.qualified("CThree", data, None, converged, passing).verdict.verdict == NOT_SUPPORTED


def test_c4_controls_replay_the_expert_as_each_lm_and_plant_an_explanation_gain():
    chosen = {**CHOICES["c4"], "splits": ["in_distribution", "held_out_link_goal"]}
    label, shots = "SmolLM2-135M", [2]
    lms = {pipeline_lm_policy("with"): 0.3, pipeline_lm_policy("without"): 0.3,
           pretrained_policy(label, 2, "with"): 0.2, pretrained_policy(label, 2, "without"): 0.2}
    means = {**lms, "expert": 0.95, "optimal": 1.0, "random": 0.3, "correlational": 0.45}
    table = episodes(means, chosen["splits"])
    table["explanations"] = table.policy.map(lambda p: "with" if p.endswith("with explanations") else
                                             "without" if p.endswith("without explanations") else "")
    table["model"] = table.policy.map(lambda p: "pipeline LM" if p.startswith("pipeline") else label)
    table["shots"] = table.policy.map(lambda p: 2 if p.startswith(label) else 0)
    plan = c4.lm_plan(label, shots, chosen["splits"])
    references = [plan.reference, pretrained_policy(label, 2, "with")]
    tables = c4.control_statistics(table, plan, references, chosen, chosen["equivalence_margin"], SETTINGS)
    texts = c4.control_texts(chosen["equivalence_margin"])
    for reference in references:
        assert_valid(controls.call(tables["controls"], beat_and_approach_verdict,
                                   c4.strategy_rule(VERDICTS, chosen, "LM"), texts["strategy"],
                                   lambda rows: rows[rows.reference == reference]))
    assert_valid(controls.call(tables["explanation_controls"], benefit_verdict,
                               c4.explanation_rule(VERDICTS, chosen, ["pipeline LM", label]), texts["explanations"],
                               lambda rows: rows[rows.split == chosen["explanation_split"]]))


@pytest.mark.parametrize("regime", ["rc", "dagger", "fusion"])
def test_c6_controls_of_each_regime(regime):
    chosen = CHOICES["c6"]
    margin = chosen["equivalence_margin"]
    splits = chosen["splits"]
    if regime == "rc":
        means = {RC_LEARNER_POLICIES["conditioned"]: 0.6, RC_LEARNER_POLICIES["plain"]: 0.5,
                 RC_LEARNER_POLICIES["expert_only"]: 0.9, "expert": 0.95, "optimal": 1.0, "random": 0.3,
                 "correlational": 0.4}
        table = episodes(means, splits)
        rule = c6.conditioning_rule(VERDICTS, chosen, *(RC_LEARNER_POLICIES[k] for k in ("conditioned", "plain",
                                                                                       "expert_only")))
        called = controls.call(c6.control_statistics("rc", table, chosen, margin, SETTINGS),
                               beat_and_approach_verdict, rule, c6.control_texts("rc", margin))
    elif regime == "dagger":
        table = pd.concat([episodes({"dagger": 0.6, "plain": 0.6}, splits).assign(round=r) for r in (1, 2)],
                          ignore_index=True)
        rule = c6.benefit_rule(VERDICTS, chosen, "DAgger", "plain", "DAgger $-$ plain", "dagger_round")
        called = controls.call(c6.control_statistics("dagger", table, chosen, margin, SETTINGS), benefit_verdict,
                               rule, c6.control_texts("dagger", margin), lambda rows: c6.dagger_decisive(rows, chosen)[1])
    else:
        table = pd.concat([episodes({"fusion_learner": 0.6}, splits).assign(n_observational=n) for n in (0, 20)],
                          ignore_index=True)
        rule = c6.benefit_rule(VERDICTS, chosen, "samples", "none", "20 $-$ 0", "fusion_samples")
        called = controls.call(c6.control_statistics("fusion", table, chosen, margin, SETTINGS), benefit_verdict,
                               rule, c6.control_texts("fusion", margin), lambda rows: c6.fusion_decisive(rows, chosen)[1])
    assert_valid(called)


def test_a_planted_gain_is_twice_the_margin_where_there_is_room_and_stops_at_the_ceiling():
    table = pd.DataFrame({"seed": [0] * 4, "arm": ["a", "a", "b", "b"], "test_correct": [0.0, 1.0, 0.0, 0.0]})
    planted = controls.plant(table, "arm", "a", "b", "test_correct", 0.2, ())
    assert planted[planted.arm == "b"].test_correct.mean() == pytest.approx(0.7)
    full = controls.plant(table.assign(test_correct=1.0), "arm", "a", "b", "test_correct", 0.2, ())
    assert (full[full.arm == "b"].test_correct == 1.0).all()
    with pytest.raises(ValueError, match="no ceiling known for metric 'tests_run'"):
        controls.plant(table.rename(columns={"test_correct": "tests_run"}), "arm", "a", "b", "tests_run", 0.2, ())


EFFICIENCY = {"margin": 0.05, "ceiling": 1.0}
ENV = {"experiment_trials": 3, "n_objects": 4}  # the size rule's floor: (3 + 1/4) / 4 = 0.8125


def c3a_called(without_validation: dict):
    """C3a's controls at three training-set sizes whose learners without explanations reach
    ``without_validation`` (size -> validation pick agreement) and 0.6 test accuracy, both arms."""
    arms = pd.concat([learner_arms(0.6, groups=("deconfounded",)).assign(train_episodes=size)
                      for size in without_validation], ignore_index=True)
    validation = pd.DataFrame([{"train_episodes": size, "seed": seed, "value": value, "explanations": arm}
                               for size, value in without_validation.items() for seed in range(SEEDS)
                               for arm in ("with", "without")])
    table = c3.efficiency_controls(arms, EFFICIENCY["margin"], lambda episodes: c3.deciding_contrasts(
        c3.size_contrasts(episodes, SETTINGS), validation, EFFICIENCY, ENV))
    rule = c3.efficiency_rule(VERDICTS, EFFICIENCY, ENV)
    return controls.call(table, lambda rows, r: c3.efficiency_verdict(rows, validation, r), rule,
                         c3.efficiency_control_text(EFFICIENCY["margin"]))


def test_c3a_controls_are_a_planted_gain_and_two_identical_arms_at_the_deciding_sizes():
    called = c3a_called({1000: 0.5, 3000: 0.9, 50000: 0.99})  # 3,000 decides: off the floor and the ceiling
    assert_valid(called)
    (_, positive), _ = called
    assert "deciding sizes (3,000)" in positive.test


def test_c3a_controls_where_no_size_qualifies_cannot_be_decided_either():
    (_, positive), (_, negative) = called = c3a_called({1000: 0.5, 50000: 0.99})
    assert positive.verdict == negative.verdict == CANNOT_DECIDE and "no training-set size" in positive.reason
    data = Verdict(claim="C3", test="t", effect_label="e", effect=float("nan"), ci_low=float("nan"),
                   ci_high=float("nan"), z=float("nan"), p_holm=float("nan"), mde=float("nan"), verdict=CANNOT_DECIDE,
                   reason="no training-set size qualifies")
    assert validate(data, *called).verdict == CANNOT_DECIDE


def test_c3b_controls_are_scripted_feature_followers_and_one_groups_picks_for_all():
    x, y = "colour", "shape"
    rng = np.random.default_rng(0)
    rows = []
    for seed in range(SEEDS):
        for episode in range(EPISODES):
            picks = {c3.explained_group(x): rng.choice([x, y, "other"]), c3.explained_group(y): rng.choice([x, y]),
                     c3.NO_EXPLANATIONS: rng.choice([x, y, "other"]), c3.fixed_dimension_baseline(x): x,
                     c3.fixed_dimension_baseline(y): y}
            rows += [{"seed": seed, "split": "deconfounded", "episode": episode, "group": group,
                      f"follows_{x}": float(pick == x), f"follows_{y}": float(pick == y)}
                     for group, pick in picks.items()]
    table = c3.feature_controls(pd.DataFrame(rows), x, y, SETTINGS)
    rule = c3.feature_choice_rule(VERDICTS, {"confounded_dims": [x, y], "margin": 0.05})
    assert_valid(controls.call(table, c3.feature_choice_verdict, rule, c3.feature_control_text(x, y)))
    # the data's own rows: the y-explained learners follow y more, the x-explained ones do not follow x more
    data = c3.feature_contrasts(pd.DataFrame(rows), x, y, SETTINGS)
    assert c3.feature_choice_verdict(data, rule).verdict != SUPPORTED


# at accuracy 1 the belief-congruent cells have no room to rise: the incongruent ones take the whole effect
@pytest.mark.parametrize("accuracy", [0.3, 0.6, 1.0])
def test_world_lm_controls_are_a_planted_corpus_effect_and_two_identical_corpora(accuracy):
    from test_claims import world_answers
    couplings, margin = {"independent": 0.0, "confounded": 0.9}, CHOICES["c5"]["equivalence_margin"]
    contrast = c5.CONTRASTS_BY_NAME["belief_congruence"]
    checks = c5.world_control_corpora(world_answers(accuracy=accuracy), contrast, "dcpmi", couplings, margin)
    positive = c5.world_corpus_row(checks[controls.POSITIVE], "dcpmi", couplings)
    assert positive.estimate == pytest.approx(2 * margin)  # the whole planted effect
    rule = c5.content_rule(VERDICTS, CHOICES["c5"], "difference in belief congruence", "world LM")
    texts = c5.world_control_text("independent", margin)
    assert_valid(tuple((texts[kind], effect_verdict(c5.world_corpus_row(checks[kind], "dcpmi", couplings), rule, "t"))
                       for kind in (controls.POSITIVE, controls.NEGATIVE)))


def test_a_planted_content_effect_goes_to_the_cells_with_room():
    taken = c5.shared_out({"a": 0.0, "b": 0.5, "c": 0.02}, {"a": 1.0, "b": 1.0, "c": 1.0}, 0.3)
    assert taken == pytest.approx({"a": 0.0, "b": 0.28, "c": 0.02})
    assert sum(c5.shared_out({"a": 0.1, "b": 0.1}, {"a": 1.0, "b": 1.0}, 0.3).values()) == pytest.approx(0.2)
    answers = pd.DataFrame({"seed": 0, "condition": ["up", "up", "down", "down"], "correct": [1.0, 1.0, 1.0, 0.0]})
    planted = c5.planted(answers, "correct", {"up": 1.0, "down": -1.0}, 0.2)
    assert planted.correct.tolist() == pytest.approx([1.0, 1.0, 0.6, 0.0])  # "down" falls by the whole 0.2
