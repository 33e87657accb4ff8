"""C6 (Experiment 6): training regimes beyond plain imitation on Experiment 1's task:
return-conditioned imitation (rc), DAgger-style relabelling (dagger) and fusing
observational with interventional data (fusion); one verdict each."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from pacs import analysis, report
from pacs.analysis import AnalysisPlan
from pacs.claims import controls
from pacs.claims.c3 import TRAINING
from pacs.claims.config_checks import ClaimConfig, batch_fits, picked
from pacs.claims.spec import Claim, Decision
from pacs.stats import BootstrapSettings
from pacs.labels import FUSION_POLICIES, RC_LEARNER_POLICIES, REFERENCE_BASELINES, SPLIT_ORDER
from pacs.verdicts import (BeatAndApproachRule, BenefitRule, beat_and_approach_verdict, benefit_verdict,
                           config_choices, metric_label, resolve_choice)

# the claim as we test it: the training regimes discussed with L23 (the seed discussion; our extension)
ORIGINAL_CLAIM = ("Return conditioning, interactive (DAgger) data and observational data change what "
                  "imitation learns.")
# where each margin of c6.verdict comes from (none is from a source paper)
MARGINS = {
    "near_margin": "near imitation of the expert subset: C1's convention",
    "equivalence_margin": "a regime ``helps'': C3's smallest effect of interest",
}
# reference policies on the shared test episodes of the training regimes, in display order
BASELINES = REFERENCE_BASELINES
# return conditioning: the learners against plain imitation, the expert subset and the baselines
RC_PLAN = AnalysisPlan(
    metrics=("reward_over_optimal", "optimal_choice"),
    reference=RC_LEARNER_POLICIES["conditioned"],
    comparisons=(RC_LEARNER_POLICIES["plain"], RC_LEARNER_POLICIES["expert_only"], *BASELINES),
    splits=SPLIT_ORDER,
    episode_sets=("all",),
    panels=(("reward_over_optimal", "all"), ("optimal_choice", "all")),
    title="C6: return-conditioned imitation of mixed-quality demonstrations (95% CIs)",
)
# DAgger and data fusion: the metrics along rounds or samples, and the column their learners vary along
CURVE_METRICS = {
    "dagger": ("reward_over_optimal", "optimal_choice", "off_oracle_steps", "labelled_steps"),
    "fusion": ("reward_over_optimal", "optimal_choice", "n_interventions"),
}
CURVE_CONDITIONS = {"dagger": "round", "fusion": "n_observational"}

# the three training regimes: name (in paths, wildcards and figures) -> macro prefix
PARTS = {"rc": "CSixRc", "dagger": "CSixDagger", "fusion": "CSixFusion"}
MIXTURE = ("kind", "measure", "mean", "ci_low", "ci_high")


# return conditioning's controls: policies replayed as the conditioned learner (the expert
# has the claimed property by construction; plain imitation lacks it)
RC_CONTROLS = {controls.POSITIVE: "expert", controls.NEGATIVE: RC_LEARNER_POLICIES["plain"]}


def control_texts(regime: str, margin: float) -> dict[str, str]:
    """What each control of a regime's verdict is (``control_statistics``)."""
    if regime == "rc":
        return {kind: controls.replayed_text(policy, f"{RC_LEARNER_POLICIES['conditioned']} learner")
                for kind, policy in RC_CONTROLS.items()}
    source = {"dagger": "plain-imitation", "fusion": "no-observational-samples"}[regime]
    return {controls.POSITIVE: controls.planted_text(source, 2 * margin), controls.NEGATIVE: controls.identical_text(source)}


def control_statistics(regime: str, episodes: pd.DataFrame, rule: dict, margin: float,
                       settings: BootstrapSettings) -> pd.DataFrame:
    """A regime's verdict contrasts on its controls (``pacs.claims.controls``): return
    conditioning with a policy replayed as the conditioned learner; DAgger and data fusion
    with the compared arm replaced by the plain (no-sample) arm with a planted gain of twice
    ``margin`` (positive) or unchanged (negative)."""
    metric, shift = rule["metric"], 2 * margin
    if regime == "rc":
        conditioned = RC_LEARNER_POLICIES["conditioned"]
        plan = replace(RC_PLAN, metrics=(metric,), splits=tuple(rule["splits"]),
                       comparisons=(RC_LEARNER_POLICIES["plain"], RC_LEARNER_POLICIES["expert_only"]))
        return controls.labelled({kind: analysis.contrast_table(controls.replay(episodes, policy, conditioned), plan,
                                                                settings)
                                  for kind, policy in RC_CONTROLS.items()})
    if regime == "dagger":
        arms = episodes[episodes.policy.isin(["dagger", "plain"])]
        return controls.pair_controls(arms, "policy", "plain", "dagger", metric, shift, ("round", "split"),
                                      lambda e: analysis.dagger_contrasts(e, [metric], settings))
    learner = episodes[episodes.policy == FUSION_POLICIES[0]]
    positive = negative = learner
    for samples in sorted(set(learner.n_observational) - {0}):
        positive = controls.plant(positive, "n_observational", 0, samples, metric, shift, ("split",))
        negative = controls.identical(negative, "n_observational", 0, samples)
    return controls.labelled({kind: analysis.observational_contrasts(arms, FUSION_POLICIES[:1], [metric], settings)
                              for kind, arms in ((controls.POSITIVE, positive), (controls.NEGATIVE, negative))})


def regime_statistics(regime: str, episodes: pd.DataFrame, settings: BootstrapSettings):
    """(summary, contrasts) of a regime: for return conditioning the learners' summaries and
    paired contrasts from the conditioned learner; for DAgger and data fusion the curves along
    rounds or samples and their paired contrasts."""
    if regime == "rc":
        return analysis.summary_table(episodes, RC_PLAN, settings), analysis.contrast_table(episodes, RC_PLAN, settings)
    if regime not in CURVE_METRICS:
        raise ValueError(f"unknown training regime {regime!r} (known: rc, {', '.join(CURVE_METRICS)})")
    metrics = CURVE_METRICS[regime]
    summary = analysis.condition_summary(episodes, CURVE_CONDITIONS[regime], metrics, settings)
    if regime == "dagger":
        return summary, analysis.dagger_contrasts(episodes, [m for m in metrics if m != "labelled_steps"], settings)
    return summary, analysis.observational_contrasts(episodes, FUSION_POLICIES, metrics, settings)


def statistics(inputs, params) -> dict[str, pd.DataFrame]:
    """One training regime's (``params["regime"]``) episodes -> summaries and paired
    contrasts (``regime_statistics``), its verdict's controls
    (``control_statistics``), and its learners' training summary."""
    settings = BootstrapSettings(**params["stats"])
    episodes = analysis.read_episode_tables([*inputs["agent"], *inputs["baselines"]])
    summary, contrasts = regime_statistics(params["regime"], episodes, settings)
    return {"episodes": episodes, "summary": summary, "contrasts": contrasts,
            "controls": control_statistics(params["regime"], episodes, params["verdict"], params["margin"], settings),
            "training": analysis.learner_training_summary(inputs["training_logs"], params["log_conditions"], settings)}


def figure_params(regime: str) -> dict:
    """What a regime's figure draws (the params of its ``pacs.figures`` function, ``FIGURES``):
    return conditioning's analysis plan (learners against baselines); or reward/optimal per
    split and one behaviour measure along rounds (DAgger, round 0 being the initial learner of
    both arms) or observational samples (data fusion), the expert and the correlational
    baseline flat beside."""
    if regime == "rc":
        return analysis.figure_params(RC_PLAN)
    references, reward_panels = ["expert", "correlational"], [("reward_over_optimal", split) for split in SPLIT_ORDER]
    if regime == "dagger":
        return {"table": "summary", "x": "round", "x_label": "round (round 0: the initial learner)",
                "curves": ["dagger", "plain"], "start": "initial", "references": references,
                "panels": reward_panels + [("off_oracle_steps", "held_out")],
                "title": "C6: DAgger relabelling vs plain imitation with the same labelled steps (95% CIs)"}
    if regime == "fusion":
        return {"table": "summary", "x": "n_observational", "x_label": "observational samples per episode",
                "curves": list(FUSION_POLICIES), "references": references,
                "panels": reward_panels + [("n_interventions", "in_distribution")], "symlog_x": True,
                "title": "C6: observational samples before a small budget of tests (95% CIs)"}
    raise ValueError(f"unknown training regime {regime!r} (known: {', '.join(PARTS)})")


# each regime's figure: the pacs.figures function that draws it from figure_params
FIGURES = {"rc": "analysis_plan_figure", "dagger": "policy_curve_figure", "fusion": "policy_curve_figure"}


def agreement_table(training) -> str:
    """Final teacher-forced agreement with the demonstrator on held-aside episodes, per learner."""
    measures = {"val_in_distribution_agreement": "in-distribution", "val_held_out_agreement": "held-out DAGs"}
    rows = training[training.measure.isin(measures)].set_index(["condition", "measure"])
    body = [[report.tex_escape(condition), *[report.fmt_ci(*rows.loc[(condition, m), ["mean", "ci_low", "ci_high"]],
                                                          3) for m in measures]]
            for condition in dict.fromkeys(training.condition)]
    return report.tabular(["learner", *measures.values()], body, "lcc")


def common_macros(part: str, tables, params) -> list[str]:
    prefix = PARTS[part]
    return [
        report.macro(f"{prefix}Steps", f"{params['train']['steps']:,}"),
        report.macro(f"{prefix}Batch", params["train"]["batch_size"]),
        report.macro(f"{prefix}EvalEpisodes", f"{params['c6']['eval']['episodes_per_split']:,}"),
        report.macro(f"{prefix}AgreementTable", agreement_table(tables[f"training_{part}"])),
    ]


def rc_results(tables, params) -> list[str]:
    rc, plan = params["c6"]["return_conditioning"], RC_PLAN
    summary, contrasts = tables["summary_rc"], tables["contrasts_rc"]
    cells = tables["mixture"].set_index(["kind", "measure"])
    mixture = report.tabular(
        ["demonstrator", "share", "mean quality [95\\% CI]", "top-bucket share [95\\% CI]"],
        [[report.tex_escape(kind), *[report.fmt_ci(*cells.loc[(kind, m), ["mean", "ci_low", "ci_high"]])
                                     for m in ("share", "mean_quality", "top_bucket_share")]]
         for kind in dict.fromkeys(tables["mixture"].kind)],
        "lccc",
    )
    return [
        *common_macros("rc", tables, params),
        report.macro("CSixRcTrainEpisodes", f"{rc['train_episodes']:,}"),
        report.macro("CSixRcMix", report.tex_escape(", ".join(f"{k} {v:g}" for k, v in rc["mix"].items()))),
        report.macro("CSixRcNoise", f"{rc['noise']:g}"),
        report.macro("CSixRcEdges", ", ".join(f"{e:g}" for e in rc["quality_edges"])),
        report.macro("CSixRcMixtureTable", mixture),
        report.macro("CSixRcResultsTable",
                     report.policy_by_split_table(summary, "reward_over_optimal", "all", plan.policies, plan.splits)),
        report.macro("CSixRcOptimalTable",
                     report.policy_by_split_table(summary, "optimal_choice", "all", plan.policies, plan.splits)),
        report.macro("CSixRcContrastTable", report.contrast_table(contrasts, "reward_over_optimal", "all", plan.splits,
                                                                  minus="return-conditioned minus")),
    ]


def dagger_results(tables, params) -> list[str]:
    dg = params["c6"]["dagger"]
    summary, contrasts = tables["summary_dagger"], tables["contrasts_dagger"]
    arms = ["initial", "dagger", "plain", *BASELINES]
    return [
        *common_macros("dagger", tables, params),
        report.macro("CSixDaggerInitial", f"{dg['initial_episodes']:,}"),
        report.macro("CSixDaggerPerRound", f"{dg['episodes_per_round']:,}"),
        report.macro("CSixDaggerRounds", dg["rounds"]),
        report.macro("CSixDaggerResultsTable",
                     report.curve_table(summary, "reward_over_optimal", "round", "round", arms, SPLIT_ORDER)),
        report.macro("CSixDaggerOffTable",
                     report.curve_table(summary, "off_oracle_steps", "round", "round", arms[:3], SPLIT_ORDER)),
        report.macro("CSixDaggerLabelsTable",
                     report.curve_table(summary[summary.split == "in_distribution"], "labelled_steps", "round",
                                        "round", arms[:3], ["in_distribution"])),
        report.macro("CSixDaggerContrastTable", report.difference_table(
            contrasts[contrasts.metric == "reward_over_optimal"], [("round", "round"), ("split", "split")])),
    ]


def fusion_results(tables, params) -> list[str]:
    fu = params["c6"]["fusion"]
    summary, contrasts = tables["summary_fusion"], tables["contrasts_fusion"]
    policies = [*FUSION_POLICIES, *BASELINES]
    x = "n_observational"
    return [
        *common_macros("fusion", tables, params),
        report.macro("CSixFusionTrainEpisodes", f"{fu['train_episodes']:,}"),
        report.macro("CSixFusionBudget", fu["budget"]),
        report.macro("CSixFusionSamples", ", ".join(map(str, fu["observational_samples"]))),
        report.macro("CSixFusionMargin", f"{fu['irrelevance']['margin']:g}"),
        report.macro("CSixFusionLevel", f"{fu['irrelevance']['level']:g}"),
        report.macro("CSixFusionResultsTable",
                     report.curve_table(summary, "reward_over_optimal", x, "samples", policies, SPLIT_ORDER)),
        report.macro("CSixFusionInterventionsTable",
                     report.curve_table(summary, "n_interventions", x, "samples", FUSION_POLICIES, SPLIT_ORDER)),
        report.macro("CSixFusionContrastTable", report.difference_table(
            contrasts[contrasts.metric == "reward_over_optimal"],
            [("policy", "policy"), ("samples", "reference"), ("split", "split")])),
        report.macro("CSixFusionInterventionContrastTable", report.difference_table(
            contrasts[contrasts.metric == "n_interventions"],
            [("policy", "policy"), ("samples", "reference"), ("split", "split")])),
    ]


def results(tables, params) -> str:
    """The three regimes' setup macros and tables, in PARTS' order."""
    return "\n".join([*rc_results(tables, params), *dagger_results(tables, params), *fusion_results(tables, params)])


def dagger_decisive(contrasts, rule: dict):
    """DAgger's decisive contrasts: the metric (``c6.verdict``), DAgger minus plain
    imitation with as many labelled steps, in round ``c6.verdict.dagger_round`` (by default
    the last, where the arms differ most)."""
    chosen = resolve_choice(rule["dagger_round"], contrasts["round"].unique(), "c6.verdict.dagger_round")
    return chosen, contrasts[(contrasts["round"] == chosen) & (contrasts.metric == rule["metric"])]


def fusion_decisive(contrasts, rule: dict):
    """Data fusion's decisive contrasts: the fusion learner's metric with
    ``c6.verdict.fusion_samples`` observational samples (by default the most) minus with none."""
    chosen = resolve_choice(rule["fusion_samples"], contrasts.reference.unique(), "c6.verdict.fusion_samples")
    return chosen, contrasts[(contrasts.policy == FUSION_POLICIES[0]) & (contrasts.reference == chosen)
                             & (contrasts.metric == rule["metric"])]


def conditioning_rule(verdicts: dict, rule: dict, conditioned: str, plain: str,
                      expert_subset: str) -> BeatAndApproachRule:
    """Return conditioning: conditioned on the top quality, the learner beats plain imitation
    of the same mixed data and comes near imitation of its expert subset, both by
    ``c6.verdict.near_margin``, on ``c6.verdict``'s splits and metric."""
    return BeatAndApproachRule(
        claim="C6", metric=rule["metric"], metric_label=metric_label(rule["metric"]), splits=tuple(rule["splits"]),
        must_beat=(plain,), reference=expert_subset, margin=rule["near_margin"], alpha=verdicts["alpha"],
        subject=f"{conditioned} learner",
        choices=config_choices("c6.verdict", {key: rule[key] for key in ("metric", "splits")}),
    )


def benefit_rule(verdicts: dict, rule: dict, manipulation: str, versus: str, contrast: str,
                 decisive: str) -> BenefitRule:
    """DAgger and data fusion: the manipulation raises the learner's metric on every split of
    ``c6.verdict`` by more than ``c6.verdict.equivalence_margin`` (``decisive``: the key naming
    its round or number of samples)."""
    return BenefitRule(
        claim="C6", metric=rule["metric"], metric_label=metric_label(rule["metric"]), manipulation=manipulation,
        groups=tuple(rule["splits"]), group_col="split", margin=rule["equivalence_margin"],
        alpha=verdicts["alpha"], versus=versus, contrast=contrast,
        choices=config_choices("c6.verdict", {key: rule[key] for key in ("metric", "splits", decisive)}),
    )


def decide(tables, trained, params) -> list[Decision]:
    """One verdict per regime, each on its own learners' adequacy: the return-conditioned
    learner beats plain imitation and nears expert-subset imitation; DAgger beats plain
    imitation in its last round; the most observational samples beat none."""
    verdicts, chosen = params["verdicts"], params["c6"]["verdict"]
    texts = {part: control_texts(part, chosen["equivalence_margin"]) for part in PARTS}
    rule = conditioning_rule(verdicts, chosen, RC_LEARNER_POLICIES["conditioned"],
                             RC_LEARNER_POLICIES["plain"], RC_LEARNER_POLICIES["expert_only"])
    decisions = [(rule, beat_and_approach_verdict(tables["contrasts_rc"], rule),
                  controls.call(tables["controls_rc"], beat_and_approach_verdict, rule, texts["rc"]))]
    last, decisive = dagger_decisive(tables["contrasts_dagger"], chosen)
    rule = benefit_rule(verdicts, chosen, f"DAgger's relabelled visits (round {last})",
                        "plain imitation with as many labelled steps", "DAgger $-$ plain", "dagger_round")
    decisions.append((rule, benefit_verdict(decisive, rule),
                      controls.call(tables["controls_dagger"], benefit_verdict, rule, texts["dagger"],
                                    lambda rows: dagger_decisive(rows, chosen)[1])))
    most, decisive = fusion_decisive(tables["contrasts_fusion"], chosen)
    rule = benefit_rule(verdicts, chosen, f"{most} observational samples", "none", f"{most} $-$ 0 samples",
                        "fusion_samples")
    decisions.append((rule, benefit_verdict(decisive, rule),
                      controls.call(tables["controls_fusion"], benefit_verdict, rule, texts["fusion"],
                                    lambda rows: fusion_decisive(rows, chosen)[1])))
    # every C6 row is this project's extension, not a claim of the papers
    return [Decision.qualified(PARTS[part], replace(verdict, block="extension"), rule, trained[f"training_logs_{part}"],
                               called)
            for part, (rule, verdict, called) in zip(PARTS, decisions)]


def check_config(config):
    """The learners' batch fits each training set; the return-conditioning mix sums to 1 over
    increasing quality edges; the fusion budget leaves a variable unexplored and fits the
    exploration phase; the verdict's DAgger round and fusion sample count are run. (DAgger's
    round-0 set is small by design and sampled with replacement, so its batch is not checked.)"""
    regimes, env = config["c6"], config["c1"]["env"]
    for regime in ("return_conditioning", "fusion"):
        yield from batch_fits(config, "c6.train", f"c6.{regime}.train_episodes", regimes[regime]["train_episodes"])
    mix = regimes["return_conditioning"]["mix"]
    if abs(sum(mix.values()) - 1.0) > 1e-9:
        yield "c6.return_conditioning.mix", f"shares sum to {sum(mix.values()):g}, not 1"
    edges = regimes["return_conditioning"]["quality_edges"]
    if any(a >= b for a, b in zip(edges, edges[1:])):
        yield "c6.return_conditioning.quality_edges", f"{edges} is not increasing"
    budget = regimes["fusion"]["budget"]
    if budget >= env["n_vars"] or budget > env["explore_steps"]:
        yield "c6.fusion.budget", f"{budget} must be below c1.env.n_vars ({env['n_vars']}) " \
                                  f"and at most c1.env.explore_steps ({env['explore_steps']})"
    yield from picked("c6.verdict.dagger_round", regimes["verdict"]["dagger_round"],
                      range(1, regimes["dagger"]["rounds"] + 1))
    yield from picked("c6.verdict.fusion_samples", regimes["verdict"]["fusion_samples"],
                      [n for n in regimes["fusion"]["observational_samples"] if n != 0])


# every C6 learner is the shared model overlaid with c6.model
CONFIG = ClaimConfig(model="c6.model", relations=(check_config,))


SPEC = Claim(
    id="c6",
    statistics=statistics,
    title="Experiment 6: training regimes beyond plain imitation",
    tables={**{f"{table}_{part}": columns for part in PARTS
               for table, columns in (("summary", ()), ("contrasts", ()), ("controls", ("control",)),
                                      ("training", TRAINING))},
            "mixture": MIXTURE},
    results=results,
    decide=decide,
    figures={f"c6_{part}": FIGURES[part] for part in PARTS},
    learning_curves={"c6_rc": "C6 return-conditioning learners", "c6_dagger": "C6 DAgger learners",
                     "c6_fusion": "C6 data-fusion learners"},
    config=CONFIG,
    sweep_learner="C6 expert-only learner (C6 model, train)",
    original_claim=ORIGINAL_CLAIM,
    margins=MARGINS,
)
