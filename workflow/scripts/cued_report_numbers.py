"""Rule cued_report_numbers: the C2 section's generated LaTeX (setup, results, verdict)."""

import pandas as pd

from pacs import adequacy, report
from pacs.analysis import PLANS
from pacs.runtime import configure_logging
from pacs.tables import read_table, write_table
from pacs.verdicts import beat_and_approach_verdict, c2_rule

configure_logging(snakemake.log[0])
params = snakemake.params
summary = read_table(snakemake.input.summary)
contrasts = read_table(snakemake.input.contrasts)
training = read_table(snakemake.input.training, ("measure", "mean", "ci_low", "ci_high"))
plan = PLANS["cued"]
cued = params.cued

report.write_tex(snakemake.output.results, "\n".join([
    report.macro("CTwoSubsetSize", cued["subset_size"]),
    report.macro("CTwoHeldOutSubsets", "; ".join("\\{" + ", ".join(map(str, s)) + "\\}" for s in cued["held_out_subsets"])),
    report.macro("CTwoNHeldOut", len(cued["held_out_subsets"])),
    report.macro("CTwoTrainEpisodes", f"{cued['data']['train_episodes']:,}"),
    report.macro("CTwoEvalEpisodes", f"{cued['eval']['episodes_per_split']:,}"),
    *report.agreement_macros("CTwo", training, {
        "AgreementTrained": "val_train_subsets_agreement",
        "AgreementHeldOut": "val_held_out_subsets_agreement",
    }),
    *[
        report.macro(f"CTwo{name}Table", report.policy_by_split_table(summary, metric, "all", plan.policies, plan.splits))
        for name, metric in (("Precision", "explore_precision"), ("Recall", "explore_recall"),
                             ("Outside", "steps_outside_cue"), ("Reward", "reward_over_optimal"))
    ],
    report.macro("CTwoContrastTable", report.contrast_table(contrasts, "explore_recall", "all", plan.splits)),
]))

rule = c2_rule(params.verdicts)
verdict = adequacy.qualify(beat_and_approach_verdict(contrasts, rule), adequacy.assess(snakemake.input.training_logs))
report.write_verdict(snakemake.output.verdict, "CTwo", verdict, rule)
write_table(pd.DataFrame([verdict.as_row()]), snakemake.output.verdict_row)
