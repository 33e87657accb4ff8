# Experiment 6 (claim C6): training regimes beyond plain imitation, on
# Experiment 1's causal-DAG task. Each regime writes one training-set file per
# learner; one shared rule trains every learner; each regime tests its learners
# on the shared test episodes of each seed, beside the shared baselines.
#   return conditioning: mixed-quality demonstrations -> 3 learners' views
#   DAgger: expert rounds -> round-0 learner -> its visits, relabelled -> ...
#   data fusion: fusion-expert demonstrations per number of observational samples
# -> statistics per regime; its figures and report numbers: claim c6 (wire_claim below).

from pacs.claims.c6 import figure_params as c6_figure_params

C6_CONFIG = config["c6"]
C6_SEEDS = claim_seeds(config, "c6")  # config c6.seeds, else the global seeds
C6_SEED_DIR = f"{C6_DIR}/{{c6_regime}}/seed{{seed}}"
C6_MODEL = claim_model(config, "c6")
C6_TRAIN = {**config["train"], **C6_CONFIG["train"]}
C6_DATA = {
    "env": config["c1"]["env"],
    "data_seed": C6_CONFIG["data_seed"],
    "val_episodes": C6_CONFIG["val_episodes"],
}
RC_LEARNERS = ["conditioned", "plain", "expert_only"]
DAGGER_ROUNDS = list(range(1, C6_CONFIG["dagger"]["rounds"] + 1))
DAGGER_LEARNERS = ["initial_round0"] + [
    f"{arm}_round{r}" for arm in ("dagger", "plain") for r in DAGGER_ROUNDS
]
# the config section of each C6 regime (its name in paths, wildcards and figures -> section)
C6_SECTIONS = {"rc": "return_conditioning", "dagger": "dagger", "fusion": "fusion"}
FUSION_SETTINGS = {key: C6_CONFIG["fusion"][key] for key in ("budget", "irrelevance")}
FUSION_SAMPLES = C6_CONFIG["fusion"]["observational_samples"]
C6_LEARNERS = {
    "rc": RC_LEARNERS,
    "dagger": DAGGER_LEARNERS,
    "fusion": [f"obs{n}" for n in FUSION_SAMPLES],
}

# every training log of a C6 regime's learners, labelled with its learner
C6_TRAINING_LOGS = {
    regime: labelled(
        f"{C6_DIR}/{regime}/seed{{seed}}/{{learner}}/training_log.csv",
        "{learner}",
        seed=C6_SEEDS,
        learner=learners,
    )
    for regime, learners in C6_LEARNERS.items()
}


wildcard_constraints:
    c6_regime="rc|dagger|fusion",
    learner=r"[a-z_]+\d*",
    rc_learner="|".join(RC_LEARNERS),
    arm="initial|dagger|plain",
    round=r"\d+",
    n_observational=r"\d+",


rule c6_eval_episodes:
    input:
        code("c6_eval_episodes"),
    output:
        f"{C6_DIR}/seed{{seed}}/eval_episodes.safetensors",
    log:
        "logs/c6/eval_episodes_seed{seed}.log",
    conda:
        SOFTWARE
    resources:
        **job_resources("light"),
    params:
        env=config["c1"]["env"],
        eval=C6_CONFIG["eval"],
    script:
        "../scripts/c6_eval_episodes.py"


rule c6_baselines:
    input:
        code("c6_baselines"),
        episodes=rules.c6_eval_episodes.output[0],
    output:
        f"{C6_DIR}/seed{{seed}}/baseline_episodes.parquet",
    log:
        "logs/c6/baselines_seed{seed}.log",
    conda:
        SOFTWARE
    resources:
        **job_resources("light"),
    params:
        env=config["c1"]["env"],
    script:
        "../scripts/c6_baselines.py"


rule c6_rc_demonstrations:
    input:
        code("c6_rc_demonstrations"),
    output:
        mixture=f"{C6_DIR}/rc/seed{{seed}}/mixture.safetensors",
        kinds=f"{C6_DIR}/rc/seed{{seed}}/mixture.csv",
    log:
        "logs/c6/rc_demonstrations_seed{seed}.log",
    priority: PRIORITY_MODEL
    conda:
        SOFTWARE
    resources:
        **job_resources("light"),
    params:
        data=C6_DATA,
        settings=C6_CONFIG["return_conditioning"],
    script:
        "../scripts/c6_rc_demonstrations.py"


rule c6_rc_training_set:
    input:
        code("c6_rc_training_set"),
        mixture=rules.c6_rc_demonstrations.output.mixture,
    output:
        train=f"{C6_DIR}/rc/seed{{seed}}/{{rc_learner}}/train.safetensors",
        validation=f"{C6_DIR}/rc/seed{{seed}}/{{rc_learner}}/validation.safetensors",
    log:
        "logs/c6/rc_training_set_{rc_learner}_seed{seed}.log",
    priority: PRIORITY_MODEL
    conda:
        SOFTWARE
    resources:
        **job_resources("light"),
    params:
        data=C6_DATA,
        settings=C6_CONFIG["return_conditioning"],
    script:
        "../scripts/c6_rc_training_set.py"


rule c6_dagger_expert_round:
    input:
        code("c6_dagger_expert_round"),
    output:
        f"{C6_DIR}/dagger/seed{{seed}}/expert_round{{round}}.safetensors",
    log:
        "logs/c6/c6_dagger_expert_round{round}_seed{seed}.log",
    conda:
        SOFTWARE
    resources:
        **job_resources("light"),
    params:
        data=C6_DATA,
        n_episodes=lambda w: C6_CONFIG["dagger"][
            "initial_episodes" if w.round == "0" else "episodes_per_round"
        ],
    script:
        "../scripts/c6_dagger_expert_round.py"


rule c6_dagger_visits:
    input:
        code("c6_dagger_visits"),
        model=dagger_previous_learner,
    output:
        f"{C6_DIR}/dagger/seed{{seed}}/visits_round{{round}}.safetensors",
    log:
        "logs/c6/dagger_visits_round{round}_seed{seed}.log",
    conda:
        SOFTWARE
    threads: config["threads_per_job"]
    resources:
        **job_resources("model"),
    params:
        data=C6_DATA,
        n_episodes=C6_CONFIG["dagger"]["episodes_per_round"],
        device=config["device"],
    script:
        "../scripts/c6_dagger_visits.py"


rule c6_dagger_training_set:
    input:
        code("c6_dagger_training_set"),
        expert=dagger_expert_files,
        visits=dagger_visit_files,
    output:
        train=f"{C6_DIR}/dagger/seed{{seed}}/{{arm}}_round{{round}}/train.safetensors",
        validation=f"{C6_DIR}/dagger/seed{{seed}}/{{arm}}_round{{round}}/validation.safetensors",
    log:
        "logs/c6/dagger_training_set_{arm}_round{round}_seed{seed}.log",
    conda:
        SOFTWARE
    resources:
        **job_resources("light"),
    params:
        data=C6_DATA,
    script:
        "../scripts/c6_dagger_training_set.py"


rule c6_fusion_training_set:
    input:
        code("c6_fusion_training_set"),
    output:
        train=f"{C6_DIR}/fusion/seed{{seed}}/obs{{n_observational}}/train.safetensors",
        validation=f"{C6_DIR}/fusion/seed{{seed}}/obs{{n_observational}}/validation.safetensors",
    log:
        "logs/c6/fusion_training_set_obs{n_observational}_seed{seed}.log",
    conda:
        SOFTWARE
    resources:
        **job_resources("light"),
    params:
        data=C6_DATA,
        settings={
            **FUSION_SETTINGS,
            "train_episodes": C6_CONFIG["fusion"]["train_episodes"],
        },
    script:
        "../scripts/c6_fusion_training_set.py"


rule c6_train_agent:
    input:
        code("c6_train_agent"),
        train=f"{C6_SEED_DIR}/{{learner}}/train.safetensors",
        validation=f"{C6_SEED_DIR}/{{learner}}/validation.safetensors",
    output:
        model=f"{C6_SEED_DIR}/{{learner}}/agent.safetensors",
        training_log=f"{C6_SEED_DIR}/{{learner}}/training_log.csv",
    log:
        "logs/c6/train_{c6_regime}_{learner}_seed{seed}.log",
    benchmark:
        "benchmarks/c6/train_{c6_regime}_{learner}_seed{seed}.tsv"
    priority: PRIORITY_MODEL
    conda:
        SOFTWARE
    threads: config["threads_per_job"]
    resources:
        **job_resources("model"),
    params:
        regime=lambda w: w.c6_regime,
        model=C6_MODEL,
        train=C6_TRAIN,
        device=config["device"],
    script:
        "../scripts/c6_train_agent.py"


rule c6_rc_active_test:
    input:
        code("c6_rc_active_test"),
        model=f"{C6_DIR}/rc/seed{{seed}}/{{rc_learner}}/agent.safetensors",
        episodes=rules.c6_eval_episodes.output[0],
    output:
        f"{C6_DIR}/rc/seed{{seed}}/{{rc_learner}}/episodes.parquet",
    log:
        "logs/c6/rc_active_test_{rc_learner}_seed{seed}.log",
    conda:
        SOFTWARE
    threads: config["threads_per_job"]
    resources:
        **job_resources("model"),
    params:
        env=config["c1"]["env"],
        settings={"quality_edges": C6_CONFIG["return_conditioning"]["quality_edges"]},
        device=config["device"],
    script:
        "../scripts/c6_rc_active_test.py"


rule c6_dagger_active_test:
    input:
        code("c6_dagger_active_test"),
        model=f"{C6_DIR}/dagger/seed{{seed}}/{{arm}}_round{{round}}/agent.safetensors",
        train=rules.c6_dagger_training_set.output.train,
        episodes=rules.c6_eval_episodes.output[0],
    output:
        f"{C6_DIR}/dagger/seed{{seed}}/{{arm}}_round{{round}}/episodes.parquet",
    log:
        "logs/c6/dagger_active_test_{arm}_round{round}_seed{seed}.log",
    conda:
        SOFTWARE
    threads: config["threads_per_job"]
    resources:
        **job_resources("model"),
    params:
        env=config["c1"]["env"],
        device=config["device"],
    script:
        "../scripts/c6_dagger_active_test.py"


rule c6_fusion_active_test:
    input:
        code("c6_fusion_active_test"),
        model=f"{C6_DIR}/fusion/seed{{seed}}/obs{{n_observational}}/agent.safetensors",
        episodes=rules.c6_eval_episodes.output[0],
    output:
        f"{C6_DIR}/fusion/seed{{seed}}/obs{{n_observational}}/episodes.parquet",
    log:
        "logs/c6/fusion_active_test_obs{n_observational}_seed{seed}.log",
    conda:
        SOFTWARE
    threads: config["threads_per_job"]
    resources:
        **job_resources("model"),
    params:
        env=config["c1"]["env"],
        settings=FUSION_SETTINGS,
        device=config["device"],
    script:
        "../scripts/c6_fusion_active_test.py"


rule c6_statistics:
    input:
        code("c6_statistics"),
        agent=lambda w: c6_learner_files(
            w.c6_regime, C6_LEARNERS[w.c6_regime], "episodes.parquet"
        ),
        baselines=expand(rules.c6_baselines.output[0], seed=C6_SEEDS),
        training_logs=lambda w: list(C6_TRAINING_LOGS[w.c6_regime]),
    output:
        episodes=f"{C6_DIR}/{{c6_regime}}/episodes.parquet",
        summary=f"{C6_DIR}/{{c6_regime}}/summary.csv",
        contrasts=f"{C6_DIR}/{{c6_regime}}/contrasts.csv",
        controls=f"{C6_DIR}/{{c6_regime}}/control_contrasts.csv",
        training=f"{C6_DIR}/{{c6_regime}}/training_summary.csv",
    log:
        "logs/c6/statistics_{c6_regime}.log",
    benchmark:
        "benchmarks/c6/statistics_{c6_regime}.tsv"
    conda:
        SOFTWARE
    resources:
        **job_resources("light"),
    params:
        log_conditions=lambda w: C6_TRAINING_LOGS[w.c6_regime],
        stats=config["stats"],
        regime=lambda w: w.c6_regime,
        verdict=rule_choices(C6_CONFIG["verdict"]),
        margin=C6_CONFIG["verdict"]["equivalence_margin"],
    script:
        "../scripts/c6_statistics.py"


rule c6_rc_mixture_summary:
    input:
        code("c6_rc_mixture_summary"),
        kinds=expand(rules.c6_rc_demonstrations.output.kinds, seed=C6_SEEDS),
    output:
        f"{C6_DIR}/rc/mixture_summary.csv",
    log:
        "logs/c6/c6_rc_mixture_summary.log",
    conda:
        SOFTWARE
    resources:
        **job_resources("light"),
    params:
        stats=config["stats"],
    script:
        "../scripts/c6_rc_mixture_summary.py"


C6_CAPTIONS = {
    "rc": "return-conditioned imitation of mixed-quality demonstrations against plain "
    "imitation and imitation of the expert subset",
    "dagger": "DAgger relabelling against plain imitation with the same labelled steps, over rounds",
    "fusion": "data fusion, over the number of observational samples before a small budget of tests",
}


wire_claim(
    "c6",
    tables={
        **{
            f"{name}_{regime}": c6_statistics(regime, name)
            for regime in C6_SECTIONS
            for name in ("summary", "contrasts", "controls", "training")
        },
        "mixture": rules.c6_rc_mixture_summary.output[0],
        **{
            f"training_logs_{regime}": c6_learner_files(
                regime, C6_LEARNERS[regime], "training_log.csv"
            )
            for regime in C6_SECTIONS
        },
    },
    params={
        "c6": {
            key: C6_CONFIG[key]
            for key in ("eval", "return_conditioning", "dagger", "fusion", "verdict")
        },
        "train": C6_TRAIN,
        "verdicts": config["verdicts"],
    },
    # what its statistics jobs read (a multiverse universe must not change them)
    statistics_keys=[
        "seeds",
        "stats",
        *verdict_choice_keys("c6"),
        "c6.verdict.equivalence_margin",
    ],
    # its statistics job of each regime, for a multiverse universe to rerun
    statistics=[
        dict(
            inputs={
                "agent": c6_learner_files(
                    regime, C6_LEARNERS[regime], "episodes.parquet"
                ),
                "baselines": expand(rules.c6_baselines.output[0], seed=C6_SEEDS),
                "training_logs": list(C6_TRAINING_LOGS[regime]),
            },
            params={
                "log_conditions": C6_TRAINING_LOGS[regime],
                "stats": config["stats"],
                "regime": regime,
                "verdict": rule_choices(C6_CONFIG["verdict"]),
                "margin": C6_CONFIG["verdict"]["equivalence_margin"],
            },
            keys={
                "stats": "stats",
                "verdict": "c6.verdict",
                "margin": "c6.verdict.equivalence_margin",
            },
            tables={
                name: f"{name}_{regime}"
                for name in ("summary", "contrasts", "controls", "training")
            },
        )
        for regime in C6_SECTIONS
    ],
    figures={
        f"c6_{regime}": dict(
            inputs={"summary": c6_statistics(regime, "summary")},
            params=c6_figure_params(regime),
            caption=(
                f"Experiment 6 (training regimes, claim C6): {C6_CAPTIONS[regime]}. Reward over "
                "optimal per test split, means over seeds with 95% hierarchical-bootstrap CIs "
                "(rates: logit-scale t-intervals over seeds); open circles: per-seed means. From "
                f"``{C6_DIR}/{regime}/summary.csv``."
            ),
        )
        for regime in C6_SECTIONS
    },
    learning_logs={f"c6_{regime}": C6_TRAINING_LOGS[regime] for regime in C6_SECTIONS},
    # held to the expert-agreement floor: the learners shown the expert alone. The
    # conditioned and plain learners imitate mixed-quality demonstrations; DAgger's mix
    # the expert's labels with states of weaker rounds, and the floor is not measured there
    expert_imitators=c6_learner_files("rc", ["expert_only"], "training_log.csv"),
    benchmarks=[
        f"benchmarks/c6/train_{regime}_{learner}_seed{seed}.tsv"
        for regime in C6_SECTIONS
        for learner in C6_LEARNERS[regime]
        for seed in C6_SEEDS
    ]
    + expand("benchmarks/c6/statistics_{c6_regime}.tsv", c6_regime=C6_SECTIONS),
)


# --- C6's sweep (sweep.smk): the expert-only learner of return conditioning at one grid point ---
use rule c6_train_agent as sweep_c6_train_agent with:
    input:
        code("c6_train_agent"),
        train=f"{C6_DIR}/rc/seed{{seed}}/expert_only/train.safetensors",
        validation=f"{C6_DIR}/rc/seed{{seed}}/expert_only/validation.safetensors",
    output:
        model=f"{SWEEP_POINT}/seed{{seed}}/agent.safetensors",
        training_log=f"{SWEEP_POINT}/seed{{seed}}/training_log.csv",
    log:
        f"logs/{SWEEP_LOG}/train_expert_only_seed{{seed}}.log",
    benchmark:
        f"benchmarks/{SWEEP_LOG}/train_expert_only_seed{{seed}}.tsv"
    wildcard_constraints:
        experiment="c6",
    params:
        regime="rc",
        model=sweep_model_params("c6"),
        train=sweep_train_params(C6_TRAIN),


wire_sweep(
    "c6",
    train=C6_TRAIN,
    main_learner=(
        rules.c6_train_agent,
        dict(c6_regime="rc", learner="expert_only"),
    ),
    sweep_rule=rules.sweep_c6_train_agent,
    scripts=["c6_rc_demonstrations", "c6_rc_training_set", "c6_train_agent"],
    data={
        "env": config["c1"]["env"],
        **{key: C6_CONFIG[key] for key in ("data_seed", "val_episodes")},
        "return_conditioning": C6_CONFIG["return_conditioning"],
    },
)
