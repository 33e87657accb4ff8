"""Rule regime_report_numbers: one C6 regime's generated LaTeX (setup, results, verdict) and verdict row."""

import pandas as pd

from pacs import adequacy, report
from pacs.analysis import C6_BASELINES, C6_VERDICT_SPLITS, FUSION_POLICIES, PLANS
from pacs.labels import RC_LEARNER_POLICIES, SPLIT_ORDER
from pacs.runtime import configure_logging
from pacs.tables import read_table, write_table
from pacs.verdicts import beat_and_approach_verdict, benefit_verdict, c6_benefit_rule, c6_conditioning_rule

configure_logging(snakemake.log[0])
params, regime = snakemake.params, snakemake.wildcards.c6_regime
summary = read_table(snakemake.input.summary)
contrasts = read_table(snakemake.input.contrasts)
training = read_table(snakemake.input.training, ("measure", "mean", "ci_low", "ci_high", "condition"))
settings = params.regimes
PREFIX = {"rc": "CSixRc", "dagger": "CSixDagger", "fusion": "CSixFusion"}[regime]


def agreement_table() -> str:
    """Final teacher-forced agreement with the demonstrator on held-aside episodes, per learner."""
    measures = {"val_in_distribution_agreement": "in-distribution", "val_held_out_agreement": "held-out DAGs"}
    rows = training[training.measure.isin(measures)].set_index(["condition", "measure"])
    body = [[report.tex_escape(condition), *[report.fmt_ci(*rows.loc[(condition, m), ["mean", "ci_low", "ci_high"]],
                                                          3) for m in measures]]
            for condition in dict.fromkeys(training.condition)]
    return report.tabular(["learner", *measures.values()], body, "lcc")


def common_macros() -> list[str]:
    return [
        report.macro(f"{PREFIX}Steps", f"{params.train['steps']:,}"),
        report.macro(f"{PREFIX}Batch", params.train["batch_size"]),
        report.macro(f"{PREFIX}EvalEpisodes", f"{settings['eval']['episodes_per_split']:,}"),
        report.macro(f"{PREFIX}AgreementTable", agreement_table()),
    ]


def return_conditioning():
    rc, plan = settings["return_conditioning"], PLANS["rc"]
    kinds = read_table(snakemake.input.mixture[0], ("kind", "measure", "mean", "ci_low", "ci_high"))
    cells = kinds.set_index(["kind", "measure"])
    mixture = report.tabular(
        ["demonstrator", "share", "mean quality [95\\% CI]", "top-bucket share [95\\% CI]"],
        [[report.tex_escape(kind), *[report.fmt_ci(*cells.loc[(kind, m), ["mean", "ci_low", "ci_high"]])
                                     for m in ("share", "mean_quality", "top_bucket_share")]]
         for kind in dict.fromkeys(kinds.kind)],
        "lccc",
    )
    results = [
        *common_macros(),
        report.macro("CSixRcTrainEpisodes", f"{rc['train_episodes']:,}"),
        report.macro("CSixRcMix", report.tex_escape(", ".join(f"{k} {v:g}" for k, v in rc["mix"].items()))),
        report.macro("CSixRcNoise", f"{rc['noise']:g}"),
        report.macro("CSixRcEdges", ", ".join(f"{e:g}" for e in rc["quality_edges"])),
        report.macro("CSixRcMixtureTable", mixture),
        report.macro("CSixRcResultsTable",
                     report.policy_by_split_table(summary, "reward_over_optimal", "all", plan.policies, plan.splits)),
        report.macro("CSixRcOptimalTable",
                     report.policy_by_split_table(summary, "optimal_choice", "all", plan.policies, plan.splits)),
        report.macro("CSixRcContrastTable", report.contrast_table(contrasts, "reward_over_optimal", "all", plan.splits,
                                                                  minus="return-conditioned minus")),
    ]
    rule = c6_conditioning_rule(params.verdicts, C6_VERDICT_SPLITS, RC_LEARNER_POLICIES["conditioned"],
                                RC_LEARNER_POLICIES["plain"], RC_LEARNER_POLICIES["expert_only"])
    return results, rule, beat_and_approach_verdict(contrasts, rule)


def dagger():
    dg = settings["dagger"]
    last = int(contrasts["round"].max())
    arms = ["initial", "dagger", "plain", *C6_BASELINES]
    results = [
        *common_macros(),
        report.macro("CSixDaggerInitial", f"{dg['initial_episodes']:,}"),
        report.macro("CSixDaggerPerRound", f"{dg['episodes_per_round']:,}"),
        report.macro("CSixDaggerRounds", dg["rounds"]),
        report.macro("CSixDaggerResultsTable",
                     report.curve_table(summary, "reward_over_optimal", "round", "round", arms, SPLIT_ORDER)),
        report.macro("CSixDaggerOffTable",
                     report.curve_table(summary, "off_oracle_steps", "round", "round", arms[:3], SPLIT_ORDER)),
        report.macro("CSixDaggerLabelsTable",
                     report.curve_table(summary[summary.split == "in_distribution"], "labelled_steps", "round",
                                        "round", arms[:3], ["in_distribution"])),
        report.macro("CSixDaggerContrastTable", report.difference_table(
            contrasts[contrasts.metric == "reward_over_optimal"], [("round", "round"), ("split", "split")])),
    ]
    rule = c6_benefit_rule(params.verdicts, f"DAgger's relabelled visits (round {last})",
                           "plain imitation with as many labelled steps", "DAgger $-$ plain", C6_VERDICT_SPLITS)
    decisive = contrasts[(contrasts["round"] == last) & (contrasts.metric == "reward_over_optimal")]
    return results, rule, benefit_verdict(decisive, rule)


def fusion():
    fu = settings["fusion"]
    most = int(contrasts.reference.max())
    policies = [*FUSION_POLICIES, *C6_BASELINES]
    x = "n_observational"
    results = [
        *common_macros(),
        report.macro("CSixFusionTrainEpisodes", f"{fu['train_episodes']:,}"),
        report.macro("CSixFusionBudget", fu["budget"]),
        report.macro("CSixFusionSamples", ", ".join(map(str, fu["observational_samples"]))),
        report.macro("CSixFusionMargin", f"{fu['irrelevance']['margin']:g}"),
        report.macro("CSixFusionLevel", f"{fu['irrelevance']['level']:g}"),
        report.macro("CSixFusionResultsTable",
                     report.curve_table(summary, "reward_over_optimal", x, "samples", policies, SPLIT_ORDER)),
        report.macro("CSixFusionInterventionsTable",
                     report.curve_table(summary, "n_interventions", x, "samples", FUSION_POLICIES, SPLIT_ORDER)),
        report.macro("CSixFusionContrastTable", report.difference_table(
            contrasts[contrasts.metric == "reward_over_optimal"],
            [("policy", "policy"), ("samples", "reference"), ("split", "split")])),
        report.macro("CSixFusionInterventionContrastTable", report.difference_table(
            contrasts[contrasts.metric == "n_interventions"],
            [("policy", "policy"), ("samples", "reference"), ("split", "split")])),
    ]
    rule = c6_benefit_rule(params.verdicts, f"{most} observational samples", "none", f"{most} $-$ 0 samples",
                           C6_VERDICT_SPLITS)
    decisive = contrasts[(contrasts.policy == FUSION_POLICIES[0]) & (contrasts.reference == most)
                         & (contrasts.metric == "reward_over_optimal")]
    return results, rule, benefit_verdict(decisive, rule)


results, rule, verdict = {"rc": return_conditioning, "dagger": dagger, "fusion": fusion}[regime]()
verdict = adequacy.qualify(verdict, adequacy.assess(snakemake.input.training_logs))
report.write_tex(snakemake.output.results, "\n".join(results))
report.write_verdict(snakemake.output.verdict, PREFIX, verdict, rule)
write_table(pd.DataFrame([verdict.as_row()]), snakemake.output.verdict_row)
