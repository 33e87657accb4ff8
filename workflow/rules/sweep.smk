# Hyperparameter sweep on validation data only (issue 14, item 5; pacs.sweep):
# learning rate x model width x dropout, one seed per experiment (config `sweep`),
# each learner trained by its experiment's own script. A configuration is scored by
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

SWEEP = config["sweep"]
SWEEP_DIR = "results/sweep"
SWEEP_POINT = (
    f"{SWEEP_DIR}/{{experiment}}/lr_{{lr}}/d_model_{{d_model}}/dropout_{{dropout}}"
)
SWEEP_LOG = "sweep/{experiment}/lr_{lr}/d_model_{d_model}/dropout_{dropout}"


include: "sweep_common.smk"


wildcard_constraints:
    lr=r"[0-9.e-]+",
    d_model=r"\d+",
    dropout=r"[0-9.]+",


rule sweep_causal_train_agent:
    input:
        code("causal_train_agent"),
        train=rules.causal_training_data.output.train,
        validation=rules.causal_training_data.output.validation,
    output:
        model=f"{SWEEP_POINT}/seed{{seed}}/agent.safetensors",
        training_log=f"{SWEEP_POINT}/seed{{seed}}/training_log.csv",
    log:
        f"logs/{SWEEP_LOG}/train_agent_seed{{seed}}.log",
    benchmark:
        f"benchmarks/{SWEEP_LOG}/train_agent_seed{{seed}}.tsv"
    wildcard_constraints:
        experiment="c1",
    conda:
        SOFTWARE
    threads: config["threads_per_job"]
    resources:
        **job_resources("model"),
    params:
        design=design_params,
        model=sweep_model_params("c1"),
        train=sweep_train_params("c1"),
        device=config["device"],
    script:
        "../scripts/causal_train_agent.py"


rule sweep_c3_train_agent:
    input:
        code("c3_train_agent"),
        train=rules.c3_training_data.output.train,
        validation=rules.c3_training_data.output.validation,
    output:
        model=f"{SWEEP_POINT}/{{confounding}}-{{explanations}}/seed{{seed}}/agent.safetensors",
        training_log=f"{SWEEP_POINT}/{{confounding}}-{{explanations}}/seed{{seed}}/training_log.csv",
    log:
        f"logs/{SWEEP_LOG}/train_agent_{{confounding}}-{{explanations}}_seed{{seed}}.log",
    benchmark:
        f"benchmarks/{SWEEP_LOG}/train_agent_{{confounding}}-{{explanations}}_seed{{seed}}.tsv"
    wildcard_constraints:
        experiment="c3",
    conda:
        SOFTWARE
    threads: config["threads_per_job"]
    resources:
        **job_resources("model"),
    params:
        env=config["c3"]["env"],
        explanation_weight=config["c3"]["explanation_weight"],
        model=sweep_model_params("c3"),
        train=sweep_train_params("c3"),
        device=config["device"],
    script:
        "../scripts/c3_train_agent.py"


rule sweep_c4_train:
    input:
        code("c4_train"),
        train=rules.c4_corpus.output.train,
        in_distribution=rules.c4_corpus.output.in_distribution,
        held_out=rules.c4_corpus.output.held_out,
    output:
        model=f"{SWEEP_POINT}/seed{{seed}}/pipeline_lm_{{explanations}}.safetensors",
        training_log=f"{SWEEP_POINT}/seed{{seed}}/training_log_{{explanations}}.csv",
    log:
        f"logs/{SWEEP_LOG}/train_{{explanations}}_seed{{seed}}.log",
    benchmark:
        f"benchmarks/{SWEEP_LOG}/train_{{explanations}}_seed{{seed}}.tsv"
    wildcard_constraints:
        experiment="c4",
    conda:
        SOFTWARE
    threads: config["threads_per_job"]
    resources:
        **job_resources("model"),
    params:
        model=sweep_model_params("c4"),
        train=sweep_train_params("c4"),
        device=config["device"],
    script:
        "../scripts/c4_train.py"


rule sweep_c6_train_agent:
    input:
        code("c6_train_agent"),
        train=f"{C6_DIR}/rc/seed{{seed}}/expert_only/train.safetensors",
        validation=f"{C6_DIR}/rc/seed{{seed}}/expert_only/validation.safetensors",
    output:
        model=f"{SWEEP_POINT}/seed{{seed}}/agent.safetensors",
        training_log=f"{SWEEP_POINT}/seed{{seed}}/training_log.csv",
    log:
        f"logs/{SWEEP_LOG}/train_expert_only_seed{{seed}}.log",
    benchmark:
        f"benchmarks/{SWEEP_LOG}/train_expert_only_seed{{seed}}.tsv"
    wildcard_constraints:
        experiment="c6",
    conda:
        SOFTWARE
    threads: config["threads_per_job"]
    resources:
        **job_resources("model"),
    params:
        regime="rc",
        model=sweep_model_params("c6"),
        train=sweep_train_params("c6"),
        device=config["device"],
    script:
        "../scripts/c6_train_agent.py"


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
