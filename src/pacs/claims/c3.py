"""C3 (Experiment 3): odd-one-out with explanations and confounding."""

from __future__ import annotations

import pandas as pd

from pacs import analysis, report
from pacs.analysis import PLANS
from pacs.claims import controls
from pacs.claims.c1 import CONTRASTS, SUMMARY
from pacs.claims.spec import Claim, Decision
from pacs.stats import BootstrapSettings
from pacs.verdicts import benefit_verdict, c3_rule

TRAINING = ("measure", "mean", "ci_low", "ci_high", "condition")


def agreement_table(training) -> str:
    rows = training[training.measure.isin(["val_deconfounded_agreement_pick", "val_deconfounded_agreement_transform"])]
    body = [[report.tex_escape(r.condition), r.measure.rsplit("_", 1)[-1], report.fmt_ci(r.mean, r.ci_low, r.ci_high, 3)]
            for r in rows.itertuples()]
    return report.tabular(["condition", "head", "agreement [95\\% CI]"], body, "llc")


def control_text(margin: float) -> dict[str, str]:
    return {controls.POSITIVE: controls.planted_text("without-explanations", 2 * margin),
            controls.NEGATIVE: controls.identical_text("without-explanations")}


def statistics(inputs, params) -> dict[str, pd.DataFrame]:
    """Test-trial summaries per condition, explanation contrasts per confounding, the
    rule's controls (``pacs.claims.controls``: the arm without explanations copied as the arm with
    them, with a planted gain of twice ``params["margin"]`` or none), training summary."""
    settings = BootstrapSettings(**params["stats"])
    episodes = analysis.read_episode_tables([*inputs["agent"], *inputs["baselines"]], analysis.C3_EPISODE_COLUMNS)
    metric = params["verdict"]["metric"]
    learners = episodes[episodes.explanations.isin(["with", "without"])]
    return {"episodes": episodes, "summary": analysis.summary_table(episodes, PLANS["c3"], settings),
            "contrasts": analysis.explanation_contrasts(episodes, ("test_correct", "follows_other"), settings),
            "controls": controls.pair_controls(
                learners, "explanations", "without", "with", metric, 2 * params["margin"], ("confounding",),
                lambda arms: analysis.explanation_contrasts(arms, (metric,), settings)),
            "training": analysis.learner_training_summary(inputs["training_logs"], params["log_conditions"], settings)}


def results(tables, params) -> str:
    """Setup macros, agreement per condition, the per-metric tables and the explanation contrasts."""
    summary, contrasts = tables["summary"], tables["contrasts"]
    plan, ooo = PLANS["c3"], params["c3"]
    return "\n".join([
        report.macro("CThreeValues", ", ".join(map(str, ooo["env"]["values_per_dimension"]))),
        report.macro("CThreeObjects", ooo["env"]["n_objects"]),
        report.macro("CThreeTrials", ooo["env"]["experiment_trials"]),
        report.macro("CThreeWeight", ooo["explanation_weight"]),
        report.macro("CThreeSteps", f"{params['train']['steps']:,}"),
        report.macro("CThreeBatch", params["train"]["batch_size"]),
        report.macro("CThreeTrainEpisodes", f"{ooo['data']['train_episodes']:,}"),
        report.macro("CThreeEvalEpisodes", f"{ooo['eval']['episodes_per_split']:,}"),
        report.macro("CThreeAgreementTable", agreement_table(tables["training"])),
        *[
            report.macro(f"CThree{name}Table",
                         report.policy_by_split_table(summary, metric, "all", plan.policies, plan.splits))
            for name, metric in (("Accuracy", "test_correct"), ("Other", "follows_other"),
                                 ("Tried", "dimensions_tried"))
        ],
        report.macro("CThreeContrastTable", report.contrast_table(
            contrasts, "test_correct", "all", ooo["confounding"], group_col="confounding", minus="with explanations minus")),
    ])


def decide(tables, trained, params) -> list[Decision]:
    """Explanations raise test-trial accuracy whatever the training confounding."""
    rule = c3_rule(params["verdicts"], params["c3"]["verdict"])
    return [Decision.qualified("CThree", benefit_verdict(tables["contrasts"], rule), rule, trained["training_logs"],
                               controls.call(tables["controls"], benefit_verdict, rule,
                                             control_text(params["verdicts"]["c3_equivalence_margin"])))]


SPEC = Claim(
    id="c3",
    statistics=statistics,
    title="Experiment 3: explanations and confounding in odd-one-out",
    tables={"summary": SUMMARY, "contrasts": CONTRASTS, "controls": ("control",), "training": TRAINING},
    results=results,
    decide=decide,
    figures={"c3": "analysis_plan_figure"},
    learning_curves={"c3": "C3 agents"},
)
