# Hyperparameter sweep on validation data only (issue 14, item 5; pacs.sweep):
# learning rate x model width x dropout, one seed per experiment (config `sweep`),
# each learner trained by its experiment's own script, through the twin of its main training
# rule that the experiment's rule file derives and wires (use rule X as sweep_X; wire_sweep,
# common.smk); the rules here are generic. A configuration is scored by
# its validation loss on its monitored split; no rule here reads a test episode. The
# configured point (both multipliers 1, the configured dropout) is the main
# experiment's learner, reused; a point at the configured lr and dropout whose width
# is a budget's (budget.smk) is that budget's learner, reused (pacs.sweep.budget_multiplier).
#   results/sweep/<experiment>/lr_<lr>/d_model_<width>/dropout_<rate>/seed<seed>/   one configuration
# (absolute values: a point already scored is reused when the configured values move)
#
# The sweep is its own tier (issue 34): only the target `tune` (`make tune`) runs it.
# It ends in a tuning record (pacs.tuning), results/tuning/record.json, which
# `make tune` copies to tuning/<preset>.json to be committed. The report's appendix
# (rule sweep_appendix) reads that committed record, never the sweep's own outputs,
# and marks each experiment whose learners' config or code moved since as stale.


include: "sweep_common.smk"


wildcard_constraints:
    lr=r"[0-9.e-]+",
    d_model=r"\d+",
    dropout=r"[0-9.]+",


rule sweep_table:
    input:
        unpack(sweep_training_logs),
        code("sweep_table"),
    output:
        table=f"{SWEEP_DIR}/sweep.csv",
        agreement=f"{SWEEP_DIR}/agreement.csv",
    log:
        "logs/sweep/table.log",
    conda:
        SOFTWARE
    resources:
        **job_resources("light"),
    params:
        points=lambda w: sweep_points(),
        seed_log_experiments=lambda w: [e for e, _ in seed_log_points()],
        configured=SWEEP_CONFIGURED,
    script:
        "../scripts/sweep_table.py"


# the sweep's tables beside the inputs (config values, code fingerprints) that made them
rule tuning_record:
    input:
        code("tuning_record"),
        table=rules.sweep_table.output.table,
        agreement=rules.sweep_table.output.agreement,
    output:
        record="results/tuning/record.json",
    log:
        "logs/sweep/tuning_record.log",
    conda:
        SOFTWARE
    resources:
        **job_resources("light"),
    params:
        preset=config["preset"],
        inputs=SWEEP_LEARNER_INPUTS,
    script:
        "../scripts/tuning_record.py"


# the report's appendix, from the committed record of this preset (tuning/<preset>.json;
# none committed: the appendix says so); the learners' config and code fingerprints are
# params, so editing a learner's code reruns this job, which then marks that experiment stale
rule sweep_appendix:
    input:
        code("sweep_appendix"),
        records=committed_tuning_record,
    output:
        tex="paper/build/generated/sweep.tex",
    log:
        "logs/sweep/appendix.log",
    conda:
        SOFTWARE
    resources:
        **job_resources("light"),
    params:
        record=TUNING_RECORD,
        inputs=SWEEP_LEARNER_INPUTS,
    script:
        "../scripts/sweep_appendix.py"
