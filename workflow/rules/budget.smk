# Budget sensitivity (issue 14, pacs.budget): the deciding contrast of C1, C3 and C4
# at several model widths (config `budgets`). The budget of multiplier 1 is the main
# experiment (its learners are reused); every other budget trains its own learners
# with the experiment's own scripts, on the same data, tested on the same episodes:
#   results/budget/<claim>/<budget>/seed<s>/...  learners and their test episodes
#   results/budget/<claim>/<budget>/             that budget's contrasts and verdict
# so adding a multiplier trains and tests only that budget.

import re

from pacs.budget import budget_name, is_main, multiplier_of
from pacs.claims.registry import claim_model
from pacs.config import scaled_model

BUDGET_DIR = "results/budget"
BUDGET_NAMES = [budget_name(m) for m in sorted(config["budgets"]["width_multipliers"])]
BUDGET_CLAIMS_RUN = config["budgets"]["claims"]


include: "budget_common.smk"


wildcard_constraints:
    budget="|".join(re.escape(name) for name in BUDGET_NAMES),
    claim="c1|c3|c4",


rule budget_causal_train_agent:
    input:
        code("causal_train_agent"),
        train=rules.causal_training_data.output.train,
        validation=rules.causal_training_data.output.validation,
    output:
        model=f"{BUDGET_DIR}/{{experiment}}/{{budget}}/seed{{seed}}/agent.safetensors",
        training_log=f"{BUDGET_DIR}/{{experiment}}/{{budget}}/seed{{seed}}/training_log.csv",
    log:
        "logs/budget/{experiment}/{budget}/train_agent_seed{seed}.log",
    benchmark:
        "benchmarks/budget/{experiment}/{budget}/train_agent_seed{seed}.tsv"
    wildcard_constraints:
        experiment="c1",
    conda:
        SOFTWARE
    threads: config["threads_per_job"]
    resources:
        **job_resources("model"),
    params:
        design=design_params,
        model=budget_model_params("c1"),
        train=config["train"],
        device=config["device"],
    script:
        "../scripts/causal_train_agent.py"


if ENSEMBLE:

    # a budget's seeds in one job (config key ensemble; causal_train_ensemble)
    use rule causal_train_ensemble as budget_causal_train_ensemble with:
        output:
            model=expand(
                rules.budget_causal_train_agent.output.model,
                seed=SEEDS,
                allow_missing=True,
            ),
            training_log=expand(
                rules.budget_causal_train_agent.output.training_log,
                seed=SEEDS,
                allow_missing=True,
            ),
        log:
            "logs/budget/{experiment}/{budget}/train_agent_ensemble.log",
        benchmark:
            "benchmarks/budget/{experiment}/{budget}/train_agent_ensemble.tsv"
        wildcard_constraints:
            experiment="c1",
        params:
            design=design_params,
            model=budget_model_params("c1"),
            train=config["train"],
            device=config["device"],
            seeds=SEEDS,

    ruleorder: budget_causal_train_ensemble > budget_causal_train_agent


rule budget_causal_active_test:
    input:
        code("causal_active_test"),
        model=rules.budget_causal_train_agent.output.model,
        episodes=rules.causal_eval_episodes.output[0],
    output:
        f"{BUDGET_DIR}/{{experiment}}/{{budget}}/seed{{seed}}/agent_episodes.parquet",
    log:
        "logs/budget/{experiment}/{budget}/active_test_seed{seed}.log",
    wildcard_constraints:
        experiment="c1",
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


rule budget_c3_train_agent:
    input:
        code("c3_train_agent"),
        train=rules.c3_training_data.output.train,
        validation=rules.c3_training_data.output.validation,
    output:
        model=f"{BUDGET_DIR}/c3/{{budget}}/{{confounding}}-{{explanations}}/seed{{seed}}/agent.safetensors",
        training_log=f"{BUDGET_DIR}/c3/{{budget}}/{{confounding}}-{{explanations}}/seed{{seed}}/training_log.csv",
    log:
        "logs/budget/c3/{budget}/train_agent_{confounding}-{explanations}_seed{seed}.log",
    benchmark:
        "benchmarks/budget/c3/{budget}/train_agent_{confounding}-{explanations}_seed{seed}.tsv"
    conda:
        SOFTWARE
    threads: config["threads_per_job"]
    resources:
        **job_resources("model"),
    params:
        env=config["c3"]["env"],
        explanation_weight=config["c3"]["explanation_weight"],
        model=budget_model_params("c3"),
        train=C3_TRAIN,
        device=config["device"],
    script:
        "../scripts/c3_train_agent.py"


if ENSEMBLE:

    # a budget's seeds of one condition in one job (config key ensemble; c3_train_ensemble)
    use rule c3_train_ensemble as budget_c3_train_ensemble with:
        output:
            model=expand(
                rules.budget_c3_train_agent.output.model,
                seed=SEEDS,
                allow_missing=True,
            ),
            training_log=expand(
                rules.budget_c3_train_agent.output.training_log,
                seed=SEEDS,
                allow_missing=True,
            ),
        log:
            "logs/budget/c3/{budget}/train_agent_{confounding}-{explanations}_ensemble.log",
        benchmark:
            "benchmarks/budget/c3/{budget}/train_agent_{confounding}-{explanations}_ensemble.tsv"
        params:
            env=config["c3"]["env"],
            explanation_weight=config["c3"]["explanation_weight"],
            model=budget_model_params("c3"),
            train=C3_TRAIN,
            device=config["device"],
            seeds=SEEDS,

    ruleorder: budget_c3_train_ensemble > budget_c3_train_agent


rule budget_c3_active_test:
    input:
        code("c3_active_test"),
        model=rules.budget_c3_train_agent.output.model,
        episodes=rules.c3_eval_episodes.output[0],
    output:
        f"{BUDGET_DIR}/c3/{{budget}}/{{confounding}}-{{explanations}}/seed{{seed}}/agent_episodes.parquet",
    log:
        "logs/budget/c3/{budget}/active_test_{confounding}-{explanations}_seed{seed}.log",
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


rule budget_c4_train:
    input:
        code("c4_train"),
        train=rules.c4_corpus.output.train,
        in_distribution=rules.c4_corpus.output.in_distribution,
        held_out=rules.c4_corpus.output.held_out,
    output:
        model=f"{BUDGET_DIR}/c4/{{budget}}/seed{{seed}}/pipeline_lm_{{explanations}}.safetensors",
        training_log=f"{BUDGET_DIR}/c4/{{budget}}/seed{{seed}}/training_log_{{explanations}}.csv",
    log:
        "logs/budget/c4/{budget}/train_{explanations}_seed{seed}.log",
    benchmark:
        "benchmarks/budget/c4/{budget}/train_{explanations}_seed{seed}.tsv"
    conda:
        SOFTWARE
    threads: config["threads_per_job"]
    resources:
        **job_resources("model"),
    params:
        model=budget_model_params("c4"),
        train=C4_TRAIN,
        device=config["device"],
    script:
        "../scripts/c4_train.py"


rule budget_c4_pipeline_test:
    input:
        code("c4_pipeline_test"),
        model=rules.budget_c4_train.output.model,
        episodes=rules.c4_eval_episodes.output[0],
    output:
        episodes=f"{BUDGET_DIR}/c4/{{budget}}/seed{{seed}}/pipeline_lm_{{explanations}}_episodes.parquet",
        transcripts=f"{BUDGET_DIR}/c4/{{budget}}/seed{{seed}}/pipeline_lm_{{explanations}}_transcripts.txt",
    log:
        "logs/budget/c4/{budget}/pipeline_test_{explanations}_seed{seed}.log",
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


rule budget_verdict:
    input:
        unpack(budget_learner_files),
        code("budget_verdict"),
    output:
        contrasts=f"{BUDGET_DIR}/{{claim}}/{{budget}}/contrasts.csv",
        verdict=f"{BUDGET_DIR}/{{claim}}/{{budget}}/verdict.csv",
    log:
        "logs/budget/{claim}/{budget}/verdict.log",
    conda:
        SOFTWARE
    resources:
        **job_resources("light"),
    params:
        model=lambda w: scaled_model(
            claim_model(config, w.claim), multiplier_of(w.budget)
        ),
        rule=lambda w: config[w.claim]["verdict"],
        stats=config["stats"],
        verdicts=config["verdicts"],
        expert_imitators=budget_expert_imitators,
    script:
        "../scripts/budget_verdict.py"


rule budget_summary:
    input:
        code("budget_summary"),
        rows=expand(
            rules.budget_verdict.output.verdict,
            claim=BUDGET_CLAIMS_RUN,
            budget=BUDGET_NAMES,
        ),
    output:
        table=f"{BUDGET_DIR}/budgets.csv",
        sensitivity=f"{BUDGET_DIR}/sensitivity.csv",
        tex="paper/build/generated/budget.tex",
    log:
        "logs/budget/summary.log",
    conda:
        SOFTWARE
    resources:
        **job_resources("light"),
    script:
        "../scripts/budget_summary.py"


rule budget_figure:
    input:
        code("budget_figure"),
        table=rules.budget_summary.output.table,
    output:
        pdf="paper/build/figures/budget.pdf",
    log:
        "logs/budget/figure.log",
    conda:
        SOFTWARE
    resources:
        **job_resources("light"),
    script:
        "../scripts/budget_figure.py"
