# Helpers of budget.smk (budget sensitivity): the files a claim's budget verdict reads, as its
# rule file wires them (wire_budget, common.smk), checked against the claims' specs.


def check_budget_wiring():
    """The claims wired for budgets are those whose spec declares a budget analysis (one line
    naming the culprit otherwise); that `budgets.claims` names only those is checked when the
    config is loaded (pacs.claims.registry.check_participation)."""
    declared = {claim.id for claim in REGISTRY.values() if claim.budget is not None}
    for claim in sorted(declared ^ set(BUDGET_WIRING)):
        sys.exit(
            f"pacs: claim {claim}: "
            + (
                "its spec declares a budget analysis but its rule file does not call wire_budget"
                if claim in declared
                else "its rule file calls wire_budget but its spec declares no budget analysis"
            )
        )


def budget_learner_files(wildcards):
    """A claim's test-episode tables (learners and baselines) and training logs at a
    budget: the main experiment's own files for multiplier 1, the budget's otherwise."""
    wired, budget = BUDGET_WIRING[wildcards.claim], wildcards.budget
    train, test = main_or_derived([budget], is_main, wired["main"], wired["derived"])[
        budget
    ]
    learners = dict(wired["learners"], budget=budget)
    return {
        "agent": expand(test.output[0], **learners),
        "baselines": wired["baselines"],
        "training_logs": expand(train.output.training_log, **learners),
    }


def budget_expert_imitators(wildcards):
    """A budget's training logs held to the expert-agreement floor (pacs.adequacy):
    all of them when the claim's main learners are expert imitators, else none."""
    logs = budget_learner_files(wildcards)["training_logs"]
    return logs if WIRING[wildcards.claim]["expert_imitators"] else []
