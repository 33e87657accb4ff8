# Experiment 4 (claim C4): language models running causal experimentation
# strategies on Experiment 1's episodes written as text.
#   (a) pipeline LM: corpus -> next-token training -> closed-loop test
#   (b) pretrained LM: few-shot prompt -> closed-loop test by option scores
# Baselines and the positive control of the text pipeline (the expert acting through
# the text, c4_expert_replay) act on the same test episodes. A corpus-size curve
# (c4.corpus_sizes) trains the pipeline LM with explanations on corpora of each size
# by the same rules (c4_*_sized), reusing the main LM where a size is the main corpus's.
# Where c4.pipeline.enabled is false (a preset that leaves it to the extended tier), no
# pipeline LM job is planned: the statistics read none, and its verdict rows read "not run
# at this preset"; the rules stay defined (the sweep, make tune, trains pipeline LMs).

from pacs.claims.c4 import corpus_figure_params as c4_corpus_figure_params
from pacs.claims.c4 import figure_params as c4_figure_params

C4_SEED_DIR = "results/c4/seed{seed}"
C4_SEEDS = claim_seeds(config, "c4")  # config c4.seeds, else the global seeds
C4_PRETRAINED = config["c4"]["pretrained"]
C4_TRAIN = {**config["train"], **config["c4"]["pipeline"]["train"]}
C4_PIPELINE_RUN = config["c4"]["pipeline"]["enabled"]
# what defines the pipeline LM's corpora (the switch above is no part of them)
C4_PIPELINE = {
    key: value for key, value in config["c4"]["pipeline"].items() if key != "enabled"
}
C4_MODEL = claim_model(config, "c4")  # the shared model with c4.pipeline.model
C4_CORPUS_DIR = "results/c4/corpus{size}/seed{seed}"  # the corpus-size curve's LMs


wildcard_constraints:
    explanations="with|without",
    shots=r"\d+",
    size=r"\d+",


rule c4_corpus:
    input:
        code("c4_corpus"),
    output:
        train=f"{C4_SEED_DIR}/corpus_{{explanations}}.txt",
        in_distribution=f"{C4_SEED_DIR}/validation_in_distribution_{{explanations}}.txt",
        held_out=f"{C4_SEED_DIR}/validation_held_out_{{explanations}}.txt",
    log:
        "logs/c4/corpus_{explanations}_seed{seed}.log",
    priority: PRIORITY_LONG
    conda:
        SOFTWARE
    resources:
        **job_resources("light"),
    params:
        env=config["c1"]["env"],
        splits=config["c4"]["splits"],
        pipeline=C4_PIPELINE,
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
    priority: PRIORITY_LONG
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


rule c4_expert_replay:
    input:
        code("c4_expert_replay"),
        episodes=rules.c4_eval_episodes.output[0],
    output:
        episodes=f"{C4_SEED_DIR}/expert_replay_episodes.parquet",
        transcripts=f"{C4_SEED_DIR}/expert_replay_transcripts.txt",
    log:
        "logs/c4/expert_replay_seed{seed}.log",
    conda:
        SOFTWARE
    resources:
        **job_resources("light"),
    params:
        env=config["c1"]["env"],
        splits=config["c4"]["splits"],
        text=config["c4"]["text"],
        episodes_per_split=config["c4"]["eval"]["episodes_per_split"],
    script:
        "../scripts/c4_expert_replay.py"


# --- the corpus-size curve: the same corpus, training and test rules at other sizes ---


use rule c4_corpus as c4_corpus_sized with:
    output:
        train=f"{C4_CORPUS_DIR}/corpus_{{explanations}}.txt",
        in_distribution=f"{C4_CORPUS_DIR}/validation_in_distribution_{{explanations}}.txt",
        held_out=f"{C4_CORPUS_DIR}/validation_held_out_{{explanations}}.txt",
    log:
        "logs/c4/corpus{size}_{explanations}_seed{seed}.log",
    params:
        env=config["c1"]["env"],
        splits=config["c4"]["splits"],
        pipeline=lambda w: {**C4_PIPELINE, "train_episodes": int(w.size)},
        text=config["c4"]["text"],


use rule c4_train as c4_train_sized with:
    input:
        code("c4_train"),
        train=rules.c4_corpus_sized.output.train,
        in_distribution=rules.c4_corpus_sized.output.in_distribution,
        held_out=rules.c4_corpus_sized.output.held_out,
    output:
        model=f"{C4_CORPUS_DIR}/pipeline_lm_{{explanations}}.safetensors",
        training_log=f"{C4_CORPUS_DIR}/training_log_{{explanations}}.csv",
    log:
        "logs/c4/train_corpus{size}_{explanations}_seed{seed}.log",
    benchmark:
        "benchmarks/c4/train_corpus{size}_{explanations}_seed{seed}.tsv"


use rule c4_pipeline_test as c4_pipeline_test_sized with:
    input:
        code("c4_pipeline_test"),
        model=rules.c4_train_sized.output.model,
        episodes=rules.c4_eval_episodes.output[0],
    output:
        episodes=f"{C4_CORPUS_DIR}/pipeline_lm_{{explanations}}_episodes.parquet",
        transcripts=f"{C4_CORPUS_DIR}/pipeline_lm_{{explanations}}_transcripts.txt",
    log:
        "logs/c4/pipeline_test_corpus{size}_{explanations}_seed{seed}.log",
    benchmark:
        "benchmarks/c4/pipeline_test_corpus{size}_{explanations}_seed{seed}.tsv"


# the (training, test) rules of each curve size: the main LM's where it is the main corpus size
# (none where the pipeline LM is not run at this preset)
C4_CURVE_RULES = main_or_derived(
    config["c4"]["corpus_sizes"] if C4_PIPELINE_RUN else [],
    lambda size: size == config["c4"]["pipeline"]["train_episodes"],
    (rules.c4_train, rules.c4_pipeline_test),
    (rules.c4_train_sized, rules.c4_pipeline_test_sized),
)
# every curve LM's test episodes -> its corpus size (the curve uses the LM with explanations)
C4_CURVE = {
    path: size
    for size, (_, test) in C4_CURVE_RULES.items()
    for path in expand(
        test.output.episodes, size=size, seed=C4_SEEDS, explanations="with"
    )
}
# every curve LM's training log -> its corpus size, for its learning curves (the main LM's included)
C4_CURVE_LOGS = {
    path: f"{size} episodes"
    for size, (train, _) in C4_CURVE_RULES.items()
    for path in expand(
        train.output.training_log, size=size, seed=C4_SEEDS, explanations="with"
    )
}


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
    priority: PRIORITY_MODEL
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


# every pipeline LM's training log, labelled with its explanations (with, without); and its
# test episodes (none where it is not run at this preset)
C4_TRAINING_LOGS = (
    labelled(
        rules.c4_train.output.training_log,
        "{explanations}",
        seed=C4_SEEDS,
        explanations=["with", "without"],
    )
    if C4_PIPELINE_RUN
    else {}
)
C4_PIPELINE_EPISODES = (
    expand(
        rules.c4_pipeline_test.output.episodes,
        seed=C4_SEEDS,
        explanations=["with", "without"],
    )
    if C4_PIPELINE_RUN
    else []
)


rule c4_statistics:
    input:
        code("c4_statistics"),
        pipeline=C4_PIPELINE_EPISODES,
        pretrained=expand(
            rules.c4_pretrained_test.output.episodes,
            seed=C4_PRETRAINED["prompt_seeds"],
            shots=C4_PRETRAINED["shots"],
            explanations=["with", "without"],
        ),
        baselines=expand(rules.c4_baselines.output[0], seed=C4_SEEDS),
        replay=expand(rules.c4_expert_replay.output.episodes, seed=C4_SEEDS),
        corpus_curve=list(C4_CURVE),
        training_logs=list(C4_TRAINING_LOGS),
    output:
        episodes="results/c4/episodes.parquet",
        summary="results/c4/summary.csv",
        contrasts="results/c4/contrasts.csv",
        explanation_contrasts="results/c4/explanation_contrasts.csv",
        controls="results/c4/control_contrasts.csv",
        explanation_controls="results/c4/explanation_control_contrasts.csv",
        training="results/c4/training_summary.csv",
        replay="results/c4/expert_replay_contrasts.csv",
        corpus_curve="results/c4/corpus_curve.csv",
    log:
        "logs/c4/statistics.log",
    benchmark:
        "benchmarks/c4/statistics.tsv"
    conda:
        SOFTWARE
    resources:
        **job_resources("light"),
    params:
        pipeline_enabled=C4_PIPELINE_RUN,
        log_conditions=C4_TRAINING_LOGS,
        curve_sizes=C4_CURVE,
        stats=config["stats"],
        shots=C4_PRETRAINED["shots"],
        splits=config["c4"]["splits"],
        model_name=C4_PRETRAINED["model"],
        verdict=rule_choices(config["c4"]["verdict"]),
        margin=config["c4"]["verdict"]["equivalence_margin"],
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
                "replay",
                "corpus_curve",
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
    # what its statistics jobs read (a multiverse universe must not change them)
    statistics_keys=[
        "seeds",
        "stats",
        "c4.pretrained",
        "c4.splits",
        "c4.pipeline.enabled",
        *verdict_choice_keys("c4"),
        "c4.verdict.equivalence_margin",
    ],
    # its statistics job, for a multiverse universe to rerun (the pretrained LM's episodes are
    # shared by every training seed: their seed folders are prompt seeds)
    statistics=[
        dict(
            inputs={
                name: list(rules.c4_statistics.input[name])
                for name in (
                    "pipeline",
                    "pretrained",
                    "baselines",
                    "replay",
                    "corpus_curve",
                    "training_logs",
                )
            },
            shared=["pretrained"],
            params={
                "pipeline_enabled": C4_PIPELINE_RUN,
                "log_conditions": C4_TRAINING_LOGS,
                "curve_sizes": C4_CURVE,
                "stats": config["stats"],
                "shots": C4_PRETRAINED["shots"],
                "splits": config["c4"]["splits"],
                "model_name": C4_PRETRAINED["model"],
                "verdict": rule_choices(config["c4"]["verdict"]),
                "margin": config["c4"]["verdict"]["equivalence_margin"],
            },
            keys={
                "stats": "stats",
                "verdict": "c4.verdict",
                "margin": "c4.verdict.equivalence_margin",
            },
            tables={
                name: name
                for name in (
                    "summary",
                    "contrasts",
                    "explanation_contrasts",
                    "controls",
                    "explanation_controls",
                    "training",
                    "replay",
                    "corpus_curve",
                )
            },
        )
    ],
    figures={
        "c4": dict(
            inputs={"summary": rules.c4_statistics.output.summary},
            params=c4_figure_params(
                C4_PRETRAINED["model"],
                C4_PRETRAINED["shots"],
                config["c4"]["splits"],
                C4_PIPELINE_RUN,
            ),
            caption=(
                "Experiment 4 (language models, claim C4): reward/optimal, optimal-choice rate and "
                "tests run by the pipeline LM (trained by next-token prediction, with or without "
                "explanations), the prompted pretrained LM, and the baselines, on the same test "
                "episodes. Means over seeds with 95% hierarchical-bootstrap CIs (rates: logit-scale "
                "t-intervals over seeds); open circles: per-seed means. From ``results/c4/summary.csv``."
            ),
        ),
        "c4_corpus": dict(
            inputs={"corpus_curve": rules.c4_statistics.output.corpus_curve},
            params=c4_corpus_figure_params(config["c4"]["splits"], C4_PIPELINE_RUN),
            caption=(
                "Experiment 4, corpus-size curve: reward/optimal of the pipeline LM trained with "
                "explanations on corpora of c4.corpus_sizes expert episodes (one LM per size and "
                "seed; the main LM where a size is the main corpus's), beside the expert and the "
                "baselines (dashed, shaded 95% CI) on the same test episodes. Means over seeds with "
                "95% hierarchical-bootstrap CIs; open circles: per-seed means. From "
                "``results/c4/corpus_curve.csv``."
            ),
        ),
    },
    learning_logs={"c4": C4_TRAINING_LOGS, "c4_corpus": C4_CURVE_LOGS},
    benchmarks=(
        expand(
            "benchmarks/c4/{stage}_{explanations}_seed{seed}.tsv",
            stage=["train", "pipeline_test"],
            explanations=["with", "without"],
            seed=C4_SEEDS,
        )
        + expand(
            "benchmarks/c4/{stage}_corpus{size}_with_seed{seed}.tsv",
            stage=["train", "pipeline_test"],
            size=[
                size
                for size in config["c4"]["corpus_sizes"]
                if size != config["c4"]["pipeline"]["train_episodes"]
            ],
            seed=C4_SEEDS,
        )
        if C4_PIPELINE_RUN
        else []
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


# --- C4's budget sensitivity (budget.smk; pacs.claims.c4.BUDGET) and its sweep (sweep.smk) -------
# the pipeline LM's training and test at each budget's width: results/budget/c4/<budget>/seed<s>/
C4_BUDGET_DIR = f"{BUDGET_DIR}/c4/{{budget}}/seed{{seed}}"


use rule c4_train as budget_c4_train with:
    output:
        model=f"{C4_BUDGET_DIR}/pipeline_lm_{{explanations}}.safetensors",
        training_log=f"{C4_BUDGET_DIR}/training_log_{{explanations}}.csv",
    log:
        "logs/budget/c4/{budget}/train_{explanations}_seed{seed}.log",
    benchmark:
        "benchmarks/budget/c4/{budget}/train_{explanations}_seed{seed}.tsv"
    params:
        model=budget_model_params("c4"),


use rule c4_pipeline_test as budget_c4_pipeline_test with:
    input:
        code("c4_pipeline_test"),
        model=rules.budget_c4_train.output.model,
        episodes=rules.c4_eval_episodes.output[0],
    output:
        episodes=f"{C4_BUDGET_DIR}/pipeline_lm_{{explanations}}_episodes.parquet",
        transcripts=f"{C4_BUDGET_DIR}/pipeline_lm_{{explanations}}_transcripts.txt",
    log:
        "logs/budget/c4/{budget}/pipeline_test_{explanations}_seed{seed}.log",
    benchmark:
        "benchmarks/budget/c4/{budget}/pipeline_test_{explanations}_seed{seed}.tsv"


# C4's budget verdict reads its pipeline LMs with explanations and the baselines (the main
# ones at multiplier 1)
wire_budget(
    "c4",
    main=(rules.c4_train, rules.c4_pipeline_test),
    derived=(rules.budget_c4_train, rules.budget_c4_pipeline_test),
    learners=dict(explanations="with", seed=C4_SEEDS),
    baselines=expand(rules.c4_baselines.output[0], seed=C4_SEEDS),
)


# one grid point of the sweep: a pipeline LM at its lr, width and dropout (one seed)
use rule c4_train as sweep_c4_train with:
    output:
        model=f"{SWEEP_POINT}/seed{{seed}}/pipeline_lm_{{explanations}}.safetensors",
        training_log=f"{SWEEP_POINT}/seed{{seed}}/training_log_{{explanations}}.csv",
    log:
        f"logs/{SWEEP_LOG}/train_{{explanations}}_seed{{seed}}.log",
    benchmark:
        f"benchmarks/{SWEEP_LOG}/train_{{explanations}}_seed{{seed}}.tsv"
    wildcard_constraints:
        experiment="c4",
    params:
        model=sweep_model_params("c4"),
        train=sweep_train_params(C4_TRAIN),


wire_sweep(
    "c4",
    train=C4_TRAIN,
    main_learner=(rules.c4_train, dict(explanations="with")),
    sweep_rule=rules.sweep_c4_train,
    scripts=["c4_corpus", "c4_train"],
    data={
        "env": config["c1"]["env"],
        "splits": config["c4"]["splits"],
        "text": config["c4"]["text"],
        "pipeline": C4_PIPELINE,
    },
)
