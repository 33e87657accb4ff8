# Helpers of budget.smk (budget sensitivity): the model config at a budget, and the
# files a claim's budget verdict reads (the main experiment's at multiplier 1).


def budget_model_params(claim):
    """The model config of a claim's learners at the wildcard's budget."""
    return lambda w: scaled_model(claim_model(config, claim), multiplier_of(w.budget))


def budget_expert_imitators(wildcards):
    """A budget's training logs held to the expert-agreement floor (pacs.adequacy):
    all of them when the claim's main learners are expert imitators (C1), else none."""
    logs = budget_learner_files(wildcards)["training_logs"]
    return logs if WIRING[wildcards.claim]["expert_imitators"] else []


def budget_learner_files(wildcards):
    """A claim's test-episode tables (learners and baselines) and training logs at a
    budget: the main experiment's own files for multiplier 1, the budget's otherwise."""
    main, at = is_main(wildcards.budget), wildcards.budget
    if wildcards.claim == "c1":
        pattern = dict(experiment="c1", seed=SEEDS)
        return {
            "agent": expand(
                (
                    rules.causal_active_test.output[0]
                    if main
                    else rules.budget_causal_active_test.output[0]
                ),
                budget=at,
                **pattern,
            ),
            "baselines": expand(rules.causal_baselines.output[0], **pattern),
            "training_logs": expand(
                (
                    rules.causal_train_agent.output.training_log
                    if main
                    else rules.budget_causal_train_agent.output.training_log
                ),
                budget=at,
                **pattern,
            ),
        }
    if wildcards.claim == "c3":
        pattern = dict(
            confounding="deconfounded", explanations=["with", "without"], seed=SEEDS
        )
        return {
            "agent": expand(
                (
                    rules.c3_active_test.output[0]
                    if main
                    else rules.budget_c3_active_test.output[0]
                ),
                budget=at,
                **pattern,
            ),
            "baselines": [],
            "training_logs": expand(
                (
                    rules.c3_train_agent.output.training_log
                    if main
                    else rules.budget_c3_train_agent.output.training_log
                ),
                budget=at,
                **pattern,
            ),
        }
    pattern = dict(explanations="with", seed=SEEDS)
    return {
        "agent": expand(
            (
                rules.c4_pipeline_test.output.episodes
                if main
                else rules.budget_c4_pipeline_test.output.episodes
            ),
            budget=at,
            **pattern,
        ),
        "baselines": expand(rules.c4_baselines.output[0], seed=SEEDS),
        "training_logs": expand(
            (
                rules.c4_train.output.training_log
                if main
                else rules.budget_c4_train.output.training_log
            ),
            budget=at,
            **pattern,
        ),
    }
