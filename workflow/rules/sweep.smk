# Hyperparameter sweep on validation data only (issue 14, item 5; pacs.sweep):
# learning rate x model width x dropout, one seed per experiment (config `sweep`),
# each learner trained by its experiment's own script. A configuration is scored by
# its validation loss on its monitored split; no rule here reads a test episode. The
# configured point (both multipliers 1, the configured dropout) is the main
# experiment's learner, reused.
#   results/sweep/<experiment>/lr_<lr>/d_model_<width>/dropout_<rate>/seed<seed>/   one configuration
# (absolute values: a point already scored is reused when the configured values move)

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
        experiment="dag",
    conda:
        SOFTWARE
    threads: config["threads_per_job"]
    resources:
        **job_resources("model"),
    params:
        design=design_params,
        model=sweep_model_params("dag"),
        train=sweep_train_params("dag"),
        device=config["device"],
    script:
        "../scripts/causal_train_agent.py"


rule sweep_ooo_train_agent:
    input:
        code("ooo_train_agent"),
        train=rules.ooo_training_data.output.train,
        validation=rules.ooo_training_data.output.validation,
    output:
        model=f"{SWEEP_POINT}/{{regime}}-{{explanations}}/seed{{seed}}/agent.safetensors",
        training_log=f"{SWEEP_POINT}/{{regime}}-{{explanations}}/seed{{seed}}/training_log.csv",
    log:
        f"logs/{SWEEP_LOG}/train_agent_{{regime}}-{{explanations}}_seed{{seed}}.log",
    benchmark:
        f"benchmarks/{SWEEP_LOG}/train_agent_{{regime}}-{{explanations}}_seed{{seed}}.tsv"
    wildcard_constraints:
        experiment="ooo",
    conda:
        SOFTWARE
    threads: config["threads_per_job"]
    resources:
        **job_resources("model"),
    params:
        env=config["ooo"]["env"],
        explanation_weight=config["ooo"]["explanation_weight"],
        model=sweep_model_params("ooo"),
        train=sweep_train_params("ooo"),
        device=config["device"],
    script:
        "../scripts/ooo_train_agent.py"


rule sweep_lm_train:
    input:
        code("lm_train"),
        train=rules.lm_corpus.output.train,
        in_distribution=rules.lm_corpus.output.in_distribution,
        held_out=rules.lm_corpus.output.held_out,
    output:
        model=f"{SWEEP_POINT}/seed{{seed}}/pipeline_lm_{{explanations}}.safetensors",
        training_log=f"{SWEEP_POINT}/seed{{seed}}/training_log_{{explanations}}.csv",
    log:
        f"logs/{SWEEP_LOG}/train_{{explanations}}_seed{{seed}}.log",
    benchmark:
        f"benchmarks/{SWEEP_LOG}/train_{{explanations}}_seed{{seed}}.tsv"
    wildcard_constraints:
        experiment="lm",
    conda:
        SOFTWARE
    threads: config["threads_per_job"]
    resources:
        **job_resources("model"),
    params:
        model=sweep_model_params("lm"),
        train=sweep_train_params("lm"),
        device=config["device"],
    script:
        "../scripts/lm_train.py"


rule sweep_regime_train_agent:
    input:
        code("regime_train_agent"),
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
        experiment="regimes",
    conda:
        SOFTWARE
    threads: config["threads_per_job"]
    resources:
        **job_resources("model"),
    params:
        regime="rc",
        model=sweep_model_params("regimes"),
        train=sweep_train_params("regimes"),
        device=config["device"],
    script:
        "../scripts/regime_train_agent.py"


rule sweep_table:
    input:
        unpack(sweep_training_logs),
        code("sweep_table"),
    output:
        table=f"{SWEEP_DIR}/sweep.csv",
        agreement=f"{SWEEP_DIR}/agreement.csv",
        tex="paper/build/generated/sweep.tex",
    log:
        "logs/sweep/table.log",
    conda:
        SOFTWARE
    resources:
        **job_resources("light"),
    params:
        points=lambda w: sweep_points(),
        configured=SWEEP_CONFIGURED,
    script:
        "../scripts/sweep_table.py"
