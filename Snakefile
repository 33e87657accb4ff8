# pacs: passive learning of active causal strategies, replicated end to end.
#
# Stages (each in workflow/rules/):
#   common.smk    config (preset + schema validation), shared helpers
#   c1_c2.smk     Experiments 1 (C1) and 2 (C2) on the causal-DAG
#                 environment: data -> imitation training -> active test of
#                 the agent -> baselines on the same episodes
#   c3.smk        Experiment 3 (C3): odd-one-out, explanations x confounding,
#                 from data to its statistics and figure
#   c4.smk        Experiment 4 (C4): language models acting on episodes written as
#                 text: a pipeline LM trained by next-token prediction, and a
#                 pretrained LM (SmolLM2 by default) prompted with examples
#   c5.smk        Experiment 5 (C5): content effects on NLI, syllogisms and Wason,
#                 in a pretrained LM and in pipeline LMs trained on a made-up world
#   c6.smk        Experiment 6 (C6): training regimes beyond plain imitation on
#                 Experiment 1's task: return conditioning, DAgger, data fusion
#                 (the claims' rule files are included from the registry, pacs.claims)
#   analysis.smk  each claim's figures and report numbers (generic rules over the
#                 registry of claims c1...c6, pacs.claims)
#   budget.smk    budget sensitivity: a claim's deciding contrast at several model widths
#                 (generic rules over the claims whose spec declares a budget analysis; their
#                 learners' rules are twins of their main rules, in the claims' rule files)
#   sweep.smk     hyperparameter sweep (lr x width, one seed) on validation loss only:
#                 run by the target `tune` alone, which writes the tuning record the
#                 report's appendix reads (tuning/<preset>.json, committed); generic rules
#                 over the learners the claims' rule files wire
#   report.smk    LaTeX report -> paper/build/report.pdf (inputs from the registry), and
#                 the verdicts at a glance -> results/verdicts/digest.md
#
# Run:  snakemake --config preset=smoke   (or default / extended / paper)
#       snakemake tune                     the sweep and its tuning record (make tune)


configfile: "config.yaml"


report: "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"


# each claim's own stages: the rule files its spec names (pacs.claims.registry.REGISTRY)
for CLAIM_RULE_FILE in rule_files(REGISTRY):

    include: f"workflow/rules/{CLAIM_RULE_FILE}"


include: "workflow/rules/analysis.smk"
include: "workflow/rules/budget.smk"
include: "workflow/rules/sweep.smk"
include: "workflow/rules/report.smk"


rule all:
    default_target: True
    input:
        "paper/build/report.pdf",
        "results/verdicts/digest.md",


# the tuning tier (make tune): the sweep, and its record -> results/tuning/record.json
rule tune:
    input:
        rules.tuning_record.output.record,
