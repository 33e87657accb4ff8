# Generic rules over the claims of the registry (pacs.claims.registry.REGISTRY): each claim's
# figures and its report numbers (LaTeX macros and verdict rows), from the statistics
# tables its rule file wired in (wire_claim, common.smk).


check_wiring()
FIGURES = {
    name: {**figure, "draw": REGISTRY[claim].figures[name]}
    for claim, wired in WIRING.items()
    for name, figure in wired["figures"].items()
}


rule figure:
    input:
        code("figure"),
        unpack(lambda w: FIGURES[w.figure]["inputs"]),
    output:
        pdf="paper/build/figures/{figure}.pdf",
        png=report(
            "results/figures/{figure}.png",
            caption="../report/figure.rst",
            category="Figures",
        ),
    log:
        "logs/figures/{figure}.log",
    wildcard_constraints:
        figure="|".join(FIGURES),
    conda:
        SOFTWARE
    resources:
        **job_resources("light"),
    params:
        settings=lambda w: FIGURES[w.figure]["params"],
        draw=lambda w: FIGURES[w.figure]["draw"],
        caption=lambda w: FIGURES[w.figure]["caption"],
    script:
        "../scripts/figure.py"


rule report_numbers:
    input:
        code("report_numbers"),
        unpack(lambda w: WIRING[w.claim]["tables"]),
    output:
        results="paper/build/generated/{claim}_results.tex",
        verdict="paper/build/generated/{claim}_verdict.tex",
        verdict_row="results/verdicts/{claim}.csv",
    log:
        "logs/report/report_numbers_{claim}.log",
    wildcard_constraints:
        claim="|".join(REGISTRY),
    conda:
        SOFTWARE
    resources:
        **job_resources("light"),
    params:
        settings=lambda w: WIRING[w.claim]["params"],
        expert_imitators=lambda w: WIRING[w.claim]["expert_imitators"],
        expert_agreement_floor=config["verdicts"]["expert_agreement_floor"],
    script:
        "../scripts/report_numbers.py"


# The multiverse (pacs.claims.multiverse): each claim's analysis universes (config `multiverse`),
# decided on the same statistics tables and learners as its configured verdicts, and the
# design universes this preset runs (config `multiverse_design`), each its own run; one
# multiverse job per claim; a universe equal to the configured run is that run (not recomputed).
plan_multiverse()


# One job per design universe: the claim's run up to its verdict rows, with the universe's
# config (the configured one with one key changed), in the universe's own folder
# (pacs.claims.multiverse.design_folder), as a nested Snakemake run of this Snakefile on this
# run's cores. Under the SLURM profile that whole run is one cluster job (docs/multiverse.md).
rule design_universe:
    input:
        every_code_input(),
        # the configured run's results of the claim, which seed the universe's folder
        configured=lambda w: REGISTRY[w.claim].verdict_rows_file,
    output:
        verdict_rows=f"{multiverse.DESIGN_DIR}/{{claim}}/{{universe}}/results/verdicts/{{claim}}.csv",
    log:
        "logs/multiverse/design/{claim}/{universe}.log",
    wildcard_constraints:
        claim="|".join(REGISTRY),
        universe=design_slugs(),
    priority: PRIORITY_LONGEST
    conda:
        SOFTWARE
    threads: run_cores()
    resources:
        **{**job_resources("model"), "cpus_per_task": run_cores()},
    params:
        universe=lambda w: multiverse.canonical(
            vars(DESIGN_UNIVERSES[(w.claim, w.universe)])
        ),
        # what reruns the universe: its whole config, keys sorted (a --config override
        # that only moves a key is no change); the script writes it in the configured order
        config=lambda w: multiverse.canonical(
            multiverse.universe_config(
                config, DESIGN_UNIVERSES[(w.claim, w.universe)], claim=w.claim
            )
        ),
        snakefile=str(REPOSITORY / "Snakefile"),
        target=lambda w: REGISTRY[w.claim].verdict_rows_file,
    script:
        "../scripts/design_universe.py"


rule multiverse:
    input:
        code("multiverse"),
        unpack(lambda w: WIRING[w.claim]["tables"]),
        unpack(statistics_inputs),
        unpack(
            lambda w: {
                f"design{index}": design_verdict_rows(w.claim, universe)
                for index, universe in enumerate(design_universes(w.claim))
            }
        ),
    output:
        universes="results/multiverse/{claim}/universes.csv",
        robustness="results/multiverse/{claim}/robustness.csv",
    log:
        "logs/multiverse/{claim}.log",
    wildcard_constraints:
        claim="|".join(REGISTRY),
    conda:
        SOFTWARE
    resources:
        **job_resources("light"),
    params:
        settings=lambda w: WIRING[w.claim]["params"],
        universes=lambda w: universe_params(w.claim),
        design=lambda w: [vars(universe) for universe in design_universes(w.claim)],
        # file names as plain strings (a rule's input objects do not pickle)
        statistics=lambda w: [
            {
                "inputs": {
                    name: [str(path) for path in files]
                    for name, files in job["inputs"].items()
                },
                "tables": job["tables"],
                "shared": job.get("shared", []),
            }
            for job in WIRING[w.claim]["statistics"]
        ],
        expert_imitators=lambda w: WIRING[w.claim]["expert_imitators"],
        expert_agreement_floor=config["verdicts"]["expert_agreement_floor"],
    script:
        "../scripts/multiverse.py"


rule multiverse_figure:
    input:
        code("multiverse_figure"),
        universes=rules.multiverse.output.universes,
    output:
        pdf="paper/build/figures/multiverse_{claim}.pdf",
    log:
        "logs/multiverse/figure_{claim}.log",
    wildcard_constraints:
        claim="|".join(REGISTRY),
    conda:
        SOFTWARE
    resources:
        **job_resources("light"),
    script:
        "../scripts/multiverse_figure.py"


rule multiverse_report:
    input:
        code("multiverse_report"),
        universes=expand(rules.multiverse.output.universes, claim=REGISTRY),
        figures=expand(rules.multiverse_figure.output.pdf, claim=REGISTRY),
    output:
        tex="paper/build/generated/multiverse.tex",
    log:
        "logs/multiverse/report.log",
    conda:
        SOFTWARE
    resources:
        **job_resources("light"),
    params:
        claims=list(REGISTRY),
        design={
            claim: {
                "ran": [universe.name for universe in design_universes(claim)],
                "not_run": multiverse.not_run(
                    config["multiverse"].get(claim, []),
                    config,
                    config["multiverse_design"],
                    claim=claim,
                ),
            }
            for claim in REGISTRY
        },
    script:
        "../scripts/multiverse_report.py"
