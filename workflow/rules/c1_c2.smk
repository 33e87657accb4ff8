# Experiments on the causal-DAG environment, one set of rules for both:
#   experiment "c1": Experiment 1 (C1), held-out causal links
#   experiment "c2": Experiment 2 (C2), relevance cues over variable subsets
# data -> passive training -> active test of the agent; baselines on the same episodes.

from pacs.analysis import figure_params
from pacs.claims.c1 import PLAN as C1_PLAN
from pacs.claims.c2 import PLAN as C2_PLAN

SEED_DIR = "results/{experiment}/seed{seed}"
# each claim's training seeds (config `c1.seeds`, `c2.seeds`, else `seeds`; pacs.config.claim_seeds)
CAUSAL_SEEDS = {claim: claim_seeds(config, claim) for claim in ("c1", "c2")}


wildcard_constraints:
    experiment="c1|c2",
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
    priority: PRIORITY_LONG
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
    priority: PRIORITY_LONG
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


if ENSEMBLE:

    # all seeds of one experiment in one job, batched (config key ensemble; pacs.ensemble):
    # C1's and C2's here while their seeds are the same, else C2's in causal_train_ensemble_c2
    rule causal_train_ensemble:
        input:
            code("causal_train_ensemble"),
            train=experiment_seed_files(rules.causal_training_data.output.train),
            validation=experiment_seed_files(
                rules.causal_training_data.output.validation
            ),
        output:
            model=expand(
                rules.causal_train_agent.output.model,
                seed=CAUSAL_SEEDS["c1"],
                allow_missing=True,
            ),
            training_log=expand(
                rules.causal_train_agent.output.training_log,
                seed=CAUSAL_SEEDS["c1"],
                allow_missing=True,
            ),
        log:
            "logs/{experiment}/train_agent_ensemble.log",
        benchmark:
            "benchmarks/{experiment}/train_agent_ensemble.tsv"
        wildcard_constraints:
            experiment="c1|c2" if CAUSAL_SEEDS["c1"] == CAUSAL_SEEDS["c2"] else "c1",
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
            seeds=CAUSAL_SEEDS["c1"],
        script:
            "../scripts/causal_train_ensemble.py"

    ruleorder: causal_train_ensemble > causal_train_agent

    if CAUSAL_SEEDS["c1"] != CAUSAL_SEEDS["c2"]:

        use rule causal_train_ensemble as causal_train_ensemble_c2 with:
            output:
                model=expand(
                    rules.causal_train_agent.output.model,
                    seed=CAUSAL_SEEDS["c2"],
                    allow_missing=True,
                ),
                training_log=expand(
                    rules.causal_train_agent.output.training_log,
                    seed=CAUSAL_SEEDS["c2"],
                    allow_missing=True,
                ),
            wildcard_constraints:
                experiment="c2",
            params:
                seeds=CAUSAL_SEEDS["c2"],

        ruleorder: causal_train_ensemble_c2 > causal_train_agent


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


rule causal_statistics:
    input:
        code("causal_statistics"),
        agent=experiment_seed_files(rules.causal_active_test.output[0]),
        baselines=experiment_seed_files(rules.causal_baselines.output[0]),
        training_logs=experiment_seed_files(
            rules.causal_train_agent.output.training_log
        ),
    output:
        episodes="results/{experiment}/episodes.parquet",
        summary="results/{experiment}/summary.csv",
        contrasts="results/{experiment}/contrasts.csv",
        gaps="results/{experiment}/gap_share.csv",
        controls="results/{experiment}/control_contrasts.csv",
        control_gaps="results/{experiment}/control_gap_share.csv",
        training="results/{experiment}/training_summary.csv",
    log:
        "logs/{experiment}/statistics.log",
    benchmark:
        "benchmarks/{experiment}/statistics.tsv"
    conda:
        SOFTWARE
    resources:
        **job_resources("light"),
    params:
        stats=config["stats"],
        verdict=lambda w: rule_choices(config[w.experiment]["verdict"]),
    script:
        "../scripts/causal_statistics.py"


# C1 and C2: one set of rules, two claims of the registry; the statistics tables their reports read
CAUSAL_TABLES = ("summary", "contrasts", "gaps", "controls", "control_gaps", "training")
for CAUSAL_CLAIM, CAUSAL_PARAMS, CAUSAL_PLAN in (
    ("c1", ("c1", "model", "train", "seeds", "stats"), C1_PLAN),
    ("c2", ("c2",), C2_PLAN),
):
    CAUSAL_TRAINING_LOGS = expand(
        rules.causal_train_agent.output.training_log,
        experiment=CAUSAL_CLAIM,
        seed=CAUSAL_SEEDS[CAUSAL_CLAIM],
    )
    wire_claim(
        CAUSAL_CLAIM,
        tables={
            **{
                name: expand(
                    rules.causal_statistics.output[name], experiment=CAUSAL_CLAIM
                )[0]
                for name in CAUSAL_TABLES
            },
            "training_logs": CAUSAL_TRAINING_LOGS,
        },
        params={
            key: CAUSAL_SEEDS[CAUSAL_CLAIM] if key == "seeds" else config[key]
            for key in (*CAUSAL_PARAMS, "verdicts")
        },
        # every C1/C2 agent imitates the expert
        expert_imitators=CAUSAL_TRAINING_LOGS,
        # what its statistics jobs read (a multiverse universe must not change them)
        statistics_keys=["seeds", "stats", *verdict_choice_keys(CAUSAL_CLAIM)],
        # its statistics job, for a multiverse universe to rerun
        statistics=[
            dict(
                inputs={
                    name: expand(
                        getattr(rules, rule).output[0],
                        experiment=CAUSAL_CLAIM,
                        seed=CAUSAL_SEEDS[CAUSAL_CLAIM],
                    )
                    for name, rule in (
                        ("agent", "causal_active_test"),
                        ("baselines", "causal_baselines"),
                    )
                }
                | {"training_logs": CAUSAL_TRAINING_LOGS},
                params={
                    "stats": config["stats"],
                    "verdict": rule_choices(config[CAUSAL_CLAIM]["verdict"]),
                },
                keys={"stats": "stats", "verdict": f"{CAUSAL_CLAIM}.verdict"},
                tables={name: name for name in CAUSAL_TABLES},
            )
        ],
        figures={
            CAUSAL_CLAIM: dict(
                inputs={
                    "summary": expand(
                        rules.causal_statistics.output.summary,
                        experiment=CAUSAL_CLAIM,
                    )[0]
                },
                params=figure_params(CAUSAL_PLAN),
                caption=(
                    f"Experiment {CAUSAL_CLAIM[1]} (claim {CAUSAL_CLAIM.upper()}"
                    f"): means over training seeds with 95% "
                    "hierarchical-bootstrap confidence intervals (rates: logit-scale "
                    "t-intervals over seeds), per policy and test split; open circles: "
                    f"per-seed means. From ``results/{CAUSAL_CLAIM}/summary.csv``."
                ),
            )
        },
        learning_logs={
            CAUSAL_CLAIM: labelled(
                rules.causal_train_agent.output.training_log,
                "agent",
                experiment=[CAUSAL_CLAIM],
                seed=CAUSAL_SEEDS[CAUSAL_CLAIM],
            )
        },
        benchmarks=expand(
            "benchmarks/{experiment}/{stage}_seed{seed}.tsv",
            experiment=CAUSAL_CLAIM,
            stage=["training_data", "active_test"]
            + ([] if ENSEMBLE else ["train_agent"]),
            seed=CAUSAL_SEEDS[CAUSAL_CLAIM],
        )
        + [f"benchmarks/{CAUSAL_CLAIM}/statistics.tsv"]
        + ([f"benchmarks/{CAUSAL_CLAIM}/train_agent_ensemble.tsv"] if ENSEMBLE else []),
    )


# --- C1's budget sensitivity (budget.smk; pacs.claims.c1.BUDGET) and its sweep (sweep.smk) -------
# the same training and test at each budget's width: results/budget/c1/<budget>/seed<s>/
use rule causal_train_agent as budget_causal_train_agent with:
    output:
        model=f"{BUDGET_DIR}/{{experiment}}/{{budget}}/seed{{seed}}/agent.safetensors",
        training_log=f"{BUDGET_DIR}/{{experiment}}/{{budget}}/seed{{seed}}/training_log.csv",
    log:
        "logs/budget/{experiment}/{budget}/train_agent_seed{seed}.log",
    benchmark:
        "benchmarks/budget/{experiment}/{budget}/train_agent_seed{seed}.tsv"
    wildcard_constraints:
        experiment="c1",
    params:
        model=budget_model_params("c1"),


if ENSEMBLE:

    # a budget's seeds in one job (config key ensemble; causal_train_ensemble)
    use rule causal_train_ensemble as budget_causal_train_ensemble with:
        output:
            model=expand(
                rules.budget_causal_train_agent.output.model,
                seed=CAUSAL_SEEDS["c1"],
                allow_missing=True,
            ),
            training_log=expand(
                rules.budget_causal_train_agent.output.training_log,
                seed=CAUSAL_SEEDS["c1"],
                allow_missing=True,
            ),
        log:
            "logs/budget/{experiment}/{budget}/train_agent_ensemble.log",
        benchmark:
            "benchmarks/budget/{experiment}/{budget}/train_agent_ensemble.tsv"
        wildcard_constraints:
            experiment="c1",
        params:
            model=budget_model_params("c1"),

    ruleorder: budget_causal_train_ensemble > budget_causal_train_agent


use rule causal_active_test as budget_causal_active_test with:
    input:
        code("causal_active_test"),
        model=rules.budget_causal_train_agent.output.model,
        episodes=rules.causal_eval_episodes.output[0],
    output:
        f"{BUDGET_DIR}/{{experiment}}/{{budget}}/seed{{seed}}/agent_episodes.parquet",
    log:
        "logs/budget/{experiment}/{budget}/active_test_seed{seed}.log",
    benchmark:
        "benchmarks/budget/{experiment}/{budget}/active_test_seed{seed}.tsv"
    wildcard_constraints:
        experiment="c1",


# C1's budget verdict reads its agents and the baselines (the main ones at multiplier 1)
wire_budget(
    "c1",
    main=(rules.causal_train_agent, rules.causal_active_test),
    derived=(rules.budget_causal_train_agent, rules.budget_causal_active_test),
    learners=dict(experiment="c1", seed=CAUSAL_SEEDS["c1"]),
    baselines=expand(
        rules.causal_baselines.output[0], experiment="c1", seed=CAUSAL_SEEDS["c1"]
    ),
)


# one grid point of the sweep: the agent at its lr, width and dropout (one seed)
use rule causal_train_agent as sweep_causal_train_agent with:
    output:
        model=f"{SWEEP_POINT}/seed{{seed}}/agent.safetensors",
        training_log=f"{SWEEP_POINT}/seed{{seed}}/training_log.csv",
    log:
        f"logs/{SWEEP_LOG}/train_agent_seed{{seed}}.log",
    benchmark:
        f"benchmarks/{SWEEP_LOG}/train_agent_seed{{seed}}.tsv"
    wildcard_constraints:
        experiment="c1",
    params:
        model=sweep_model_params("c1"),
        train=sweep_train_params(config["train"]),


wire_sweep(
    "c1",
    train=config["train"],
    main_learner=(rules.causal_train_agent, {}),
    sweep_rule=rules.sweep_causal_train_agent,
    scripts=["causal_training_data", "causal_train_agent", "causal_train_ensemble"],
    data={"env": config["c1"]["env"], "data": config["c1"]["data"]},
)
