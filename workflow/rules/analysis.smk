# Statistics with CIs -> figures -> generated report numbers.


rule causal_statistics:
    input:
        code("causal_statistics"),
        agent=expand(rules.causal_active_test.output[0], seed=SEEDS, allow_missing=True),
        baselines=expand(
            rules.causal_baselines.output[0], seed=SEEDS, allow_missing=True
        ),
        training_logs=expand(
            rules.causal_train_agent.output.training_log,
            seed=SEEDS,
            allow_missing=True,
        ),
    output:
        episodes="results/{experiment}/episodes.parquet",
        summary="results/{experiment}/summary.csv",
        contrasts="results/{experiment}/contrasts.csv",
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
    script:
        "../scripts/causal_statistics.py"


rule causal_figure:
    input:
        code("causal_figure"),
        summary=rules.causal_statistics.output.summary,
    output:
        pdf="paper/build/figures/{experiment}.pdf",
        png=report(
            "results/figures/{experiment}.png",
            caption="../report/figure.rst",
            category="Figures",
        ),
    log:
        "logs/{experiment}/figure.log",
    conda:
        SOFTWARE
    resources:
        **job_resources("light"),
    script:
        "../scripts/causal_figure.py"


rule dag_report_numbers:
    input:
        code("dag_report_numbers"),
        summary="results/dag/summary.csv",
        contrasts="results/dag/contrasts.csv",
        training="results/dag/training_summary.csv",
        training_logs=expand(
            rules.causal_train_agent.output.training_log, experiment="dag", seed=SEEDS
        ),
    output:
        setup="paper/build/generated/c1_setup.tex",
        results="paper/build/generated/c1_results.tex",
        verdict="paper/build/generated/c1_verdict.tex",
        verdict_row="results/verdicts/c1.csv",
    log:
        "logs/dag/report_numbers.log",
    conda:
        SOFTWARE
    resources:
        **job_resources("light"),
    params:
        dag=config["dag"],
        model=config["model"],
        train=config["train"],
        seeds=config["seeds"],
        stats=config["stats"],
        verdicts=config["verdicts"],
    script:
        "../scripts/dag_report_numbers.py"


rule cued_report_numbers:
    input:
        code("cued_report_numbers"),
        summary="results/cued/summary.csv",
        contrasts="results/cued/contrasts.csv",
        training="results/cued/training_summary.csv",
        training_logs=expand(
            rules.causal_train_agent.output.training_log, experiment="cued", seed=SEEDS
        ),
    output:
        results="paper/build/generated/c2_results.tex",
        verdict="paper/build/generated/c2_verdict.tex",
        verdict_row="results/verdicts/c2.csv",
    log:
        "logs/cued/report_numbers.log",
    conda:
        SOFTWARE
    resources:
        **job_resources("light"),
    params:
        cued=config["cued"],
        verdicts=config["verdicts"],
    script:
        "../scripts/cued_report_numbers.py"
