"""The experiment registry (pacs.claims): each claim's spec, and the decisions its
report numbers make (which contrasts decide each verdict), on constructed tables."""

import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pacs.claims import controls
from pacs.adequacy import Adequacy
from pacs.claims.registry import REGISTRY
from pacs.claims.spec import Decision
from pacs.claims import c1, c3, c4, c5, c6
from pacs import figures as pacs_figures
from test_verdicts import CHOICES, VERDICTS, row

CONVERGED, CAPPED = Adequacy(("converged", "converged")), Adequacy(("converged", "cap"))


def test_the_registry_holds_one_spec_per_claim_named_as_everywhere_else():
    assert list(REGISTRY) == ["c1", "c2", "c3", "c4", "c5", "c6"]
    for claim in REGISTRY.values():
        for name, draw in claim.figures.items():
            assert callable(getattr(pacs_figures, draw, None)), f"{name}: pacs.figures has no {draw}"
    inputs = [path for claim in REGISTRY.values() for path in claim.report_inputs()]
    assert len(inputs) == len(set(inputs))
    for claim in REGISTRY.values():
        assert all(name == claim.id or name.startswith(f"{claim.id}_") for name in [*claim.figures,
                                                                                   *claim.learning_curves])
        assert f"paper/build/generated/{claim.id}_results.tex" in claim.report_inputs()
        assert claim.verdict_rows_file == f"results/verdicts/{claim.id}.csv"


def c1_contrasts(agent_gain=(0.2, 0.4), expert_gap=(-0.05, 0.05)):
    """Agent-minus-policy contrasts of C1's rule: every associational baseline and the expert
    on both held-out splits (and an in-distribution row the rule must ignore)."""
    rows = [row(*agent_gain, split=split, other=other, metric="reward_over_optimal")
            for split in ("held_out", "held_out_link_goal") for other in CHOICES["c1"]["must_beat"]]
    rows += [row(*expert_gap, p=0.5, split=split, other="expert", metric="reward_over_optimal")
             for split in ("held_out", "held_out_link_goal")]
    rows.append(row(-0.9, -0.8, split="in_distribution", other="random", metric="reward_over_optimal"))
    return pd.DataFrame(rows)


def c1_gaps(share=(0.8, 0.9)):
    """C1's gap shares on both held-out splits with the 95% CI ``share``."""
    return pd.DataFrame([{"split": split, "share": sum(share) / 2, "ci_low": share[0], "ci_high": share[1],
                          "se": 0.02, "n_seeds": 5, "best_baseline": "correlational", "subject_mean": 0.8,
                          "best_mean": 0.4, "reference_mean": 0.9} for split in ("held_out", "held_out_link_goal")])


def c1_controls(positive_gain=(0.2, 0.4)):
    """C1's control tables: the positive control beats every baseline and closes the gap
    (unless ``positive_gain`` says otherwise); the negative one ties a baseline and closes none."""
    return {"controls": controls.labelled({controls.POSITIVE: c1_contrasts(agent_gain=positive_gain),
                                           controls.NEGATIVE: c1_contrasts(agent_gain=(-0.02, 0.02))}),
            "control_gaps": controls.labelled({controls.POSITIVE: c1_gaps((1.0, 1.0)),
                                               controls.NEGATIVE: c1_gaps((-0.1, 0.1))})}


@pytest.mark.parametrize("contrasts, gaps, trained, expected", [
    (c1_contrasts(), c1_gaps(), CONVERGED, ("supported", "supported")),
    (c1_contrasts(), c1_gaps(), CAPPED, ("undertrained", "undertrained")),
    # far from the expert: above every baseline (row i), but closes too little of the gap (row ii)
    (c1_contrasts(expert_gap=(-0.4, -0.2)), c1_gaps((0.3, 0.5)), CONVERGED, ("supported", "not supported")),
    (c1_contrasts(agent_gain=(-0.3, -0.1)), c1_gaps((0.6, 0.9)), CONVERGED, ("not supported", "inconclusive")),
])
def test_c1_decides_two_rows_on_held_out_graphs_and_says_whether_the_agents_converged(contrasts, gaps, trained,
                                                                                       expected):
    decisions = c1.decide({"contrasts": contrasts, "gaps": gaps, **c1_controls()}, {"training_logs": trained},
                          {"verdicts": VERDICTS, "c1": {"verdict": CHOICES["c1"]}})
    assert [d.prefix for d in decisions] == ["COne", "COneNear"]
    assert tuple(d.verdict.verdict for d in decisions) == expected
    assert "COneVerdict" in decisions[0].macros() and "COneNearRule" in decisions[1].macros()
    assert "0.75" in decisions[1].rule.text() and "c1.verdict.gap\\_share\\_threshold" in decisions[1].rule.text()
    assert decisions[0].verdict.positive_verdict == "supported" and decisions[1].verdict.negative_verdict == "not supported"


def test_a_c1_row_whose_positive_control_fails_cannot_be_decided_by_this_design():
    # the expert replayed as the agent does not clearly beat the baselines: this design cannot show the claim
    decisions = c1.decide({"contrasts": c1_contrasts(), "gaps": c1_gaps(), **c1_controls(positive_gain=(0.02, 0.3))},
                          {"training_logs": CONVERGED}, {"verdicts": VERDICTS, "c1": {"verdict": CHOICES["c1"]}})
    assert decisions[0].verdict.verdict == "cannot be decided by this design"
    assert ("positive control (the expert policy replayed as the agent) reads inconclusive (it must read supported)"
            in decisions[0].verdict.reason)
    assert "the data alone would read supported" in decisions[0].verdict.reason
    assert decisions[1].verdict.verdict == "supported"


def test_c3_decides_on_the_explanation_effect_in_every_regime():
    contrasts = pd.DataFrame([row(0.1, 0.3, confounding=confounding, metric="test_correct")
                              for confounding in ("deconfounded", "confounded")])
    params = {"verdicts": VERDICTS, "c3": {
        "verdict": CHOICES["c3"], "env": {"n_objects": 4, "experiment_trials": 3},
        "feature_choice": {"enabled": True, "confounded_dims": ["colour", "shape"], "margin": 0.05},
        "efficiency": {"margin": 0.05, "ceiling": 1.0}}}
    same = contrasts.assign(ci_low=-0.01, ci_high=0.01, ci90_low=-0.01, ci90_high=0.01, diff=0.0)
    checks = controls.labelled({controls.POSITIVE: contrasts, controls.NEGATIVE: same})
    # C3b's two contrasts (each explained group minus the other on its own feature): a second row
    feature = pd.DataFrame([row(0.2, 0.4, metric=f"follows_{d}", reference=f"{d} explained", other="x explained")
                            for d in ("colour", "shape")])
    # C3a: with minus without at two sizes, the first deciding (the size rule's mark), the second not
    sizes = pd.DataFrame([row(0.1, 0.3, train_episodes=1000, deciding=True),
                          row(-0.3, -0.1, train_episodes=50000, deciding=False)])
    validation = pd.DataFrame({"train_episodes": [1000, 50000], "seed": 0, "value": [0.9, 0.99],
                               "explanations": "without"})
    # their controls: the positive reads supported (the data's own rows), the negative not (two identical arms)
    tables = {"feature_contrasts": feature, "efficiency_contrasts": sizes, "efficiency_validation": validation,
              "feature_controls": controls.labelled({controls.POSITIVE: feature, controls.NEGATIVE: feature.assign(
                  ci_low=0.0, ci_high=0.0, ci90_low=0.0, ci90_high=0.0, diff=0.0, p_holm=1.0)}),
              "efficiency_controls": controls.labelled({controls.POSITIVE: sizes, controls.NEGATIVE: sizes.assign(
                  ci_low=0.0, ci_high=0.0, ci90_low=0.0, ci90_high=0.0, diff=0.0, p_holm=1.0)})}
    trained = {"training_logs": CONVERGED, "training_logs_feature_choice": CAPPED, "training_logs_efficiency": CONVERGED}
    decision, feature_decision, size_decision = c3.decide({"contrasts": contrasts, "controls": checks, **tables},
                                                          trained, params)
    assert decision.verdict.verdict == "supported"
    assert feature_decision.prefix == "CThreeFeature" and feature_decision.verdict.verdict == "undertrained"
    assert size_decision.prefix == "CThreeEfficiency" and size_decision.verdict.verdict == "supported"
    assert (feature_decision.verdict.positive_verdict, feature_decision.verdict.negative_verdict,
            size_decision.verdict.positive_verdict) == ("supported", "not supported", "supported")
    assert feature_decision.verdict.positive_control.startswith("the scripted follow_colour and follow_shape")
    weak = contrasts.assign(ci_low=[0.1, -0.3], ci_high=[0.3, -0.1], diff=[0.2, -0.2], p_holm=0.001)
    decision, _, _ = c3.decide({"contrasts": weak, "controls": checks, **tables}, trained, params)
    assert decision.verdict.verdict == "not supported"
    # at the ceiling a planted gain has no room: the positive control reads "not supported", so the row is undecidable
    ceiling = controls.labelled({controls.POSITIVE: same, controls.NEGATIVE: same})
    decision, _, _ = c3.decide({"contrasts": same, "controls": ceiling, **tables}, trained, params)
    assert decision.verdict.verdict == "cannot be decided by this design"


C4_SPLITS = ["in_distribution", "held_out", "held_out_link_goal"]
C4_LM = {"splits": C4_SPLITS, "strategy_splits": {"runs": "in_distribution", "generalizes": "held_out_link_goal"},
         "floor": 0.1, "pretrained": {"model": "smollm2", "shots": [1, 2]}, "pipeline": {"enabled": True},
         "verdict": {**CHOICES["c4"], "splits": C4_SPLITS}}
C4_ARMS = [c4.pipeline_lm_policy(e) for e in ("with", "without")] + [
    c4.pretrained_policy("SmolLM2-135M", 2, e) for e in ("with", "without")]


def c4_summary(ci_high=(0.5, 0.5, 0.5, 0.5), split="held_out_link_goal"):
    """Reward/optimal of each arm of the explanation contrast (pipeline LM with, without;
    the pretrained LM with, without at 2 shots), with the given upper 95% CI ends."""
    return pd.DataFrame([{"metric": "reward_over_optimal", "subset": "all", "policy": policy, "split": split,
                          "mean": high / 2, "ci_low": 0.0, "ci_high": high} for policy, high in zip(C4_ARMS, ci_high)])


def c4_explained(pipeline=(0.1, 0.3), pretrained=(0.1, 0.3)):
    return pd.DataFrame(
        [row(*pipeline, split="held_out_link_goal", model="pipeline LM", shots=0, metric="reward_over_optimal"),
         row(*pretrained, split="held_out_link_goal", model="SmolLM2-135M", shots=2, metric="reward_over_optimal"),
         row(-0.3, -0.1, split="held_out", model="pipeline LM", shots=0, metric="reward_over_optimal"),
         row(-0.3, -0.1, split="held_out_link_goal", model="SmolLM2-135M", shots=1, metric="reward_over_optimal")])


def c4_strategy(references, gain):
    """Each LM of ``references`` against random and correlational choices (95% CI ``gain``)
    and near the expert, on every split."""
    return pd.DataFrame(
        [row(*gain, split=s, other=o, reference=r, metric="reward_over_optimal")
         for r in references for s in C4_SPLITS for o in ("random", "correlational")]
        + [row(-0.05, 0.05, p=0.5, split=s, other="expert", reference=r, metric="reward_over_optimal")
           for r in references for s in C4_SPLITS])


def c4_controls(references):
    """Controls that read as they must: a policy with the strategy (supported) and one that
    ties every baseline; explanations with a planted gain and without any."""
    explained = c4_explained().iloc[:2]
    return {"controls": controls.labelled({controls.POSITIVE: c4_strategy(references, (0.2, 0.4)),
                                           controls.NEGATIVE: c4_strategy(references, (-0.01, 0.01))}),
            "explanation_controls": controls.labelled({
                controls.POSITIVE: explained,
                controls.NEGATIVE: explained.assign(ci_low=-0.01, ci_high=0.01, ci90_low=-0.01, ci90_high=0.01)})}


def test_c4_decides_the_pipeline_lm_in_distribution_then_on_the_held_out_link_each_lm_on_its_own_contrasts():
    pipeline, prompted = c4.pipeline_lm_policy("with"), c4.pretrained_policy("SmolLM2-135M", 2, "with")
    runs, generalizes = "in_distribution", "held_out_link_goal"
    contrasts = pd.DataFrame(
        [row(0.2, 0.4, split=s, other=o, reference=pipeline, metric="reward_over_optimal")
         for s in (runs, "held_out") for o in ("random", "correlational")]
        + [row(-0.3, -0.1, split=generalizes, other=o, reference=pipeline, metric="reward_over_optimal")
           for o in ("random", "correlational")]  # runs the strategy, does not carry it over
        + [row(-0.05, 0.05, p=0.5, split=s, other="expert", reference=pipeline, metric="reward_over_optimal")
           for s in C4_LM["splits"]]
        + [row(-0.3, -0.1, split=s, other=o, reference=prompted, metric="reward_over_optimal")
           for s in C4_LM["splits"] for o in ("random", "correlational", "expert")])
    tables = {"contrasts": contrasts, "explanation_contrasts": c4_explained(), "summary": c4_summary(),
              **c4_controls([pipeline, prompted])}
    decisions = c4.decide(tables, {"training_logs": CONVERGED}, {"c4": C4_LM, "verdicts": VERDICTS})
    assert [d.prefix for d in decisions] == ["CFourPipelineRuns", "CFourPipelineGeneralizes", "CFourPrompted",
                                             "CFourExplain"]
    assert [d.verdict.verdict for d in decisions] == ["supported", "not supported", "not supported", "supported"]
    assert "on in distribution," in decisions[0].rule.text() and "on held out link goal," in decisions[1].rule.text()
    assert "strategy\\_splits.runs" in decisions[0].rule.text()
    assert decisions[0].verdict.test.endswith("on in distribution only")
    # the pipeline LM is trained here (undertrained); the pretrained LM is not, so its verdict stands
    decisions = c4.decide(tables, {"training_logs": CAPPED}, {"c4": C4_LM, "verdicts": VERDICTS})
    assert [d.verdict.verdict for d in decisions] == ["undertrained", "undertrained", "not supported", "undertrained"]
    assert "numbers alone would read supported" in decisions[3].verdict.reason  # other splits and shots ignored


@pytest.mark.parametrize("ci_high, pipeline, pretrained, expected", [
    ((0.5, 0.5, 0.5, 0.5), (-0.02, 0.02), (-0.02, 0.02), "not supported"),  # off the floor: no benefit shown
    ((0.05, 0.08, 0.05, 0.05), (-0.02, 0.02), (-0.02, 0.02), "cannot be decided by this design"),
    ((0.05, 0.08, 0.5, 0.5), (-0.02, 0.02), (0.1, 0.3), "cannot be decided by this design"),  # one model at it
    ((0.05, 0.08, 0.5, 0.5), (-0.02, 0.02), (-0.3, -0.1), "not supported"),  # a harm off the floor decides
    ((0.05, 0.12, 0.5, 0.5), (-0.02, 0.02), (-0.02, 0.02), "not supported"),  # one arm above the floor
])
def test_c4_explanation_row_cannot_be_decided_where_both_arms_sit_at_the_floor(ci_high, pipeline, pretrained,
                                                                               expected):
    tables = {"explanation_contrasts": c4_explained(pipeline, pretrained), "summary": c4_summary(ci_high)}
    decisive = tables["explanation_contrasts"].query("split == 'held_out_link_goal' and shots != 1")
    rule = c4.FloorRule(c4.explanation_rule(VERDICTS, CHOICES["c4"], ["pipeline LM", "SmolLM2-135M"]),
                        dict(zip(["pipeline LM", "SmolLM2-135M"], [C4_ARMS[:2], C4_ARMS[2:]])),
                        "held_out_link_goal", 0.1)
    verdict = rule.apply(c4.benefit_verdict(decisive, rule.rule), decisive, tables["summary"])
    assert verdict.verdict == expected
    if expected.startswith("cannot"):
        assert "both arms of pipeline LM" in verdict.reason and "the rule alone would read" in verdict.reason
    assert "below the floor 0.1" in rule.text()
    with pytest.raises(ValueError, match="no reward/optimal of 'pipeline LM, with explanations' on 'held_out'"):
        c4.FloorRule(rule.rule, rule.arms, "held_out", 0.1).at_floor(tables["summary"])


def test_c4_replay_control_reads_as_reaching_the_expert_only_within_the_near_expert_margin():
    replay = pd.DataFrame([row(-0.02, 0.02, split="in_distribution", metric="reward_over_optimal"),
                           row(0.0, 0.0, split="held_out_link_goal", metric="reward_over_optimal")])
    assert c4.replay_reading(replay, 0.1).startswith("reaches the expert's reward on every split")
    replay.loc[0, ["ci_low", "ci_high", "ci90_low", "ci90_high"]] = [-0.5, -0.3, -0.48, -0.32]
    assert c4.replay_reading(replay, 0.1).startswith("falls short of the expert's reward on in-distribution (")


def test_c4_without_the_pipeline_lm_reads_its_three_rows_as_not_run_and_counts_them_as_no_verdict():
    from pacs.claims import multiverse
    from pacs.report import verdict_rows
    from pacs.verdict_digest import digest
    from pacs.verdicts import planning_table

    prompted = c4.pretrained_policy("SmolLM2-135M", 2, "with")
    # no pipeline LM ran: every table holds the pretrained LM alone (with its controls)
    contrasts = pd.DataFrame([row(0.2, 0.4, split=s, other=o, reference=prompted, metric="reward_over_optimal")
                              for s in C4_SPLITS for o in ("random", "correlational")]
                             + [row(-0.05, 0.05, p=0.5, split=s, other="expert", reference=prompted,
                                    metric="reward_over_optimal") for s in C4_SPLITS])
    explained = c4_explained().iloc[[1]]
    tables = {"contrasts": contrasts, "explanation_contrasts": explained, "summary": c4_summary().iloc[2:],
              **c4_controls([prompted])}
    params = {"c4": {**C4_LM, "pipeline": {"enabled": False}}, "verdicts": VERDICTS}
    decisions = c4.decide(tables, {"training_logs": Adequacy(())}, params)  # no training log: no learner
    assert [d.prefix for d in decisions] == ["CFourPipelineRuns", "CFourPipelineGeneralizes", "CFourPrompted",
                                             "CFourExplain"]
    assert [d.verdict.verdict for d in decisions] == ["not run at this preset"] * 2 + ["supported",
                                                                                       "not run at this preset"]
    not_run = [d for d in decisions if d.prefix != "CFourPrompted"]
    for decision in not_run:
        assert decision.verdict.reason == ("the pipeline LM belongs to the extended tier (c4.pipeline.enabled: false; "
                                           "make extended)")
        assert np.isnan([decision.verdict.effect, decision.verdict.p_holm, decision.verdict.mde]).all()
        assert "not measured at this preset" in decision.macros() and decision.rule.text() in decision.macros()
    assert not_run[0].verdict.test.endswith("on in distribution only")
    # no count of verdicts holds them: the multiverse's rows and robustness, the planning table, the digest
    universes = multiverse.verdict_rows("configured", "", None, decisions)
    assert list(universes.prefix) == ["CFourPrompted"]
    assert list(multiverse.robustness(universes).prefix) == ["CFourPrompted"]
    rows = pd.DataFrame([{**d.verdict.as_row(), "prefix": d.prefix, "original_claim": "", "p_all": np.nan,
                          "robustness": ""} for d in decisions])
    assert list(planning_table(rows, 0.05, 0.8).effect_label) == [decisions[2].verdict.effect_label]
    assert "Verdicts: 1 supported (1 rows). Not run at this preset: 3 rows." in digest(rows, "all.csv")
    cells = verdict_rows(rows)[0]
    assert cells[3].endswith(": --") and cells[8].startswith("\\textbf{not run at this preset} \\newline")
    # the statistics refuse pipeline LM tables the config says were not run (and the reverse)
    with pytest.raises(ValueError, match="c4.pipeline.enabled is true but 0 pipeline LM episode tables"):
        c4.statistics({"pipeline": []}, {"stats": {}, "pipeline_enabled": True})


def world_corpora(p_values=(0.01,), treated=("confounded",)):
    return pd.DataFrame([{**row(0.1, 0.3, p=p), "t": 3.0, "estimate": 0.2, "p_value": p, "treated": t,
                          "control": "independent", "score": "dcpmi", "contrast": "belief_congruence"}
                         for p, t in zip(p_values, treated)]
                        + [{**row(-0.3, 0.3), "t": 0.0, "estimate": 0.0, "treated": "confounded", "control": "independent",
                            "score": "plain", "contrast": "belief_congruence"}])


def test_c5_world_verdict_is_the_strongest_coupling_with_holm_over_the_treated_corpora():
    one = c5.world_corpus_row(world_corpora(), "dcpmi", {"independent": 0.0, "confounded": 0.9})
    assert one.p_holm == pytest.approx(0.01) and one.treated == "confounded"  # one test: p itself
    two = c5.world_corpus_row(world_corpora((0.01, 0.02), ("confounded", "weak")), "dcpmi",
                              {"independent": 0.0, "weak": 0.5, "confounded": 0.9})
    assert two.treated == "confounded" and two.p_holm == pytest.approx(0.02)  # Holm over two tests
    assert c5.world_corpus_row(world_corpora().iloc[:0], "dcpmi", {}) is None


def world_answers(n_items=200, seeds=(0, 1, 2), accuracy=0.6, corpora=("independent", "confounded")):
    """The world LMs of every corpus and seed answering the same syllogism items, correct with
    the same probability whatever the content or corpus."""
    from pacs.probes.sources import TASK_CONDITIONS
    rng = np.random.default_rng(2)
    answers = pd.DataFrame([{"model": f"world LM ({corpus})", "shots": 0, "source": "generated", "task": "syllogism",
                             "condition": condition, "item_id": f"syllogism-{condition}-{i}", "seed": seed,
                             "corpus": corpus, "correct_dcpmi": float(rng.random() < accuracy)}
                            for corpus in corpora for seed in seeds for condition in TASK_CONDITIONS["syllogism"]
                            for i in range(n_items)])
    return answers.assign(correct_plain=answers.correct_dcpmi)


def test_c5_says_not_tested_where_a_task_or_the_world_lms_did_not_run():
    probes = {"primary_score": "dcpmi", "pretrained": {"model": "smollm2", "shots": [0]}, "verdict": CHOICES["c5"],
              "pipeline": {"enabled": True, "corpora": {"independent": 0.0, "confounded": 0.9}}}
    empty = pd.DataFrame(columns=["model", "shots", "score", "source", "contrast", "label"])
    decisions = c5.decide({"contrasts": empty, "corpora": world_corpora().iloc[:0]}, {"training_logs": CONVERGED},
                          {"c5": probes, "verdicts": VERDICTS})
    assert [d.verdict for d in decisions] == [None, None, None, None]
    assert "\\newcommand{\\CFiveWorldVerdict}{not tested (no syllogism items)}" in decisions[3].macros()
    decisions = c5.decide({"contrasts": empty, "corpora": world_corpora(), "answers": world_answers()},
                          {"training_logs": CAPPED}, {"c5": probes, "verdicts": VERDICTS})
    assert decisions[3].verdict.verdict == "undertrained" and decisions[3].verdict.p_holm == pytest.approx(0.01)
    assert (decisions[3].verdict.positive_verdict, decisions[3].verdict.negative_verdict) == ("supported",
                                                                                              "not supported")
    assert decisions[3].verdict.block == "extension"


def c5_answers(n_items=4000, accuracy=0.7):
    """One respondent's answers to many generated items of every task and condition, correct
    with the same probability whatever the content (one seed: zero-shot answers)."""
    from pacs.probes.sources import TASK_CONDITIONS
    rng = np.random.default_rng(1)
    rows = [{"model": "SmolLM2-135M", "shots": 0, "source": "generated", "task": task, "condition": condition,
             "item_id": f"{task}-{condition}-{i}", "seed": seed, "correct_dcpmi": float(rng.random() < accuracy)}
            for task, conditions in TASK_CONDITIONS.items() for condition in conditions for i in range(n_items)
            for seed in (0,)]
    return pd.DataFrame(rows)


def test_c5_reads_nli_as_an_equivalence_row():
    probes = {"primary_score": "dcpmi", "pretrained": {"model": "smollm2", "shots": [0]}, "verdict": CHOICES["c5"],
              "pipeline": {"enabled": True, "corpora": {"independent": 0.0, "confounded": 0.9}}}
    labels = {"belief_congruence": "syllogisms: belief congruence", "realistic_advantage": "Wason: realistic",
              "nli_consistency": "NLI: consistency"}
    tasks = {"belief_congruence": "syllogism", "realistic_advantage": "wason", "nli_consistency": "nli"}

    def contrasts(nli_ci):
        return pd.DataFrame([{**row(*(nli_ci if name == "nli_consistency" else (0.1, 0.3))), "estimate": 0.0,
                              "model": "SmolLM2-135M", "shots": 0, "score": "dcpmi", "source": "generated",
                              "contrast": name, "label": label, "task": tasks[name]}
                             for name, label in labels.items()])
    answers = c5_answers()
    for nli_ci, expected in (((-0.02, 0.02), "supported"), ((0.1, 0.3), "not supported"),
                             ((-0.1, 0.2), "inconclusive")):
        decisions = c5.decide({"contrasts": contrasts(nli_ci), "corpora": world_corpora().iloc[:0],
                               "answers": answers}, {"training_logs": CONVERGED}, {"c5": probes, "verdicts": VERDICTS})
        assert [d.prefix for d in decisions][:3] == ["CFiveSyllogism", "CFiveWason", "CFiveNli"]
        assert decisions[2].verdict.verdict == expected, nli_ci
        assert decisions[0].verdict.verdict == "supported" and decisions[2].verdict.block == "replication"
    # controls: a planted content effect is found and a content-blind scorer is not (roles swap for NLI)
    for decision in decisions[:3]:
        assert (decision.verdict.positive_verdict, decision.verdict.negative_verdict) == ("supported", "not supported")
    assert decisions[2].verdict.positive_control.startswith("a content-blind scorer")
    # with few items the content-blind scorer cannot be shown to have no effect: the rows cannot be decided
    few = c5.decide({"contrasts": contrasts((-0.02, 0.02)), "corpora": world_corpora().iloc[:0],
                     "answers": c5_answers(n_items=4)}, {"training_logs": CONVERGED}, {"c5": probes, "verdicts": VERDICTS})
    assert all(d.verdict.verdict == "cannot be decided by this design" for d in few[:3])


@pytest.mark.parametrize("prompts", [1, 3])
def test_a_c5_headline_verdict_of_a_single_prompt_says_so(prompts):
    probes = {"primary_score": "dcpmi", "pretrained": {"model": "smollm2", "shots": [0, 3]}, "verdict": CHOICES["c5"],
              "pipeline": {"enabled": True, "corpora": {"independent": 0.0, "confounded": 0.9}}}
    tasks = {name: task for task, name in CHOICES["c5"]["contrasts"].items()}
    contrasts = pd.DataFrame([{**row(0.1, 0.3), "estimate": 0.2, "model": "SmolLM2-135M", "shots": shots,
                               "score": "dcpmi", "source": "generated", "contrast": name, "task": tasks[name],
                               "label": f"{tasks[name]}: an effect", "n_seeds": prompts}
                              for shots in (0, 3) for name in tasks])
    answers = pd.concat([c5_answers().assign(corpus=""), world_answers()], ignore_index=True)
    decisions = c5.decide({"contrasts": contrasts, "corpora": world_corpora(), "answers": answers},
                          {"training_logs": CONVERGED}, {"c5": probes, "verdicts": VERDICTS})
    headline = decisions[:2]  # syllogisms and Wason (NLI's row is an equivalence test, the world LMs' no prompt)
    assert [d.verdict.verdict for d in headline] == ["supported", "supported"]
    assert all(("one prompt only" in d.verdict.reason) == (prompts == 1) for d in decisions[:3])
    assert all(("items of one prompt" in d.verdict.test) == (prompts == 1) for d in decisions[:3])
    assert "one prompt only" not in decisions[3].verdict.reason


def test_c6_decides_dagger_on_its_last_round_and_fusion_on_the_most_samples():
    splits = CHOICES["c6"]["splits"]
    dagger = pd.DataFrame([row(-0.3, -0.1, split=s, round=1, metric="reward_over_optimal") for s in splits]
                          + [row(0.1, 0.3, split=s, round=2, metric="reward_over_optimal") for s in splits])
    last, decisive = c6.dagger_decisive(dagger, CHOICES["c6"])
    assert last == 2 and (decisive["round"] == 2).all() and len(decisive) == 2
    fusion = pd.DataFrame([row(0.1, 0.3, split=s, policy=p, reference=n, metric="reward_over_optimal")
                           for s in splits for p in c6.FUSION_POLICIES for n in (20, 60)])
    most, decisive = c6.fusion_decisive(fusion, CHOICES["c6"])
    assert most == 60 and set(decisive.policy) == {c6.FUSION_POLICIES[0]} and set(decisive.reference) == {60}


def test_a_decision_without_a_verdict_prints_its_reason_in_every_verdict_macro():
    text = Decision("CFiveWason", not_tested="not tested").macros()
    assert text.count("not tested") == 5 and "\\CFiveWasonRule" in text


def test_the_c5_figure_draws_the_primary_score_only(tmp_path):
    def rows(task, conditions, score):
        return pd.DataFrame({"model": "m", "shots": 0, "source": "generated", "score": score, "task": task,
                             "condition": conditions, "mean": 0.5, "ci_low": 0.4, "ci_high": 0.6})

    accuracy = pd.concat([rows("nli", ["consistent", "violate"], s) for s in ("dcpmi", "plain")])
    acceptance = pd.concat([rows("syllogism", [c5.analysis.VB, c5.analysis.IU], s) for s in ("dcpmi", "plain")])
    pacs_figures.probe_accuracy_figure({"accuracy": accuracy, "acceptance": acceptance},
                  {"primary_score": "dcpmi", "human": {"syllogism_acceptance": {c5.analysis.VB: 0.89}}},
                  [tmp_path / "c5.png"])
    assert (tmp_path / "c5.png").stat().st_size > 1000


def test_a_claim_wired_without_a_table_its_spec_reads_stops_the_workflow_with_one_line(tmp_path):
    from test_probes_workflow import COPY_IGNORE, ROOT, SMOKE, snakemake

    work = tmp_path / "pacs"
    shutil.copytree(ROOT, work, ignore=COPY_IGNORE)
    rules = work / "workflow" / "rules" / "c6.smk"
    rules.write_text(rules.read_text().replace('"mixture": rules.c6_rc_mixture_summary.output[0],', ""))
    result = snakemake(work, "--dry-run", *SMOKE, check=False)
    assert result.returncode != 0
    assert [line for line in result.stderr.splitlines() if line.startswith("pacs:")] == [
        "pacs: claim c6: tables ['mixture'] not wired"]


def test_the_report_loads_every_claims_macros_from_the_registry_not_a_hand_written_list():
    from pacs.claims.spec import macro_inputs

    lines = macro_inputs(REGISTRY.values()).splitlines()
    assert lines[:2] == ["\\input{generated/c1_results.tex}", "\\input{generated/c1_verdict.tex}"]
    assert len(lines) == 2 * len(REGISTRY)
    report_tex = (Path(__file__).resolve().parents[1] / "paper" / "report.tex").read_text()
    assert "\\input{generated/claims.tex}" in report_tex
    assert not re.search(r"\\input\{generated/c\d_", report_tex)


def test_every_macro_a_claim_writes_is_spelled_with_its_id():
    """One name per claim: c3's macros all start with CThree (macro names are letters only)."""
    import re
    from pathlib import Path

    from pacs.claims.spec import macro_prefix

    assert macro_prefix("c3") == "CThree" and macro_prefix("c12") == "COneTwo"
    with pytest.raises(ValueError, match="'3c'"):
        macro_prefix("3c")
    for claim_id in REGISTRY:
        source = (Path(__file__).parents[1] / "src" / "pacs" / "claims" / f"{claim_id}.py").read_text()
        names = re.findall(r'(?:macro|qualified|Decision)\(f?"([A-Za-z]+)', source)
        names += re.findall(r'^\s*"[a-z]+": "(C[A-Za-z]+)"', source, flags=re.M)  # prefixes in tables
        assert names, claim_id
        # C1's section opens the report: it also writes the setup every experiment shares
        shared = {"NSeeds", "TrainSteps", "TrainBatch", "ModelLayers", "ModelWidth", "NBoot"} if claim_id == "c1" else set()
        assert all(name.startswith(macro_prefix(claim_id)) for name in set(names) - shared), (claim_id, names)


NEW_CLAIM = """\"\"\"C7 (a test's claim): C1's agents, trained again, beat a baseline by C7's margin.\"\"\"

from dataclasses import replace

from pacs import report
from pacs.analysis import EPISODE_COLUMNS
from pacs.budget import BudgetAnalysis, DecidingContrast
from pacs.claims import c1
from pacs.claims.config_checks import ClaimConfig
from pacs.claims.spec import Claim, Decision
from pacs.verdicts import beat_and_approach_verdict, beat_rule

# C7's config section (c7.*): config.yaml, the preset and the command line override each key
CONFIG_DEFAULTS = {
    "verdict": {
        # the agents' reward on graphs with a held-out link, against the random baseline (C1's task)
        "metric": "reward_over_optimal",
        "splits": ["held_out"],
        "must_beat": ["random"],
        "reference": "expert",
        # "clearly above": a tenth of the optimal reward, C1's convention (c1.verdict.above_margin)
        "above_margin": 0.1,
    },
}


def above_rule(verdicts, rule):
    \"\"\"Beat c7.verdict.must_beat by more than c7.verdict.above_margin on c7.verdict.splits.\"\"\"
    return replace(beat_rule("C7", "c7.verdict", rule, rule["above_margin"], verdicts["alpha"]), approach=False)


def decide(tables, trained, params):
    rule = above_rule(params["verdicts"], params["c7"]["verdict"])
    return [Decision.qualified("CSeven", beat_and_approach_verdict(tables["contrasts"], rule), rule,
                               trained["training_logs"])]


def check_margin(config):
    \"\"\"The margin is a share of the optimal reward.\"\"\"
    margin = config["c7"]["verdict"]["above_margin"]
    if not 0 < margin < 1:
        yield "c7.verdict.above_margin", f"{margin} is not between 0 and 1 (a share of the optimal reward)"


SPEC = Claim(
    id="c7",
    title="A seventh claim",
    statistics=c1.SPEC.statistics,
    tables={"summary": c1.SUMMARY, "contrasts": c1.CONTRASTS, "training": c1.TRAINING},
    results=lambda tables, params: report.macro("CSevenRows", len(tables["summary"])),
    decide=decide,
    figures={"c7": "analysis_plan_figure"},
    learning_curves={},
    config=ClaimConfig(model="model", relations=(check_margin,)),
    budget=BudgetAnalysis(EPISODE_COLUMNS, c1.budget_contrasts, above_rule,
                          DecidingContrast("C7", "reward_over_optimal", "split", "held_out", "random",
                                           "agent $-$ random, reward/optimal (held out)", ("CSeven",))),
    original_claim="A test's claim: imitation agents beat the random baseline on held-out graphs.",
    margins={"above_margin": "C1's convention for ``clearly above'': a tenth of the optimal reward"},
    config_defaults=CONFIG_DEFAULTS,
)
"""
NEW_RULES = """# C7: C1's agents trained and tested again under results/c7/, their statistics by C1's functions,
# decided by C7's own verdict block (pacs.claims.c7), and its budget sensitivity.
from pacs.analysis import figure_params
from pacs.claims.c1 import PLAN as C7_PLAN

C7_SEED_DIR = "results/c7/{experiment}/seed{seed}"
C7_SEEDS = claim_seeds(config, "c7")  # config c7.seeds, else the global seeds


use rule causal_train_agent as c7_train_agent with:
    output:
        model=f"{C7_SEED_DIR}/agent.safetensors",
        training_log=f"{C7_SEED_DIR}/training_log.csv",
    log:
        "logs/c7/{experiment}/train_agent_seed{seed}.log",
    benchmark:
        "benchmarks/c7/{experiment}/train_agent_seed{seed}.tsv"
    wildcard_constraints:
        experiment="c1",


use rule causal_active_test as c7_active_test with:
    input:
        code("causal_active_test"),
        model=rules.c7_train_agent.output.model,
        episodes=rules.causal_eval_episodes.output[0],
    output:
        f"{C7_SEED_DIR}/agent_episodes.parquet",
    log:
        "logs/c7/{experiment}/active_test_seed{seed}.log",
    benchmark:
        "benchmarks/c7/{experiment}/active_test_seed{seed}.tsv"
    wildcard_constraints:
        experiment="c1",


C7_TRAINING_LOGS = expand(rules.c7_train_agent.output.training_log, experiment="c1", seed=C7_SEEDS)


use rule causal_statistics as c7_statistics with:
    input:
        code("causal_statistics"),
        agent=expand(rules.c7_active_test.output[0], experiment="c1", seed=C7_SEEDS),
        baselines=expand(rules.causal_baselines.output[0], experiment="c1", seed=C7_SEEDS),
        training_logs=C7_TRAINING_LOGS,
    output:
        episodes="results/c7/{experiment}/episodes.parquet",
        summary="results/c7/{experiment}/summary.csv",
        contrasts="results/c7/{experiment}/contrasts.csv",
        gaps="results/c7/{experiment}/gap_share.csv",
        controls="results/c7/{experiment}/control_contrasts.csv",
        control_gaps="results/c7/{experiment}/control_gap_share.csv",
        training="results/c7/{experiment}/training_summary.csv",
    log:
        "logs/c7/{experiment}/statistics.log",
    benchmark:
        "benchmarks/c7/{experiment}/statistics.tsv"
    wildcard_constraints:
        experiment="c1",
    params:
        verdict=rule_choices(config["c7"]["verdict"]),


C7_TABLES = {
    name: expand(rules.c7_statistics.output[name], experiment="c1")[0]
    for name in ("summary", "contrasts", "training")
}
wire_claim(
    "c7",
    tables={**C7_TABLES, "training_logs": C7_TRAINING_LOGS},
    params={"c7": config["c7"], "verdicts": config["verdicts"]},
    expert_imitators=C7_TRAINING_LOGS,
    figures={
        "c7": dict(
            inputs={"summary": C7_TABLES["summary"]},
            params=figure_params(C7_PLAN),
            caption="C7: C1's agents trained again.",
        )
    },
    learning_logs={},
    benchmarks=[],
)


# its budget sensitivity: the same training and test at each budget's width
use rule c7_train_agent as budget_c7_train_agent with:
    output:
        model=f"{BUDGET_DIR}/c7/{{budget}}/{{experiment}}/seed{{seed}}/agent.safetensors",
        training_log=f"{BUDGET_DIR}/c7/{{budget}}/{{experiment}}/seed{{seed}}/training_log.csv",
    log:
        "logs/budget/c7/{budget}/{experiment}/train_agent_seed{seed}.log",
    benchmark:
        "benchmarks/budget/c7/{budget}/{experiment}/train_agent_seed{seed}.tsv"
    params:
        model=budget_model_params("c7"),


use rule c7_active_test as budget_c7_active_test with:
    input:
        code("causal_active_test"),
        model=rules.budget_c7_train_agent.output.model,
        episodes=rules.causal_eval_episodes.output[0],
    output:
        f"{BUDGET_DIR}/c7/{{budget}}/{{experiment}}/seed{{seed}}/agent_episodes.parquet",
    log:
        "logs/budget/c7/{budget}/{experiment}/active_test_seed{seed}.log",
    benchmark:
        "benchmarks/budget/c7/{budget}/{experiment}/active_test_seed{seed}.tsv"


wire_budget(
    "c7",
    main=(rules.c7_train_agent, rules.c7_active_test),
    derived=(rules.budget_c7_train_agent, rules.budget_c7_active_test),
    learners=dict(experiment="c1", seed=C7_SEEDS),
    baselines=expand(rules.causal_baselines.output[0], experiment="c1", seed=C7_SEEDS),
)
"""
# the budgets the new claim's test runs, C7 among them (on the command line: nothing else is edited)
NEW_CLAIM_BUDGETS = "budgets={claims: [c1, c3, c4, c7], width_multipliers: [0.5, 1]}"


def new_claim_module():
    """The new claim's module, loaded from its text (it is not in the repository's registry)."""
    import types

    module = types.ModuleType("pacs.claims.c7")
    exec(compile(NEW_CLAIM, "c7.py", "exec"), module.__dict__)
    return module


def tree_digests(root: Path) -> dict[str, str]:
    """Each file of a repository tree (those a test's copy holds: COPY_IGNORE's left out) -> its content's digest."""
    import hashlib
    import os

    from test_probes_workflow import COPY_IGNORE

    digests = {}
    for folder, subfolders, files in os.walk(root):
        ignored = COPY_IGNORE(folder, subfolders + files)
        subfolders[:] = [name for name in subfolders if name not in ignored]
        for name in set(files) - ignored:
            path = Path(folder, name)
            digests[path.relative_to(root).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return digests


def test_a_new_claim_needs_only_its_module_its_rule_file_and_its_report_section(tmp_path):
    """A real claim (its own stage, config section with a margin, verdict rule and budget
    sensitivity) edits nothing else: the registry finds the module and merges its config section,
    the Snakefile includes the rule file the spec names, and the PDF's inputs, figure,
    report-numbers and budget jobs follow. Its budget participation is chosen on the command line."""
    import os
    import subprocess
    import sys

    from test_probes_workflow import COPY_IGNORE, ROOT, SMOKE

    work = tmp_path / "pacs"
    shutil.copytree(ROOT, work, ignore=COPY_IGNORE)
    (work / "src" / "pacs" / "claims" / "c7.py").write_text(NEW_CLAIM)
    (work / "workflow" / "rules" / "c7.smk").write_text(NEW_RULES)
    report_tex = work / "paper" / "report.tex"
    report_tex.write_text(report_tex.read_text().replace(
        "\\end{document}", "\\section{Claim C7}\nRows: \\CSevenRows. Verdict: \\CSevenVerdict.\n\\end{document}"))
    original, edited = tree_digests(ROOT), tree_digests(work)
    touched = sorted(path for path in original.keys() | edited.keys() if original.get(path) != edited.get(path))
    assert touched == ["paper/report.tex", "src/pacs/claims/c7.py", "workflow/rules/c7.smk"]

    def dry_run(*config):
        return subprocess.run(
            [str(Path(sys.executable).parent / "snakemake"), "--dry-run", "--cores", "1", *SMOKE, *config],
            cwd=work, capture_output=True, text=True, timeout=300,
            env={**os.environ, "PYTHONPATH": str(work / "src")})

    result = dry_run(NEW_CLAIM_BUDGETS)
    assert result.returncode == 0, (result.stdout + result.stderr)[-2000:]
    plan = result.stdout + result.stderr
    outputs = ["paper/build/generated/c7_results.tex", "paper/build/generated/c7_verdict.tex",
               "results/verdicts/c7.csv", "paper/build/figures/c7.pdf",
               # its own stage, and its budget sensitivity (its learners at half width; the main ones at 1)
               "results/c7/c1/seed0/agent.safetensors", "results/c7/c1/seed1/agent_episodes.parquet",
               "results/c7/c1/contrasts.csv", "results/budget/c7/x0.5/c1/seed1/agent.safetensors",
               "results/budget/c7/x0.5/c1/seed0/agent_episodes.parquet",
               "results/budget/c7/x0.5/verdict.csv", "results/budget/c7/x1/verdict.csv"]
    for output in outputs:
        assert f"output: {output}" in plan or f", {output}" in plan, output
    assert "wildcards: claim=c7" in plan and "wildcards: figure=c7" in plan
    assert "results/budget/c7/x1/c1" not in plan  # the main learners stand for multiplier 1
    # the margin is checked as the module's defaults declare it, named in one line
    result = dry_run("c7={verdict: {above_margin: wide}}")
    assert result.returncode != 0
    assert [line for line in result.stderr.splitlines() if line.startswith("pacs:")] == [
        "pacs: config key 'c7.verdict.above_margin': 'wide' is not a number (its default is 0.1)"]
    # a claim whose module declares its section sets its own seeds there too, checked in one line
    result = dry_run(NEW_CLAIM_BUDGETS, "c7={seeds: [4]}")
    assert result.returncode == 0, (result.stdout + result.stderr)[-2000:]
    assert set(re.findall(r"results/c7/c1/seed(\d+)/agent\.safetensors", result.stdout)) == {"4"}
    result = dry_run("c7={seeds: [4, 4]}")
    assert [line for line in result.stderr.splitlines() if line.startswith("pacs:")] == [
        "pacs: config key 'c7.seeds': [4] listed more than once"]


def test_a_claims_own_config_section_lies_under_config_yaml_the_preset_and_the_command_line():
    from pacs.claims.registry import resolve_config
    from pacs.config import load_yaml
    from test_probes_workflow import ROOT

    schema = ROOT / "workflow" / "schemas" / "config.schema.yaml"
    module = new_claim_module()
    registry = {**REGISTRY, "c7": module.SPEC}
    config = load_yaml(ROOT / "config.yaml")
    resolved = resolve_config(config, schema, {"preset": "smoke"}, registry=registry)
    assert resolved["c7"] == module.CONFIG_DEFAULTS
    assert {key: resolved[key] for key in REGISTRY} == {  # the other claims' sections are config.yaml's
        key: value for key, value in resolve_config(config, schema, {"preset": "smoke"}).items() if key in REGISTRY}
    # key by key: config.yaml's c7 section, then the preset's, then the command line win
    config["c7"] = {"verdict": {"above_margin": 0.2, "reference": "optimal"}}
    config["presets"]["smoke"]["c7"] = {"verdict": {"splits": ["held_out_link_goal"], "reference": "expert"}}
    resolved = resolve_config(config, schema, {"preset": "smoke", "c7": {"verdict": {"above_margin": "0.3"}}},
                              registry=registry)
    assert resolved["c7"]["verdict"] == {**module.CONFIG_DEFAULTS["verdict"], "above_margin": 0.3,
                                         "splits": ["held_out_link_goal"], "reference": "expert"}


@pytest.mark.parametrize("given, message", [
    ({"c7": {"verdict": {"above_margin": "wide"}}},
     "config key 'c7.verdict.above_margin': 'wide' is not a number (its default is 0.1)"),
    ({"c7": {"verdict": {"splits": "held_out"}}},
     "config key 'c7.verdict.splits': 'held_out' is not a list (its default is ['held_out'])"),
    ({"c7": {"verdict": {"above_margn": 0.2}}},
     "config key 'c7.verdict.above_margn': unknown key (allowed here: above_margin, metric, must_beat, reference, "
     "splits)"),
    ({"c7": {"verdict": {"above_margin": 2}}},  # the claim's own relation
     "config key 'c7.verdict.above_margin': 2 is not between 0 and 1 (a share of the optimal reward)"),
    ({"c8": {"verdict": {}}}, "config key 'c8': not a claim of the registry (pacs.claims: c1, c2, c3, c4, c5, c6, c7)"),
    ({"budgets": {"claims": ["c1", "c9"]}},
     "config key 'budgets.claims': c9 is not a claim of the registry (pacs.claims: c1, c2, c3, c4, c5, c6, c7)"),
    ({"budgets": {"claims": ["c2", "c7"]}},  # a claim of the registry that takes no part
     "config key 'budgets.claims': c2 declares no budget analysis (claims that do: c1, c3, c4, c7)"),
    ({"sweep": {"experiments": ["c7"]}},
     "config key 'sweep.experiments': c7 has no sweep learner (claims that do: c1, c3, c4, c6)"),
    ({"sweep": {"experiments": ["c9"]}},
     "config key 'sweep.experiments': c9 is not a claim of the registry (pacs.claims: c1, c2, c3, c4, c5, c6, c7)"),
    ({"sweep": {"per_experiment": {"c9": {"dropouts": [0.1]}}}},
     "config key 'sweep.per_experiment': c9 is not a claim of the registry (pacs.claims: c1, c2, c3, c4, c5, c6, "
     "c7)"),
])
def test_a_claims_own_config_section_is_checked_against_its_defaults_in_one_line(given, message):
    from pacs.claims.registry import resolve_config
    from pacs.config import ConfigError, load_yaml
    from test_probes_workflow import ROOT

    registry = {**REGISTRY, "c7": new_claim_module().SPEC}
    with pytest.raises(ConfigError) as error:
        resolve_config(load_yaml(ROOT / "config.yaml"), ROOT / "workflow" / "schemas" / "config.schema.yaml",
                       {"preset": "smoke", **given}, registry=registry)
    assert str(error.value) == message


def test_c5_counts_the_prompts_of_the_headline_respondent_from_its_answers():
    probes = {"pretrained": {"model": "smollm2", "shots": [0, 3]}, "verdict": CHOICES["c5"]}
    answers = pd.DataFrame([{"model": "SmolLM2-135M", "shots": shots, "seed": seed, "source": source}
                            for shots, seeds in ((0, (0, 1, 2)), (3, (0, 1, 2, 3, 4))) for seed in seeds
                            for source in ("generated", "theirs.jsonl")]
                           + [{"model": "world LM, confounded", "shots": 0, "seed": 7, "source": "generated"}])
    assert c5.headline_prompts(answers, probes) == 3
    assert c5.headline_prompts(answers[answers.seed == 0], probes) == 1


@pytest.mark.parametrize("ensemble", ["never", "always"])
def test_a_claim_with_its_own_seeds_plans_exactly_those_learners_and_the_others_keep_the_global_seeds(ensemble):
    """C2 and C3 with their own seeds (``c2.seeds``, ``c3.seeds``; C1 shares C2's rules and keeps
    the smoke preset's global seeds [0, 1]): a dry run of their report numbers trains exactly
    each claim's seeds, one job per seed or each experiment's seeds in one ensemble job."""
    import subprocess
    import sys

    from test_probes_workflow import ROOT

    result = subprocess.run(
        [str(Path(sys.executable).parent / "snakemake"), "-n", "-F", "--cores", "1",
         "results/verdicts/c1.csv", "results/verdicts/c2.csv", "results/verdicts/c3.csv",
         "--config", "preset=smoke", f"ensemble={ensemble}", "c2={seeds: [3, 5, 7]}", "c3={seeds: [4]}"],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    trained = set(re.findall(r"results/(c[123])/(?:[a-z]+-[a-z]+/)?seed(\d+)/agent\.safetensors", result.stdout))
    assert {seed for claim, seed in trained if claim == "c1"} == {"0", "1"}
    assert {seed for claim, seed in trained if claim == "c2"} == {"3", "5", "7"}
    assert {seed for claim, seed in trained if claim == "c3"} == {"4"}
    if ensemble == "always":  # C2's seeds are not C1's: its ensemble job is a rule of its own
        assert re.search(r"^rule causal_train_ensemble_c2:", result.stdout, re.M)


def test_c5_world_lms_left_to_the_extended_tier_read_not_run_and_count_as_no_verdict():
    from pacs.verdicts import NOT_RUN, decided
    probes = {"primary_score": "dcpmi", "pretrained": {"model": "smollm2", "shots": [0]}, "verdict": CHOICES["c5"],
              "pipeline": {"enabled": False, "corpora": {"independent": 0.0, "confounded": 0.9}}}
    empty = pd.DataFrame(columns=["model", "shots", "score", "source", "contrast", "label"])
    world = c5.decide({"contrasts": empty, "corpora": world_corpora().iloc[:0]}, {"training_logs": CONVERGED},
                      {"c5": probes, "verdicts": VERDICTS})[3]
    assert world.verdict.verdict == NOT_RUN and world.verdict.block == "extension"
    assert "c5.pipeline.enabled: false" in world.verdict.reason and np.isnan(world.verdict.effect)
    assert not decided(pd.DataFrame([{"verdict": world.verdict.verdict}])).any()
