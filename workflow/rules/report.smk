# The LaTeX report: every number and figure in it is a generated file listed here.

CAUSAL_EXPERIMENTS = ["dag", "cued"]
VERDICT_ROWS = [
    "results/verdicts/c1.csv",
    "results/verdicts/c2.csv",
    "results/verdicts/c3.csv",
    "results/verdicts/c4.csv",
    "results/verdicts/c5.csv",
    "results/verdicts/c6_rc.csv",
    "results/verdicts/c6_dagger.csv",
    "results/verdicts/c6_fusion.csv",
]
C6_REGIMES = ["rc", "dagger", "fusion"]
BENCHMARKED = (
    expand(
        "benchmarks/{experiment}/{stage}_seed{seed}.tsv",
        experiment=CAUSAL_EXPERIMENTS,
        stage=["training_data", "train_agent", "active_test"],
        seed=SEEDS,
    )
    + expand("benchmarks/{experiment}/statistics.tsv", experiment=CAUSAL_EXPERIMENTS)
    + expand(
        "benchmarks/ooo/train_agent_{regime}-{explanations}_seed{seed}.tsv",
        regime=config["ooo"]["regimes"],
        explanations=["with", "without"],
        seed=SEEDS,
    )
    + expand(
        "benchmarks/lm/{stage}_{explanations}_seed{seed}.tsv",
        stage=["train", "pipeline_test"],
        explanations=["with", "without"],
        seed=SEEDS,
    )
    + expand(
        "benchmarks/lm/pretrained_test_{shots}shot_{explanations}_seed{seed}.tsv",
        shots=config["lm"]["pretrained"]["shots"],
        explanations=["with", "without"],
        seed=config["lm"]["pretrained"]["prompt_seeds"],
    )
    + (
        ["benchmarks/lm/materialize_smollm2.tsv"]
        if "smollm2"
        in (config["lm"]["pretrained"]["model"], PROBES["pretrained"]["model"])
        else []
    )
    + [
        f"benchmarks/probes/pretrained_{task}_{shots}shot_seed{seed}.tsv"
        for task in TASKS_RUN
        for shots, seed in PROMPTS
    ]
    + expand(
        "benchmarks/probes/world_train_{regime}_seed{seed}.tsv",
        regime=REGIMES,
        seed=SEEDS,
    )
    + ["benchmarks/probes/statistics.tsv"]
    + [
        f"benchmarks/regimes/train_{regime}_{learner}_seed{seed}.tsv"
        for regime in C6_REGIMES
        for learner in C6_LEARNERS[regime]
        for seed in SEEDS
    ]
    + expand("benchmarks/regimes/statistics_{c6_regime}.tsv", c6_regime=C6_REGIMES)
)


# every learner's training log, per experiment (C6: per regime), for its learning curves
LEARNING_CURVES = {
    "dag": expand(
        rules.causal_train_agent.output.training_log, experiment="dag", seed=SEEDS
    ),
    "cued": expand(
        rules.causal_train_agent.output.training_log, experiment="cued", seed=SEEDS
    ),
    "ooo": rules.ooo_statistics.input.training_logs,
    "lm": rules.lm_statistics.input.training_logs,
    "probes": rules.probe_statistics.input.training_logs,
    **{
        f"c6_{regime}": c6_learner_files(
            regime, C6_LEARNERS[regime], "training_log.csv"
        )
        for regime in C6_REGIMES
    },
}
LEARNING_CURVE_TITLES = {
    "dag": "C1 agents",
    "cued": "C2 agents",
    "ooo": "C3 agents",
    "lm": "C4 pipeline LMs",
    "probes": "C5 world LMs",
    "c6_rc": "C6 return-conditioning learners",
    "c6_dagger": "C6 DAgger learners",
    "c6_fusion": "C6 data-fusion learners",
}


rule learning_curves:
    input:
        code("learning_curves"),
        logs=lambda w: LEARNING_CURVES[w.curves],
    output:
        pdf="paper/build/figures/learning_{curves}.pdf",
    log:
        "logs/report/learning_curves_{curves}.log",
    wildcard_constraints:
        curves="|".join(LEARNING_CURVES),
    conda:
        SOFTWARE
    resources:
        **job_resources("light"),
    params:
        title=lambda w: LEARNING_CURVE_TITLES[w.curves],
    script:
        "../scripts/learning_curves.py"


rule verdict_table:
    input:
        code("verdict_table"),
        rows=VERDICT_ROWS,
        budget_sensitivity=rules.budget_summary.output.sensitivity,
    output:
        tex="paper/build/generated/verdict_table.tex",
        table="results/verdicts/all.csv",
    log:
        "logs/report/verdict_table.log",
    conda:
        SOFTWARE
    resources:
        **job_resources("light"),
    params:
        verdicts=config["verdicts"],
    script:
        "../scripts/verdict_table.py"


rule report_provenance:
    input:
        code("report_provenance"),
        benchmarks=BENCHMARKED,
    output:
        "paper/build/generated/provenance.tex",
    log:
        "logs/report/provenance.log",
    conda:
        SOFTWARE
    resources:
        **job_resources("light"),
    params:
        config=config,
    script:
        "../scripts/report_provenance.py"


rule report_pdf:
    input:
        tex="paper/report.tex",
        c1=rules.dag_report_numbers.output,
        c2=rules.cued_report_numbers.output,
        c3=rules.ooo_report_numbers.output,
        c3_figure=rules.ooo_figure.output.pdf,
        c4=rules.lm_report_numbers.output,
        c4_figure=rules.lm_figure.output.pdf,
        c5=rules.probe_report_numbers.output,
        c5_figure=rules.probe_figure.output.pdf,
        c6=expand(
            [
                rules.regime_report_numbers.output.results,
                rules.regime_report_numbers.output.verdict,
            ],
            c6_regime=C6_REGIMES,
        ),
        c6_figures=expand(rules.regime_figure.output.pdf, c6_regime=C6_REGIMES),
        figures=expand(rules.causal_figure.output.pdf, experiment=CAUSAL_EXPERIMENTS),
        verdicts=rules.verdict_table.output.tex,
        learning_curves=expand(
            rules.learning_curves.output.pdf, curves=list(LEARNING_CURVES)
        ),
        provenance=rules.report_provenance.output[0],
        budget=rules.budget_summary.output.tex,
        budget_figure=rules.budget_figure.output.pdf,
        sweep=rules.sweep_table.output.tex,
    output:
        report(
            "paper/build/report.pdf",
            caption="../report/report_pdf.rst",
            category="Report",
        ),
    log:
        "logs/report/latexmk.log",
    conda:
        SOFTWARE
    resources:
        **job_resources("light"),
    shell:
        "cp {input.tex} paper/build/report.tex && "
        "cd paper/build && "
        "latexmk -pdf -interaction=nonstopmode -halt-on-error report.tex > ../../{log} 2>&1"
