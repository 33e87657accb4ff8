# The LaTeX report: every number and figure in it is a generated file, derived here
# from the claims of the registry (pacs.claims.registry.REGISTRY) and their wiring (wire_claim).

LEARNING_CURVES = {
    name: logs
    for wired in WIRING.values()
    for name, logs in wired["learning_logs"].items()
}
# the training logs whose learners are held to the expert-agreement floor (pacs.adequacy)
EXPERT_IMITATORS = {
    path for wired in WIRING.values() for path in wired["expert_imitators"]
}
LEARNING_CURVE_TITLES = {
    name: title
    for claim in REGISTRY.values()
    for name, title in claim.learning_curves.items()
}
BENCHMARKED = [path for wired in WIRING.values() for path in wired["benchmarks"]]


rule learning_curves:
    input:
        code("learning_curves"),
        logs=lambda w: list(LEARNING_CURVES[w.curves]),
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
        conditions=lambda w: LEARNING_CURVES[w.curves],
        expert_imitators=lambda w: [
            path for path in LEARNING_CURVES[w.curves] if path in EXPERT_IMITATORS
        ],
        expert_agreement_floor=config["verdicts"]["expert_agreement_floor"],
    script:
        "../scripts/learning_curves.py"


rule verdict_table:
    input:
        code("verdict_table"),
        rows=[claim.verdict_rows_file for claim in REGISTRY.values()],
        budget_sensitivity=rules.budget_summary.output.sensitivity,
        robustness=expand(rules.multiverse.output.robustness, claim=REGISTRY),
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
        # the verdict blocks of the claims with margins (the report's margin table)
        claim_verdicts={
            claim.id: config[claim.id]["verdict"]
            for claim in REGISTRY.values()
            if claim.margins
        },
    script:
        "../scripts/verdict_table.py"


# the verdicts at a glance, as Markdown (the README links to it)
rule verdict_digest:
    input:
        code("verdict_digest"),
        table=rules.verdict_table.output.table,
    output:
        digest="results/verdicts/digest.md",
    log:
        "logs/report/verdict_digest.log",
    conda:
        SOFTWARE
    resources:
        **job_resources("light"),
    params:
        config=config,
    script:
        "../scripts/verdict_digest.py"


rule claim_macro_inputs:
    input:
        code("claim_macro_inputs"),
    output:
        tex="paper/build/generated/claims.tex",
    log:
        "logs/report/claim_macro_inputs.log",
    conda:
        SOFTWARE
    resources:
        **job_resources("light"),
    params:
        claims=list(REGISTRY),
    script:
        "../scripts/claim_macro_inputs.py"


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
        claims=[path for claim in REGISTRY.values() for path in claim.report_inputs()],
        claim_macros=rules.claim_macro_inputs.output.tex,
        verdicts=rules.verdict_table.output.tex,
        provenance=rules.report_provenance.output[0],
        budget=rules.budget_summary.output.tex,
        budget_figure=rules.budget_figure.output.pdf,
        sweep=rules.sweep_appendix.output.tex,
        multiverse=rules.multiverse_report.output.tex,
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
