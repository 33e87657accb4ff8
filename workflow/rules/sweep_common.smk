# Helpers of sweep.smk (the hyperparameter sweep): each grid point's model and
# training settings, the training logs the sweep table reads, what config holds.

from pacs.budget import budget_name, multiplier_of
from pacs.config import SWEEP_CLAIMS as SWEEP_CLAIM
from pacs.config import claim_model, scaled_model, sweep_axes


def sweep_model_params(experiment):
    """The model config at the wildcards' width multiplier and dropout."""
    return lambda w: {
        **scaled_model(
            claim_model(config, SWEEP_CLAIM[experiment]), multiplier_of(w.width_scale)
        ),
        "dropout": float(w.dropout),
    }


def sweep_train_params(train):
    """The training settings with the lr times the wildcard's lr multiplier."""
    return lambda w: {**train, "lr": train["lr"] * multiplier_of(w.lr_scale)}


def sweep_points():
    """(experiment, lr multiplier name, width multiplier name, dropout) of every grid point."""
    points = []
    for experiment in SWEEP["experiments"]:
        axes = sweep_axes(SWEEP, experiment)
        points += [
            (experiment, budget_name(lr), budget_name(width), f"{dropout:g}")
            for lr in sorted(axes["lr_multipliers"])
            for width in sorted(axes["width_multipliers"])
            for dropout in sorted(axes["dropouts"])
        ]
    return points


SWEEP_TRAIN = {
    "dag": config["train"],
    "ooo": {**config["train"], **config["ooo"]["train"]},
    "lm": PIPELINE_TRAIN,
    "regimes": C6_TRAIN,
}


def sweep_configured():
    """Per swept experiment: its configured lr, d_model and dropout."""
    return {
        experiment: {
            "lr": SWEEP_TRAIN[experiment]["lr"],
            "d_model": claim_model(config, SWEEP_CLAIM[experiment])["d_model"],
            "dropout": claim_model(config, SWEEP_CLAIM[experiment])["dropout"],
        }
        for experiment in SWEEP["experiments"]
    }


def sweep_log(experiment, lr_scale, width_scale, dropout):
    """The training log of one grid point; the main experiment's at the configured point."""
    main = (
        lr_scale == "x1"
        and width_scale == "x1"
        and float(dropout) == claim_model(config, SWEEP_CLAIM[experiment])["dropout"]
        and SWEEP["seed"] in SEEDS
    )
    point = dict(
        lr_scale=lr_scale,
        width_scale=width_scale,
        dropout=dropout,
        seed=SWEEP["seed"],
        experiment=experiment,
    )
    main_rules = {
        "dag": (rules.causal_train_agent, {}),
        "ooo": (
            rules.ooo_train_agent,
            dict(regime="deconfounded", explanations="with"),
        ),
        "lm": (rules.lm_train, dict(explanations="with")),
        "regimes": (
            rules.regime_train_agent,
            dict(c6_regime="rc", learner="expert_only"),
        ),
    }
    sweep_rules = {
        "dag": rules.sweep_causal_train_agent,
        "ooo": rules.sweep_ooo_train_agent,
        "lm": rules.sweep_lm_train,
        "regimes": rules.sweep_regime_train_agent,
    }
    main_rule, learner = main_rules[experiment]
    chosen_rule = main_rule if main else sweep_rules[experiment]
    return expand(chosen_rule.output.training_log, **learner, **point)[0]


def sweep_training_logs(wildcards):
    """Every grid point's training log, in the order of sweep_points."""
    return {"training_logs": [sweep_log(*point) for point in sweep_points()]}
