# The LaTeX report: every number and figure in it is a generated file listed here.


rule report_provenance:
    input:
        sources("report.py", "runtime.py"),
    output:
        "paper/build/generated/provenance.tex",
    log:
        "logs/report/provenance.log",
    conda:
        SOFTWARE
    params:
        config=config,
    script:
        "../scripts/report_provenance.py"


rule report_pdf:
    input:
        tex="paper/report.tex",
        c1=rules.dag_report_numbers.output,
        c2=rules.cued_report_numbers.output,
        figures=expand(rules.causal_figure.output.pdf, experiment=["dag", "cued"]),
        provenance=rules.report_provenance.output[0],
    output:
        "paper/build/report.pdf",
    log:
        "logs/report/latexmk.log",
    conda:
        SOFTWARE
    shell:
        "cp {input.tex} paper/build/report.tex && "
        "cd paper/build && "
        "latexmk -pdf -interaction=nonstopmode -halt-on-error report.tex > ../../{log} 2>&1"
