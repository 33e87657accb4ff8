# Statistics with CIs -> figures -> generated report numbers.


rule dag_statistics:
    input:
        sources("stats.py", "tables.py", "analysis.py"),
        agent=expand(rules.dag_active_test.output[0], seed=SEEDS),
        baselines=expand(rules.dag_baselines.output[0], seed=SEEDS),
        training_logs=expand(rules.dag_train_agent.output.training_log, seed=SEEDS),
    output:
        episodes="results/dag/episodes.parquet",
        summary="results/dag/summary.csv",
        contrasts="results/dag/contrasts.csv",
        training="results/dag/training_summary.csv",
    log:
        "logs/dag/statistics.log",
    benchmark:
        "benchmarks/dag/statistics.tsv"
    conda:
        SOFTWARE
    params:
        stats=config["stats"],
    script:
        "../scripts/dag_statistics.py"


rule dag_figure:
    input:
        sources("figures.py", "tables.py"),
        summary=rules.dag_statistics.output.summary,
    output:
        pdf="paper/build/figures/c1_dag.pdf",
        png="results/figures/c1_dag.png",
    log:
        "logs/dag/figure.log",
    conda:
        SOFTWARE
    script:
        "../scripts/dag_figure.py"


rule dag_report_numbers:
    input:
        sources("report.py", "verdicts.py", "tables.py"),
        summary=rules.dag_statistics.output.summary,
        contrasts=rules.dag_statistics.output.contrasts,
        training=rules.dag_statistics.output.training,
    output:
        setup="paper/build/generated/c1_setup.tex",
        results="paper/build/generated/c1_results.tex",
        verdict="paper/build/generated/c1_verdict.tex",
        verdict_row="results/verdicts/c1.csv",
    log:
        "logs/dag/report_numbers.log",
    conda:
        SOFTWARE
    params:
        dag=config["dag"],
        model=config["model"],
        train=config["train"],
        seeds=config["seeds"],
        stats=config["stats"],
        verdicts=config["verdicts"],
    script:
        "../scripts/dag_report_numbers.py"
