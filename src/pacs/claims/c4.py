"""C4 (Experiment 4): language models acting on causal-DAG episodes written as text."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from pacs import analysis, report
from pacs.analysis import LM_BASELINES, lm_plan
from pacs.claims import controls
from pacs.claims.c1 import CONTRASTS, SUMMARY
from pacs.claims.c3 import TRAINING
from pacs.claims.spec import Claim, Decision
from pacs.stats import BootstrapSettings
from pacs.labels import SPLIT_LABELS, pipeline_lm_policy, pretrained_label, pretrained_policy
from pacs.verdicts import (beat_and_approach_verdict, benefit_verdict, c4_explanation_rule, c4_strategy_rule,
                           resolve_choice)


def statistics(inputs, params) -> dict[str, pd.DataFrame]:
    """Summaries per policy and split; contrasts from each LM's informed conditions (the
    pipeline LM, and the pretrained LM with explanations at each number of shots, from which
    the verdict reads ``c4.verdict.prompted_shots``); explanation effects per model, shots
    and split; the verdicts' controls (``control_statistics``); the pipeline LMs' training
    summary per condition."""
    settings = BootstrapSettings(**params["stats"])
    episodes = analysis.read_episode_tables([*inputs["pipeline"], *inputs["pretrained"], *inputs["baselines"]],
                                            analysis.LM_EPISODE_COLUMNS)
    model = pretrained_label(params["model_name"])
    plan = lm_plan(model, params["shots"], params["splits"])
    references = [plan.reference, *(pretrained_policy(model, k, "with") for k in sorted(params["shots"]))]
    contrasts = [analysis.contrast_table(
        episodes, replace(plan, reference=reference, comparisons=tuple(p for p in plan.policies if p != reference)),
        settings) for reference in references]
    return {
        "episodes": episodes,
        "summary": analysis.summary_table(episodes, plan, settings),
        "contrasts": pd.concat(contrasts, ignore_index=True),
        **control_statistics(episodes, plan, references, params["verdict"], params["margin"], settings),
        "explanation_contrasts": analysis.explanation_contrasts(
            episodes, ("reward_over_optimal", "optimal_choice"), settings, by=("model", "shots", "split")),
        "training": analysis.learner_training_summary(inputs["training_logs"], params["log_conditions"], settings),
    }


# policies replayed as each language model (pacs.claims.controls): the expert has the strategy by
# construction, the correlational baseline lacks it
LM_CONTROLS = {controls.POSITIVE: "expert", controls.NEGATIVE: "correlational"}


def control_texts(margin: float) -> dict[str, dict[str, str]]:
    """What each control is: of the strategy rows, and of the explanation row."""
    return {"strategy": {kind: controls.replayed_text(policy, "language model") for kind, policy in LM_CONTROLS.items()},
            "explanations": {controls.POSITIVE: controls.planted_text("without-explanations", 2 * margin),
                             controls.NEGATIVE: controls.identical_text("without-explanations")}}


def control_statistics(episodes: pd.DataFrame, plan, references, rule: dict, margin: float,
                       settings: BootstrapSettings) -> dict[str, pd.DataFrame]:
    """The verdicts' contrasts on their controls: each LM of ``references`` replaced by a
    control policy (``LM_CONTROLS``) on the same episodes; the arm without explanations
    copied as the arm with them, with a planted gain of twice ``margin`` or none."""
    metric = rule["metric"]
    reduced = replace(plan, metrics=(metric,), splits=tuple(rule["splits"]),
                      comparisons=tuple(dict.fromkeys([*rule["must_beat"], rule["reference"]])))
    strategy = controls.labelled({kind: pd.concat([analysis.contrast_table(
        controls.replay(episodes, policy, reference), replace(reduced, reference=reference), settings)
        for reference in references], ignore_index=True) for kind, policy in LM_CONTROLS.items()})
    learners = episodes[episodes.explanations.isin(["with", "without"])]
    explained = controls.pair_controls(
        learners, "explanations", "without", "with", metric, 2 * margin, ("model", "shots", "split"),
        lambda arms: analysis.explanation_contrasts(arms, (metric,), settings, by=("model", "shots", "split")))
    return {"controls": strategy, "explanation_controls": explained}


def agreement_table(training) -> str:
    rows = training[training.measure.isin(["val_in_distribution_agreement", "val_held_out_agreement",
                                           "val_held_out_loss"])]
    body = [[r.condition, r.measure.removeprefix("val_").replace("_", " "), report.fmt_ci(r.mean, r.ci_low, r.ci_high, 3)]
            for r in rows.itertuples()]
    return report.tabular(["explanations", "measure (next token)", "mean [95\\% CI]"], body, "llc")


def explanation_table(explained) -> str:
    rows = explained[explained.metric == "reward_over_optimal"]
    body = [[report.tex_escape(r.model), str(int(r.shots)), SPLIT_LABELS.get(r.split, r.split),
             report.fmt_ci(r.diff, r.ci_low, r.ci_high), report.fmt(r.effect_size_dz), report.fmt_p(r.p_holm)]
            for r in rows.itertuples()]
    return report.tabular(["model", "shots", "split", "with $-$ without [95\\% CI]", "$d_z$", "Holm $p$"], body,
                          "lllccc")


def results(tables, params) -> str:
    """Setup macros (models, prompts, corpus), agreement, the results tables and explanation effects."""
    summary = tables["summary"]
    lm, pretrained = params["c4"], params["c4"]["pretrained"]
    label = pretrained_label(pretrained["model"])
    plan = lm_plan(label, pretrained["shots"], lm["splits"])
    split = lm["verdict"]["explanation_split"]
    return "\n".join([
        report.macro("CFourPretrained", report.tex_escape(label)),
        report.macro("CFourShots", ", ".join(map(str, pretrained["shots"]))),
        report.macro("CFourPromptSeeds", len(pretrained["prompt_seeds"])),
        report.macro("CFourPretrainedEpisodes", pretrained["episodes_per_split"]),
        report.macro("CFourEvalEpisodes", lm["eval"]["episodes_per_split"]),
        report.macro("CFourCorpusEpisodes", f"{lm['pipeline']['train_episodes']:,}"),
        report.macro("CFourSteps", f"{params['train']['steps']:,}"),
        report.macro("CFourBatch", params["train"]["batch_size"]),
        report.macro("CFourLayers", params["model"]["n_layers"]),
        report.macro("CFourWidth", params["model"]["d_model"]),
        report.macro("CFourDecimals", lm["text"]["decimals"]),
        report.macro("CFourAgreementTable", agreement_table(tables["training"])),
        report.macro("CFourResultsTable",
                     report.policy_by_split_table(summary, "reward_over_optimal", "all", plan.policies, plan.splits)),
        report.macro("CFourOptimalTable",
                     report.policy_by_split_table(summary, "optimal_choice", "all", plan.policies, plan.splits)),
        report.macro("CFourInvalidTable",
                     report.policy_by_split_table(summary, "invalid_actions", "all",
                                                 [p for p in plan.policies if p not in LM_BASELINES], plan.splits)),
        report.macro("CFourExplanationTable", explanation_table(tables["explanation_contrasts"])),
        report.macro("CFourDecisiveSplit", SPLIT_LABELS.get(split, split)),
    ])


def decide(tables, trained, params) -> list[Decision]:
    """Three verdicts: the pipeline LM and the prompted pretrained LM each carry out the
    strategy (their own contrasts: each is the reference of its rows), and explanations
    help both (the pipeline LM, and the pretrained LM at ``c4.verdict.prompted_shots``, on
    ``c4.verdict.explanation_split``). Verdicts on the pipeline LM say whether it finished
    training; the pretrained LM is not trained here."""
    lm, pretrained, chosen = params["c4"], params["c4"]["pretrained"], params["c4"]["verdict"]
    contrasts, explained = tables["contrasts"], tables["explanation_contrasts"]
    label = pretrained_label(pretrained["model"])
    most_shots = resolve_choice(chosen["prompted_shots"], pretrained["shots"], "c4.verdict.prompted_shots")
    trained = trained["training_logs"]
    decisions = []
    texts = control_texts(params["verdicts"]["c4_equivalence_margin"])
    for prefix, who, reference, learned in (
        ("CFourPipeline", "pipeline LM (with explanations)", pipeline_lm_policy("with"), True),
        ("CFourPrompted", f"{label} ({most_shots}-shot, with explanations)",
         pretrained_policy(label, most_shots, "with"), False),
    ):
        rule = c4_strategy_rule(params["verdicts"], chosen, who)
        verdict = beat_and_approach_verdict(contrasts[contrasts.reference == reference], rule)
        called = controls.call(tables["controls"], beat_and_approach_verdict, rule, texts["strategy"],
                               lambda rows, reference=reference: rows[rows.reference == reference])
        decisions.append(Decision.qualified(prefix, verdict, rule, trained, called) if learned
                         else Decision.controlled(prefix, verdict, rule, called))

    def decisive(rows):  # the pipeline LM is never prompted with episodes: its rows have 0 shots
        return rows[(rows.split == chosen["explanation_split"]) & rows.shots.isin([0, most_shots])]
    rule = c4_explanation_rule(params["verdicts"], chosen, ["pipeline LM", label])
    decisions.append(Decision.qualified("CFourExplain", benefit_verdict(decisive(explained), rule), rule, trained,
                                        controls.call(tables["explanation_controls"], benefit_verdict, rule,
                                                      texts["explanations"], decisive)))
    return decisions


SPEC = Claim(
    id="c4",
    statistics=statistics,
    title="Experiment 4: language models run causal experiments from text",
    tables={"summary": SUMMARY, "contrasts": CONTRASTS, "explanation_contrasts": (), "controls": ("control",),
            "explanation_controls": ("control",), "training": TRAINING},
    results=results,
    decide=decide,
    figures={"c4": "c4_figure"},
    learning_curves={"c4": "C4 pipeline LMs"},
)
