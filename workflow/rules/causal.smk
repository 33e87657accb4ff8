# Experiments on the causal-DAG environment, one set of rules for both:
#   experiment "dag"  : Experiment 1 (C1), held-out causal links
#   experiment "cued" : Experiment 2 (C2), relevance cues over variable subsets
# data -> passive training -> active test of the agent; baselines on the same episodes.

SEED_DIR = "results/{experiment}/seed{seed}"


wildcard_constraints:
    experiment="dag|cued",
    seed=r"\d+",


rule causal_training_data:
    input:
        code("causal_training_data"),
    output:
        train=f"{SEED_DIR}/train.safetensors",
        validation=f"{SEED_DIR}/validation.safetensors",
    log:
        "logs/{experiment}/training_data_seed{seed}.log",
    benchmark:
        "benchmarks/{experiment}/training_data_seed{seed}.tsv"
    conda:
        SOFTWARE
    resources:
        **job_resources("light"),
    params:
        design=design_params,
        data=lambda w: config[w.experiment]["data"],
    script:
        "../scripts/causal_training_data.py"


rule causal_eval_episodes:
    input:
        code("causal_eval_episodes"),
    output:
        f"{SEED_DIR}/eval_episodes.safetensors",
    log:
        "logs/{experiment}/eval_episodes_seed{seed}.log",
    conda:
        SOFTWARE
    resources:
        **job_resources("light"),
    params:
        design=design_params,
        eval=lambda w: config[w.experiment]["eval"],
    script:
        "../scripts/causal_eval_episodes.py"


rule causal_train_agent:
    input:
        code("causal_train_agent"),
        train=rules.causal_training_data.output.train,
        validation=rules.causal_training_data.output.validation,
    output:
        model=f"{SEED_DIR}/agent.safetensors",
        training_log=f"{SEED_DIR}/training_log.csv",
    log:
        "logs/{experiment}/train_agent_seed{seed}.log",
    benchmark:
        "benchmarks/{experiment}/train_agent_seed{seed}.tsv"
    conda:
        SOFTWARE
    threads: config["threads_per_job"]
    resources:
        **job_resources("model"),
    params:
        design=design_params,
        model=config["model"],
        train=config["train"],
        device=config["device"],
    script:
        "../scripts/causal_train_agent.py"


rule causal_active_test:
    input:
        code("causal_active_test"),
        model=rules.causal_train_agent.output.model,
        episodes=rules.causal_eval_episodes.output[0],
    output:
        f"{SEED_DIR}/agent_episodes.parquet",
    log:
        "logs/{experiment}/active_test_seed{seed}.log",
    benchmark:
        "benchmarks/{experiment}/active_test_seed{seed}.tsv"
    conda:
        SOFTWARE
    threads: config["threads_per_job"]
    resources:
        **job_resources("model"),
    params:
        design=design_params,
        device=config["device"],
    script:
        "../scripts/causal_active_test.py"


rule causal_baselines:
    input:
        code("causal_baselines"),
        episodes=rules.causal_eval_episodes.output[0],
        train=rules.causal_training_data.output.train,
    output:
        f"{SEED_DIR}/baseline_episodes.parquet",
    log:
        "logs/{experiment}/baselines_seed{seed}.log",
    conda:
        SOFTWARE
    resources:
        **job_resources("light"),
    params:
        design=design_params,
    script:
        "../scripts/causal_baselines.py"
