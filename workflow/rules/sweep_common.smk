# Helpers of sweep.smk (the hyperparameter sweep): each grid point and the training log
# the sweep table reads for it, what config holds, what the tuning record keeps; from
# the learners the experiments' rule files wire (wire_sweep, common.smk).

from pacs.claims.registry import claim_model
from pacs.config import sweep_axes
from pacs.budget import budget_name
from pacs.runtime import config_hash
from pacs.sweep import budget_multiplier, is_configured
from pacs.tuning import record_path


def check_sweep_wiring():
    """The claims wired for the sweep are those whose spec names a sweep learner (one line
    naming the culprit otherwise); that `sweep.experiments` names only those is checked when
    the config is loaded (pacs.claims.registry.check_participation)."""
    declared = {claim.id for claim in REGISTRY.values() if claim.sweep_learner}
    for claim in sorted(declared ^ set(SWEEP_WIRING)):
        sys.exit(
            f"pacs: claim {claim}: "
            + (
                "its spec names a sweep learner but its rule file does not call wire_sweep"
                if claim in declared
                else "its rule file calls wire_sweep but its spec names no sweep learner"
            )
        )


check_sweep_wiring()  # before reading the wiring below


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


# per swept experiment: its configured lr, d_model and dropout (pacs.sweep.CONFIGURED)
SWEEP_CONFIGURED = {
    experiment: {
        "lr": SWEEP_WIRING[experiment]["train"]["lr"],
        **{key: claim_model(config, experiment)[key] for key in ("d_model", "dropout")},
    }
    for experiment in SWEEP["experiments"]
}


def sweep_log(experiment, lr, d_model, dropout):
    """The training log of one grid point: the main experiment's at the configured
    point, a budget's (budget.smk) where a budget trains the same learner, the
    sweep's own otherwise."""
    values = dict(lr=lr, d_model=d_model, dropout=dropout)
    seed_trained = SWEEP["seed"] in claim_seeds(config, experiment)
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
    if main:
        return main_learner_log(experiment, SWEEP["seed"])
    learner = SWEEP_WIRING[experiment]["main_learner"][1]  # its wildcards
    if budget is not None:
        chosen_rule = BUDGET_WIRING[experiment]["derived"][0]  # its training twin
        point["budget"] = budget_name(budget)
    else:
        chosen_rule = SWEEP_WIRING[experiment]["sweep_rule"]
    return expand(chosen_rule.output.training_log, **learner, **point)[0]


def main_learner_log(experiment, seed):
    """The training log of the main experiment's learner (the configured point) at one seed."""
    main_rule, learner = SWEEP_WIRING[experiment]["main_learner"]
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
    """(experiment, seed) of every main learner whose log sweep_table reads (each
    experiment's claim's seeds)."""
    return [
        (experiment, seed)
        for experiment in SWEEP["experiments"]
        for seed in claim_seeds(config, experiment)
    ]


# What a swept experiment's learners depend on, for the tuning record (pacs.tuning):
# the scripts that make their data and train them (and the sweep's table), and the
# config values that define their data (beside their model, training and grid), as
# its rule file wires them (wire_sweep).
def learner_inputs(experiment):
    """A swept experiment's learners' inputs as the tuning record keeps them: the config
    values they are trained with and its hash, and the behaviour fingerprint of every
    module their scripts may run (pacs.code_inputs), by file."""
    values = {
        "model": claim_model(config, experiment),
        "train": SWEEP_WIRING[experiment]["train"],
        "data": SWEEP_WIRING[experiment]["data"],
        "grid": sweep_axes(SWEEP, experiment),
        "sweep_seed": SWEEP["seed"],
        # the configured learners' spread over seeds
        "seeds": claim_seeds(config, experiment),
    }
    fingerprints = {}
    try:
        for script in [*SWEEP_WIRING[experiment]["scripts"], "sweep_table"]:
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
