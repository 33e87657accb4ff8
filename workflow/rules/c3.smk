# Experiment 3 (claim C3): symbolic meta odd-one-out, explanations x confounding.
# data per confounding (deconfounded, confounded) -> imitation training per (confounding, explanations) ->
# closed-loop test on deconfounded episodes; baselines on the same episodes.
# C3b (c3.feature_choice, below): perfectly confounded data per named dimension -> the same training
# and test rules (use rule) -> its own statistics; both wired as claim c3.

from pacs.analysis import figure_params
from pacs.claims.c3 import (
    BUDGET_CONFOUNDING,
    PLAN as C3_PLAN,
    feature_choice_groups,
    feature_learners,
    learner_explanation_weight,
)

C3_CONDITION_DIR = "results/c3/{confounding}-{explanations}/seed{seed}"
C3_TRAIN = {
    **config["train"],
    **config["c3"]["train"],
}  # the shared trainer with c3.train
C3_MODEL = claim_model(config, "c3")  # the shared model with c3.model
C3_SEEDS = claim_seeds(config, "c3")  # config c3.seeds, else the global seeds


wildcard_constraints:
    confounding="deconfounded|confounded",
    explanations="with|without",
    size=r"\d+",


rule c3_training_data:
    input:
        code("c3_training_data"),
    output:
        train="results/c3/{confounding}/seed{seed}/train.safetensors",
        validation="results/c3/{confounding}/seed{seed}/validation.safetensors",
    log:
        "logs/c3/training_data_{confounding}_seed{seed}.log",
    priority: PRIORITY_LONGEST
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
    priority: PRIORITY_LONGEST
    conda:
        SOFTWARE
    threads: config["threads_per_job"]
    resources:
        **job_resources("model"),
    params:
        env=config["c3"]["env"],
        explanation_weight=lambda w: learner_explanation_weight(
            w.explanations, config["c3"]["explanation_weight"]
        ),
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
                rules.c3_training_data.output.train, seed=C3_SEEDS, allow_missing=True
            ),
            validation=expand(
                rules.c3_training_data.output.validation,
                seed=C3_SEEDS,
                allow_missing=True,
            ),
        output:
            model=expand(
                rules.c3_train_agent.output.model, seed=C3_SEEDS, allow_missing=True
            ),
            training_log=expand(
                rules.c3_train_agent.output.training_log,
                seed=C3_SEEDS,
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
            explanation_weight=lambda w: learner_explanation_weight(
                w.explanations, config["c3"]["explanation_weight"]
            ),
            model=C3_MODEL,
            train=C3_TRAIN,
            device=config["device"],
            seeds=C3_SEEDS,
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
    seed=C3_SEEDS,
)


rule c3_statistics:
    input:
        code("c3_statistics"),
        agent=expand(
            rules.c3_active_test.output[0],
            confounding=config["c3"]["confounding"],
            explanations=["with", "without"],
            seed=C3_SEEDS,
        ),
        baselines=expand(rules.c3_baselines.output[0], seed=C3_SEEDS),
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
        verdict=rule_choices(config["c3"]["verdict"]),
        margin=config["c3"]["verdict"]["equivalence_margin"],
    script:
        "../scripts/c3_statistics.py"


# --- C3b, explanations pick the feature (config c3.feature_choice) -------------------------------
# Training-data levels: the confounded dimensions, each the same perfectly confounded episodes
# with explanations naming that dimension; learners (feature_learners): explanations naming X,
# naming Y, none.
# Where c3.feature_choice.enabled is false (a preset that leaves C3b to the extended tier), no
# C3b learner is trained: its statistics read the baselines alone and its row reads "not run at
# this preset".
C3B_CONFIG = config["c3"]["feature_choice"]
C3B_RUN = C3B_CONFIG["enabled"]
C3B_DIR = "results/c3/feature_choice"
C3B_LEVELS = "|".join(C3B_CONFIG["confounded_dims"])
C3B_LEARNERS = feature_learners(C3B_CONFIG["confounded_dims"]) if C3B_RUN else []


rule c3_feature_choice_data:
    input:
        code("c3_feature_choice_data"),
    output:
        train=f"{C3B_DIR}/{{confounding}}/seed{{seed}}/train.safetensors",
        validation=f"{C3B_DIR}/{{confounding}}/seed{{seed}}/validation.safetensors",
    log:
        "logs/c3/feature_choice/training_data_{confounding}_seed{seed}.log",
    wildcard_constraints:
        confounding=C3B_LEVELS,
    priority: PRIORITY_LONGEST
    conda:
        SOFTWARE
    resources:
        **job_resources("light"),
    params:
        env=config["c3"]["env"],
        confounded_dims=C3B_CONFIG["confounded_dims"],
        data=C3B_CONFIG["data"],
    script:
        "../scripts/c3_feature_choice_data.py"


rule c3_feature_choice_eval_episodes:
    input:
        code("c3_feature_choice_eval_episodes"),
    output:
        f"{C3B_DIR}/seed{{seed}}/eval_episodes.safetensors",
    log:
        "logs/c3/feature_choice/eval_episodes_seed{seed}.log",
    conda:
        SOFTWARE
    resources:
        **job_resources("light"),
    params:
        env=config["c3"]["env"],
        confounded_dims=C3B_CONFIG["confounded_dims"],
        eval=C3B_CONFIG["eval"],
    script:
        "../scripts/c3_feature_choice_eval_episodes.py"


C3B_CONDITION_DIR = f"{C3B_DIR}/{{confounding}}-{{explanations}}/seed{{seed}}"


use rule c3_train_agent as feature_choice_c3_train_agent with:
    input:
        code("c3_train_agent"),
        train=rules.c3_feature_choice_data.output.train,
        validation=rules.c3_feature_choice_data.output.validation,
    output:
        model=f"{C3B_CONDITION_DIR}/agent.safetensors",
        training_log=f"{C3B_CONDITION_DIR}/training_log.csv",
    log:
        "logs/c3/feature_choice/train_agent_{confounding}-{explanations}_seed{seed}.log",
    benchmark:
        "benchmarks/c3/feature_choice/train_agent_{confounding}-{explanations}_seed{seed}.tsv"
    wildcard_constraints:
        confounding=C3B_LEVELS,


if ENSEMBLE:

    use rule c3_train_ensemble as feature_choice_c3_train_ensemble with:
        input:
            code("c3_train_ensemble"),
            train=expand(
                rules.c3_feature_choice_data.output.train,
                seed=C3_SEEDS,
                allow_missing=True,
            ),
            validation=expand(
                rules.c3_feature_choice_data.output.validation,
                seed=C3_SEEDS,
                allow_missing=True,
            ),
        output:
            model=expand(
                rules.feature_choice_c3_train_agent.output.model,
                seed=C3_SEEDS,
                allow_missing=True,
            ),
            training_log=expand(
                rules.feature_choice_c3_train_agent.output.training_log,
                seed=C3_SEEDS,
                allow_missing=True,
            ),
        log:
            "logs/c3/feature_choice/train_agent_{confounding}-{explanations}_ensemble.log",
        benchmark:
            "benchmarks/c3/feature_choice/train_agent_{confounding}-{explanations}_ensemble.tsv"
        wildcard_constraints:
            confounding=C3B_LEVELS,

    ruleorder: feature_choice_c3_train_ensemble > feature_choice_c3_train_agent


use rule c3_active_test as feature_choice_c3_active_test with:
    input:
        code("c3_active_test"),
        model=rules.feature_choice_c3_train_agent.output.model,
        episodes=rules.c3_feature_choice_eval_episodes.output[0],
    output:
        f"{C3B_CONDITION_DIR}/agent_episodes.parquet",
    log:
        "logs/c3/feature_choice/active_test_{confounding}-{explanations}_seed{seed}.log",
    wildcard_constraints:
        confounding=C3B_LEVELS,


use rule c3_baselines as feature_choice_c3_baselines with:
    input:
        code("c3_baselines"),
        episodes=rules.c3_feature_choice_eval_episodes.output[0],
    output:
        f"{C3B_DIR}/seed{{seed}}/baseline_episodes.parquet",
    log:
        "logs/c3/feature_choice/baselines_seed{seed}.log",


C3B_TRAINING_LOGS = labelled(
    f"{C3B_DIR}/{{learner}}/seed{{seed}}/training_log.csv",
    "{learner}",
    learner=C3B_LEARNERS,
    seed=C3_SEEDS,
)


use rule c3_statistics as feature_choice_c3_statistics with:
    input:
        code("c3_statistics"),
        agent=expand(
            f"{C3B_DIR}/{{learner}}/seed{{seed}}/agent_episodes.parquet",
            learner=C3B_LEARNERS,
            seed=C3_SEEDS,
        ),
        baselines=expand(rules.feature_choice_c3_baselines.output[0], seed=C3_SEEDS),
        training_logs=list(C3B_TRAINING_LOGS),
    output:
        episodes=f"{C3B_DIR}/episodes.parquet",
        shares=f"{C3B_DIR}/shares.csv",
        contrasts=f"{C3B_DIR}/contrasts.csv",
        controls=f"{C3B_DIR}/control_contrasts.csv",
        training=f"{C3B_DIR}/training_summary.csv",
    log:
        "logs/c3/feature_choice/statistics.log",
    params:
        log_conditions=C3B_TRAINING_LOGS,
        stats=config["stats"],
        part="feature_choice",
        feature_choice=C3B_CONFIG,


# --- C3a, explanations and learning difficulty (config c3.efficiency) ----------------------------
# The same data, training and test rules at each training-set size of the data-efficiency curve
# (*_c3_* below), on c3.efficiency.confounding's data, tested on C3's test episodes; a size equal to
# c3.data.train_episodes reuses the main learners. The size rule reads their training logs only
# (validation); its statistics: efficiency_c3_statistics.
C3A_CONFIG = config["c3"]["efficiency"]
C3A_DIR = "results/c3/efficiency/size{size}"
C3A_CONDITION_DIR = f"{C3A_DIR}/{{confounding}}-{{explanations}}/seed{{seed}}"


use rule c3_training_data as efficiency_c3_training_data with:
    output:
        train=f"{C3A_DIR}/{{confounding}}/seed{{seed}}/train.safetensors",
        validation=f"{C3A_DIR}/{{confounding}}/seed{{seed}}/validation.safetensors",
    log:
        "logs/c3/efficiency/training_data_size{size}_{confounding}_seed{seed}.log",
    priority: PRIORITY_LONG
    params:
        env=config["c3"]["env"],
        data=lambda w: {**config["c3"]["data"], "train_episodes": int(w.size)},


use rule c3_train_agent as efficiency_c3_train_agent with:
    input:
        code("c3_train_agent"),
        train=rules.efficiency_c3_training_data.output.train,
        validation=rules.efficiency_c3_training_data.output.validation,
    output:
        model=f"{C3A_CONDITION_DIR}/agent.safetensors",
        training_log=f"{C3A_CONDITION_DIR}/training_log.csv",
    log:
        "logs/c3/efficiency/train_agent_size{size}_{confounding}-{explanations}_seed{seed}.log",
    benchmark:
        "benchmarks/c3/efficiency/train_agent_size{size}_{confounding}-{explanations}_seed{seed}.tsv"
    priority: PRIORITY_LONG


if ENSEMBLE:

    use rule c3_train_ensemble as efficiency_c3_train_ensemble with:
        input:
            code("c3_train_ensemble"),
            train=expand(
                rules.efficiency_c3_training_data.output.train,
                seed=C3_SEEDS,
                allow_missing=True,
            ),
            validation=expand(
                rules.efficiency_c3_training_data.output.validation,
                seed=C3_SEEDS,
                allow_missing=True,
            ),
        output:
            model=expand(
                rules.efficiency_c3_train_agent.output.model,
                seed=C3_SEEDS,
                allow_missing=True,
            ),
            training_log=expand(
                rules.efficiency_c3_train_agent.output.training_log,
                seed=C3_SEEDS,
                allow_missing=True,
            ),
        log:
            "logs/c3/efficiency/train_agent_size{size}_{confounding}-{explanations}_ensemble.log",
        benchmark:
            "benchmarks/c3/efficiency/train_agent_size{size}_{confounding}-{explanations}_ensemble.tsv"

    ruleorder: efficiency_c3_train_ensemble > efficiency_c3_train_agent


use rule c3_active_test as efficiency_c3_active_test with:
    input:
        code("c3_active_test"),
        model=rules.efficiency_c3_train_agent.output.model,
        episodes=rules.c3_eval_episodes.output[0],
    output:
        f"{C3A_CONDITION_DIR}/agent_episodes.parquet",
    log:
        "logs/c3/efficiency/active_test_size{size}_{confounding}-{explanations}_seed{seed}.log",


# the (training, test) rules of each size: the main learners' where it is the main training size
C3A_RULES = main_or_derived(
    C3A_CONFIG["train_sizes"],
    lambda size: size == config["c3"]["data"]["train_episodes"]
    and C3A_CONFIG["confounding"] in config["c3"]["confounding"],
    (rules.c3_train_agent, rules.c3_active_test),
    (rules.efficiency_c3_train_agent, rules.efficiency_c3_active_test),
)
C3A_LEARNERS = dict(
    confounding=C3A_CONFIG["confounding"],
    explanations=["with", "without"],
    seed=C3_SEEDS,
)
# every curve learner's test episodes -> its training-set size
C3A_EPISODES = {
    path: size
    for size, (_, test) in C3A_RULES.items()
    for path in expand(test.output[0], size=size, **C3A_LEARNERS)
}
# every curve learner's training log -> its training-set size, and -> its explanations
C3A_LOG_SIZES = {
    path: size
    for size, (train, _) in C3A_RULES.items()
    for path in expand(train.output.training_log, size=size, **C3A_LEARNERS)
}
C3A_LOG_ARMS = {
    path: arm
    for size, (train, _) in C3A_RULES.items()
    for arm in ("with", "without")
    for path in expand(
        train.output.training_log,
        size=size,
        **{**C3A_LEARNERS, "explanations": arm},
    )
}


use rule c3_statistics as efficiency_c3_statistics with:
    input:
        code("c3_statistics"),
        agent=list(C3A_EPISODES),
        baselines=expand(rules.c3_baselines.output[0], seed=C3_SEEDS),
        training_logs=list(C3A_LOG_SIZES),
    output:
        curve="results/c3/efficiency/curve.csv",
        contrasts="results/c3/efficiency/contrasts.csv",
        controls="results/c3/efficiency/control_contrasts.csv",
        validation="results/c3/efficiency/validation.csv",
    log:
        "logs/c3/efficiency/statistics.log",
    params:
        curve_sizes=C3A_EPISODES,
        log_sizes=C3A_LOG_SIZES,
        log_arms=C3A_LOG_ARMS,
        stats=config["stats"],
        part="efficiency",
        efficiency=C3A_CONFIG,
        env=config["c3"]["env"],


wire_claim(
    "c3",
    tables={
        **{
            name: rules.c3_statistics.output[name]
            for name in ("summary", "contrasts", "controls", "training")
        },
        **{
            f"feature_{name}": rules.feature_choice_c3_statistics.output[name]
            for name in ("shares", "contrasts", "controls", "training")
        },
        **{
            f"efficiency_{name}": rules.efficiency_c3_statistics.output[name]
            for name in ("curve", "contrasts", "controls", "validation")
        },
        "training_logs": rules.c3_statistics.input.training_logs,
        "training_logs_feature_choice": rules.feature_choice_c3_statistics.input.training_logs,
        "training_logs_efficiency": rules.efficiency_c3_statistics.input.training_logs,
    },
    params={
        "c3": config["c3"],
        "train": C3_TRAIN,
        "verdicts": config["verdicts"],
    },
    # what its statistics jobs read (a multiverse universe must not change them)
    statistics_keys=[
        "seeds",
        "stats",
        "c3.verdict",
        "c3.confounding",
        "c3.feature_choice",
        "c3.efficiency",
    ],
    # its three statistics jobs (C3, C3b, C3a), for a multiverse universe to rerun
    statistics=[
        dict(
            inputs={
                name: list(rules.c3_statistics.input[name])
                for name in ("agent", "baselines", "training_logs")
            },
            params={
                "log_conditions": C3_TRAINING_LOGS,
                "stats": config["stats"],
                "verdict": rule_choices(config["c3"]["verdict"]),
                "margin": config["c3"]["verdict"]["equivalence_margin"],
            },
            keys={
                "stats": "stats",
                "verdict": "c3.verdict",
                "margin": "c3.verdict.equivalence_margin",
            },
            tables={
                name: name for name in ("summary", "contrasts", "controls", "training")
            },
        ),
        dict(
            inputs={
                name: list(rules.feature_choice_c3_statistics.input[name])
                for name in ("agent", "baselines", "training_logs")
            },
            params={
                "log_conditions": C3B_TRAINING_LOGS,
                "stats": config["stats"],
                "part": "feature_choice",
                "feature_choice": C3B_CONFIG,
            },
            keys={"stats": "stats"},
            tables={
                name: f"feature_{name}" for name in ("shares", "contrasts", "training")
            },
        ),
        dict(
            inputs={
                name: list(rules.efficiency_c3_statistics.input[name])
                for name in ("agent", "baselines", "training_logs")
            },
            params={
                "curve_sizes": C3A_EPISODES,
                "log_sizes": C3A_LOG_SIZES,
                "log_arms": C3A_LOG_ARMS,
                "stats": config["stats"],
                "part": "efficiency",
                "efficiency": C3A_CONFIG,
                "env": config["c3"]["env"],
            },
            keys={"stats": "stats"},
            tables={
                name: f"efficiency_{name}"
                for name in ("curve", "contrasts", "validation")
            },
        ),
    ],
    figures={
        "c3": dict(
            inputs={"summary": rules.c3_statistics.output.summary},
            params=figure_params(C3_PLAN),
            caption=(
                "Experiment 3 (odd-one-out, claim C3): test-trial accuracy and the share of test "
                "choices that follow a non-latent dimension, per training condition and baseline, "
                "on deconfounded test episodes. Means over seeds with 95% hierarchical-bootstrap "
                "CIs (rates: logit-scale t-intervals over seeds); open circles: per-seed means. "
                "From ``results/c3/summary.csv``."
            ),
        ),
        "c3_feature_choice": dict(
            inputs={"shares": rules.feature_choice_c3_statistics.output.shares},
            params={
                "groups": feature_choice_groups(C3B_CONFIG["confounded_dims"]),
                "metrics": [
                    f"follows_{name}" for name in C3B_CONFIG["confounded_dims"]
                ],
                "title": "C3b: share of deconfounded test picks that follow each confounded feature (95% CIs)",
                "run": C3B_RUN,
            },
            caption=(
                "Experiment 3b (claim C3, explanations pick the feature): after perfectly confounded "
                "training, the share of deconfounded test picks that follow each confounded dimension, per "
                "learner group (explanations naming one dimension, the other, or none) and baseline. Means "
                "over seeds with 95% CIs (logit-scale t-intervals over seeds); open circles: per-seed means. "
                f"From ``{C3B_DIR}/shares.csv``."
            ),
        ),
        "c3_efficiency": dict(
            inputs={
                name: rules.efficiency_c3_statistics.output[name]
                for name in ("curve", "contrasts")
            },
            params={
                "title": "C3a: test-trial accuracy by training-set size (95% CIs; open circles: seeds)"
            },
            caption=(
                "Experiment 3a (claim C3, explanations and learning difficulty): test-trial accuracy "
                "on deconfounded test episodes of learners trained with and without explanations on "
                "c3.efficiency.train_sizes episodes per seed (log x; the main learners where a size is "
                "the main training size), beside the expert and random levels (dashed, shaded 95% CI). "
                "Grey bands: the deciding sizes, chosen by the size rule from validation data only. "
                "Means over seeds with 95% hierarchical-bootstrap CIs (logit-scale t-intervals over "
                "seeds); open circles: per-seed means. From ``results/c3/efficiency/curve.csv``."
            ),
        ),
    },
    learning_logs={
        "c3": C3_TRAINING_LOGS,
        "c3_feature_choice": C3B_TRAINING_LOGS,
        "c3_efficiency": {
            path: f"{size:,} episodes, {C3A_LOG_ARMS[path]}"
            for path, size in C3A_LOG_SIZES.items()
        },
    },
    benchmarks=expand(
        "benchmarks/c3/train_agent_{confounding}-{explanations}_{job}.tsv",
        confounding=config["c3"]["confounding"],
        explanations=["with", "without"],
        job=["ensemble"] if ENSEMBLE else [f"seed{seed}" for seed in C3_SEEDS],
    )
    + expand(
        "benchmarks/c3/feature_choice/train_agent_{learner}_{job}.tsv",
        learner=C3B_LEARNERS,
        job=["ensemble"] if ENSEMBLE else [f"seed{seed}" for seed in C3_SEEDS],
    )
    + expand(
        "benchmarks/c3/efficiency/train_agent_size{size}_{confounding}-{explanations}_{job}.tsv",
        size=[
            size
            for size, (train, _) in C3A_RULES.items()
            if train != rules.c3_train_agent
        ],
        confounding=C3A_CONFIG["confounding"],
        explanations=["with", "without"],
        job=["ensemble"] if ENSEMBLE else [f"seed{seed}" for seed in C3_SEEDS],
    ),
)


# --- C3's budget sensitivity (budget.smk; pacs.claims.c3.BUDGET) and its sweep (sweep.smk) -------
# the same training and test at each budget's width: results/budget/c3/<budget>/<condition>/seed<s>/
C3_BUDGET_DIR = (
    f"{BUDGET_DIR}/c3/{{budget}}/{{confounding}}-{{explanations}}/seed{{seed}}"
)


use rule c3_train_agent as budget_c3_train_agent with:
    output:
        model=f"{C3_BUDGET_DIR}/agent.safetensors",
        training_log=f"{C3_BUDGET_DIR}/training_log.csv",
    log:
        "logs/budget/c3/{budget}/train_agent_{confounding}-{explanations}_seed{seed}.log",
    benchmark:
        "benchmarks/budget/c3/{budget}/train_agent_{confounding}-{explanations}_seed{seed}.tsv"
    params:
        model=budget_model_params("c3"),


if ENSEMBLE:

    # a budget's seeds of one condition in one job (config key ensemble; c3_train_ensemble)
    use rule c3_train_ensemble as budget_c3_train_ensemble with:
        output:
            model=expand(
                rules.budget_c3_train_agent.output.model,
                seed=C3_SEEDS,
                allow_missing=True,
            ),
            training_log=expand(
                rules.budget_c3_train_agent.output.training_log,
                seed=C3_SEEDS,
                allow_missing=True,
            ),
        log:
            "logs/budget/c3/{budget}/train_agent_{confounding}-{explanations}_ensemble.log",
        benchmark:
            "benchmarks/budget/c3/{budget}/train_agent_{confounding}-{explanations}_ensemble.tsv"
        params:
            model=budget_model_params("c3"),

    ruleorder: budget_c3_train_ensemble > budget_c3_train_agent


use rule c3_active_test as budget_c3_active_test with:
    input:
        code("c3_active_test"),
        model=rules.budget_c3_train_agent.output.model,
        episodes=rules.c3_eval_episodes.output[0],
    output:
        f"{C3_BUDGET_DIR}/agent_episodes.parquet",
    log:
        "logs/budget/c3/{budget}/active_test_{confounding}-{explanations}_seed{seed}.log",


# C3's budget verdict reads its agents trained deconfounded, with and without explanations
# (pacs.claims.c3.BUDGET_CONFOUNDING; the main ones at multiplier 1), and no baselines
wire_budget(
    "c3",
    main=(rules.c3_train_agent, rules.c3_active_test),
    derived=(rules.budget_c3_train_agent, rules.budget_c3_active_test),
    learners=dict(
        confounding=BUDGET_CONFOUNDING, explanations=["with", "without"], seed=C3_SEEDS
    ),
    baselines=[],
)


# one grid point of the sweep: the agent of one condition at its lr, width and dropout (one seed)
use rule c3_train_agent as sweep_c3_train_agent with:
    output:
        model=f"{SWEEP_POINT}/{{confounding}}-{{explanations}}/seed{{seed}}/agent.safetensors",
        training_log=f"{SWEEP_POINT}/{{confounding}}-{{explanations}}/seed{{seed}}/training_log.csv",
    log:
        f"logs/{SWEEP_LOG}/train_agent_{{confounding}}-{{explanations}}_seed{{seed}}.log",
    benchmark:
        f"benchmarks/{SWEEP_LOG}/train_agent_{{confounding}}-{{explanations}}_seed{{seed}}.tsv"
    wildcard_constraints:
        experiment="c3",
    params:
        model=sweep_model_params("c3"),
        train=sweep_train_params(C3_TRAIN),


wire_sweep(
    "c3",
    train=C3_TRAIN,
    main_learner=(
        rules.c3_train_agent,
        dict(confounding="deconfounded", explanations="with"),
    ),
    sweep_rule=rules.sweep_c3_train_agent,
    scripts=["c3_training_data", "c3_train_agent", "c3_train_ensemble"],
    data={
        "env": config["c3"]["env"],
        "data": config["c3"]["data"],
        "explanation_weight": config["c3"]["explanation_weight"],
    },
)
