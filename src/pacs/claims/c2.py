"""C2 (Experiment 2): exploring cued variable subsets never seen in training."""

from __future__ import annotations

import math
from functools import partial

from pacs import report
from pacs.analysis import AnalysisPlan
from pacs.claims import controls
from pacs.claims.c1 import CONTRASTS, CONTROLS, SUMMARY, TRAINING, causal_statistics
from pacs.claims.config_checks import ClaimConfig, batch_fits, reference_not_beaten
from pacs.claims.spec import Claim, Decision
from pacs.verdicts import BeatAndApproachRule, beat_and_approach_verdict, beat_rule

# the claim as L23 states it (fig. 2; shortened)
ORIGINAL_CLAIM = "Imitating experts who explore a cued subset generalizes to cued subsets never seen in training."
# where the margin of c2.verdict comes from (none is from a source paper)
MARGINS = {"near_expert_margin": "``near the expert'' and ``above the cue-blind explorer'' in exploration recall (a "
                                 "share of the cued subset): C1's convention, a tenth of the scale"}
PLAN = AnalysisPlan(
    metrics=("explore_precision", "explore_recall", "steps_outside_cue", "reward_over_optimal"),
    reference="agent",
    comparisons=("expert", "explore_all", "random_explore", "optimal"),
    splits=("train_subsets", "held_out_subsets"),
    episode_sets=("all",),
    panels=(("explore_precision", "all"), ("explore_recall", "all"), ("reward_over_optimal", "all")),
    title="C2: exploring cued variable subsets never seen in training (95% hierarchical-bootstrap CIs)",
)

# the expert has the claimed property by construction; the cue-blind explorer lacks it
AGENT_CONTROLS = {controls.POSITIVE: "expert", controls.NEGATIVE: "random_explore"}
CONTROL_TEXT = {kind: controls.replayed_text(policy) for kind, policy in AGENT_CONTROLS.items()}


def results(tables, params) -> str:
    """Setup macros (subsets, episodes), agreement, the per-metric tables and the recall contrasts."""
    summary, contrasts, training = tables["summary"], tables["contrasts"], tables["training"]
    plan, cued = PLAN, params["c2"]
    return "\n".join([
        report.macro("CTwoSubsetSize", cued["subset_size"]),
        report.macro("CTwoHeldOutSubsets",
                     "; ".join("\\{" + ", ".join(map(str, s)) + "\\}" for s in cued["held_out_subsets"])),
        report.macro("CTwoNHeldOut", len(cued["held_out_subsets"])),
        report.macro("CTwoTrainEpisodes", f"{cued['data']['train_episodes']:,}"),
        report.macro("CTwoEvalEpisodes", f"{cued['eval']['episodes_per_split']:,}"),
        *report.agreement_macros("CTwo", training, {
            "AgreementTrained": "val_train_subsets_agreement",
            "AgreementHeldOut": "val_held_out_subsets_agreement",
        }),
        *[
            report.macro(f"CTwo{name}Table",
                         report.policy_by_split_table(summary, metric, "all", plan.policies, plan.splits))
            for name, metric in (("Precision", "explore_precision"), ("Recall", "explore_recall"),
                                 ("Outside", "steps_outside_cue"), ("Reward", "reward_over_optimal"))
        ],
        report.macro("CTwoContrastTable", report.contrast_table(contrasts, "explore_recall", "all", plan.splits)),
    ])


def recall_rule(verdicts: dict, rule: dict) -> BeatAndApproachRule:
    """On held-out cued subsets, explore the cued variables (recall) better than the cue-blind
    explorer of distinct variables and nearly as well as the expert (``c2.verdict``), both by
    ``c2.verdict.near_expert_margin``."""
    return beat_rule("C2", "c2.verdict", rule, rule["near_expert_margin"], verdicts["alpha"])


def decide(tables, trained, params) -> list[Decision]:
    """On held-out cued subsets the agent's recall beats the cue-blind explorer of distinct
    variables and nears the expert's (``c2.verdict``)."""
    rule = recall_rule(params["verdicts"], params["c2"]["verdict"])
    return [Decision.qualified("CTwo", beat_and_approach_verdict(tables["contrasts"], rule), rule,
                               trained["training_logs"],
                               controls.call(tables["controls"], beat_and_approach_verdict, rule, CONTROL_TEXT))]


def check_cued_subsets(config):
    """A cued subset leaves a variable outside it for the target; every held-out subset has
    ``subset_size`` different variables; some subset is trained on."""
    n_vars, cued = config["c1"]["env"]["n_vars"], config["c2"]
    size = cued["subset_size"]
    if size >= n_vars:
        yield "c2.subset_size", f"{size} must be below c1.env.n_vars ({n_vars}): the target lies outside the cue"
    seen = set()
    for subset in cued["held_out_subsets"]:
        if len(set(subset)) != len(subset) or len(subset) != size:
            yield "c2.held_out_subsets", f"{subset} must hold {size} different variables (c2.subset_size)"
        if max(subset) >= n_vars:
            yield "c2.held_out_subsets", f"{subset} names a variable outside 0..{n_vars - 1}"
        if frozenset(subset) in seen:
            yield "c2.held_out_subsets", f"{subset} is listed twice"
        seen.add(frozenset(subset))
    if len(seen) >= math.comb(n_vars, size):
        yield "c2.held_out_subsets", f"holds out all {math.comb(n_vars, size)} subsets of size {size}: " \
                                     "none is left to train on"


def check_training(config):
    """The agents' batch fits their training set, and the verdict rule's reference is not a baseline to beat."""
    yield from batch_fits(config, None, "c2.data.train_episodes", config["c2"]["data"]["train_episodes"])
    yield from reference_not_beaten(config, "c2")


# the agents are the shared model, as C1's
CONFIG = ClaimConfig(model="model", relations=(check_cued_subsets, check_training))


SPEC = Claim(
    id="c2",
    statistics=partial(causal_statistics, PLAN, AGENT_CONTROLS),
    title="Experiment 2: exploring cued subsets never seen in training",
    tables={"summary": SUMMARY, "contrasts": CONTRASTS, "controls": CONTROLS, "training": TRAINING},
    results=results,
    decide=decide,
    figures={"c2": "analysis_plan_figure"},
    rule_file="c1_c2.smk",
    learning_curves={"c2": "C2 agents"},
    config=CONFIG,
    original_claim=ORIGINAL_CLAIM,
    margins=MARGINS,
)
