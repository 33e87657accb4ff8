# Helpers of sweep.smk (the hyperparameter sweep): each grid point's model and
# training settings, the training logs the sweep table reads, what config holds.

from pacs.budget import budget_name, multiplier_of
from pacs.config import SWEEP_CLAIMS as SWEEP_CLAIM
from pacs.config import budget_model, scaled_model


def sweep_model_params(experiment):
    """The model config at the wildcard's width multiplier."""
    return lambda w: scaled_model(
        budget_model(config, SWEEP_CLAIM[experiment]), multiplier_of(w.width_scale)
    )


def sweep_train_params(train):
    """The training settings with the lr times the wildcard's lr multiplier."""
    return lambda w: {**train, "lr": train["lr"] * multiplier_of(w.lr_scale)}


def sweep_points():
    """(experiment, lr multiplier name, width multiplier name) of every grid point."""
    return [
        (experiment, budget_name(lr), budget_name(width))
        for experiment in SWEEP["experiments"]
        for lr in sorted(SWEEP["lr_multipliers"])
        for width in sorted(SWEEP["width_multipliers"])
    ]


def sweep_configured():
    """Per swept experiment: its configured lr and d_model, and each grid point's."""
    trains = {
        "dag": config["train"],
        "ooo": {**config["train"], **config["ooo"]["train"]},
        "lm": PIPELINE_TRAIN,
    }
    return {
        experiment: {
            "lr": trains[experiment]["lr"],
            "d_model": budget_model(config, SWEEP_CLAIM[experiment])["d_model"],
        }
        for experiment in SWEEP["experiments"]
    }


def sweep_log(experiment, lr_scale, width_scale):
    """The training log of one grid point; the main experiment's at (x1, x1)."""
    main = lr_scale == "x1" and width_scale == "x1" and SWEEP["seed"] in SEEDS
    point = dict(
        lr_scale=lr_scale,
        width_scale=width_scale,
        seed=SWEEP["seed"],
        experiment=experiment,
    )
    if experiment == "dag":
        rule_output = (
            rules.causal_train_agent.output.training_log
            if main
            else rules.sweep_causal_train_agent.output.training_log
        )
        return expand(rule_output, **point)[0]
    if experiment == "ooo":
        rule_output = (
            rules.ooo_train_agent.output.training_log
            if main
            else rules.sweep_ooo_train_agent.output.training_log
        )
        return expand(rule_output, regime="deconfounded", explanations="with", **point)[
            0
        ]
    rule_output = (
        rules.lm_train.output.training_log
        if main
        else rules.sweep_lm_train.output.training_log
    )
    return expand(rule_output, explanations="with", **point)[0]


def sweep_training_logs(wildcards):
    """Every grid point's training log, in the order of sweep_points."""
    return {"training_logs": [sweep_log(*point) for point in sweep_points()]}
