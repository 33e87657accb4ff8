"""Rule ooo_report_numbers: the C3 section's generated LaTeX (setup, results, verdict)."""

import pandas as pd

from pacs import adequacy, report
from pacs.analysis import PLANS
from pacs.runtime import configure_logging
from pacs.tables import read_table, write_table
from pacs.verdicts import benefit_verdict, c3_rule

configure_logging(snakemake.log[0])
params = snakemake.params
summary = read_table(snakemake.input.summary)
contrasts = read_table(snakemake.input.contrasts)
training = read_table(snakemake.input.training, ("measure", "mean", "ci_low", "ci_high", "condition"))
plan, ooo = PLANS["ooo"], params.ooo


def agreement_rows():
    rows = training[training.measure.isin(["val_deconfounded_agreement_pick", "val_deconfounded_agreement_transform"])]
    body = [[report.tex_escape(r.condition), r.measure.rsplit("_", 1)[-1], report.fmt_ci(r.mean, r.ci_low, r.ci_high, 3)]
            for r in rows.itertuples()]
    return report.tabular(["condition", "head", "agreement [95\\% CI]"], body, "llc")


report.write_tex(snakemake.output.results, "\n".join([
    report.macro("CThreeValues", ", ".join(map(str, ooo["env"]["values_per_dimension"]))),
    report.macro("CThreeObjects", ooo["env"]["n_objects"]),
    report.macro("CThreeTrials", ooo["env"]["experiment_trials"]),
    report.macro("CThreeWeight", ooo["explanation_weight"]),
    report.macro("CThreeSteps", f"{params.train['steps']:,}"),
    report.macro("CThreeBatch", params.train["batch_size"]),
    report.macro("CThreeTrainEpisodes", f"{ooo['data']['train_episodes']:,}"),
    report.macro("CThreeEvalEpisodes", f"{ooo['eval']['episodes_per_split']:,}"),
    report.macro("CThreeAgreementTable", agreement_rows()),
    *[
        report.macro(f"CThree{name}Table", report.policy_by_split_table(summary, metric, "all", plan.policies, plan.splits))
        for name, metric in (("Accuracy", "test_correct"), ("Other", "follows_other"), ("Tried", "dimensions_tried"))
    ],
    report.macro("CThreeContrastTable", report.contrast_table(
        contrasts, "test_correct", "all", ooo["regimes"], group_col="regime", minus="with explanations minus")),
]))

rule = c3_rule(params.verdicts, ooo["regimes"])
verdict = adequacy.qualify(benefit_verdict(contrasts, rule), adequacy.assess(snakemake.input.training_logs))
report.write_verdict(snakemake.output.verdict, "CThree", verdict, rule)
write_table(pd.DataFrame([verdict.as_row()]), snakemake.output.verdict_row)
