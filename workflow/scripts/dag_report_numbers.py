"""Rule dag_report_numbers: the C1 section's generated LaTeX (setup, results, verdict)."""

import pandas as pd

from pacs import adequacy, report
from pacs.analysis import DAG_ASSOCIATIONAL, PLANS
from pacs.runtime import configure_logging
from pacs.tables import read_table, write_table
from pacs.verdicts import beat_and_approach_verdict, c1_rule

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

plan = PLANS["dag"]
policies, splits = plan.policies, plan.splits
report.write_tex(snakemake.output.results, "\n".join([
    *report.agreement_macros("COne", training, {
        "AgreementInDist": "val_in_distribution_agreement",
        "AgreementHeldOut": "val_held_out_agreement",
        "GoalAgreementInDist": "val_in_distribution_agreement_goal",
        "GoalAgreementHeldOut": "val_held_out_agreement_goal",
    }),
    report.macro("COneResultsTable", report.policy_by_split_table(summary, "reward_over_optimal", "all", policies, splits)),
    report.macro("COneDiagnosticTable", report.policy_by_split_table(summary, "optimal_choice", "diagnostic", policies, splits)),
    report.macro("COneContrastTable", report.contrast_table(contrasts, "reward_over_optimal", "all", splits)),
]))

rule = c1_rule(params.verdicts, DAG_ASSOCIATIONAL)
verdict = adequacy.qualify(beat_and_approach_verdict(contrasts, rule), adequacy.assess(snakemake.input.training_logs))
report.write_verdict(snakemake.output.verdict, "COne", verdict, rule)
write_table(pd.DataFrame([verdict.as_row()]), snakemake.output.verdict_row)
