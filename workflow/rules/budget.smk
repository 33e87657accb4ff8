# Budget sensitivity (issue 14, pacs.budget): the deciding contrast of C1, C3 and C4
# at several model widths (config `budgets`). The budget of multiplier 1 is the main
# experiment (its learners are reused); every other budget trains its own learners
# with the experiment's own scripts, on the same data, tested on the same episodes:
#   results/budget/{dag,ooo,lm}/<budget>/...  learners and their test episodes
#   results/budget/<claim>/<budget>/           that budget's contrasts and verdict
# so adding a multiplier trains and tests only that budget.

import re

from pacs.budget import budget_name, is_main, multiplier_of
from pacs.config import claim_model, scaled_model

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
        experiment="dag",
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
        experiment="dag",
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


rule budget_ooo_train_agent:
    input:
        code("ooo_train_agent"),
        train=rules.ooo_training_data.output.train,
        validation=rules.ooo_training_data.output.validation,
    output:
        model=f"{BUDGET_DIR}/ooo/{{budget}}/{{regime}}-{{explanations}}/seed{{seed}}/agent.safetensors",
        training_log=f"{BUDGET_DIR}/ooo/{{budget}}/{{regime}}-{{explanations}}/seed{{seed}}/training_log.csv",
    log:
        "logs/budget/ooo/{budget}/train_agent_{regime}-{explanations}_seed{seed}.log",
    benchmark:
        "benchmarks/budget/ooo/{budget}/train_agent_{regime}-{explanations}_seed{seed}.tsv"
    conda:
        SOFTWARE
    threads: config["threads_per_job"]
    resources:
        **job_resources("model"),
    params:
        env=config["ooo"]["env"],
        explanation_weight=config["ooo"]["explanation_weight"],
        model=budget_model_params("c3"),
        train=OOO_TRAIN,
        device=config["device"],
    script:
        "../scripts/ooo_train_agent.py"


rule budget_ooo_active_test:
    input:
        code("ooo_active_test"),
        model=rules.budget_ooo_train_agent.output.model,
        episodes=rules.ooo_eval_episodes.output[0],
    output:
        f"{BUDGET_DIR}/ooo/{{budget}}/{{regime}}-{{explanations}}/seed{{seed}}/agent_episodes.parquet",
    log:
        "logs/budget/ooo/{budget}/active_test_{regime}-{explanations}_seed{seed}.log",
    conda:
        SOFTWARE
    threads: config["threads_per_job"]
    resources:
        **job_resources("model"),
    params:
        env=config["ooo"]["env"],
        device=config["device"],
    script:
        "../scripts/ooo_active_test.py"


rule budget_lm_train:
    input:
        code("lm_train"),
        train=rules.lm_corpus.output.train,
        in_distribution=rules.lm_corpus.output.in_distribution,
        held_out=rules.lm_corpus.output.held_out,
    output:
        model=f"{BUDGET_DIR}/lm/{{budget}}/seed{{seed}}/pipeline_lm_{{explanations}}.safetensors",
        training_log=f"{BUDGET_DIR}/lm/{{budget}}/seed{{seed}}/training_log_{{explanations}}.csv",
    log:
        "logs/budget/lm/{budget}/train_{explanations}_seed{seed}.log",
    benchmark:
        "benchmarks/budget/lm/{budget}/train_{explanations}_seed{seed}.tsv"
    conda:
        SOFTWARE
    threads: config["threads_per_job"]
    resources:
        **job_resources("model"),
    params:
        model=budget_model_params("c4"),
        train=PIPELINE_TRAIN,
        device=config["device"],
    script:
        "../scripts/lm_train.py"


rule budget_lm_pipeline_test:
    input:
        code("lm_pipeline_test"),
        model=rules.budget_lm_train.output.model,
        episodes=rules.lm_eval_episodes.output[0],
    output:
        episodes=f"{BUDGET_DIR}/lm/{{budget}}/seed{{seed}}/pipeline_lm_{{explanations}}_episodes.parquet",
        transcripts=f"{BUDGET_DIR}/lm/{{budget}}/seed{{seed}}/pipeline_lm_{{explanations}}_transcripts.txt",
    log:
        "logs/budget/lm/{budget}/pipeline_test_{explanations}_seed{seed}.log",
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
        splits=config["lm"]["splits"],
        stats=config["stats"],
        verdicts=config["verdicts"],
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
