# Experiment 4 (claim C4): language models running causal experimentation
# strategies on Experiment 1's episodes written as text.
#   (a) pipeline LM: corpus -> next-token training -> closed-loop test
#   (b) pretrained LM: few-shot prompt -> closed-loop test by option scores
# Baselines act on the same test episodes.

C4_SEED_DIR = "results/c4/seed{seed}"
C4_PRETRAINED = config["c4"]["pretrained"]
C4_TRAIN = {**config["train"], **config["c4"]["pipeline"]["train"]}
C4_MODEL = claim_model(config, "c4")  # the shared model with c4.pipeline.model


wildcard_constraints:
    explanations="with|without",
    shots=r"\d+",


rule c4_corpus:
    input:
        code("c4_corpus"),
    output:
        train=f"{C4_SEED_DIR}/corpus_{{explanations}}.txt",
        in_distribution=f"{C4_SEED_DIR}/validation_in_distribution_{{explanations}}.txt",
        held_out=f"{C4_SEED_DIR}/validation_held_out_{{explanations}}.txt",
    log:
        "logs/c4/corpus_{explanations}_seed{seed}.log",
    conda:
        SOFTWARE
    resources:
        **job_resources("light"),
    params:
        env=config["c1"]["env"],
        splits=config["c4"]["splits"],
        pipeline=config["c4"]["pipeline"],
        text=config["c4"]["text"],
    script:
        "../scripts/c4_corpus.py"


rule c4_train:
    input:
        code("c4_train"),
        train=rules.c4_corpus.output.train,
        in_distribution=rules.c4_corpus.output.in_distribution,
        held_out=rules.c4_corpus.output.held_out,
    output:
        model=f"{C4_SEED_DIR}/pipeline_lm_{{explanations}}.safetensors",
        training_log=f"{C4_SEED_DIR}/training_log_{{explanations}}.csv",
    log:
        "logs/c4/train_{explanations}_seed{seed}.log",
    benchmark:
        "benchmarks/c4/train_{explanations}_seed{seed}.tsv"
    conda:
        SOFTWARE
    threads: config["threads_per_job"]
    resources:
        **job_resources("model"),
    params:
        model=C4_MODEL,
        train=C4_TRAIN,
        device=config["device"],
    script:
        "../scripts/c4_train.py"


rule c4_eval_episodes:
    input:
        code("c4_eval_episodes"),
    output:
        f"{C4_SEED_DIR}/eval_episodes.safetensors",
    log:
        "logs/c4/eval_episodes_seed{seed}.log",
    conda:
        SOFTWARE
    resources:
        **job_resources("light"),
    params:
        env=config["c1"]["env"],
        splits=config["c4"]["splits"],
        eval=config["c4"]["eval"],
    script:
        "../scripts/c4_eval_episodes.py"


rule c4_pipeline_test:
    input:
        code("c4_pipeline_test"),
        model=rules.c4_train.output.model,
        episodes=rules.c4_eval_episodes.output[0],
    output:
        episodes=f"{C4_SEED_DIR}/pipeline_lm_{{explanations}}_episodes.parquet",
        transcripts=f"{C4_SEED_DIR}/pipeline_lm_{{explanations}}_transcripts.txt",
    log:
        "logs/c4/pipeline_test_{explanations}_seed{seed}.log",
    benchmark:
        "benchmarks/c4/pipeline_test_{explanations}_seed{seed}.tsv"
    conda:
        SOFTWARE
    threads: config["threads_per_job"]
    resources:
        **job_resources("model"),
    params:
        env=config["c1"]["env"],
        splits=config["c4"]["splits"],
        text=config["c4"]["text"],
        episodes_per_split=config["c4"]["eval"]["episodes_per_split"],
        device=config["device"],
    script:
        "../scripts/c4_pipeline_test.py"


rule c4_materialize_smollm2:
    input:
        code("c4_materialize_smollm2"),
    output:
        directory("results/models/smollm2"),
    log:
        "logs/c4/materialize_smollm2.log",
    benchmark:
        "benchmarks/c4/materialize_smollm2.tsv"
    conda:
        SOFTWARE
    resources:
        **job_resources("light"),
    script:
        "../scripts/c4_materialize_smollm2.py"


rule c4_pretrained_test:
    input:
        code("c4_pretrained_test"),
        model=pretrained_model_dir,
        episodes=rules.c4_eval_episodes.output[0],
    output:
        episodes=f"{C4_SEED_DIR}/pretrained_{{shots}}shot_{{explanations}}_episodes.parquet",
        transcripts=f"{C4_SEED_DIR}/pretrained_{{shots}}shot_{{explanations}}_transcripts.txt",
    log:
        "logs/c4/pretrained_test_{shots}shot_{explanations}_seed{seed}.log",
    benchmark:
        "benchmarks/c4/pretrained_test_{shots}shot_{explanations}_seed{seed}.tsv"
    conda:
        SOFTWARE
    threads: config["threads_per_job"]
    resources:
        **job_resources("model"),
    params:
        env=config["c1"]["env"],
        splits=config["c4"]["splits"],
        text=config["c4"]["text"],
        model_name=C4_PRETRAINED["model"],
        episodes_per_split=C4_PRETRAINED["episodes_per_split"],
        device=config["device"],
    script:
        "../scripts/c4_pretrained_test.py"


rule c4_baselines:
    input:
        code("c4_baselines"),
        episodes=rules.c4_eval_episodes.output[0],
    output:
        f"{C4_SEED_DIR}/baseline_episodes.parquet",
    log:
        "logs/c4/baselines_seed{seed}.log",
    conda:
        SOFTWARE
    resources:
        **job_resources("light"),
    params:
        env=config["c1"]["env"],
        splits=config["c4"]["splits"],
        episodes_per_split=config["c4"]["eval"]["episodes_per_split"],
    script:
        "../scripts/c4_baselines.py"


# every pipeline LM's training log, labelled with its explanations (with, without)
C4_TRAINING_LOGS = labelled(
    rules.c4_train.output.training_log,
    "{explanations}",
    seed=SEEDS,
    explanations=["with", "without"],
)


rule c4_statistics:
    input:
        code("c4_statistics"),
        pipeline=expand(
            rules.c4_pipeline_test.output.episodes,
            seed=SEEDS,
            explanations=["with", "without"],
        ),
        pretrained=expand(
            rules.c4_pretrained_test.output.episodes,
            seed=C4_PRETRAINED["prompt_seeds"],
            shots=C4_PRETRAINED["shots"],
            explanations=["with", "without"],
        ),
        baselines=expand(rules.c4_baselines.output[0], seed=SEEDS),
        training_logs=list(C4_TRAINING_LOGS),
    output:
        episodes="results/c4/episodes.parquet",
        summary="results/c4/summary.csv",
        contrasts="results/c4/contrasts.csv",
        explanation_contrasts="results/c4/explanation_contrasts.csv",
        controls="results/c4/control_contrasts.csv",
        explanation_controls="results/c4/explanation_control_contrasts.csv",
        training="results/c4/training_summary.csv",
    log:
        "logs/c4/statistics.log",
    benchmark:
        "benchmarks/c4/statistics.tsv"
    conda:
        SOFTWARE
    resources:
        **job_resources("light"),
    params:
        log_conditions=C4_TRAINING_LOGS,
        stats=config["stats"],
        shots=C4_PRETRAINED["shots"],
        splits=config["c4"]["splits"],
        model_name=C4_PRETRAINED["model"],
        verdict=config["c4"]["verdict"],
        margin=config["verdicts"]["c4_equivalence_margin"],
    script:
        "../scripts/c4_statistics.py"


wire_claim(
    "c4",
    tables={
        **{
            name: rules.c4_statistics.output[name]
            for name in (
                "summary",
                "contrasts",
                "explanation_contrasts",
                "controls",
                "explanation_controls",
                "training",
            )
        },
        "training_logs": rules.c4_statistics.input.training_logs,
    },
    params={
        "c4": config["c4"],
        "model": C4_MODEL,
        "train": C4_TRAIN,
        "verdicts": config["verdicts"],
    },
    figures={
        "c4": dict(
            inputs={"summary": rules.c4_statistics.output.summary},
            params={
                "shots": C4_PRETRAINED["shots"],
                "splits": config["c4"]["splits"],
                "model_name": C4_PRETRAINED["model"],
            },
            caption=(
                "Experiment 4 (language models, claim C4): reward/optimal, optimal-choice rate and "
                "tests run by the pipeline LM (trained by next-token prediction, with or without "
                "explanations), the prompted pretrained LM, and the baselines, on the same test "
                "episodes. Means over seeds with 95% hierarchical-bootstrap CIs (rates: logit-scale "
                "t-intervals over seeds); open circles: per-seed means. From ``results/c4/summary.csv``."
            ),
        )
    },
    learning_logs={"c4": C4_TRAINING_LOGS},
    benchmarks=expand(
        "benchmarks/c4/{stage}_{explanations}_seed{seed}.tsv",
        stage=["train", "pipeline_test"],
        explanations=["with", "without"],
        seed=SEEDS,
    )
    + expand(
        "benchmarks/c4/pretrained_test_{shots}shot_{explanations}_seed{seed}.tsv",
        shots=C4_PRETRAINED["shots"],
        explanations=["with", "without"],
        seed=C4_PRETRAINED["prompt_seeds"],
    )
    + (
        ["benchmarks/c4/materialize_smollm2.tsv"]
        if "smollm2" in (C4_PRETRAINED["model"], config["c5"]["pretrained"]["model"])
        else []
    ),
)
