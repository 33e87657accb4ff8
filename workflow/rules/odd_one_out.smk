# Experiment 3 (claim C3): symbolic meta odd-one-out, explanations x confounding.
# data per training regime -> imitation training per (regime, explanations) ->
# closed-loop test on deconfounded episodes; baselines on the same episodes.


OOO_CONDITION_DIR = "results/ooo/{regime}-{explanations}/seed{seed}"
OOO_TRAIN = {
    **config["train"],
    **config["ooo"]["train"],
}  # the shared trainer with ooo.train


wildcard_constraints:
    regime="deconfounded|confounded",
    explanations="with|without",


rule ooo_training_data:
    input:
        code("ooo_training_data"),
    output:
        train="results/ooo/{regime}/seed{seed}/train.safetensors",
        validation="results/ooo/{regime}/seed{seed}/validation.safetensors",
    log:
        "logs/ooo/training_data_{regime}_seed{seed}.log",
    conda:
        SOFTWARE
    resources:
        **job_resources("light"),
    params:
        env=config["ooo"]["env"],
        data=config["ooo"]["data"],
    script:
        "../scripts/ooo_training_data.py"


rule ooo_eval_episodes:
    input:
        code("ooo_eval_episodes"),
    output:
        "results/ooo/seed{seed}/eval_episodes.safetensors",
    log:
        "logs/ooo/eval_episodes_seed{seed}.log",
    conda:
        SOFTWARE
    resources:
        **job_resources("light"),
    params:
        env=config["ooo"]["env"],
        eval=config["ooo"]["eval"],
    script:
        "../scripts/ooo_eval_episodes.py"


rule ooo_train_agent:
    input:
        code("ooo_train_agent"),
        train=rules.ooo_training_data.output.train,
        validation=rules.ooo_training_data.output.validation,
    output:
        model=f"{OOO_CONDITION_DIR}/agent.safetensors",
        training_log=f"{OOO_CONDITION_DIR}/training_log.csv",
    log:
        "logs/ooo/train_agent_{regime}-{explanations}_seed{seed}.log",
    benchmark:
        "benchmarks/ooo/train_agent_{regime}-{explanations}_seed{seed}.tsv"
    conda:
        SOFTWARE
    threads: config["threads_per_job"]
    resources:
        **job_resources("model"),
    params:
        env=config["ooo"]["env"],
        explanation_weight=config["ooo"]["explanation_weight"],
        model=config["model"],
        train=OOO_TRAIN,
        device=config["device"],
    script:
        "../scripts/ooo_train_agent.py"


rule ooo_active_test:
    input:
        code("ooo_active_test"),
        model=rules.ooo_train_agent.output.model,
        episodes=rules.ooo_eval_episodes.output[0],
    output:
        f"{OOO_CONDITION_DIR}/agent_episodes.parquet",
    log:
        "logs/ooo/active_test_{regime}-{explanations}_seed{seed}.log",
    conda:
        SOFTWARE
    threads: config["threads_per_job"]
    resources:
        **job_resources("model"),
    params:
        env=config["ooo"]["env"],
        device=config["device"],
    script:
        "../scripts/ooo_active_test.py"


rule ooo_baselines:
    input:
        code("ooo_baselines"),
        episodes=rules.ooo_eval_episodes.output[0],
    output:
        "results/ooo/seed{seed}/baseline_episodes.parquet",
    log:
        "logs/ooo/baselines_seed{seed}.log",
    conda:
        SOFTWARE
    resources:
        **job_resources("light"),
    params:
        env=config["ooo"]["env"],
    script:
        "../scripts/ooo_baselines.py"


# every learner's training log, labelled with its condition
OOO_TRAINING_LOGS = labelled(
    rules.ooo_train_agent.output.training_log,
    "{regime}-{explanations}",
    regime=config["ooo"]["regimes"],
    explanations=["with", "without"],
    seed=SEEDS,
)


rule ooo_statistics:
    input:
        code("ooo_statistics"),
        agent=expand(
            rules.ooo_active_test.output[0],
            regime=config["ooo"]["regimes"],
            explanations=["with", "without"],
            seed=SEEDS,
        ),
        baselines=expand(rules.ooo_baselines.output[0], seed=SEEDS),
        training_logs=list(OOO_TRAINING_LOGS),
    output:
        episodes="results/ooo/episodes.parquet",
        summary="results/ooo/summary.csv",
        contrasts="results/ooo/contrasts.csv",
        training="results/ooo/training_summary.csv",
    log:
        "logs/ooo/statistics.log",
    conda:
        SOFTWARE
    resources:
        **job_resources("light"),
    params:
        log_conditions=OOO_TRAINING_LOGS,
        stats=config["stats"],
    script:
        "../scripts/ooo_statistics.py"


wire_claim(
    "c3",
    tables={
        **{
            name: rules.ooo_statistics.output[name]
            for name in ("summary", "contrasts", "training")
        },
        "training_logs": rules.ooo_statistics.input.training_logs,
    },
    params={
        "ooo": config["ooo"],
        "train": OOO_TRAIN,
        "verdicts": config["verdicts"],
    },
    figures={
        "c3": dict(
            inputs={"summary": rules.ooo_statistics.output.summary},
            params={},
            caption=(
                "Experiment 3 (odd-one-out, claim C3): test-trial accuracy and the share of test "
                "choices that follow a non-latent dimension, per training condition and baseline, "
                "on deconfounded test episodes. Means over seeds with 95% hierarchical-bootstrap "
                "CIs (rates: logit-scale t-intervals over seeds); open circles: per-seed means. "
                "From ``results/ooo/summary.csv``."
            ),
        )
    },
    learning_logs={"c3": OOO_TRAINING_LOGS},
    benchmarks=expand(
        "benchmarks/ooo/train_agent_{regime}-{explanations}_seed{seed}.tsv",
        regime=config["ooo"]["regimes"],
        explanations=["with", "without"],
        seed=SEEDS,
    ),
)
