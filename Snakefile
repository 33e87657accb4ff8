# pacs: passive learning of active causal strategies, replicated end to end.
#
# Stages (each in workflow/rules/):
#   common.smk    config (preset + schema validation), shared helpers
#   causal.smk    Experiments 1 (C1, "dag") and 2 (C2, "cued") on the causal-DAG
#                 environment: data -> imitation training -> active test of
#                 the agent -> baselines on the same episodes
#   odd_one_out.smk  Experiment 3 (C3): odd-one-out, explanations x confounding,
#                 from data to its statistics and figure
#   language.smk  Experiment 4 (C4): language models acting on episodes written as
#                 text: a pipeline LM trained by next-token prediction, and a
#                 pretrained LM (SmolLM2 by default) prompted with examples
#   probes.smk    Experiment 5 (C5): content effects on NLI, syllogisms and Wason,
#                 in a pretrained LM and in pipeline LMs trained on a made-up world
#   regimes.smk   Experiment 6 (C6): training regimes beyond plain imitation on
#                 Experiment 1's task: return conditioning, DAgger, data fusion
#   analysis.smk  each claim's figures and report numbers (generic rules over the
#                 registry of claims c1...c6, pacs.claims)
#   budget.smk    budget sensitivity: C1, C3, C4's deciding contrast at several model widths
#   sweep.smk     hyperparameter sweep (lr x width, one seed) on validation loss only
#   report.smk    LaTeX report -> paper/build/report.pdf (inputs from the registry)
#
# Run:  snakemake --config preset=smoke   (or default / paper)


configfile: "config.yaml"


report: "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"
include: "workflow/rules/causal.smk"
include: "workflow/rules/odd_one_out.smk"
include: "workflow/rules/language.smk"
include: "workflow/rules/probes.smk"
include: "workflow/rules/regimes.smk"
include: "workflow/rules/analysis.smk"
include: "workflow/rules/budget.smk"
include: "workflow/rules/sweep.smk"
include: "workflow/rules/report.smk"


rule all:
    default_target: True
    input:
        "paper/build/report.pdf",
