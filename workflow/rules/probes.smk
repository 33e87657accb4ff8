# Experiment 5 (claim C5): content effects on reasoning.
#   stimuli per task (generated + extra files) -> a pretrained LM scores every item
#   made-up world -> corpus per regime -> pipeline LM per seed -> scores
#   -> statistics -> figure -> report section and verdict rows

PROBES = config["probes"]
PROBE_DIR = "results/probes"
WORLD_DIR = "results/probes/world"
WORLD_TRAIN = {**config["train"], **PROBES["pipeline"]["train"]}
WORLD_MODEL = {**config["model"], **PROBES["pipeline"]["model"]}
REGIMES = list(PROBES["pipeline"]["regimes"])
# the world LMs answer syllogisms about their world: without syllogism items they are not trained
WORLD_REGIMES = REGIMES if PROBES["items_per_condition"]["syllogism"] > 0 else []
# the extra stimulus files holding items of each task (checked at start-up, pacs.probes.sources),
# so that a file for one task reruns only that task's jobs
EXTRA_BY_TASK = extra_files_by_task(PROBES["extra_stimuli"])
# tasks with generated or extra items
TASKS_RUN = [
    task
    for task, n in PROBES["items_per_condition"].items()
    if n > 0 or task in EXTRA_BY_TASK
]
# every (shots, prompt seed) of the pretrained LM; a zero-shot prompt has no seed to vary
PROMPTS = [
    (shots, seed)
    for shots in PROBES["pretrained"]["shots"]
    for seed in ([0] if shots == 0 else PROBES["pretrained"]["prompt_seeds"])
]


wildcard_constraints:
    task="|".join(["nli", "syllogism", "wason"]),


WORLD_REGIME = "|".join(REGIMES) if REGIMES else "none"


rule probe_stimuli:
    input:
        code("probe_stimuli"),
        extra=lambda wildcards: EXTRA_BY_TASK.get(wildcards.task, []),
    output:
        stimuli=f"{PROBE_DIR}/stimuli/{{task}}.jsonl",
        examples=f"{PROBE_DIR}/examples/{{task}}.jsonl",
    log:
        "logs/probes/stimuli_{task}.log",
    conda:
        SOFTWARE
    resources:
        **job_resources("light"),
    params:
        per_condition=lambda wildcards: PROBES["items_per_condition"][wildcards.task],
        seed=PROBES["stimulus_seed"],
        pool=PROBES["example_pool_per_condition"],
    script:
        "../scripts/probe_stimuli.py"


rule probe_pretrained_score:
    input:
        code("probe_pretrained_score"),
        model=model_dir(PROBES["pretrained"]["model"]),
        stimuli=rules.probe_stimuli.output.stimuli,
        examples=rules.probe_stimuli.output.examples,
    output:
        answers=f"{PROBE_DIR}/pretrained/{{task}}_{{shots}}shot_seed{{seed}}.parquet",
        options=f"{PROBE_DIR}/pretrained/{{task}}_{{shots}}shot_seed{{seed}}_options.parquet",
    log:
        "logs/probes/pretrained_{task}_{shots}shot_seed{seed}.log",
    benchmark:
        "benchmarks/probes/pretrained_{task}_{shots}shot_seed{seed}.tsv"
    conda:
        SOFTWARE
    threads: config["threads_per_job"]
    resources:
        **job_resources("model"),
    params:
        model_name=PROBES["pretrained"]["model"],
        device=config["device"],
    script:
        "../scripts/probe_pretrained_score.py"


rule probe_world_stimuli:
    input:
        code("probe_world_stimuli"),
    output:
        f"{WORLD_DIR}/stimuli.jsonl",
    log:
        "logs/probes/world_stimuli.log",
    conda:
        SOFTWARE
    resources:
        **job_resources("light"),
    params:
        world=PROBES["pipeline"]["world"],
        n=PROBES["items_per_condition"]["syllogism"],
        seed=PROBES["stimulus_seed"],
    script:
        "../scripts/probe_world_stimuli.py"


rule probe_world_corpus:
    input:
        code("probe_world_corpus"),
        stimuli=rules.probe_world_stimuli.output[0],
    output:
        train=f"{WORLD_DIR}/seed{{seed}}/corpus_{{regime}}.txt",
        validation=f"{WORLD_DIR}/seed{{seed}}/validation_{{regime}}.txt",
    log:
        "logs/probes/world_corpus_{regime}_seed{seed}.log",
    wildcard_constraints:
        regime=WORLD_REGIME,
    conda:
        SOFTWARE
    resources:
        **job_resources("light"),
    params:
        corpus={
            key: PROBES["pipeline"][key]
            for key in (
                "world",
                "train_problems",
                "train_facts",
                "val_problems",
                "nonsense_share",
            )
        },
        coupling=lambda wildcards: PROBES["pipeline"]["regimes"][wildcards.regime],
    script:
        "../scripts/probe_world_corpus.py"


rule probe_world_train:
    input:
        code("probe_world_train"),
        train=rules.probe_world_corpus.output.train,
        validation=rules.probe_world_corpus.output.validation,
    output:
        model=f"{WORLD_DIR}/seed{{seed}}/world_lm_{{regime}}.safetensors",
        training_log=f"{WORLD_DIR}/seed{{seed}}/training_log_{{regime}}.csv",
    log:
        "logs/probes/world_train_{regime}_seed{seed}.log",
    benchmark:
        "benchmarks/probes/world_train_{regime}_seed{seed}.tsv"
    wildcard_constraints:
        regime=WORLD_REGIME,
    conda:
        SOFTWARE
    threads: config["threads_per_job"]
    resources:
        **job_resources("model"),
    params:
        model=WORLD_MODEL,
        train=WORLD_TRAIN,
        device=config["device"],
    script:
        "../scripts/probe_world_train.py"


rule probe_world_score:
    input:
        code("probe_world_score"),
        model=rules.probe_world_train.output.model,
        stimuli=rules.probe_world_stimuli.output[0],
    output:
        answers=f"{WORLD_DIR}/seed{{seed}}/items_{{regime}}.parquet",
        options=f"{WORLD_DIR}/seed{{seed}}/options_{{regime}}.parquet",
    log:
        "logs/probes/world_score_{regime}_seed{seed}.log",
    wildcard_constraints:
        regime=WORLD_REGIME,
    conda:
        SOFTWARE
    threads: config["threads_per_job"]
    resources:
        **job_resources("model"),
    params:
        device=config["device"],
    script:
        "../scripts/probe_world_score.py"


# every world LM's training log, labelled with its regime
WORLD_TRAINING_LOGS = labelled(
    rules.probe_world_train.output.training_log,
    "{regime}",
    seed=SEEDS,
    regime=WORLD_REGIMES,
)


rule probe_statistics:
    input:
        code("probe_statistics"),
        pretrained=[
            f"{PROBE_DIR}/pretrained/{task}_{shots}shot_seed{seed}.parquet"
            for task in TASKS_RUN
            for shots, seed in PROMPTS
        ],
        world=expand(
            rules.probe_world_score.output.answers, seed=SEEDS, regime=WORLD_REGIMES
        ),
        training_logs=list(WORLD_TRAINING_LOGS),
    output:
        answers=f"{PROBE_DIR}/items.parquet",
        accuracy=f"{PROBE_DIR}/accuracy.csv",
        acceptance=f"{PROBE_DIR}/acceptance.csv",
        contrasts=f"{PROBE_DIR}/contrasts.csv",
        indices=f"{PROBE_DIR}/belief_indices.csv",
        regimes=f"{PROBE_DIR}/regime_contrasts.csv",
        categories=f"{PROBE_DIR}/wason_categories.csv",
        regression=f"{PROBE_DIR}/regression.csv",
        training=f"{PROBE_DIR}/training_summary.csv",
    log:
        "logs/probes/statistics.log",
    benchmark:
        "benchmarks/probes/statistics.tsv"
    conda:
        SOFTWARE
    resources:
        **job_resources("light"),
    params:
        log_conditions=WORLD_TRAINING_LOGS,
        stats=config["stats"],
        regimes=PROBES["pipeline"]["regimes"],
    script:
        "../scripts/probe_statistics.py"


wire_claim(
    "c5",
    tables={
        **{
            name: rules.probe_statistics.output[name]
            for name in (
                "answers",
                "accuracy",
                "acceptance",
                "contrasts",
                "indices",
                "regimes",
                "categories",
                "regression",
                "training",
            )
        },
        "training_logs": rules.probe_statistics.input.training_logs,
    },
    params={
        "probes": PROBES,
        "model": WORLD_MODEL,
        "train": WORLD_TRAIN,
        "verdicts": config["verdicts"],
    },
    figures={
        "c5": dict(
            inputs={
                name: rules.probe_statistics.output[name]
                for name in ("accuracy", "acceptance")
            },
            params={
                "primary_score": PROBES["primary_score"],
                "human": PROBES["human_reference"],
            },
            caption=(
                "Experiment 5 (content effects, claim C5): accuracy per task and condition for the "
                "pretrained LM (zero- and few-shot prompts) and the pipeline LMs trained on a "
                "made-up world, and the share of syllogisms accepted beside the published human "
                "rates (Evans et al. 1983). 95% CIs of the crossed design (items shared by every "
                "prompt or training seed); open circles: per-seed rates. Items of an extra stimulus "
                "file (``probes.extra_stimuli``) are their own points, the file's name in brackets "
                "after the respondent. From ``results/probes/accuracy.csv`` and "
                "``results/probes/acceptance.csv``."
            ),
        )
    },
    learning_logs={"c5": WORLD_TRAINING_LOGS},
    benchmarks=[
        f"benchmarks/probes/pretrained_{task}_{shots}shot_seed{seed}.tsv"
        for task in TASKS_RUN
        for shots, seed in PROMPTS
    ]
    + expand(
        "benchmarks/probes/world_train_{regime}_seed{seed}.tsv",
        regime=REGIMES,
        seed=SEEDS,
    )
    + ["benchmarks/probes/statistics.tsv"],
)
