"""C4 (Experiment 4): language models acting on causal-DAG episodes written as text."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from pacs import analysis, report
from pacs.analysis import LM_EPISODE_COLUMNS, AnalysisPlan
from pacs.budget import BudgetAnalysis, DecidingContrast
from pacs.claims import controls
from pacs.claims.c1 import CONTRASTS, SUMMARY
from pacs.claims.c3 import TRAINING
from pacs.claims.config_checks import ClaimConfig, batch_fits, picked, reference_not_beaten, training_batch
from pacs.claims.spec import Claim, Decision
from pacs.stats import BootstrapSettings
from pacs.labels import (EXPERT_TEXT_REPLAY, REFERENCE_BASELINES, SPLIT_LABELS, pipeline_lm_policy,
                         pretrained_label, pretrained_policy)
from pacs.verdicts import (CANNOT_DECIDE, BeatAndApproachRule, BenefitRule, beat_and_approach_verdict, beat_rule,
                           benefit_verdict, config_choices, metric_label, not_run_verdict, resolve_choice,
                           reversed_beyond)

# the claim as L23 states it (shortened)
ORIGINAL_CLAIM = ("Next-token-trained models can run causal experimentation strategies from a prompt; "
                  "explanations help.")
# where each margin of c4.verdict comes from (none is from a source paper)
MARGINS = {
    "near_expert_margin": "``carry out the strategy'' as near the expert in reward/optimal: C1's convention",
    "equivalence_margin": "``explanations help'': C3's smallest effect of interest (5 points)",
}
LM_BASELINES = REFERENCE_BASELINES  # what the language models are compared with, in display order

REPLAY_METRICS = ("reward_over_optimal", "optimal_choice")
CURVE_METRICS = ("reward_over_optimal", "optimal_choice")
PIPELINE_SUBJECT = "pipeline LM (with explanations)"  # who the strategy rules' text names
CURVE_POLICY = pipeline_lm_policy("with")  # the corpus-size curve's LM: the strategy rows' reference
CURVE_REFERENCES = ("expert", "correlational", "random")  # drawn flat beside the curve
# why the pipeline LM's rows are not run where c4.pipeline.enabled is false (the default's budget)
PIPELINE_NOT_RUN = report.extended_tier_reason("the pipeline LM belongs", "c4.pipeline.enabled")


def statistics(inputs, params) -> dict[str, pd.DataFrame]:
    """Summaries per policy and split; contrasts from each LM's informed conditions (the
    pipeline LM, and the pretrained LM with explanations at each number of shots, from which
    the verdict reads ``c4.verdict.prompted_shots``); explanation effects per model, shots
    and split; the verdicts' controls (``control_statistics``); the pipeline LMs' training
    summary per condition; the replay control against the expert (``replay``); the
    corpus-size curve (``corpus_curve``). Where ``pipeline_enabled`` is false (config
    ``c4.pipeline.enabled``) no pipeline LM ran: its inputs are empty, and so are its training
    summary and its curve (the references of the curve stay)."""
    settings = BootstrapSettings(**params["stats"])
    enabled = params["pipeline_enabled"]
    if enabled != bool(inputs["pipeline"]):
        raise ValueError(f"C4: c4.pipeline.enabled is {str(enabled).lower()} but {len(inputs['pipeline'])} "
                         "pipeline LM episode tables are given")
    episodes = analysis.read_episode_tables(
        [*inputs["pipeline"], *inputs["pretrained"], *inputs["baselines"], *inputs["replay"]],
        analysis.LM_EPISODE_COLUMNS)
    model = pretrained_label(params["model_name"])
    plan = lm_plan(model, params["shots"], params["splits"], pipeline=enabled)
    references = list(dict.fromkeys([plan.reference,
                                     *(pretrained_policy(model, k, "with") for k in sorted(params["shots"]))]))
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
        "training": (analysis.learner_training_summary(inputs["training_logs"], params["log_conditions"], settings)
                     if enabled else pd.DataFrame(columns=TRAINING)),
        "replay": replay_contrasts(episodes, params["splits"], settings),
        "corpus_curve": corpus_curve(inputs["corpus_curve"], params["curve_sizes"], episodes, settings),
    }


def replay_contrasts(episodes: pd.DataFrame, splits, settings: BootstrapSettings) -> pd.DataFrame:
    """The positive control of the text pipeline: the expert acting through the text
    (``ExpertTextReplay``) minus the expert itself, paired on the same episodes, per split."""
    plan = AnalysisPlan(metrics=REPLAY_METRICS, reference=EXPERT_TEXT_REPLAY, comparisons=("expert",),
                        splits=tuple(splits), episode_sets=("all",), panels=(), title="")
    return analysis.contrast_table(episodes, plan, settings)


def corpus_curve(paths, sizes: dict, episodes: pd.DataFrame, settings: BootstrapSettings) -> pd.DataFrame:
    """The pipeline LM (with explanations) per corpus size (``sizes``: episode table ->
    expert episodes in its LM's corpus): mean and CI per size and split, with the
    reference policies (``corpus_episodes`` empty) from the same test episodes; no ``paths``:
    the references alone (no pipeline LM ran)."""
    references = episodes[episodes.policy.isin(CURVE_REFERENCES)]
    frames = [analysis.metric_summary(references, CURVE_METRICS, ["policy", "split"], settings)
              .assign(corpus_episodes=float("nan"))]
    if paths:
        curve = pd.concat([analysis.read_episode_tables([path], analysis.LM_EPISODE_COLUMNS)
                           .assign(corpus_episodes=int(sizes[path])) for path in paths], ignore_index=True)
        frames.insert(0, analysis.metric_summary(curve, CURVE_METRICS, ["policy", "split", "corpus_episodes"],
                                                 settings))
    return pd.concat(frames, ignore_index=True).assign(subset="all")


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


def not_run_row(columns: int) -> list[str]:
    """A table's one row where the pipeline LM was not run at this preset."""
    return [f"\\multicolumn{{{columns}}}{{l}}{{\\emph{{the pipeline LM was not run at this preset}}}}"]


def agreement_table(training) -> str:
    rows = training[training.measure.isin(["val_in_distribution_agreement", "val_held_out_agreement",
                                           "val_held_out_loss"])]
    body = [[r.condition, r.measure.removeprefix("val_").replace("_", " "), report.fmt_ci(r.mean, r.ci_low, r.ci_high, 3)]
            for r in rows.itertuples()]
    return report.tabular(["explanations", "measure (next token)", "mean [95\\% CI]"], body or [not_run_row(3)],
                          "llc")


def explanation_table(explained) -> str:
    rows = explained[explained.metric == "reward_over_optimal"]
    body = [[report.tex_escape(r.model), str(int(r.shots)), SPLIT_LABELS.get(r.split, r.split),
             report.fmt_ci(r.diff, r.ci_low, r.ci_high), report.fmt(r.effect_size_dz), report.fmt_p(r.p_holm)]
            for r in rows.itertuples()]
    return report.tabular(["model", "shots", "split", "with $-$ without [95\\% CI]", "$d_z$", "Holm $p$"], body,
                          "lllccc")


def replay_table(replay, summary, splits) -> str:
    """The expert through the text pipeline beside the expert itself, per split (reward/optimal)."""
    rows = replay[replay.metric == "reward_over_optimal"].set_index("split")
    means = summary[(summary.metric == "reward_over_optimal") & (summary.subset == "all")].set_index(["policy", "split"])
    body = [[SPLIT_LABELS.get(split, split),
             *(report.fmt_ci(*means.loc[(policy, split), ["mean", "ci_low", "ci_high"]], 3)
               for policy in (EXPERT_TEXT_REPLAY, "expert")),
             report.fmt_ci(*rows.loc[split, ["diff", "ci_low", "ci_high"]], 3)] for split in splits]
    return report.tabular(["split", "expert through the text", "expert", "difference [95\\% CI]"], body, "lccc")


def replay_reading(replay, margin: float) -> str:
    """Whether the positive control reaches the expert's reward: on every split, the 90% CI
    of (expert through the text) minus (expert) lies above minus the near-expert margin, the
    bar the language models are held to (non-inferiority)."""
    rows = replay[replay.metric == "reward_over_optimal"]
    short = [SPLIT_LABELS.get(r.split, r.split) for r in rows.itertuples() if not r.ci90_low > -margin]
    bar = (f"the 90\\% CI of its difference from the expert lies above $-${margin:g}, the near-expert margin "
           f"the language models are held to")
    return (f"reaches the expert's reward on every split ({bar})" if not short
            else f"falls short of the expert's reward on {', '.join(short)} (it passes only where {bar})")


def curve_table(curve, splits) -> str:
    """Reward/optimal of the pipeline LM per corpus size (rows) and split (columns)."""
    rows = curve[(curve.metric == "reward_over_optimal") & (curve.policy == CURVE_POLICY)]
    cells = rows.set_index(["corpus_episodes", "split"])
    body = [[f"{int(size):,}", *(report.fmt_ci(*cells.loc[(size, split), ["mean", "ci_low", "ci_high"]])
                                 for split in splits)] for size in sorted(rows.corpus_episodes.unique())]
    return report.tabular(["corpus (episodes)", *(SPLIT_LABELS.get(s, s) for s in splits)],
                          body or [not_run_row(1 + len(splits))], "l" + "c" * len(splits))


def parts_run(enabled: bool) -> tuple[str, str]:
    """What the report's C4 section says ran at this preset (``c4.pipeline.enabled``): a
    sentence for the setup, and one for the corpus-size figure's caption (empty when it ran)."""
    if enabled:
        return "All four parts ran at this preset.", ""
    said = (f"Parts (a) and (d), the pipeline LM and its corpus-size curve, were not run at this preset: "
            f"{PIPELINE_NOT_RUN}. Parts (b) and (c) and the baselines ran; the pipeline LM's three verdict rows read "
            f"``not run at this preset'' and count as no verdict.")
    return report.tex_escape(said), " The pipeline LM was not run at this preset: only the references are drawn."


def results(tables, params) -> str:
    """Setup macros (models, prompts, corpus), agreement, the results tables and explanation effects."""
    summary = tables["summary"]
    lm, pretrained = params["c4"], params["c4"]["pretrained"]
    label = pretrained_label(pretrained["model"])
    enabled = lm["pipeline"]["enabled"]
    plan = lm_plan(label, pretrained["shots"], lm["splits"], pipeline=enabled)
    split = lm["verdict"]["explanation_split"]
    parts, curve_note = parts_run(enabled)
    return "\n".join([
        report.macro("CFourPartsRun", parts),
        report.macro("CFourCurveNote", curve_note),
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
        report.macro("CFourReplayTable", replay_table(tables["replay"], summary, lm["splits"])),
        report.macro("CFourReplayReading",
                     replay_reading(tables["replay"], lm["verdict"]["near_expert_margin"])),
        report.macro("CFourCurveTable", curve_table(tables["corpus_curve"], lm["splits"])),
        report.macro("CFourCurveSizes", ", ".join(f"{n:,}" for n in lm["corpus_sizes"])),
        report.macro("CFourFloor", f"{lm['floor']:g}"),
        *(report.macro(f"CFourStrategy{role.title()}Split", SPLIT_LABELS.get(s, s))
          for role, s in lm["strategy_splits"].items()),
    ])


def lm_plan(pretrained: str, shots, splits, reference: str | None = None, pipeline: bool = True) -> AnalysisPlan:
    """The pipeline LM (unless ``pipeline`` is false: not run at this preset) and the prompted
    pretrained LM (``pretrained`` is its display name) against the baselines; contrasts start
    from ``reference`` (by default the first LM: the pipeline LM trained with explanations)."""
    policies = [pipeline_lm_policy(e) for e in ("with", "without")] if pipeline else []
    policies += [pretrained_policy(pretrained, k, e) for k in shots for e in ("with", "without")]
    policies += list(LM_BASELINES)
    reference = reference or policies[0]
    return AnalysisPlan(
        metrics=("reward_over_optimal", "optimal_choice", "invalid_actions", "tests_run"),
        reference=reference,
        comparisons=tuple(p for p in policies if p != reference),
        splits=tuple(splits),
        episode_sets=("all",),
        panels=(("reward_over_optimal", "all"), ("optimal_choice", "all"), ("tests_run", "all")),
        title="C4: language models acting in causal-DAG episodes written as text"
              + ("" if pipeline else "; pipeline LM not run at this preset") + " (95% CIs)",
    )


def figure_params(model: str, shots, splits, pipeline: bool = True) -> dict:
    """The main figure's params (``pacs.figures.analysis_plan_figure``): the analysis plan of
    the pipeline LM (where ``pipeline``: it ran), the pretrained LM ``model`` (its config name)
    at each of ``shots``, and the baselines, on ``splits``."""
    return analysis.figure_params(lm_plan(pretrained_label(model), shots, splits, pipeline=pipeline))


def corpus_figure_params(splits, pipeline: bool = True) -> dict:
    """The corpus-size curve's params (``pacs.figures.policy_curve_figure``): the pipeline LM
    (with explanations) along its corpus size, per split, beside the reference policies on the
    same test episodes (table ``corpus_curve``); where ``pipeline`` is false (not run at this
    preset) the references alone, the title saying so."""
    title = ("C4: pipeline LM by corpus size (95% CIs; open circles: seeds)" if pipeline else
             "C4: pipeline LM by corpus size: not run at this preset (extended tier); references only (95% CIs)")
    return {"table": "corpus_curve", "x": "corpus_episodes", "x_label": "expert episodes in the corpus",
            "curves": [CURVE_POLICY] if pipeline else [], "references": list(CURVE_REFERENCES),
            "panels": [("reward_over_optimal", split) for split in splits], "symlog_x": True, "title": title}


def strategy_rule(verdicts: dict, rule: dict, who: str) -> BeatAndApproachRule:
    """A language model (``who``) carries out the strategy: on every split of
    ``c4.verdict.splits`` it beats its must-beat baselines and comes near the expert, both by
    ``c4.verdict.near_expert_margin``."""
    strategy = {key: rule[key] for key in ("metric", "splits", "must_beat", "reference")}
    return beat_rule("C4", "c4.verdict", strategy, rule["near_expert_margin"], verdicts["alpha"], who,
                     prompted_shots=rule["prompted_shots"])


def explanation_rule(verdicts: dict, rule: dict, models) -> BenefitRule:
    """Explanations and reasoning in the training text or the prompt raise the language
    models' metric (every model, on ``c4.verdict.explanation_split``) by more than
    ``c4.verdict.equivalence_margin``."""
    return BenefitRule(
        claim="C4", metric=rule["metric"], metric_label=metric_label(rule["metric"]),
        manipulation="explanations", groups=tuple(models), group_col="model",
        margin=rule["equivalence_margin"], alpha=verdicts["alpha"],
        choices=config_choices("c4.verdict", {key: rule[key] for key in
                                              ("metric", "explanation_split", "prompted_shots")}),
    )


def pipeline_strategy_rule(verdicts: dict, chosen: dict, role: str, split: str):
    """The pipeline LM's strategy row ``role`` (``c4.strategy_splits``): the strategy rule
    (``c4.verdict``) on that one split, its choices printed as the keys that set them."""
    rule = strategy_rule(verdicts, {**chosen, "splits": [split]}, "pipeline LM (with explanations)")
    strategy = {key: chosen[key] for key in ("metric", "must_beat", "reference")}
    return replace(rule, choices=f"{config_choices('c4.verdict', strategy)}; "
                                 f"{config_choices('c4', {f'strategy_splits.{role}': split})}")


@dataclass(frozen=True)
class FloorRule:
    """A benefit rule whose groups may sit at the floor: where both arms of a group
    (``arms``: group -> its two policies) have the whole 95% CI of reward/optimal below
    ``floor`` on ``split``, that group can show no benefit, so the row cannot be decided
    by this design unless another group shows a harm (which decides "not supported")."""

    rule: BenefitRule
    arms: dict
    split: str
    floor: float

    def text(self) -> str:
        return (f"{self.rule.text()} Where, on {self.split.replace('_', ' ')}, both arms of a model (with and "
                f"without explanations) have the whole 95\\% CI of reward/optimal below the floor {self.floor:g}, "
                f"that model can show no benefit: the row then cannot be decided by this design, unless a model "
                f"off the floor shows a harm.")

    def at_floor(self, summary: pd.DataFrame) -> list[str]:
        rows = summary[(summary.metric == "reward_over_optimal") & (summary.subset == "all")
                       & (summary.split == self.split)].set_index("policy")
        missing = [p for arms in self.arms.values() for p in arms if p not in rows.index]
        if missing:
            raise ValueError(f"C4: the summary table has no reward/optimal of {missing[0]!r} on {self.split!r}")
        return [group for group, arms in self.arms.items() if (rows.loc[list(arms), "ci_high"] < self.floor).all()]

    def apply(self, verdict, contrasts: pd.DataFrame, summary: pd.DataFrame):
        """``verdict`` (from ``benefit_verdict``), or "cannot be decided" where groups sit at the floor."""
        floored = self.at_floor(summary)
        rows = contrasts[(contrasts.metric == self.rule.metric) & contrasts[self.rule.group_col].isin(self.rule.groups)
                         & ~contrasts[self.rule.group_col].isin(floored)]
        if not floored or reversed_beyond(rows, self.rule.margin, self.rule.alpha).any():
            return verdict
        return replace(verdict, verdict=CANNOT_DECIDE, reason=(
            f"both arms of {' and '.join(floored)} sit at the floor (upper 95\\% CI of reward/optimal below "
            f"{self.floor:g}); the rule alone would read {verdict.verdict}: {verdict.reason}"))


def not_run_strategy(rule: BeatAndApproachRule):
    """A pipeline LM strategy row not run at this preset: its test and effect as its rule names them."""
    split = rule.splits[0].replace("_", " ")
    test = f"{rule.subject} vs {', '.join(rule.must_beat)} and {rule.reference}; {rule.metric_label}; on {split} only"
    return not_run_verdict(rule.claim, test.replace("_", " "), f"{rule.subject} $-$ weakest baseline ({split})",
                           rule.margin, PIPELINE_NOT_RUN)


def not_run_explanations(rule: BenefitRule):
    """The explanation row not run at this preset (it reads the pipeline LM): its test as its rule names it."""
    test = f"{rule.manipulation} vs {rule.versus}, {rule.metric_label}, paired per {rule.group_col}"
    return not_run_verdict(rule.claim, test.replace("_", " "), f"{rule.contrast} (weakest model)", rule.margin,
                           PIPELINE_NOT_RUN)


def decide(tables, trained, params) -> list[Decision]:
    """Four verdicts: the pipeline LM carries out the strategy, decided on the
    in-distribution split (does it run the strategy?) and on the held-out-link split (does
    it generalize it?) as two rows (``c4.strategy_splits``); the prompted pretrained LM
    carries it out (every split of ``c4.verdict.splits``); each LM is the reference of its
    own contrasts. Explanations help both (the pipeline LM, and the pretrained LM at
    ``c4.verdict.prompted_shots``, on ``c4.verdict.explanation_split``), unless both arms of
    a model sit at the floor (``c4.floor``, ``FloorRule``). Each row's rule is also called on
    its controls. Verdicts on the pipeline LM say whether it finished training; the
    pretrained LM is not trained here. Where the pipeline LM was not run at this preset
    (``c4.pipeline.enabled`` false), its three rows (both strategy rows and the explanation
    row, which reads it) are rows without numbers that read "not run at this preset"
    (``pacs.verdicts.NOT_RUN``), its rules still printed."""
    lm, pretrained, chosen = params["c4"], params["c4"]["pretrained"], params["c4"]["verdict"]
    contrasts, explained = tables["contrasts"], tables["explanation_contrasts"]
    label = pretrained_label(pretrained["model"])
    most_shots = resolve_choice(chosen["prompted_shots"], pretrained["shots"], "c4.verdict.prompted_shots")
    trained = trained["training_logs"]
    pipeline = pipeline_lm_policy("with")
    decisions = []
    texts = control_texts(chosen["equivalence_margin"])
    rows = [(f"CFourPipeline{role.title()}", pipeline_strategy_rule(params["verdicts"], chosen, role, split),
             pipeline, True) for role, split in lm["strategy_splits"].items()]  # "runs", then "generalizes"
    prompted = pretrained_policy(label, most_shots, "with")
    rows.append(("CFourPrompted", strategy_rule(params["verdicts"], chosen,
                                                f"{label} ({most_shots}-shot, with explanations)"), prompted, False))
    enabled = lm["pipeline"]["enabled"]
    for prefix, rule, reference, learned in rows:
        if learned and not enabled:
            decisions.append(Decision(prefix, not_run_strategy(rule), rule))
            continue
        verdict = beat_and_approach_verdict(contrasts[contrasts.reference == reference], rule)
        if learned:
            verdict = replace(verdict, test=f"{verdict.test}; on {rule.splits[0].replace('_', ' ')} only")
        called = controls.call(tables["controls"], beat_and_approach_verdict, rule, texts["strategy"],
                               lambda rows, reference=reference: rows[rows.reference == reference])
        decisions.append(Decision.qualified(prefix, verdict, rule, trained, called) if learned
                         else Decision.controlled(prefix, verdict, rule, called))

    def decisive(rows):  # the pipeline LM is never prompted with episodes: its rows have 0 shots
        return rows[(rows.split == chosen["explanation_split"]) & rows.shots.isin([0, most_shots])]
    arms = {"pipeline LM": tuple(pipeline_lm_policy(e) for e in ("with", "without")),
            label: tuple(pretrained_policy(label, most_shots, e) for e in ("with", "without"))}
    rule = FloorRule(explanation_rule(params["verdicts"], chosen, list(arms)), arms, chosen["explanation_split"],
                     lm["floor"])
    if not enabled:
        return [*decisions, Decision("CFourExplain", not_run_explanations(rule.rule), rule)]
    verdict = rule.apply(benefit_verdict(decisive(explained), rule.rule), decisive(explained), tables["summary"])
    decisions.append(Decision.qualified("CFourExplain", verdict, rule, trained,
                                        controls.call(tables["explanation_controls"], benefit_verdict, rule.rule,
                                                      texts["explanations"], decisive)))
    return decisions


def check_config(config):
    """C4's budget sensitivity (``budgets.claims``) needs the pipeline LM (``c4.pipeline.enabled``);
    the pipeline LM's batch fits its corpus and every corpus of its corpus-size curve; a
    pretrained prompt holds expert episodes (with and without explanations would otherwise be one
    prompt); the strategy and verdict rows read splits that are tested and shots that are run."""
    lm = config["c4"]
    if not lm["pipeline"]["enabled"] and "c4" in config["budgets"]["claims"]:
        yield "budgets.claims", ("names c4, whose budget sensitivity is the pipeline LM's, but "
                                 "c4.pipeline.enabled is false (leave c4 out of budgets.claims, or run the pipeline LM)")
    yield from batch_fits(config, "c4.pipeline.train", "c4.pipeline.train_episodes", lm["pipeline"]["train_episodes"])
    if 0 in lm["pretrained"]["shots"]:
        yield "c4.pretrained.shots", f"{lm['pretrained']['shots']} holds 0: a prompt without expert " \
                                     "episodes has no explanations to add or leave out (use k >= 1)"
    for role, split in lm["strategy_splits"].items():
        if split not in lm["splits"]:
            yield f"c4.strategy_splits.{role}", f"{split!r} is not one of c4.splits {lm['splits']}"
    _, batch_size = training_batch(config, "c4.pipeline.train")
    for size in lm["corpus_sizes"]:
        if size < batch_size:
            yield "c4.corpus_sizes", f"{size} is smaller than the pipeline LM's training batch ({batch_size})"
    yield from reference_not_beaten(config, "c4")
    for split in [*lm["verdict"]["splits"], lm["verdict"]["explanation_split"]]:
        if split not in lm["splits"]:
            key = "splits" if split in lm["verdict"]["splits"] else "explanation_split"
            yield f"c4.verdict.{key}", f"{split!r} is not a tested split (c4.splits: {lm['splits']})"
    yield from picked("c4.verdict.prompted_shots", lm["verdict"]["prompted_shots"], lm["pretrained"]["shots"])


# the pipeline LM is the shared model overlaid with c4.pipeline.model
CONFIG = ClaimConfig(model="c4.pipeline.model", relations=(check_config,))


# --- budget sensitivity (pacs.budget): the pipeline LM's strategy rule at each width --------------

def budget_contrasts(episodes: pd.DataFrame, settings: BootstrapSettings, splits=()) -> pd.DataFrame:
    """At a budget: the pipeline LM with explanations against the LM baselines, on ``splits``."""
    plan = AnalysisPlan(metrics=("reward_over_optimal",), reference=pipeline_lm_policy("with"),
                        comparisons=LM_BASELINES, splits=tuple(splits), episode_sets=("all",), panels=(),
                        title="C4 budget")
    return analysis.contrast_table(episodes, plan, settings)


def budget_rule(verdicts: dict, chosen: dict):
    """The C4 strategy rule (random and correlational choices, and the expert) on the pipeline LM."""
    return strategy_rule(verdicts, chosen, PIPELINE_SUBJECT)


BUDGET = BudgetAnalysis(
    LM_EPISODE_COLUMNS, budget_contrasts, budget_rule,
    DecidingContrast("C4", "reward_over_optimal", "split", "held_out_link_goal", "expert",
                     "pipeline LM $-$ expert, reward/optimal (held-out-link goal)",
                     # the budget LMs are read on every split together: both strategy rows
                     ("CFourPipelineRuns", "CFourPipelineGeneralizes")))


SPEC = Claim(
    id="c4",
    statistics=statistics,
    title="Experiment 4: language models run causal experiments from text",
    tables={"summary": SUMMARY, "contrasts": CONTRASTS, "explanation_contrasts": (), "controls": ("control",),
            "explanation_controls": ("control",), "training": TRAINING, "replay": CONTRASTS,
            "corpus_curve": ("corpus_episodes",)},
    results=results,
    decide=decide,
    figures={"c4": "analysis_plan_figure", "c4_corpus": "policy_curve_figure"},
    learning_curves={"c4": "C4 pipeline LMs", "c4_corpus": "C4 pipeline LMs (with explanations) by corpus size"},
    config=CONFIG,
    budget=BUDGET,
    sweep_learner="C4 pipeline LM (with explanations)",
    original_claim=ORIGINAL_CLAIM,
    margins=MARGINS,
)
