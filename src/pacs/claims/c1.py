"""C1 (Experiment 1): an imitation agent acting in held-out causal graphs."""

from __future__ import annotations

from dataclasses import replace
from functools import partial

import pandas as pd

from pacs import analysis, report
from pacs.analysis import EPISODE_COLUMNS, AnalysisPlan
from pacs.budget import BudgetAnalysis, DecidingContrast
from pacs.claims import controls
from pacs.claims.config_checks import ClaimConfig, batch_fits, reference_not_beaten
from pacs.claims.spec import Claim, Decision
from pacs.stats import BootstrapSettings
from pacs.tables import read_training_log
from pacs.verdicts import (BeatAndApproachRule, GapShareRule, beat_and_approach_verdict, beat_rule, config_choices,
                           gap_share_verdict, metric_label)

# the claim as L23 states it (shortened; ../shared/PROTOCOL.md); what we test is in each verdict row
ORIGINAL_CLAIM = ("Imitation-trained agents that may intervene at test time exploit causal links never seen "
                  "in training: near the expert, above associational baselines.")
# where each margin of c1.verdict comes from (config.yaml's comments say the same); none is from a source paper
MARGINS = {
    "above_margin": "the claim's ``clearly above every associational baseline'', with our convention for "
                    "``clearly'' on a share of the optimal reward: a tenth of it",
    "gap_share_threshold": "the claim's ``near the expert'' as a share of the measured gap from the best "
                           "associational baseline to the expert: most of it closed, at most a quarter left; "
                           "declared with the rule, before any run of it",
}
# baselines the agent must beat (associational or heuristic)
DAG_ASSOCIATIONAL = ("random", "correlational", "observational", "prior")
PLAN = AnalysisPlan(
    metrics=("reward_over_optimal", "optimal_choice"),
    reference="agent",
    comparisons=("optimal", "expert", *DAG_ASSOCIATIONAL, "agent_no_intervention", "agent_random_intervention"),
    splits=("in_distribution", "held_out", "held_out_link_goal"),
    episode_sets=("all", "diagnostic"),
    panels=(("reward_over_optimal", "all"), ("optimal_choice", "diagnostic")),
    title="C1: imitation agent acting in held-out causal graphs (95% hierarchical-bootstrap CIs)",
)

# statistics tables read (required columns checked on reading)
SUMMARY, CONTRASTS = (), ()
TRAINING = ("measure", "mean", "ci_low", "ci_high")
GAPS = ("split", "share", "ci_low", "ci_high", "best_baseline")
CONTROLS = ("metric", "subset", "split", "other", "control")
# the policies replayed as the agent on its own test episodes (pacs.claims.controls): the expert
# has the claimed property by construction, the correlational baseline lacks it
AGENT_CONTROLS = {controls.POSITIVE: "expert", controls.NEGATIVE: "correlational"}
CONTROL_TEXT = {kind: controls.replayed_text(policy) for kind, policy in AGENT_CONTROLS.items()}


def agent_control_statistics(episodes: pd.DataFrame, plan, rule: dict, replayed: dict,
                             settings: BootstrapSettings) -> dict[str, pd.DataFrame]:
    """The rule's contrasts and gap shares with each control policy of ``replayed``
    (kind -> policy) replayed as the agent on the same episodes (``pacs.claims.controls``)."""
    plan = replace(plan, metrics=(rule["metric"],), comparisons=tuple(dict.fromkeys([*rule["must_beat"],
                                                                                      rule["reference"]])),
                   splits=tuple(rule["splits"]), episode_sets=("all",))
    contrasts, gaps = {}, {}
    for kind, source in replayed.items():
        as_agent = controls.replay(episodes, source, plan.reference)
        contrasts[kind] = analysis.contrast_table(as_agent, plan, settings)
        gaps[kind] = analysis.gap_share_table(as_agent, rule["metric"], plan.reference, rule["must_beat"],
                                              rule["reference"], rule["splits"], settings)
    return {"controls": controls.labelled(contrasts), "control_gaps": controls.labelled(gaps)}


def causal_statistics(plan: AnalysisPlan, replayed: dict, inputs, params) -> dict[str, pd.DataFrame]:
    """C1 and C2: the agents' and baselines' episodes (``prepare``d by the claim's analysis
    plan) -> summaries and paired contrasts with CIs; the share of the gap between the best
    must-beat baseline and the reference that the agent closes, on the rule's splits
    (``params["verdict"]``: the claim's ``verdict`` config block); the same for its controls
    (``replayed``: control kind -> the policy replayed as the agent); the agents' training summary."""
    settings, rule = BootstrapSettings(**params["stats"]), params["verdict"]
    episodes = analysis.prepare(analysis.read_episode_tables([*inputs["agent"], *inputs["baselines"]]), plan)
    logs = pd.concat([read_training_log(path) for path in inputs["training_logs"]])
    return {"episodes": episodes, "summary": analysis.summary_table(episodes, plan, settings),
            "contrasts": analysis.contrast_table(episodes, plan, settings),
            "gaps": analysis.gap_share_table(episodes, rule["metric"], plan.reference, rule["must_beat"],
                                             rule["reference"], rule["splits"], settings),
            **agent_control_statistics(episodes, plan, rule, replayed, settings),
            "training": analysis.training_summary(logs, settings)}


def results(tables, params) -> str:
    """Setup macros (environment, data, model, training) and the results tables."""
    summary, contrasts, training = tables["summary"], tables["contrasts"], tables["training"]
    env, data, evaluation = params["c1"]["env"], params["c1"]["data"], params["c1"]["eval"]
    train, model = params["train"], params["model"]
    policies, splits = PLAN.policies, PLAN.splits
    return "\n".join([
        report.macro("NSeeds", len(params["seeds"])),
        report.macro("COneNVars", env["n_vars"]),
        report.macro("COneExploreSteps", env["explore_steps"]),
        report.macro("COneNoiseStd", env["noise_std"]),
        report.macro("COneInterventionValue", report.fmt(env["intervention_value"], 0)),
        report.macro("COneWeightValues", ", ".join(f"{w:g}" for w in env["weight_values"])),
        report.macro("COneHeldOutLinks", ", ".join(f"${a}\\to{b}$" for a, b in env["held_out_links"])),
        report.macro("COneTrainEpisodes", f"{data['train_episodes']:,}"),
        report.macro("COneEvalEpisodes", f"{evaluation['episodes_per_split']:,}"),
        report.macro("TrainSteps", f"{train['steps']:,}"),
        report.macro("TrainBatch", train["batch_size"]),
        report.macro("ModelLayers", model["n_layers"]),
        report.macro("ModelWidth", model["d_model"]),
        report.macro("NBoot", f"{params['stats']['n_boot']:,}"),
        report.macro("COneSetupTable", report.key_value_table(
            report.flatten("c1", params["c1"]) + report.flatten("model", model) + report.flatten("train", train))),
        *report.agreement_macros("COne", training, {
            "AgreementInDist": "val_in_distribution_agreement",
            "AgreementHeldOut": "val_held_out_agreement",
            "GoalAgreementInDist": "val_in_distribution_agreement_goal",
            "GoalAgreementHeldOut": "val_held_out_agreement_goal",
        }),
        report.macro("COneResultsTable",
                     report.policy_by_split_table(summary, "reward_over_optimal", "all", policies, splits)),
        report.macro("COneDiagnosticTable",
                     report.policy_by_split_table(summary, "optimal_choice", "diagnostic", policies, splits)),
        report.macro("COneContrastTable", report.contrast_table(contrasts, "reward_over_optimal", "all", splits)),
    ])


def above_rule(verdicts: dict, rule: dict) -> BeatAndApproachRule:
    """Row (i): on held-out graphs, beat every associational baseline (``c1.verdict``) by more
    than ``c1.verdict.above_margin``; nearness to the expert is row (ii)."""
    return replace(beat_rule("C1", "c1.verdict", rule, rule["above_margin"], verdicts["alpha"]), approach=False)


def near_rule(verdicts: dict, rule: dict) -> GapShareRule:
    """Row (ii): on held-out graphs, the agent closes more than ``c1.verdict.gap_share_threshold``
    of the gap between the best associational baseline and the expert."""
    return GapShareRule(claim="C1", metric_label=metric_label(rule["metric"]), splits=tuple(rule["splits"]),
                        reference=rule["reference"], threshold=rule["gap_share_threshold"],
                        threshold_key="c1.verdict.gap_share_threshold", choices=config_choices("c1.verdict", rule))


def decide(tables, trained, params) -> list[Decision]:
    """Two rows on held-out graphs: (i) the agent beats every associational baseline;
    (ii) it closes more than the declared share of the gap between the best of them and
    the expert ("near the expert")."""
    above = above_rule(params["verdicts"], params["c1"]["verdict"])
    near = near_rule(params["verdicts"], params["c1"]["verdict"])
    return [Decision.qualified("COne", beat_and_approach_verdict(tables["contrasts"], above), above,
                               trained["training_logs"],
                               controls.call(tables["controls"], beat_and_approach_verdict, above, CONTROL_TEXT)),
            Decision.qualified("COneNear", gap_share_verdict(tables["gaps"], near), near, trained["training_logs"],
                               controls.call(tables["control_gaps"], gap_share_verdict, near, CONTROL_TEXT))]


def check_held_out_links(config):
    """Every held-out link (A, B) names two different variables of the graph."""
    n_vars, links = config["c1"]["env"]["n_vars"], config["c1"]["env"]["held_out_links"]
    if not links:
        yield "c1.env.held_out_links", "is empty, but the held-out test splits need at least one [A, B] link"
    for a, b in links:
        if max(a, b) >= n_vars:
            yield "c1.env.held_out_links", f"[{a}, {b}] names a variable outside 0..{n_vars - 1} " \
                                           f"(c1.env.n_vars is {n_vars})"
        if a == b:
            yield "c1.env.held_out_links", f"[{a}, {b}] is a self-link; A and B must differ"


def check_weight_values(config):
    """Training graphs (no held-out path) and held-out graphs (a path A -> B) can both be
    drawn. A graph draws each (earlier, later) weight from ``weight_values``, so:
    without a nonzero weight no variable affects another (no held-out graph, no target
    with a cause); without 0 every graph is complete, so a training graph exists only
    if some variable order puts every B before its A (the links form no cycle); with
    0, one edge that is not a held-out link makes a training graph with a cause."""
    env = config["c1"]["env"]
    weights, links = env["weight_values"], {tuple(link) for link in env["held_out_links"]}
    if not any(w != 0 for w in weights):
        yield "c1.env.weight_values", f"{weights} has no nonzero weight: no variable could affect another, " \
                                      "so no held-out graph (a path A -> B) and no target with a cause exist"
    if 0 in weights:
        if len(links) >= env["n_vars"] * (env["n_vars"] - 1) and env["target_requires_cause"]:
            yield "c1.env.held_out_links", "holds out every ordered pair: no training graph has a cause"
    elif has_cycle(links):
        yield "c1.env.weight_values", f"{weights} has no 0, so every graph is complete and the held-out links " \
                                      f"{sorted(links)} (a cycle) leave no graph to train on"


def has_cycle(links: set[tuple[int, int]]) -> bool:
    """Whether the directed links (A, B) run in a cycle."""
    remaining = set(links)
    while remaining:
        sources = {a for a, _ in remaining} - {b for _, b in remaining}
        if not sources:
            return True
        remaining = {(a, b) for a, b in remaining if a not in sources}
    return False


def check_training(config):
    """The agents' batch fits their training set, and the verdict rule's reference is not a baseline to beat."""
    yield from batch_fits(config, None, "c1.data.train_episodes", config["c1"]["data"]["train_episodes"])
    yield from reference_not_beaten(config, "c1")


# the agents are the shared model; Experiment 1's graphs must allow every split
CONFIG = ClaimConfig(model="model", relations=(check_held_out_links, check_weight_values, check_training))


def budget_contrasts(episodes: pd.DataFrame, settings: BootstrapSettings, splits=()) -> pd.DataFrame:
    """At a budget (``pacs.budget``): the agent on the held-out-link splits against the
    associational baselines and the expert, as the main analysis contrasts them."""
    return analysis.contrast_table(analysis.prepare(episodes, PLAN), PLAN, settings)


# the whole C1 rule at each budget; the plotted effect is agent minus expert on the held-out-link-goal split
BUDGET = BudgetAnalysis(
    EPISODE_COLUMNS, budget_contrasts, above_rule,
    DecidingContrast("C1", "reward_over_optimal", "split", "held_out_link_goal", "expert",
                     "agent $-$ expert, reward/optimal (held-out-link goal)", ("COne",)))


SPEC = Claim(
    id="c1",
    statistics=partial(causal_statistics, PLAN, AGENT_CONTROLS),
    title="Experiment 1: imitation agents exploit held-out causal links",
    tables={"summary": SUMMARY, "contrasts": CONTRASTS, "gaps": GAPS, "controls": CONTROLS, "control_gaps": GAPS,
            "training": TRAINING},
    results=results,
    decide=decide,
    figures={"c1": "analysis_plan_figure"},
    rule_file="c1_c2.smk",
    learning_curves={"c1": "C1 agents"},
    config=CONFIG,
    budget=BUDGET,
    sweep_learner="C1 agent (shared model, train)",
    original_claim=ORIGINAL_CLAIM,
    margins=MARGINS,
)
