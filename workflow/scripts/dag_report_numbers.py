"""Rule dag_report_numbers: the C1 section's generated LaTeX (setup, results, verdict)."""

import pandas as pd

from pacs import report
from pacs.analysis import DAG_ASSOCIATIONAL, DAG_COMPARISONS, DAG_REFERENCE
from pacs.labels import SPLIT_ORDER
from pacs.runtime import configure_logging
from pacs.tables import read_table, write_table
from pacs.verdicts import c1_rule_text, c1_verdict

configure_logging(snakemake.log[0])
params = snakemake.params
summary = read_table(snakemake.input.summary)
contrasts = read_table(snakemake.input.contrasts)
training = read_table(snakemake.input.training, ("measure", "mean", "ci_low", "ci_high"))
env, data, evaluation = params.dag["env"], params.dag["data"], params.dag["eval"]

report.write_tex(snakemake.output.setup, "\n".join([
    report.macro("NSeeds", len(params.seeds)),
    report.macro("COneNVars", env["n_vars"]),
    report.macro("COneExploreSteps", env["explore_steps"]),
    report.macro("COneNoiseStd", env["noise_std"]),
    report.macro("COneInterventionValue", report.fmt(env["intervention_value"], 0)),
    report.macro("COneWeightValues", ", ".join(f"{w:g}" for w in env["weight_values"])),
    report.macro("COneHeldOutLinks", ", ".join(f"${a}\\to{b}$" for a, b in env["held_out_links"])),
    report.macro("COneTrainEpisodes", f"{data['train_episodes']:,}"),
    report.macro("COneEvalEpisodes", f"{evaluation['episodes_per_split']:,}"),
    report.macro("TrainSteps", f"{params.train['steps']:,}"),
    report.macro("TrainBatch", params.train["batch_size"]),
    report.macro("ModelLayers", params.model["n_layers"]),
    report.macro("ModelWidth", params.model["d_model"]),
    report.macro("NBoot", f"{params.stats['n_boot']:,}"),
    report.macro(
        "COneSetupTable",
        report.key_value_table(
            report.flatten("dag", params.dag) + report.flatten("model", params.model)
            + report.flatten("train", params.train)
        ),
    ),
]))

measures = training.set_index("measure")
policies = [DAG_REFERENCE, *DAG_COMPARISONS]


def agreement(measure):
    row = measures.loc[measure]
    return report.fmt_ci(row["mean"], row["ci_low"], row["ci_high"], digits=3)


report.write_tex(snakemake.output.results, "\n".join([
    report.macro("COneAgreementInDist", agreement("val_in_distribution_agreement")),
    report.macro("COneAgreementHeldOut", agreement("val_held_out_agreement")),
    report.macro("COneGoalAgreementInDist", agreement("val_in_distribution_agreement_goal")),
    report.macro("COneGoalAgreementHeldOut", agreement("val_held_out_agreement_goal")),
    report.macro("COneExploreAgreementInDist", agreement("val_in_distribution_agreement_explore")),
    report.macro("COneResultsTable", report.policy_by_split_table(summary, "reward_over_optimal", "all", policies, SPLIT_ORDER)),
    report.macro("COneDiagnosticTable", report.policy_by_split_table(summary, "optimal_choice", "diagnostic", policies, SPLIT_ORDER)),
    report.macro("COneContrastTable", report.contrast_table(contrasts, "reward_over_optimal", "all", SPLIT_ORDER)),
]))

verdicts = params.verdicts
verdict = c1_verdict(contrasts, verdicts["c1_near_expert_margin"], verdicts["alpha"], DAG_ASSOCIATIONAL)
report.write_tex(snakemake.output.verdict, "\n".join([
    report.macro("COneVerdict", verdict.verdict),
    report.macro("COneReason", verdict.reason),
    report.macro("COneEffect", f"{verdict.effect_label}: {report.fmt_ci(verdict.effect, verdict.ci_low, verdict.ci_high)}"),
    report.macro("COnePHolm", report.fmt_p(verdict.p_holm)),
    report.macro("COneRule", c1_rule_text(verdicts["c1_near_expert_margin"], verdicts["alpha"], DAG_ASSOCIATIONAL)),
]))
write_table(pd.DataFrame([verdict.as_row()]), snakemake.output.verdict_row)
