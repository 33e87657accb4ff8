# Experiment 1 (claim C1): the causal-DAG environment.
# data -> passive training -> active test of the agent; baselines on the same episodes.

DAG_SEED_DIR = "results/dag/seed{seed}"


rule dag_training_data:
    input:
        sources(
            "envs/causal_dag.py", "envs/dag_task.py", "data.py", "experiments/dag.py"
        ),
    output:
        train=f"{DAG_SEED_DIR}/train.safetensors",
        val_in_distribution=f"{DAG_SEED_DIR}/val_in_distribution.safetensors",
        val_held_out=f"{DAG_SEED_DIR}/val_held_out.safetensors",
    log:
        "logs/dag/training_data_seed{seed}.log",
    benchmark:
        "benchmarks/dag/training_data_seed{seed}.tsv"
    conda:
        SOFTWARE
    params:
        env=config["dag"]["env"],
        data=config["dag"]["data"],
    script:
        "../scripts/dag_training_data.py"


rule dag_eval_episodes:
    input:
        sources("envs/causal_dag.py", "data.py", "experiments/dag.py"),
    output:
        f"{DAG_SEED_DIR}/eval_episodes.safetensors",
    log:
        "logs/dag/eval_episodes_seed{seed}.log",
    conda:
        SOFTWARE
    params:
        env=config["dag"]["env"],
        eval=config["dag"]["eval"],
    script:
        "../scripts/dag_eval_episodes.py"


rule dag_train_agent:
    input:
        sources("models/transformer.py", "train.py", "data.py", "experiments/dag.py"),
        train=rules.dag_training_data.output.train,
        val_in_distribution=rules.dag_training_data.output.val_in_distribution,
        val_held_out=rules.dag_training_data.output.val_held_out,
    output:
        model=f"{DAG_SEED_DIR}/agent.safetensors",
        training_log=f"{DAG_SEED_DIR}/training_log.csv",
    log:
        "logs/dag/train_agent_seed{seed}.log",
    benchmark:
        "benchmarks/dag/train_agent_seed{seed}.tsv"
    conda:
        SOFTWARE
    threads: config["threads_per_job"]
    params:
        env=config["dag"]["env"],
        model=config["model"],
        train=config["train"],
        device=config["device"],
    script:
        "../scripts/dag_train_agent.py"


rule dag_active_test:
    input:
        sources(
            "rollout.py",
            "envs/dag_task.py",
            "envs/causal_dag.py",
            "tables.py",
            "experiments/dag.py",
        ),
        model=rules.dag_train_agent.output.model,
        episodes=rules.dag_eval_episodes.output[0],
    output:
        f"{DAG_SEED_DIR}/agent_episodes.parquet",
    log:
        "logs/dag/active_test_seed{seed}.log",
    benchmark:
        "benchmarks/dag/active_test_seed{seed}.tsv"
    conda:
        SOFTWARE
    threads: config["threads_per_job"]
    params:
        env=config["dag"]["env"],
        device=config["device"],
    script:
        "../scripts/dag_active_test.py"


rule dag_baselines:
    input:
        sources(
            "baselines.py",
            "envs/dag_task.py",
            "envs/causal_dag.py",
            "tables.py",
            "experiments/dag.py",
        ),
        episodes=rules.dag_eval_episodes.output[0],
        train=rules.dag_training_data.output.train,
    output:
        f"{DAG_SEED_DIR}/baseline_episodes.parquet",
    log:
        "logs/dag/baselines_seed{seed}.log",
    conda:
        SOFTWARE
    params:
        env=config["dag"]["env"],
    script:
        "../scripts/dag_baselines.py"
