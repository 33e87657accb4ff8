"""Rule lm_report_numbers: the C4 section's generated LaTeX (setup, results, verdicts)."""

import pandas as pd

from pacs import adequacy, report
from pacs.analysis import LM_BASELINES, lm_plan
from pacs.labels import SPLIT_LABELS, pipeline_lm_policy, pretrained_label, pretrained_policy
from pacs.runtime import configure_logging
from pacs.tables import read_table, write_table
from pacs.verdicts import beat_and_approach_verdict, benefit_verdict, c4_explanation_rule, c4_strategy_rule

configure_logging(snakemake.log[0])
params = snakemake.params
lm, pretrained = params.lm, params.lm["pretrained"]
summary = read_table(snakemake.input.summary)
contrasts = read_table(snakemake.input.contrasts)
explained = read_table(snakemake.input.explanation_contrasts)
training = read_table(snakemake.input.training, ("measure", "mean", "ci_low", "ci_high", "condition"))
label = pretrained_label(pretrained["model"])
plan = lm_plan(label, pretrained["shots"], lm["splits"])
most_shots = max(pretrained["shots"])
decisive_split = lm["splits"][-1]  # the split that needs the held-out link (last in the config's order)


def agreement_table() -> str:
    rows = training[training.measure.isin(["val_in_distribution_agreement", "val_held_out_agreement",
                                           "val_held_out_loss"])]
    body = [[r.condition, r.measure.removeprefix("val_").replace("_", " "), report.fmt_ci(r.mean, r.ci_low, r.ci_high, 3)]
            for r in rows.itertuples()]
    return report.tabular(["explanations", "measure (next token)", "mean [95\\% CI]"], body, "llc")


def explanation_table() -> str:
    rows = explained[explained.metric == "reward_over_optimal"]
    body = [[report.tex_escape(r.model), str(int(r.shots)), SPLIT_LABELS.get(r.split, r.split),
             report.fmt_ci(r.diff, r.ci_low, r.ci_high), report.fmt(r.effect_size_dz), report.fmt_p(r.p_holm)]
            for r in rows.itertuples()]
    return report.tabular(["model", "shots", "split", "with $-$ without [95\\% CI]", "$d_z$", "Holm $p$"], body, "lllccc")


report.write_tex(snakemake.output.results, "\n".join([
    report.macro("CFourPretrained", report.tex_escape(label)),
    report.macro("CFourShots", ", ".join(map(str, pretrained["shots"]))),
    report.macro("CFourPromptSeeds", len(pretrained["prompt_seeds"])),
    report.macro("CFourPretrainedEpisodes", pretrained["episodes_per_split"]),
    report.macro("CFourEvalEpisodes", lm["eval"]["episodes_per_split"]),
    report.macro("CFourCorpusEpisodes", f"{lm['pipeline']['train_episodes']:,}"),
    report.macro("CFourSteps", f"{params.train['steps']:,}"),
    report.macro("CFourBatch", params.train["batch_size"]),
    report.macro("CFourLayers", params.model["n_layers"]),
    report.macro("CFourWidth", params.model["d_model"]),
    report.macro("CFourDecimals", lm["text"]["decimals"]),
    report.macro("CFourAgreementTable", agreement_table()),
    report.macro("CFourResultsTable",
                 report.policy_by_split_table(summary, "reward_over_optimal", "all", plan.policies, plan.splits)),
    report.macro("CFourOptimalTable",
                 report.policy_by_split_table(summary, "optimal_choice", "all", plan.policies, plan.splits)),
    report.macro("CFourInvalidTable",
                 report.policy_by_split_table(summary, "invalid_actions", "all",
                                             [p for p in plan.policies if p not in LM_BASELINES], plan.splits)),
    report.macro("CFourExplanationTable", explanation_table()),
]))

verdicts, texts = [], []
trained = adequacy.assess(snakemake.input.training_logs)  # the pipeline LMs' (the pretrained LM is not trained here)
for prefix, who, reference in (
    ("CFourPipeline", "pipeline LM (with explanations)", pipeline_lm_policy("with")),
    ("CFourPrompted", f"{label} ({most_shots}-shot, with explanations)", pretrained_policy(label, most_shots, "with")),
):
    rule = c4_strategy_rule(params.verdicts, lm["splits"], who)
    verdict = beat_and_approach_verdict(contrasts[contrasts.reference == reference], rule)
    if prefix == "CFourPipeline":
        verdict = adequacy.qualify(verdict, trained)
    verdicts.append(verdict)
    texts.append(report.verdict_macros(prefix, verdict, rule))

decisive = explained[(explained.split == decisive_split) & explained.shots.isin([0, most_shots])]
rule = c4_explanation_rule(params.verdicts, ["pipeline LM", label])
verdict = adequacy.qualify(benefit_verdict(decisive, rule), trained)  # pipeline LM among its learners
verdicts.append(verdict)
texts.append(report.verdict_macros("CFourExplain", verdict, rule))
texts.append(report.macro("CFourDecisiveSplit", SPLIT_LABELS.get(decisive_split, decisive_split)))
report.write_tex(snakemake.output.verdict, "\n".join(texts))
write_table(pd.DataFrame([v.as_row() for v in verdicts]), snakemake.output.verdict_row)
