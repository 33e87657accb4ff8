# Experiment 5 (claim C5): content effects on reasoning.
#   stimuli per task (generated + extra files) -> a pretrained LM scores every item
#   made-up world -> corpus (independent, confounded) per seed -> pipeline LM -> scores
#   -> statistics -> figure -> report section and verdict rows

C5_CONFIG = config["c5"]
C5_SEEDS = claim_seeds(config, "c5")  # config c5.seeds, else the global seeds
C5_DIR = "results/c5"
WORLD_DIR = "results/c5/world"
WORLD_TRAIN = {**config["train"], **C5_CONFIG["pipeline"]["train"]}
WORLD_MODEL = {**config["model"], **C5_CONFIG["pipeline"]["model"]}
CORPORA = list(C5_CONFIG["pipeline"]["corpora"])
# the world LMs answer syllogisms about their world: without syllogism items they are not
# trained, nor where this preset leaves them to the extended tier (c5.pipeline.enabled)
WORLD_CORPORA = (
    CORPORA
    if C5_CONFIG["pipeline"]["enabled"]
    and C5_CONFIG["items_per_condition"]["syllogism"] > 0
    else []
)
# the extra stimulus files holding items of each task (checked at start-up, pacs.probes.sources),
# so that a file for one task reruns only that task's jobs
EXTRA_BY_TASK = extra_files_by_task(C5_CONFIG["extra_stimuli"])
# tasks with generated or extra items
TASKS_RUN = [
    task
    for task, n in C5_CONFIG["items_per_condition"].items()
    if n > 0 or task in EXTRA_BY_TASK
]
# every (shots, prompt seed) of the pretrained LM; a zero-shot prompt's seeds are its
# question wordings (seed i: the i-th of c5.pretrained.zero_shot_wordings)
WORDINGS = C5_CONFIG["pretrained"]["zero_shot_wordings"]
PROMPTS = [
    (shots, seed)
    for shots in C5_CONFIG["pretrained"]["shots"]
    for seed in (
        range(len(WORDINGS)) if shots == 0 else C5_CONFIG["pretrained"]["prompt_seeds"]
    )
]


wildcard_constraints:
    task="|".join(["nli", "syllogism", "wason"]),


WORLD_CORPUS = "|".join(CORPORA) if CORPORA else "none"


rule c5_stimuli:
    input:
        code("c5_stimuli"),
        extra=lambda wildcards: EXTRA_BY_TASK.get(wildcards.task, []),
    output:
        stimuli=f"{C5_DIR}/stimuli/{{task}}.jsonl",
        examples=f"{C5_DIR}/examples/{{task}}.jsonl",
    log:
        "logs/c5/stimuli_{task}.log",
    conda:
        SOFTWARE
    resources:
        **job_resources("light"),
    params:
        per_condition=lambda wildcards: C5_CONFIG["items_per_condition"][wildcards.task],
        seed=C5_CONFIG["stimulus_seed"],
        pool=C5_CONFIG["example_pool_per_condition"],
    script:
        "../scripts/c5_stimuli.py"


rule c5_pretrained_score:
    input:
        code("c5_pretrained_score"),
        model=model_dir(C5_CONFIG["pretrained"]["model"]),
        stimuli=rules.c5_stimuli.output.stimuli,
        examples=rules.c5_stimuli.output.examples,
    output:
        answers=f"{C5_DIR}/pretrained/{{task}}_{{shots}}shot_seed{{seed}}.parquet",
        options=f"{C5_DIR}/pretrained/{{task}}_{{shots}}shot_seed{{seed}}_options.parquet",
    log:
        "logs/c5/pretrained_{task}_{shots}shot_seed{seed}.log",
    benchmark:
        "benchmarks/c5/pretrained_{task}_{shots}shot_seed{seed}.tsv"
    priority: PRIORITY_MODEL
    conda:
        SOFTWARE
    threads: config["threads_per_job"]
    resources:
        **job_resources("model"),
    params:
        model_name=C5_CONFIG["pretrained"]["model"],
        # the zero-shot wording of a seed; few-shot prompts ask the bare item
        wording=lambda wildcards: (
            WORDINGS[int(wildcards.seed)] if int(wildcards.shots) == 0 else "{item}"
        ),
        device=config["device"],
    script:
        "../scripts/c5_pretrained_score.py"


rule c5_world_stimuli:
    input:
        code("c5_world_stimuli"),
    output:
        f"{WORLD_DIR}/stimuli.jsonl",
    log:
        "logs/c5/world_stimuli.log",
    conda:
        SOFTWARE
    resources:
        **job_resources("light"),
    params:
        world=C5_CONFIG["pipeline"]["world"],
        n=C5_CONFIG["items_per_condition"]["syllogism"],
        seed=C5_CONFIG["stimulus_seed"],
    script:
        "../scripts/c5_world_stimuli.py"


rule c5_world_corpus:
    input:
        code("c5_world_corpus"),
        stimuli=rules.c5_world_stimuli.output[0],
    output:
        train=f"{WORLD_DIR}/seed{{seed}}/corpus_{{corpus}}.txt",
        validation=f"{WORLD_DIR}/seed{{seed}}/validation_{{corpus}}.txt",
    log:
        "logs/c5/world_corpus_{corpus}_seed{seed}.log",
    wildcard_constraints:
        corpus=WORLD_CORPUS,
    priority: PRIORITY_LONG
    conda:
        SOFTWARE
    resources:
        **job_resources("light"),
    params:
        corpus={
            key: C5_CONFIG["pipeline"][key]
            for key in (
                "world",
                "train_problems",
                "train_facts",
                "val_problems",
                "nonsense_share",
            )
        },
        coupling=lambda wildcards: C5_CONFIG["pipeline"]["corpora"][wildcards.corpus],
    script:
        "../scripts/c5_world_corpus.py"


rule c5_world_train:
    input:
        code("c5_world_train"),
        train=rules.c5_world_corpus.output.train,
        validation=rules.c5_world_corpus.output.validation,
    output:
        model=f"{WORLD_DIR}/seed{{seed}}/world_lm_{{corpus}}.safetensors",
        training_log=f"{WORLD_DIR}/seed{{seed}}/training_log_{{corpus}}.csv",
    log:
        "logs/c5/world_train_{corpus}_seed{seed}.log",
    benchmark:
        "benchmarks/c5/world_train_{corpus}_seed{seed}.tsv"
    wildcard_constraints:
        corpus=WORLD_CORPUS,
    priority: PRIORITY_LONG
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
        "../scripts/c5_world_train.py"


rule c5_world_score:
    input:
        code("c5_world_score"),
        model=rules.c5_world_train.output.model,
        stimuli=rules.c5_world_stimuli.output[0],
    output:
        answers=f"{WORLD_DIR}/seed{{seed}}/items_{{corpus}}.parquet",
        options=f"{WORLD_DIR}/seed{{seed}}/options_{{corpus}}.parquet",
    log:
        "logs/c5/world_score_{corpus}_seed{seed}.log",
    wildcard_constraints:
        corpus=WORLD_CORPUS,
    conda:
        SOFTWARE
    threads: config["threads_per_job"]
    resources:
        **job_resources("model"),
    params:
        device=config["device"],
    script:
        "../scripts/c5_world_score.py"


# every world LM's training log, labelled with its corpus
WORLD_TRAINING_LOGS = labelled(
    rules.c5_world_train.output.training_log,
    "{corpus}",
    seed=C5_SEEDS,
    corpus=WORLD_CORPORA,
)


rule c5_statistics:
    input:
        code("c5_statistics"),
        pretrained=[
            f"{C5_DIR}/pretrained/{task}_{shots}shot_seed{seed}.parquet"
            for task in TASKS_RUN
            for shots, seed in PROMPTS
        ],
        world=expand(
            rules.c5_world_score.output.answers, seed=C5_SEEDS, corpus=WORLD_CORPORA
        ),
        training_logs=list(WORLD_TRAINING_LOGS),
    output:
        answers=f"{C5_DIR}/items.parquet",
        accuracy=f"{C5_DIR}/accuracy.csv",
        acceptance=f"{C5_DIR}/acceptance.csv",
        contrasts=f"{C5_DIR}/contrasts.csv",
        indices=f"{C5_DIR}/belief_indices.csv",
        corpora=f"{C5_DIR}/corpus_contrasts.csv",
        categories=f"{C5_DIR}/wason_categories.csv",
        regression=f"{C5_DIR}/regression.csv",
        training=f"{C5_DIR}/training_summary.csv",
    log:
        "logs/c5/statistics.log",
    benchmark:
        "benchmarks/c5/statistics.tsv"
    conda:
        SOFTWARE
    resources:
        **job_resources("light"),
    params:
        log_conditions=WORLD_TRAINING_LOGS,
        stats=config["stats"],
        corpora=C5_CONFIG["pipeline"]["corpora"],
    script:
        "../scripts/c5_statistics.py"


# the statistics tables C5's report reads
C5_TABLES = (
    "answers",
    "accuracy",
    "acceptance",
    "contrasts",
    "indices",
    "corpora",
    "categories",
    "regression",
    "training",
)


wire_claim(
    "c5",
    tables={
        **{name: rules.c5_statistics.output[name] for name in C5_TABLES},
        "training_logs": rules.c5_statistics.input.training_logs,
    },
    params={
        "c5": C5_CONFIG,
        "model": WORLD_MODEL,
        "train": WORLD_TRAIN,
        "verdicts": config["verdicts"],
    },
    # what its statistics jobs read (a multiverse universe must not change them)
    statistics_keys=["seeds", "stats", "c5.pipeline.corpora"],
    # its statistics job, for a multiverse universe to rerun
    statistics=[
        dict(
            inputs={
                name: rules.c5_statistics.input[name]
                for name in ("pretrained", "world", "training_logs")
            },
            params={
                "log_conditions": WORLD_TRAINING_LOGS,
                "stats": config["stats"],
                "corpora": C5_CONFIG["pipeline"]["corpora"],
            },
            keys={"stats": "stats"},
            tables={name: name for name in C5_TABLES},
        )
    ],
    figures={
        "c5": dict(
            inputs={
                name: rules.c5_statistics.output[name]
                for name in ("accuracy", "acceptance")
            },
            params={
                "primary_score": C5_CONFIG["primary_score"],
                "human": C5_CONFIG["human_reference"],
            },
            caption=(
                "Experiment 5 (content effects, claim C5): accuracy per task and condition for the "
                "pretrained LM (zero- and few-shot prompts) and the pipeline LMs trained on a "
                "made-up world, and the share of syllogisms accepted beside the published human "
                "rates (Evans et al. 1983). 95% CIs of the crossed design (items shared by every "
                "prompt or training seed); open circles: per-seed rates. Items of an extra stimulus "
                "file (``c5.extra_stimuli``) are their own points, the file's name in brackets "
                "after the respondent. From ``results/c5/accuracy.csv`` and "
                "``results/c5/acceptance.csv``."
            ),
        )
    },
    learning_logs={"c5": WORLD_TRAINING_LOGS},
    benchmarks=[
        f"benchmarks/c5/pretrained_{task}_{shots}shot_seed{seed}.tsv"
        for task in TASKS_RUN
        for shots, seed in PROMPTS
    ]
    + expand(
        "benchmarks/c5/world_train_{corpus}_seed{seed}.tsv",
        corpus=WORLD_CORPORA,
        seed=C5_SEEDS,
    )
    + ["benchmarks/c5/statistics.tsv"],
)
