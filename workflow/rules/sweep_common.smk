# Helpers of sweep.smk (the hyperparameter sweep): each grid point's model and
# training settings, the training logs the sweep table reads, what config holds.

from pacs.claims.registry import claim_model
from pacs.config import scaled_model, sweep_axes
from pacs.budget import budget_name
from pacs.runtime import config_hash
from pacs.sweep import budget_multiplier, is_configured
from pacs.tuning import record_path


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


# What a swept experiment's learners depend on, for the tuning record (pacs.tuning):
# the scripts that make their data and train them (and the sweep's table), and the
# config values that define their data (beside their model, training and grid).
SWEEP_LEARNER_SCRIPTS = {
    "c1": ["causal_training_data", "causal_train_agent", "causal_train_ensemble"],
    "c3": ["c3_training_data", "c3_train_agent", "c3_train_ensemble"],
    "c4": ["c4_corpus", "c4_train"],
    "c6": ["c6_rc_demonstrations", "c6_rc_training_set", "c6_train_agent"],
}
SWEEP_DATA = {
    "c1": {"env": config["c1"]["env"], "data": config["c1"]["data"]},
    "c3": {
        "env": config["c3"]["env"],
        "data": config["c3"]["data"],
        "explanation_weight": config["c3"]["explanation_weight"],
    },
    "c4": {
        "env": config["c1"]["env"],
        "splits": config["c4"]["splits"],
        "text": config["c4"]["text"],
        "pipeline": config["c4"]["pipeline"],
    },
    "c6": {
        "env": config["c1"]["env"],
        **{key: config["c6"][key] for key in ("data_seed", "val_episodes")},
        "return_conditioning": config["c6"]["return_conditioning"],
    },
}


def learner_inputs(experiment):
    """A swept experiment's learners' inputs as the tuning record keeps them: the config
    values they are trained with and its hash, and the behaviour fingerprint of every
    module their scripts may run (pacs.code_inputs), by file."""
    values = {
        "model": claim_model(config, experiment),
        "train": SWEEP_TRAIN[experiment],
        "data": SWEEP_DATA[experiment],
        "grid": sweep_axes(SWEEP, experiment),
        "sweep_seed": SWEEP["seed"],
        "seeds": SEEDS,  # the configured learners' spread over seeds
    }
    fingerprints = {}
    try:
        for script in [*SWEEP_LEARNER_SCRIPTS[experiment], "sweep_table"]:
            fingerprints.update(
                CODE_FINGERPRINTS.digests(
                    REPOSITORY / "workflow" / "scripts" / f"{script}.py"
                )
            )
    except CodeInputError as error:
        sys.exit(f"pacs: {error}")
    return {
        "config_hash": config_hash(values),
        "config": values,
        "fingerprints": fingerprints,
    }


SWEEP_LEARNER_INPUTS = {
    experiment: learner_inputs(experiment) for experiment in SWEEP["experiments"]
}
# the committed tuning record of this preset (written by `make tune`)
TUNING_RECORD = str(record_path("tuning", config["preset"]))


def committed_tuning_record(wildcards):
    """The committed record as an input when there is one (a change to it reruns the
    appendix); none committed, the appendix says so."""
    return [TUNING_RECORD] if Path(TUNING_RECORD).is_file() else []
