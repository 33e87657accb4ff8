# Budget sensitivity (issue 14, pacs.budget): a claim's deciding contrast at several model
# widths (config `budgets`), for the claims whose spec declares a budget analysis
# (pacs.claims.<id>, Claim.budget). The budget of multiplier 1 is the main experiment (its
# learners are reused); every other budget trains its own learners with the experiment's own
# scripts, on the same data, tested on the same episodes, by the twins of its main rules that
# its rule file derives and wires (use rule X as budget_X; wire_budget, common.smk):
#   results/budget/<claim>/<budget>/...  learners and their test episodes
#   results/budget/<claim>/<budget>/     that budget's contrasts and verdict
# so adding a multiplier trains and tests only that budget. The rules here are generic.

import re

from pacs.budget import budget_name, multiplier_of
from pacs.claims.registry import claim_model
from pacs.config import scaled_model

BUDGET_NAMES = [budget_name(m) for m in sorted(config["budgets"]["width_multipliers"])]


include: "budget_common.smk"


check_budget_wiring()


wildcard_constraints:
    budget="|".join(re.escape(name) for name in BUDGET_NAMES),
    claim="|".join(BUDGET_WIRING),


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
