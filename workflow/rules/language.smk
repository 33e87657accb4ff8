# Experiment 4 (claim C4): language models running causal experimentation
# strategies on Experiment 1's episodes written as text.
#   (a) pipeline LM: corpus -> next-token training -> closed-loop test
#   (b) pretrained LM: few-shot prompt -> closed-loop test by option scores
# Baselines act on the same test episodes.

LM_DIR = "results/lm/seed{seed}"
PRETRAINED = config["lm"]["pretrained"]
PIPELINE_TRAIN = {**config["train"], **config["lm"]["pipeline"]["train"]}
PIPELINE_MODEL = {**config["model"], **config["lm"]["pipeline"]["model"]}


wildcard_constraints:
    explanations="with|without",
    shots=r"\d+",


rule lm_corpus:
    input:
        code("lm_corpus"),
    output:
        train=f"{LM_DIR}/corpus_{{explanations}}.txt",
        in_distribution=f"{LM_DIR}/validation_in_distribution_{{explanations}}.txt",
        held_out=f"{LM_DIR}/validation_held_out_{{explanations}}.txt",
    log:
        "logs/lm/corpus_{explanations}_seed{seed}.log",
    conda:
        SOFTWARE
    resources:
        **job_resources("light"),
    params:
        env=config["dag"]["env"],
        splits=config["lm"]["splits"],
        pipeline=config["lm"]["pipeline"],
        text=config["lm"]["text"],
    script:
        "../scripts/lm_corpus.py"


rule lm_train:
    input:
        code("lm_train"),
        train=rules.lm_corpus.output.train,
        in_distribution=rules.lm_corpus.output.in_distribution,
        held_out=rules.lm_corpus.output.held_out,
    output:
        model=f"{LM_DIR}/pipeline_lm_{{explanations}}.safetensors",
        training_log=f"{LM_DIR}/training_log_{{explanations}}.csv",
    log:
        "logs/lm/train_{explanations}_seed{seed}.log",
    benchmark:
        "benchmarks/lm/train_{explanations}_seed{seed}.tsv"
    conda:
        SOFTWARE
    threads: config["threads_per_job"]
    resources:
        **job_resources("model"),
    params:
        model=PIPELINE_MODEL,
        train=PIPELINE_TRAIN,
        device=config["device"],
    script:
        "../scripts/lm_train.py"


rule lm_eval_episodes:
    input:
        code("lm_eval_episodes"),
    output:
        f"{LM_DIR}/eval_episodes.safetensors",
    log:
        "logs/lm/eval_episodes_seed{seed}.log",
    conda:
        SOFTWARE
    resources:
        **job_resources("light"),
    params:
        env=config["dag"]["env"],
        splits=config["lm"]["splits"],
        eval=config["lm"]["eval"],
    script:
        "../scripts/lm_eval_episodes.py"


rule lm_pipeline_test:
    input:
        code("lm_pipeline_test"),
        model=rules.lm_train.output.model,
        episodes=rules.lm_eval_episodes.output[0],
    output:
        episodes=f"{LM_DIR}/pipeline_lm_{{explanations}}_episodes.parquet",
        transcripts=f"{LM_DIR}/pipeline_lm_{{explanations}}_transcripts.txt",
    log:
        "logs/lm/pipeline_test_{explanations}_seed{seed}.log",
    benchmark:
        "benchmarks/lm/pipeline_test_{explanations}_seed{seed}.tsv"
    conda:
        SOFTWARE
    threads: config["threads_per_job"]
    resources:
        **job_resources("model"),
    params:
        env=config["dag"]["env"],
        splits=config["lm"]["splits"],
        text=config["lm"]["text"],
        episodes_per_split=config["lm"]["eval"]["episodes_per_split"],
        device=config["device"],
    script:
        "../scripts/lm_pipeline_test.py"


rule lm_materialize_smollm2:
    input:
        code("lm_materialize_smollm2"),
    output:
        directory("results/models/smollm2"),
    log:
        "logs/lm/materialize_smollm2.log",
    benchmark:
        "benchmarks/lm/materialize_smollm2.tsv"
    conda:
        SOFTWARE
    resources:
        **job_resources("light"),
    script:
        "../scripts/lm_materialize_smollm2.py"


rule lm_pretrained_test:
    input:
        code("lm_pretrained_test"),
        model=pretrained_model_dir,
        episodes=rules.lm_eval_episodes.output[0],
    output:
        episodes=f"{LM_DIR}/pretrained_{{shots}}shot_{{explanations}}_episodes.parquet",
        transcripts=f"{LM_DIR}/pretrained_{{shots}}shot_{{explanations}}_transcripts.txt",
    log:
        "logs/lm/pretrained_test_{shots}shot_{explanations}_seed{seed}.log",
    benchmark:
        "benchmarks/lm/pretrained_test_{shots}shot_{explanations}_seed{seed}.tsv"
    conda:
        SOFTWARE
    threads: config["threads_per_job"]
    resources:
        **job_resources("model"),
    params:
        env=config["dag"]["env"],
        splits=config["lm"]["splits"],
        text=config["lm"]["text"],
        model_name=PRETRAINED["model"],
        episodes_per_split=PRETRAINED["episodes_per_split"],
        device=config["device"],
    script:
        "../scripts/lm_pretrained_test.py"


rule lm_baselines:
    input:
        code("lm_baselines"),
        episodes=rules.lm_eval_episodes.output[0],
    output:
        f"{LM_DIR}/baseline_episodes.parquet",
    log:
        "logs/lm/baselines_seed{seed}.log",
    conda:
        SOFTWARE
    resources:
        **job_resources("light"),
    params:
        env=config["dag"]["env"],
        splits=config["lm"]["splits"],
        episodes_per_split=config["lm"]["eval"]["episodes_per_split"],
    script:
        "../scripts/lm_baselines.py"


# every pipeline LM's training log, labelled with its explanations (with, without)
LM_TRAINING_LOGS = labelled(
    rules.lm_train.output.training_log,
    "{explanations}",
    seed=SEEDS,
    explanations=["with", "without"],
)


rule lm_statistics:
    input:
        code("lm_statistics"),
        pipeline=expand(
            rules.lm_pipeline_test.output.episodes,
            seed=SEEDS,
            explanations=["with", "without"],
        ),
        pretrained=expand(
            rules.lm_pretrained_test.output.episodes,
            seed=PRETRAINED["prompt_seeds"],
            shots=PRETRAINED["shots"],
            explanations=["with", "without"],
        ),
        baselines=expand(rules.lm_baselines.output[0], seed=SEEDS),
        training_logs=list(LM_TRAINING_LOGS),
    output:
        episodes="results/lm/episodes.parquet",
        summary="results/lm/summary.csv",
        contrasts="results/lm/contrasts.csv",
        explanation_contrasts="results/lm/explanation_contrasts.csv",
        training="results/lm/training_summary.csv",
    log:
        "logs/lm/statistics.log",
    benchmark:
        "benchmarks/lm/statistics.tsv"
    conda:
        SOFTWARE
    resources:
        **job_resources("light"),
    params:
        log_conditions=LM_TRAINING_LOGS,
        stats=config["stats"],
        shots=PRETRAINED["shots"],
        splits=config["lm"]["splits"],
        model_name=PRETRAINED["model"],
    script:
        "../scripts/lm_statistics.py"


wire_claim(
    "c4",
    tables={
        **{
            name: rules.lm_statistics.output[name]
            for name in ("summary", "contrasts", "explanation_contrasts", "training")
        },
        "training_logs": rules.lm_statistics.input.training_logs,
    },
    params={
        "lm": config["lm"],
        "model": PIPELINE_MODEL,
        "train": PIPELINE_TRAIN,
        "verdicts": config["verdicts"],
    },
    figures={
        "c4": dict(
            inputs={"summary": rules.lm_statistics.output.summary},
            params={
                "shots": PRETRAINED["shots"],
                "splits": config["lm"]["splits"],
                "model_name": PRETRAINED["model"],
            },
            caption=(
                "Experiment 4 (language models, claim C4): reward/optimal, optimal-choice rate and "
                "tests run by the pipeline LM (trained by next-token prediction, with or without "
                "explanations), the prompted pretrained LM, and the baselines, on the same test "
                "episodes. Means over seeds with 95% hierarchical-bootstrap CIs (rates: logit-scale "
                "t-intervals over seeds); open circles: per-seed means. From ``results/lm/summary.csv``."
            ),
        )
    },
    learning_logs={"c4": LM_TRAINING_LOGS},
    benchmarks=expand(
        "benchmarks/lm/{stage}_{explanations}_seed{seed}.tsv",
        stage=["train", "pipeline_test"],
        explanations=["with", "without"],
        seed=SEEDS,
    )
    + expand(
        "benchmarks/lm/pretrained_test_{shots}shot_{explanations}_seed{seed}.tsv",
        shots=PRETRAINED["shots"],
        explanations=["with", "without"],
        seed=PRETRAINED["prompt_seeds"],
    )
    + (
        ["benchmarks/lm/materialize_smollm2.tsv"]
        if "smollm2" in (PRETRAINED["model"], config["probes"]["pretrained"]["model"])
        else []
    ),
)
