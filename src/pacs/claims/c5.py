"""C5 (Experiment 5): content effects on NLI, syllogisms and Wason, in a pretrained LM
and in pipeline LMs trained on a made-up world. Every table has a row per item source;
the verdicts use the generated items only."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from pacs import analysis as agent_analysis
from pacs import report
from pacs.claims import controls
from pacs.claims.config_checks import ClaimConfig, batch_fits, picked
from pacs.claims.spec import Claim, Decision
from pacs.probes.sources import TASK_CONDITIONS as CONDITION_ORDER
from pacs.labels import pretrained_label
from pacs.probes import analysis
from pacs.probes.analysis import SCORE_NAMES
from pacs.probes.sources import extra_files_by_task, ordered_sources, sources_text
from pacs.probes.stimuli import GENERATED, ITEM_PLACE, StimulusFileError
from pacs.stats import BootstrapSettings, holm
from pacs.tables import read_table
from pacs.verdicts import (EffectRule, EquivalenceRule, config_choices, effect_verdict, equivalence_verdict,
                           not_run_verdict, resolve_choice)

# why the world LMs' row is not run where c5.pipeline.enabled is false (the default's budget)
WORLD_NOT_RUN = report.extended_tier_reason("the world LMs belong", "c5.pipeline.enabled")


def world_absence(probes: dict) -> str:
    """Why no world LM was trained at this preset, for the report's tables."""
    return "not run at this preset (extended tier)" if not probes["pipeline"]["enabled"] else "no syllogism items"


# the claim as L24 states it (shortened)
ORIGINAL_CLAIM = "Language models show content effects on reasoning, as humans do (little or none on NLI)."
# where the margin of c5.verdict comes from (not from a source paper)
MARGINS = {"equivalence_margin": "``content effects'' and ``little or none on NLI'': C3's smallest effect of "
                                 "interest (5 accuracy points); the human belief effect (E83, in the configuration) "
                                 "is several times larger"}

TABLES = ("answers", "accuracy", "acceptance", "contrasts", "indices", "corpora", "categories", "regression",
          "training")
# the pretrained LM's content effects that decide a verdict each: macro prefix -> contrast
def statistics(inputs, params) -> dict[str, pd.DataFrame]:
    """Every answer (pretrained and world LMs) -> accuracies, acceptance rates, content-effect
    contrasts, belief-bias indices, the world LMs' corpus contrasts, Wason error categories,
    the mixed-effects regressions and the world LMs' training summary per corpus."""
    from pacs.experiments.content_effects import ITEM_COLUMNS  # the answer tables' schema

    settings = BootstrapSettings(**params["stats"])
    frames = [read_table(path, ITEM_COLUMNS) for path in [*inputs["pretrained"], *inputs["world"]]]
    items = pd.concat([f for f in frames if not f.empty], ignore_index=True)
    items["corpus"] = items["corpus"].fillna("")
    references = {task: conditions[0] for task, conditions in CONDITION_ORDER.items()}
    return {
        "answers": items,
        "accuracy": analysis.accuracy_table(items, settings),
        "acceptance": analysis.acceptance_table(items, settings),
        "contrasts": analysis.contrast_table(items, analysis.CONTRASTS, settings),
        "indices": analysis.contrast_table(items, analysis.BELIEF_INDICES, settings),
        "corpora": analysis.corpus_contrasts(items, params["corpora"], settings),
        "categories": analysis.category_table(items, settings),
        "regression": pd.concat([analysis.regression_table(items, references, score) for score in analysis.SCORES],
                                ignore_index=True),
        # none when no world LMs were trained (no syllogism items)
        "training": agent_analysis.learner_training_summary(
            inputs["training_logs"], params["log_conditions"], settings, by="corpus", sort=True)
        if inputs["training_logs"] else pd.DataFrame(columns=list(analysis.EMPTY_COLUMNS["training"])),
    }


# the pretrained LM's verdict rows: task -> macro prefix (the contrast of each: c5.verdict.contrasts);
# NLI's is an equivalence row: the claim says "little or none on NLI"
PRETRAINED_VERDICTS = {"syllogism": "CFiveSyllogism", "wason": "CFiveWason", "nli": "CFiveNli"}
EQUIVALENCE_TASKS = ("nli",)
CONTRASTS_BY_NAME = {contrast.name: contrast for contrast in analysis.CONTRASTS}
# a headline contrast of a single prompt: its interval is about that prompt, not the model
SINGLE_PROMPT = " (one prompt only: the interval is about this one wording, not the model across prompts)"


def with_respondents(tables) -> dict[str, pd.DataFrame]:
    """The tables with a ``respondent`` column wherever they have a ``model`` column."""
    return {name: analysis.with_respondent(t) if "model" in t.columns else t for name, t in tables.items()}


def other_score(score: str) -> str:
    return "plain" if score == "dcpmi" else "dcpmi"


def headline_shots(probes: dict) -> int:
    """The headline respondent's shots: ``c5.verdict.respondent_shots`` (by default the fewest)."""
    return resolve_choice(probes["verdict"]["respondent_shots"], probes["pretrained"]["shots"],
                          "c5.verdict.respondent_shots")


def headline_respondent(probes: dict) -> str:
    """The pretrained LM at ``headline_shots``: the respondent whose content effects decide the verdicts."""
    return analysis.respondent(pretrained_label(probes["pretrained"]["model"]), headline_shots(probes))


def headline_prompts(answers: pd.DataFrame, probes: dict) -> int:
    """How many prompts (zero-shot wordings or few-shot prompt seeds) the headline
    respondent answered the generated items with: the replicates its contrasts' seed
    axis holds."""
    model, shots = pretrained_label(probes["pretrained"]["model"]), headline_shots(probes)
    mine = answers[(answers.model == model) & (answers.shots == shots) & (answers.source == GENERATED)]
    return int(mine.seed.nunique())


def results(tables, params) -> str:
    """Setup macros (items, prompts, the made-up world) and every C5 table."""
    tables = with_respondents(tables)
    probes, pipeline = params["c5"], params["c5"]["pipeline"]
    no_world = f"(no world LMs: {world_absence(probes)})"
    score = probes["primary_score"]
    label = pretrained_label(probes["pretrained"]["model"])
    human = probes["human_reference"]["syllogism_acceptance"]
    accuracy, acceptance, contrasts, indices = (tables[n] for n in ("accuracy", "acceptance", "contrasts", "indices"))
    corpora, categories, regression, training = (tables[n] for n in ("corpora", "categories", "regression",
                                                                    "training"))
    answers = tables["answers"]
    respondents = sorted(set(accuracy.respondent), key=lambda r: (r.startswith("world"), r))
    sources = ordered_sources(accuracy.source)

    def accuracy_table(which: str) -> str:
        rows = accuracy[accuracy.score == which].set_index(["task", "condition", "source", "respondent"])
        body = []
        for task, conditions in CONDITION_ORDER.items():
            for condition in conditions:
                for source in sources:
                    cells = [report.fmt_ci(*rows.loc[(task, condition, source, r), ["mean", "ci_low", "ci_high"]])
                             if (task, condition, source, r) in rows.index else "" for r in respondents]
                    if any(cells):
                        body.append([task, condition, report.tex_escape(source), *cells])
        return report.tabular(["task", "condition", "items", *map(report.tex_escape, respondents)], body,
                              "lll" + "c" * len(respondents))

    def contrast_rows(table: pd.DataFrame, include_human: bool) -> str:
        table = table[table.score == score]
        body = [[report.tex_escape(r.respondent), report.tex_escape(r.source), report.tex_escape(r.label),
                 report.fmt_ci(r.estimate, r.ci_low, r.ci_high), report.fmt(r.t, 1), report.fmt_p(r.p_holm),
                 report.fmt(r.mde)] for r in table.itertuples()]
        if include_human:
            body += [["humans (E83)", "E83", report.tex_escape(r.label), report.fmt(r.estimate), "--", "--", "--"]
                     for r in analysis.human_indices(human).itertuples()]
        return report.tabular(["respondent", "items", "effect", "estimate [95\\% CI]", "$t$", "Holm $p$", "MDE"], body,
                              ">{\\raggedright\\arraybackslash}p{2.6cm}l>{\\raggedright\\arraybackslash}p{4.6cm}cccc")

    def acceptance_table() -> str:
        if acceptance.empty:
            return "(no syllogism items)"
        rows = acceptance[acceptance.score == score].set_index(["condition", "source", "respondent"])
        present = [r for r in respondents if r in set(acceptance.respondent)]
        body = []
        for condition in human:
            for source in ordered_sources(acceptance.source):
                cells = [report.fmt_ci(*rows.loc[(condition, source, r), ["mean", "ci_low", "ci_high"]])
                         if (condition, source, r) in rows.index else "" for r in present]
                if any(cells):
                    body.append([condition, report.tex_escape(source), *cells, report.fmt(human[condition])])
        return report.tabular(["condition", "items", *map(report.tex_escape, present), "humans (E83)"], body,
                              "ll" + "c" * (len(present) + 1))

    def category_table() -> str:
        if categories.empty:
            return "(no Wason items)"
        rows = categories.set_index(["respondent", "source", "condition", "category"])
        names = sorted(set(categories.category), key=lambda c: (c != "correct", c))
        body = []
        for respondent in sorted(set(categories.respondent)):
            for source in ordered_sources(categories.source):
                for condition in CONDITION_ORDER["wason"]:
                    if any((respondent, source, condition, c) in rows.index for c in names):
                        body.append([report.tex_escape(respondent), report.tex_escape(source), condition,
                                     *[report.fmt(rows.loc[(respondent, source, condition, c), "mean"])
                                       if (respondent, source, condition, c) in rows.index else "0.00" for c in names]])
        return report.tabular(["respondent", "items", "rule", *names], body, "lll" + "c" * len(names))

    def regression_table() -> str:
        if regression.empty:
            return "(no task with two conditions)"
        rows = analysis.condition_terms(regression[regression.score == score])
        body = [[report.tex_escape(r.respondent), report.tex_escape(r.source), r.task, r.term,
                 report.fmt_ci(r.odds_ratio, r.odds_ratio_low, r.odds_ratio_high),
                 report.fmt_p(r.p_value), f"{int(r.n_obs)}/{int(r.n_groups)}",
                 "yes" if r.random_intercepts else "no", "yes" if r.converged else "no"]
                for r in rows.itertuples()]
        return report.tabular(["respondent", "items", "task", "condition", "odds ratio [95\\% CI]", "$p$", "obs/items",
                               "item RE", "conv."], body, "llllcccll")

    def corpus_table() -> str:
        if corpora.empty:
            return no_world
        body = [[f"{report.tex_escape(r.treated)} $-$ {report.tex_escape(r.control)}", SCORE_NAMES[r.score],
                 report.fmt_ci(r.estimate, r.ci_low, r.ci_high), report.fmt(r.t, 1), report.fmt_p(r.p_value)]
                for r in corpora.itertuples()]
        return report.tabular(["corpora", "score", "difference in belief congruence [95\\% CI]", "$t$", "$p$"], body,
                              "llccc")

    def training_table() -> str:
        if training.empty:
            return no_world
        body = [[report.tex_escape(r.corpus), r.measure.removeprefix("val_").replace("_", " "),
                 report.fmt_ci(r.mean, r.ci_low, r.ci_high, 3)] for r in training.itertuples()]
        return report.tabular(["corpus", "validation measure (next token)", "mean [95\\% CI]"], body, "llc")

    counts = ", ".join(f"{task} {n}" for task, n in probes["items_per_condition"].items())
    return "\n".join([
        report.macro("CFiveModel", report.tex_escape(label)),
        report.macro("CFiveItems", counts),
        report.macro("CFiveSources", sources_text(answers[answers.corpus == ""], report.tex_escape)),
        report.macro("CFiveShots", ", ".join(map(str, probes["pretrained"]["shots"]))),
        report.macro("CFivePromptSeeds", len(probes["pretrained"]["prompt_seeds"])),
        report.macro("CFiveWordings", len(probes["pretrained"]["zero_shot_wordings"])),
        report.macro("CFiveWordingList", "; ".join(
            "``" + report.tex_escape(" / ".join(line for line in w.split("\n") if line)).replace(
                ITEM_PLACE, r"\texttt{\{item\}}") + "''"
            for w in probes["pretrained"]["zero_shot_wordings"])),
        report.macro("CFiveHeadline", report.tex_escape(headline_respondent(probes))),
        report.macro("CFiveHeadlinePrompts", headline_prompts(answers, probes)),
        report.macro("CFiveScore", SCORE_NAMES[score]),
        report.macro("CFiveOtherScore", SCORE_NAMES[other_score(score)]),
        report.macro("CFivePairs", pipeline["world"]["n_pairs"]),
        report.macro("CFiveMiddleTerms", pipeline["world"]["n_middle_terms"]),
        report.macro("CFiveNonsenseTerms", pipeline["world"]["n_nonsense_terms"]),
        report.macro("CFiveProblems", f"{pipeline['train_problems']:,}"),
        report.macro("CFiveFacts", f"{pipeline['train_facts']:,}"),
        report.macro("CFiveNonsenseShare", report.fmt(pipeline["nonsense_share"])),
        report.macro("CFiveCorpora", ", ".join(f"{report.tex_escape(name)} ($c={c:g}$)"
                                               for name, c in pipeline["corpora"].items())),
        report.macro("CFiveSteps", f"{params['train']['steps']:,}"),
        report.macro("CFiveBatch", params["train"]["batch_size"]),
        report.macro("CFiveLayers", params["model"]["n_layers"]),
        report.macro("CFiveWidth", params["model"]["d_model"]),
        report.macro("CFiveAccuracyTable", accuracy_table(score)),
        report.macro("CFiveOtherAccuracyTable", accuracy_table(other_score(score))),
        report.macro("CFiveContrastTable", contrast_rows(contrasts, include_human=False)),
        report.macro("CFiveIndexTable", contrast_rows(indices, include_human=True)),
        report.macro("CFiveAcceptanceTable", acceptance_table()),
        report.macro("CFiveWasonTable", category_table()),
        report.macro("CFiveRegressionTable", regression_table()),
        report.macro("CFiveCorpusTable", corpus_table()),
        report.macro("CFiveTrainingTable", training_table()),
    ])


def world_corpus_row(corpora: pd.DataFrame, score: str, couplings: dict) -> pd.Series | None:
    """The world LMs' contrast that decides their verdict: the corpus with the strongest
    belief-validity coupling minus the control (the weakest, as pacs statistics takes it),
    on the primary score; None when no world LMs were trained. Its ``p_holm`` is Holm's
    adjustment over every treated corpus's contrast of that score (with two corpora, one
    test: the p-value itself)."""
    rows = corpora[corpora.score == score]
    if rows.empty:
        return None
    rows = rows.assign(p_holm=holm(rows.p_value.to_numpy()))
    strongest = max(rows.treated, key=lambda corpus: couplings[corpus])
    return rows[rows.treated == strongest].iloc[0].copy()


CONTENT_BLIND = "a content-blind scorer (the respondent's answers with conditions shuffled among the task's items)"


def planted_text(margin: float) -> str:
    return f"the content-blind scorer with a planted content effect of {2 * margin:g} (twice the margin)"


def content_blind(items: pd.DataFrame, seed: int = 0) -> pd.DataFrame:
    """``items`` (one task) with each item's condition replaced by another item's, one
    fixed permutation over the task's items for every seed: each answer keeps its
    correctness, but no longer goes with its content."""
    conditions = items.groupby("item_id")["condition"].first()
    shuffled = dict(zip(conditions.index, np.random.default_rng(seed).permutation(conditions.to_numpy())))
    return items.assign(condition=items.item_id.map(shuffled))


def shared_out(capacity: dict, weight: dict, effect: float) -> dict:
    """``effect`` shared among cells in proportion to ``weight`` (cell -> |w|), no cell taking
    more than its ``capacity``: what a cell cannot take goes to those with room (water-filling;
    less than ``effect`` in all only when every cell is full)."""
    taken, remaining, left = {}, effect, sum(weight.values())
    for cell in sorted(capacity, key=lambda c: capacity[c] / weight[c]):
        taken[cell] = min(capacity[cell], remaining * weight[cell] / left)
        remaining, left = remaining - taken[cell], left - weight[cell]
    return taken


def planted(items: pd.DataFrame, value: str, weights: dict, effect: float) -> pd.DataFrame:
    """``items`` with ``value`` moved up in the cells of positive weight and down in those of
    negative weight, every answer of a seed and cell the same share of its distance to 1 (or
    0), so that in each seed the contrast sum_c w_c mean_c rises by ``effect``: the cells
    share it in proportion to |w_c|, and a cell at its bound (accuracy 1 where it must rise)
    leaves its part to the others (``shared_out``; short of ``effect`` only when all are)."""
    out = items.copy()
    for _, rows in items[items.condition.isin([c for c, w in weights.items() if w])].groupby("seed"):
        cells = {cell: frame[value] for cell, frame in rows.groupby("condition")}
        room = {cell: (1 - values.mean()) if weights[cell] > 0 else values.mean() for cell, values in cells.items()}
        taken = shared_out({cell: abs(weights[cell]) * room[cell] for cell in cells},
                           {cell: abs(weights[cell]) for cell in cells}, effect)
        for cell, values in cells.items():
            share = taken[cell] / (abs(weights[cell]) * room[cell]) if room[cell] > 1e-12 else 0.0
            out.loc[values.index, value] = values + share * ((1 - values) if weights[cell] > 0 else -values)
    return out


def control_rows(items: pd.DataFrame, contrast, score: str, margin: float) -> dict[str, pd.Series]:
    """The task's contrast on the content-blind scorer and on it with a planted effect of
    twice ``margin`` (``analysis.cell_contrast``, as the verdict's own contrast is computed)."""
    value, weights = f"{contrast.value}_{score}", dict(contrast.weights)
    blind = content_blind(items)

    def contrast_of(answers) -> pd.Series:
        result = analysis.cell_contrast(answers, value, "condition", weights, BootstrapSettings(), None)
        return pd.Series({**result, "p_holm": result["p_value"]})
    return {"blind": contrast_of(blind), "planted": contrast_of(planted(blind, value, weights, 2 * margin))}


def world_control_corpora(answers: pd.DataFrame, contrast, score: str, couplings: dict,
                          margin: float) -> dict[str, pd.DataFrame]:
    """The world LMs' corpus contrasts (``analysis.corpus_contrasts``, as their verdict's
    own are computed) on two controls built from the control corpus's answers (the corpus of
    weakest coupling, on the same items and seeds): every other corpus's answers replaced by
    a copy of them with a planted ``contrast`` effect of twice ``margin`` on ``score``
    (positive: a known difference between corpora), or by the copy unchanged (negative: two
    identical arms)."""
    control = min(couplings, key=couplings.get)
    source = answers[(answers.corpus == control) & (answers.task == contrast.task)]
    value, weights = f"{contrast.value}_{score}", dict(contrast.weights)

    def as_every_corpus(copy: pd.DataFrame) -> pd.DataFrame:
        return pd.concat([source, *(copy.assign(corpus=corpus) for corpus in couplings if corpus != control)],
                         ignore_index=True)
    return {controls.POSITIVE: analysis.corpus_contrasts(as_every_corpus(planted(source, value, weights, 2 * margin)),
                                                         couplings, BootstrapSettings()),
            controls.NEGATIVE: analysis.corpus_contrasts(as_every_corpus(source), couplings, BootstrapSettings())}


def world_control_text(control: str, margin: float) -> dict[str, str]:
    copied = f"the {control} corpus's world LMs copied as every other corpus's"
    return {controls.POSITIVE: f"{copied}, with a planted belief-congruence gain of {2 * margin:g} (twice the margin)",
            controls.NEGATIVE: f"{copied} unchanged (two identical arms)"}


def content_rule(verdicts: dict, rule: dict, effect_label: str, subject: str, choices: str = "") -> EffectRule:
    """A content effect (accuracy when content supports the logic minus when it conflicts) is
    positive for ``subject``, by more than ``c5.verdict.equivalence_margin`` (``rule``: c5.verdict)."""
    return EffectRule(claim="C5", effect_label=effect_label, subject=subject, margin=rule["equivalence_margin"],
                      alpha=verdicts["alpha"], choices=choices)


def decide(tables, trained, params) -> list[Decision]:
    """Up to four verdicts: the pretrained LM's syllogism belief congruence and Wason
    realistic advantage (primary score, generated items, ``c5.verdict``'s respondent), its
    NLI content effect inside +/- the margin (equivalence), and the world LMs' difference
    between training corpora (an extension of ours, not the paper's claim); each row with
    its controls. A test that could not run (its task has no generated items; no world
    LMs) says so where its verdict would be."""
    tables = with_respondents(tables)
    probes = params["c5"]
    score, headline = probes["primary_score"], headline_respondent(probes)
    contrasts = tables["contrasts"]
    primary = contrasts[(contrasts.score == score) & (contrasts.respondent == headline)
                        & (contrasts.source == GENERATED)].set_index("contrast")
    decisions, margin = [], probes["verdict"]["equivalence_margin"]
    choices = config_choices("c5", {"primary_score": score, **{f"verdict.{k}": v for k, v in probes["verdict"].items()}})
    for task, prefix in PRETRAINED_VERDICTS.items():
        name = probes["verdict"]["contrasts"][task]
        if name not in primary.index:
            decisions.append(Decision(prefix, not_tested="not tested (no generated items of the task)"))
            continue
        row = primary.loc[name]
        single = int(row.n_seeds) == 1
        label = row.label.split(": ", 1)[1]
        test = f"{row.task}, {SCORE_NAMES[score]} choices, " + ("items of one prompt" if single
                                                                 else "items and prompts crossed")
        note = SINGLE_PROMPT if single else ""
        answers = tables["answers"]
        checks = control_rows(answers[(answers.respondent == headline) & (answers.source == GENERATED)
                                      & (answers.task == task)], CONTRASTS_BY_NAME[name], score, margin)
        if task in EQUIVALENCE_TASKS:  # "little or none": the content-blind scorer has it, the planted one not
            rule = EquivalenceRule("C5", label, report.tex_escape(headline), margin, params["verdicts"]["alpha"], choices)
            called = ((CONTENT_BLIND, equivalence_verdict(checks["blind"], rule, test)),
                      (planted_text(margin), equivalence_verdict(checks["planted"], rule, test)))
            verdict = equivalence_verdict(row, rule, test)
            decisions.append(Decision.controlled(prefix, replace(verdict, reason=verdict.reason + note), rule, called))
            continue
        rule = content_rule(params["verdicts"], probes["verdict"], label, report.tex_escape(headline), choices)
        called = ((planted_text(margin), effect_verdict(checks["planted"], rule, test)),
                  (CONTENT_BLIND, effect_verdict(checks["blind"], rule, test)))
        verdict = effect_verdict(row, rule, test)
        decisions.append(Decision.controlled(prefix, replace(verdict, reason=verdict.reason + note), rule, called))
    test, couplings = "pipeline LMs on a made-up world, same items and seeds", probes["pipeline"]["corpora"]
    world_effect = "difference in syllogism belief congruence between training corpora"
    if not probes["pipeline"]["enabled"]:  # the extended tier's: a row without numbers, its rule printed
        rule = content_rule(params["verdicts"], probes["verdict"], world_effect, "world LMs")
        decisions.append(Decision("CFiveWorld", replace(not_run_verdict("C5", test, world_effect, margin, WORLD_NOT_RUN),
                                                        block="extension"), rule))
        return decisions
    row = world_corpus_row(tables["corpora"], score, couplings)
    if row is None:
        decisions.append(Decision("CFiveWorld", not_tested="not tested (no syllogism items)"))
        return decisions
    rule = content_rule(params["verdicts"], probes["verdict"], world_effect,
                        f"world LM, {report.tex_escape(row.treated)} $-$ {report.tex_escape(row.control)}")
    checks = world_control_corpora(tables["answers"], CONTRASTS_BY_NAME[row.contrast], score, couplings, margin)
    texts = world_control_text(row.control, margin)
    called = tuple((texts[kind], effect_verdict(world_corpus_row(checks[kind], score, couplings), rule, test))
                   for kind in (controls.POSITIVE, controls.NEGATIVE))
    verdict = replace(effect_verdict(row, rule, test), block="extension")
    decisions.append(Decision.qualified("CFiveWorld", verdict, rule, trained["training_logs"], called))
    return decisions


def check_config(config):
    """The world LM's batch fits its corpus; k-shot probe prompts draw k solved items of the
    task from its example pool; each zero-shot wording holds the item's place, ``{item}``,
    exactly once; the verdict's respondent is run."""
    probes, pipeline = config["c5"], config["c5"]["pipeline"]
    yield from batch_fits(config, "c5.pipeline.train", "c5.pipeline.train_problems + train_facts",
                          pipeline["train_problems"] + pipeline["train_facts"])
    shots = max(probes["pretrained"]["shots"], default=0)
    for task, conditions in CONDITION_ORDER.items():
        pool = probes["example_pool_per_condition"] * len(conditions)
        if shots > pool:
            yield "c5.pretrained.shots", f"{shots}-shot prompts need {shots} {task} examples, but the pool has " \
                                         f"{pool} (c5.example_pool_per_condition x {len(conditions)} conditions)"
    for index, wording in enumerate(probes["pretrained"]["zero_shot_wordings"]):
        if wording.count(ITEM_PLACE) != 1:
            yield "c5.pretrained.zero_shot_wordings", f"wording {index} ({wording!r}) must contain " \
                                                      f"{ITEM_PLACE} exactly once, found {wording.count(ITEM_PLACE)}"
    yield from picked("c5.verdict.respondent_shots", probes["verdict"]["respondent_shots"],
                      probes["pretrained"]["shots"])


def check_stimulus_files(config):
    """The extra stimulus files exist and hold valid items (naming the file and line), and
    there are items to score."""
    try:
        by_task = extra_files_by_task(config["c5"]["extra_stimuli"])
    except StimulusFileError as error:
        yield "c5.extra_stimuli", str(error)
        return
    if not by_task and not any(config["c5"]["items_per_condition"].values()):
        yield "c5.items_per_condition", "0 items for every task and no c5.extra_stimuli leave Experiment 5 " \
                                        "nothing to score"


# the world LM is the shared model overlaid with c5.pipeline.model
CONFIG = ClaimConfig(model="c5.pipeline.model", relations=(check_config,), inputs=(check_stimulus_files,))


SPEC = Claim(
    id="c5",
    statistics=statistics,
    title="Experiment 5: content effects on reasoning",
    tables={name: () for name in TABLES},
    results=results,
    decide=decide,
    figures={"c5": "probe_accuracy_figure"},
    learning_curves={"c5": "C5 world LMs"},
    config=CONFIG,
    original_claim=ORIGINAL_CLAIM,
    margins=MARGINS,
)
