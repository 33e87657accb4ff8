# Experiment 3 (claim C3): symbolic meta odd-one-out, explanations x confounding.
# data per confounding (deconfounded, confounded) -> imitation training per (confounding, explanations) ->
# closed-loop test on deconfounded episodes; baselines on the same episodes.


C3_CONDITION_DIR = "results/c3/{confounding}-{explanations}/seed{seed}"
C3_TRAIN = {
    **config["train"],
    **config["c3"]["train"],
}  # the shared trainer with c3.train
C3_MODEL = claim_model(config, "c3")  # the shared model with c3.model


wildcard_constraints:
    confounding="deconfounded|confounded",
    explanations="with|without",


rule c3_training_data:
    input:
        code("c3_training_data"),
    output:
        train="results/c3/{confounding}/seed{seed}/train.safetensors",
        validation="results/c3/{confounding}/seed{seed}/validation.safetensors",
    log:
        "logs/c3/training_data_{confounding}_seed{seed}.log",
    conda:
        SOFTWARE
    resources:
        **job_resources("light"),
    params:
        env=config["c3"]["env"],
        data=config["c3"]["data"],
    script:
        "../scripts/c3_training_data.py"


rule c3_eval_episodes:
    input:
        code("c3_eval_episodes"),
    output:
        "results/c3/seed{seed}/eval_episodes.safetensors",
    log:
        "logs/c3/eval_episodes_seed{seed}.log",
    conda:
        SOFTWARE
    resources:
        **job_resources("light"),
    params:
        env=config["c3"]["env"],
        eval=config["c3"]["eval"],
    script:
        "../scripts/c3_eval_episodes.py"


rule c3_train_agent:
    input:
        code("c3_train_agent"),
        train=rules.c3_training_data.output.train,
        validation=rules.c3_training_data.output.validation,
    output:
        model=f"{C3_CONDITION_DIR}/agent.safetensors",
        training_log=f"{C3_CONDITION_DIR}/training_log.csv",
    log:
        "logs/c3/train_agent_{confounding}-{explanations}_seed{seed}.log",
    benchmark:
        "benchmarks/c3/train_agent_{confounding}-{explanations}_seed{seed}.tsv"
    conda:
        SOFTWARE
    threads: config["threads_per_job"]
    resources:
        **job_resources("model"),
    params:
        env=config["c3"]["env"],
        explanation_weight=config["c3"]["explanation_weight"],
        model=C3_MODEL,
        train=C3_TRAIN,
        device=config["device"],
    script:
        "../scripts/c3_train_agent.py"


if ENSEMBLE:

    # all seeds of one condition in one job, batched (config key ensemble; pacs.ensemble)
    rule c3_train_ensemble:
        input:
            code("c3_train_ensemble"),
            train=expand(
                rules.c3_training_data.output.train, seed=SEEDS, allow_missing=True
            ),
            validation=expand(
                rules.c3_training_data.output.validation,
                seed=SEEDS,
                allow_missing=True,
            ),
        output:
            model=expand(
                rules.c3_train_agent.output.model, seed=SEEDS, allow_missing=True
            ),
            training_log=expand(
                rules.c3_train_agent.output.training_log,
                seed=SEEDS,
                allow_missing=True,
            ),
        log:
            "logs/c3/train_agent_{confounding}-{explanations}_ensemble.log",
        benchmark:
            "benchmarks/c3/train_agent_{confounding}-{explanations}_ensemble.tsv"
        conda:
            SOFTWARE
        threads: config["threads_per_job"]
        resources:
            **job_resources("model"),
        params:
            env=config["c3"]["env"],
            explanation_weight=config["c3"]["explanation_weight"],
            model=C3_MODEL,
            train=C3_TRAIN,
            device=config["device"],
            seeds=SEEDS,
        script:
            "../scripts/c3_train_ensemble.py"

    ruleorder: c3_train_ensemble > c3_train_agent


rule c3_active_test:
    input:
        code("c3_active_test"),
        model=rules.c3_train_agent.output.model,
        episodes=rules.c3_eval_episodes.output[0],
    output:
        f"{C3_CONDITION_DIR}/agent_episodes.parquet",
    log:
        "logs/c3/active_test_{confounding}-{explanations}_seed{seed}.log",
    conda:
        SOFTWARE
    threads: config["threads_per_job"]
    resources:
        **job_resources("model"),
    params:
        env=config["c3"]["env"],
        device=config["device"],
    script:
        "../scripts/c3_active_test.py"


rule c3_baselines:
    input:
        code("c3_baselines"),
        episodes=rules.c3_eval_episodes.output[0],
    output:
        "results/c3/seed{seed}/baseline_episodes.parquet",
    log:
        "logs/c3/baselines_seed{seed}.log",
    conda:
        SOFTWARE
    resources:
        **job_resources("light"),
    params:
        env=config["c3"]["env"],
    script:
        "../scripts/c3_baselines.py"


# every learner's training log, labelled with its condition
C3_TRAINING_LOGS = labelled(
    rules.c3_train_agent.output.training_log,
    "{confounding}-{explanations}",
    confounding=config["c3"]["confounding"],
    explanations=["with", "without"],
    seed=SEEDS,
)


rule c3_statistics:
    input:
        code("c3_statistics"),
        agent=expand(
            rules.c3_active_test.output[0],
            confounding=config["c3"]["confounding"],
            explanations=["with", "without"],
            seed=SEEDS,
        ),
        baselines=expand(rules.c3_baselines.output[0], seed=SEEDS),
        training_logs=list(C3_TRAINING_LOGS),
    output:
        episodes="results/c3/episodes.parquet",
        summary="results/c3/summary.csv",
        contrasts="results/c3/contrasts.csv",
        controls="results/c3/control_contrasts.csv",
        training="results/c3/training_summary.csv",
    log:
        "logs/c3/statistics.log",
    conda:
        SOFTWARE
    resources:
        **job_resources("light"),
    params:
        log_conditions=C3_TRAINING_LOGS,
        stats=config["stats"],
        verdict=config["c3"]["verdict"],
        margin=config["verdicts"]["c3_equivalence_margin"],
    script:
        "../scripts/c3_statistics.py"


wire_claim(
    "c3",
    tables={
        **{
            name: rules.c3_statistics.output[name]
            for name in ("summary", "contrasts", "controls", "training")
        },
        "training_logs": rules.c3_statistics.input.training_logs,
    },
    params={
        "c3": config["c3"],
        "train": C3_TRAIN,
        "verdicts": config["verdicts"],
    },
    figures={
        "c3": dict(
            inputs={"summary": rules.c3_statistics.output.summary},
            params={"plan": "c3"},
            caption=(
                "Experiment 3 (odd-one-out, claim C3): test-trial accuracy and the share of test "
                "choices that follow a non-latent dimension, per training condition and baseline, "
                "on deconfounded test episodes. Means over seeds with 95% hierarchical-bootstrap "
                "CIs (rates: logit-scale t-intervals over seeds); open circles: per-seed means. "
                "From ``results/c3/summary.csv``."
            ),
        )
    },
    learning_logs={"c3": C3_TRAINING_LOGS},
    benchmarks=expand(
        "benchmarks/c3/train_agent_{confounding}-{explanations}_{job}.tsv",
        confounding=config["c3"]["confounding"],
        explanations=["with", "without"],
        job=["ensemble"] if ENSEMBLE else [f"seed{seed}" for seed in SEEDS],
    ),
)
