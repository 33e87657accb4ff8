# Helpers of sweep.smk (the hyperparameter sweep): each grid point's model and
# training settings, the training logs the sweep table reads, what config holds.

from pacs.config import claim_model, scaled_model, sweep_axes
from pacs.budget import budget_name
from pacs.sweep import budget_multiplier, is_configured


def sweep_model_params(experiment):
    """The model config at the wildcards' d_model (d_mlp scaled with it) and dropout."""

    def model(w):
        base = claim_model(config, experiment)
        scaled = scaled_model(base, int(w.d_model) / base["d_model"])
        return {**scaled, "dropout": float(w.dropout)}

    return model


def sweep_train_params(experiment):
    """The experiment's training settings at the wildcard's lr."""
    return lambda w: {**SWEEP_TRAIN[experiment], "lr": float(w.lr)}


def sweep_points():
    """(experiment, lr, d_model, dropout) of every grid point, as the path names them:
    absolute values, so a point already scored is reused when the configured values move.
    """
    points = []
    for experiment in SWEEP["experiments"]:
        axes, configured = sweep_axes(SWEEP, experiment), SWEEP_CONFIGURED[experiment]
        points += [
            (
                experiment,
                f"{configured['lr'] * lr:.6g}",
                str(round(configured["d_model"] * width)),
                f"{dropout:g}",
            )
            for lr in sorted(axes["lr_multipliers"])
            for width in sorted(axes["width_multipliers"])
            for dropout in sorted(axes["dropouts"])
        ]
    return points


SWEEP_TRAIN = {
    "c1": config["train"],
    "c3": C3_TRAIN,
    "c4": C4_TRAIN,
    "c6": C6_TRAIN,
}
# per swept experiment: its configured lr, d_model and dropout (pacs.sweep.CONFIGURED)
SWEEP_CONFIGURED = {
    experiment: {
        "lr": SWEEP_TRAIN[experiment]["lr"],
        **{key: claim_model(config, experiment)[key] for key in ("d_model", "dropout")},
    }
    for experiment in SWEEP["experiments"]
}


def sweep_log(experiment, lr, d_model, dropout):
    """The training log of one grid point: the main experiment's at the configured
    point, a budget's (budget.smk) where a budget trains the same learner, the
    sweep's own otherwise."""
    values = dict(lr=lr, d_model=d_model, dropout=dropout)
    seed_trained = SWEEP["seed"] in SEEDS
    main = is_configured(values, SWEEP_CONFIGURED[experiment]) and seed_trained
    budget = (
        budget_multiplier(
            values,
            SWEEP_CONFIGURED[experiment],
            config["budgets"]["width_multipliers"],
        )
        if seed_trained and experiment in BUDGET_CLAIMS_RUN
        else None
    )
    point = dict(
        lr=lr,
        d_model=d_model,
        dropout=dropout,
        seed=SWEEP["seed"],
        experiment=experiment,
    )
    budget_rules = {
        "c1": rules.budget_causal_train_agent,
        "c3": rules.budget_c3_train_agent,
        "c4": rules.budget_c4_train,
    }
    sweep_rules = {
        "c1": rules.sweep_causal_train_agent,
        "c3": rules.sweep_c3_train_agent,
        "c4": rules.sweep_c4_train,
        "c6": rules.sweep_c6_train_agent,
    }
    if main:
        return main_learner_log(experiment, SWEEP["seed"])
    learner = main_learner(experiment)[1]
    if budget is not None:
        chosen_rule = budget_rules[experiment]
        point["budget"] = budget_name(budget)
    else:
        chosen_rule = sweep_rules[experiment]
    return expand(chosen_rule.output.training_log, **learner, **point)[0]


def main_learner(experiment):
    """The main experiment's rule that trains the learner a sweep scores, and the
    wildcards that pick that learner among the rule's outputs."""
    return {
        "c1": (rules.causal_train_agent, {}),
        "c3": (
            rules.c3_train_agent,
            dict(confounding="deconfounded", explanations="with"),
        ),
        "c4": (rules.c4_train, dict(explanations="with")),
        "c6": (
            rules.c6_train_agent,
            dict(c6_regime="rc", learner="expert_only"),
        ),
    }[experiment]


def main_learner_log(experiment, seed):
    """The training log of the main experiment's learner (the configured point) at one seed."""
    main_rule, learner = main_learner(experiment)
    return expand(
        main_rule.output.training_log, **learner, seed=seed, experiment=experiment
    )[0]


def sweep_training_logs(wildcards):
    """Every grid point's training log, in the order of sweep_points, and the main
    learners' logs at every seed (their spread is the scale of chance differences),
    in the order of seed_log_experiments."""
    return {
        "training_logs": [sweep_log(*point) for point in sweep_points()],
        "seed_logs": [
            main_learner_log(experiment, seed) for experiment, seed in seed_log_points()
        ],
    }


def seed_log_points():
    """(experiment, seed) of every main learner whose log sweep_table reads."""
    return [(experiment, seed) for experiment in SWEEP["experiments"] for seed in SEEDS]
