import itertools
import re
import sys
from pathlib import Path

from pacs.claims.registry import REGISTRY, claim_model, resolve_config, rule_files
from pacs.code_inputs import CodeGraph, CodeInputError, FingerprintStore
from pacs.claims import multiverse
from pacs.budget import is_main, multiplier_of
from pacs.config import ConfigError, claim_seeds, scaled_model
from pacs.ensemble import use_ensemble
from pacs.probes.sources import extra_files_by_task
from pacs.runtime import pick_device
from pacs.verdicts import rule_choices
from snakemake.exceptions import WorkflowError

try:
    resolved = resolve_config(
        config,
        Path(workflow.basedir) / "workflow" / "schemas" / "config.schema.yaml",
        workflow.config_settings.overwrite_config,
    )
except ConfigError as error:
    sys.exit(f"pacs: {error}")
config.clear()
config.update(resolved)

try:
    # whether the seeds of a C1/C2 experiment or C3 condition train together in one job
    # (rules causal_train_ensemble, c3_train_ensemble) instead of one job per seed
    ENSEMBLE = use_ensemble(
        config["ensemble"], pick_device(config["device"]), config["model"]["dropout"]
    )
except ValueError as error:
    sys.exit(f"pacs: {error}")
SOFTWARE = "../envs/pacs.yaml"
REPOSITORY = Path(workflow.basedir)
# one behaviour fingerprint per module, brought up to date while the workflow is parsed;
# each module is parsed only when its text changed (the cache file is keyed by it)
CODE_FINGERPRINTS = FingerprintStore(
    REPOSITORY,
    Path("results/code_fingerprints"),
    CodeGraph(
        REPOSITORY / "src",
        cache_file=Path("results/code_fingerprints/parse_cache.json"),
    ),
)


def code(script):
    """Code inputs of the jobs running workflow/scripts/<script>.py, that is the
    fingerprint files of the script and of every pacs module it imports,
    transitively (pacs.code_inputs). A fingerprint changes when the code does,
    not when a comment or docstring does, so only that reruns a job."""
    try:
        return CODE_FINGERPRINTS.code_inputs(
            REPOSITORY / "workflow" / "scripts" / f"{script}.py"
        )
    except CodeInputError as error:
        sys.exit(f"pacs: {error}")


# What the generic rules read for each claim of the registry (pacs.claims.registry.REGISTRY):
# each claim's rule file fills its entry with wire_claim; analysis.smk checks it.
WIRING = {}


def wire_claim(
    claim,
    *,
    tables,
    params,
    figures,
    learning_logs,
    benchmarks,
    expert_imitators=(),
    statistics_keys=(),
    statistics=(),
):
    """Wire one claim of the registry into the generic rules.

    tables: the report_numbers job's named inputs (its spec's statistics tables, and
    ``training_logs*``: lists of training logs whose adequacy qualifies its verdicts);
    expert_imitators: those training logs whose learners imitate one expert, held to
    the expert-agreement floor (config ``verdicts.expert_agreement_floor``, pacs.adequacy);
    params: the config values its report numbers read; figures: figure name ->
    dict(inputs=named statistics tables, params=config values, caption=text of its
    caption in the HTML report); learning_logs: learning-curve name -> {training log: its
    condition label in the figure};
    benchmarks: its benchmark files, for the report's stage-time table;
    statistics_keys: the dotted config keys its statistics jobs read (a multiverse
    universe that changes one would need its statistics rerun, pacs.multiverse.plan);
    statistics: its statistics jobs, for a universe to rerun, each dict(inputs=named
    lists of files, params=the job's params, keys=param -> the config key it holds,
    tables=output -> the wired table it is, and optionally shared=names of inputs whose
    seed folders are not training seeds, kept whole in a seed-subset universe).
    """
    WIRING[claim] = dict(
        tables=tables,
        params=params,
        figures=figures,
        learning_logs=learning_logs,
        benchmarks=benchmarks,
        expert_imitators=list(expert_imitators),
        statistics_keys=list(statistics_keys),
        statistics=list(statistics),
    )


def verdict_choice_keys(claim):
    """The dotted config keys of a claim's verdict choices, its margins left out
    (pacs.verdicts.rule_choices): what its statistics jobs read of its verdict block."""
    return [f"{claim}.verdict.{key}" for key in rule_choices(config[claim]["verdict"])]


def check_wiring():
    """Every claim of the registry is wired with the tables its spec reads, the figures
    it draws and its learning curves; a claim wired but not in the registry is an error too.
    """
    for name in set(WIRING) - set(REGISTRY):
        sys.exit(f"pacs: claim {name} is wired but not in the registry (pacs.claims)")
    for claim in REGISTRY.values():
        wired = WIRING.get(claim.id)
        if wired is None:
            sys.exit(f"pacs: claim {claim.id} has no rule file calling wire_claim")
        problems = [
            f"{what} {sorted(set(wanted) - set(given))} not wired"
            for what, wanted, given in (
                ("tables", claim.tables, wired["tables"]),
                ("figures", claim.figures, wired["figures"]),
                ("learning curves", claim.learning_curves, wired["learning_logs"]),
            )
            if set(wanted) - set(given)
        ] + [
            f"{what} {sorted(set(given) - set(wanted))} wired but not in its spec"
            for what, wanted, given in (
                ("figures", claim.figures, wired["figures"]),
                ("learning curves", claim.learning_curves, wired["learning_logs"]),
            )
            if set(given) - set(wanted)
        ]
        if problems:
            sys.exit(f"pacs: claim {claim.id}: {'; '.join(problems)}")


# Each claim's analysis universes and the design universes that run at this preset
# (config `multiverse`, `multiverse_design`; pacs.claims.multiverse): filled by
# plan_multiverse once every claim is wired.
MULTIVERSE = {}
DESIGN_UNIVERSES = {}


def plan_multiverse():
    """Plan every claim's universes, checked against its wiring (one line naming the key otherwise)."""
    try:
        design = multiverse.plan_design(
            {claim: config["multiverse"].get(claim, []) for claim in REGISTRY},
            config,
            config["multiverse_design"],
        )
        planned = {
            claim: multiverse.plan(
                claim,
                config["multiverse"].get(claim, []),
                config,
                list(WIRING[claim]["params"]),
                WIRING[claim]["statistics_keys"],
                WIRING[claim]["statistics"],
            )
            for claim in REGISTRY
        }
    except ValueError as error:
        sys.exit(f"pacs: {error}")
    for name in set(config["multiverse"]) - set(REGISTRY):
        sys.exit(f"pacs: config key 'multiverse.{name}': not a claim of the registry")
    MULTIVERSE.update(planned)
    DESIGN_UNIVERSES.update(
        {
            (claim, universe.slug): universe
            for claim, universes in design.items()
            for universe in universes
        }
    )


def design_universes(claim):
    """The design universes of ``claim`` that run at this preset, in the config's order."""
    return [u for (owner, _), u in DESIGN_UNIVERSES.items() if owner == claim]


def design_slugs():
    """The folder names of the design universes this preset runs, as a wildcard pattern (one
    that matches nothing when none runs): a folder of no planned universe has no rule.
    """
    slugs = sorted({slug for _, slug in DESIGN_UNIVERSES})
    return "|".join(re.escape(slug) for slug in slugs) if slugs else "(?!)"


def design_verdict_rows(claim, universe):
    """A design universe's verdict rows: the claim's own, from the run in its folder."""
    return f"{multiverse.design_folder(claim, universe)}/{REGISTRY[claim].verdict_rows_file}"


def run_cores():
    """The cores this run was given (a design universe's own run uses them all; under an
    executor without a core count, such as SLURM's, `threads_per_job`)."""
    try:
        return workflow.cores
    except WorkflowError:
        return config["threads_per_job"]


def every_code_input():
    """The code inputs of every script: a design universe's run may run any of them (its
    own Snakemake run then reruns only the jobs whose code changed)."""
    scripts = sorted((REPOSITORY / "workflow" / "scripts").glob("*.py"))
    return sorted({path for script in scripts for path in code(script.stem)})


def universe_params(claim):
    """What the multiverse job of ``claim`` knows of each universe: its name, choice and value,
    its seeds and, where it changes what the statistics read, each wired statistics job's params.
    """
    jobs, read = WIRING[claim]["statistics"], WIRING[claim]["statistics_keys"]
    return [
        dict(
            vars(universe),
            seeds=multiverse.universe_seeds(config, claim, universe),
            statistics_params=(
                [
                    multiverse.statistics_params(
                        job,
                        config,
                        multiverse.universe_overrides(config, claim, universe),
                    )
                    for job in jobs
                ]
                if multiverse.reruns_statistics(universe, read)
                else None
            ),
        )
        for universe in MULTIVERSE[claim]
    ]


def statistics_inputs(wildcards):
    """The files of the claim's wired statistics jobs, when one of its universes reruns them."""
    claim = wildcards.claim
    if not any(u["statistics_params"] for u in universe_params(claim)):
        return {}
    return {
        f"statistics{index}_{name}": files
        for index, job in enumerate(WIRING[claim]["statistics"])
        for name, files in job["inputs"].items()
    }


def experiment_seed_files(path):
    """An input function: ``path`` at every training seed (pacs.config.claim_seeds) of the
    claim that the job's ``experiment`` wildcard names (C1 and C2 share their rules)."""
    return lambda wildcards: expand(
        path,
        experiment=wildcards.experiment,
        seed=claim_seeds(config, wildcards.experiment),
    )


# Snakemake starts the ready jobs of higher priority first (`priority:`; light jobs 0).
# On few cores a run ends sooner when its longest learners, and the data they wait for,
# start first: in the one-piece default run of 2026-12-07 a C3b learner started at minute 84
# and ran alone to the end. Ranked by that run's benchmarks (seconds per job): C3's main
# and C3b learners 150-300 (and a design universe's whole run), C1/C2's and C3a's 40-220,
# the LMs trained here; then the pretrained-LM scoring and C6's learners 15-110.
PRIORITY_LONGEST = 3
PRIORITY_LONG = 2
PRIORITY_MODEL = 1


def job_resources(kind):
    """What each job of a rule asks a cluster scheduler for (config `resources.<kind>`).

    kind: "model" for jobs that train or run a model, "light" for the rest. Gives
    mem_mb (MB), runtime (minutes), cpus_per_task (at least `threads_per_job` for model
    jobs, which use that many torch threads) and, for model jobs whose preset asks for
    one, `gpu` (read by the SLURM executor as --gpus). A local run ignores them.
    """
    wanted = dict(config["resources"][kind])
    gpus = wanted.pop("gpus", 0)
    if kind == "model":
        wanted["cpus_per_task"] = max(
            wanted["cpus_per_task"], config["threads_per_job"]
        )
        if gpus:
            wanted["gpu"] = gpus
    return wanted


def design_params(wildcards):
    """Config values that define an experiment's episodes (see pacs.experiments.dag.make_design)."""
    params = {"env": config["c1"]["env"]}
    if wildcards.experiment == "c2":
        params["c2"] = {
            key: config["c2"][key] for key in ("subset_size", "held_out_subsets")
        }
    return params


def model_dir(name):
    """SmolLM2 is converted once from its GGUF file; any other model is the named directory."""
    return "results/models/smollm2" if name == "smollm2" else name


def pretrained_model_dir(wildcards):
    """Experiment 4's pretrained LM (see model_dir)."""
    return model_dir(config["c4"]["pretrained"]["model"])


# Experiment 6 (c6.smk): where its results live, and which files a C6 job reads
C6_DIR = "results/c6"


def dagger_previous_learner(wildcards):
    """The learner whose closed-loop visits round r relabels: round r - 1's DAgger learner."""
    previous = int(wildcards.round) - 1
    name = "initial_round0" if previous == 0 else f"dagger_round{previous}"
    return f"{C6_DIR}/dagger/seed{wildcards.seed}/{name}/agent.safetensors"


def dagger_expert_files(wildcards):
    """The expert's demonstrations a DAgger-experiment learner trains on: round 0's,
    and for plain imitation those of rounds 1..r as well."""
    last = int(wildcards.round) if wildcards.arm == "plain" else 0
    return expand(
        f"{C6_DIR}/dagger/seed{{seed}}/expert_round{{round}}.safetensors",
        seed=wildcards.seed,
        round=range(last + 1),
    )


def dagger_visit_files(wildcards):
    """Relabelled visits of rounds 1..r for the DAgger arm; none for the others."""
    if wildcards.arm != "dagger":
        return []
    return expand(
        f"{C6_DIR}/dagger/seed{{seed}}/visits_round{{round}}.safetensors",
        seed=wildcards.seed,
        round=range(1, int(wildcards.round) + 1),
    )


def c6_learner_files(regime, learners, name):
    """One file (``episodes.parquet``, ``training_log.csv``) per learner and seed of a regime."""
    return expand(
        f"{C6_DIR}/{regime}/seed{{seed}}/{{learner}}/{name}",
        seed=claim_seeds(config, "c6"),
        learner=learners,
    )


def c6_statistics(regime, name):
    """A C6 regime's statistics table ``name`` (an output of rule c6_statistics)."""
    return expand(rules.c6_statistics.output[name], c6_regime=regime)[0]


def labelled(pattern, label, **values):
    """{file: label} for every combination of the wildcard ``values`` (in expand's order):
    each file's label is formatted from the wildcards that made its path, so a script reads
    a learner's condition from its params instead of parsing it out of the path."""
    combinations = [
        dict(zip(values, combination))
        for combination in itertools.product(*values.values())
    ]
    return {
        expand(pattern, **{key: [value] for key, value in wildcards.items()})[
            0
        ]: label.format(**wildcards)
        for wildcards in combinations
    }


def main_or_derived(keys, main_key, main, derived):
    """key -> ``main`` (the main experiment's rules, whose learners are reused) where
    ``main_key(key)``, else ``derived`` (the rules derived from them to train at ``key``).
    """
    return {key: main if main_key(key) else derived for key in keys}


# --- budget sensitivity (budget.smk) and the sweep (sweep.smk) --------------------------------
# A claim takes part from its own files: its spec declares what its budget verdict reads
# (pacs.claims.<id>, Claim.budget), and its rule file derives its learners' rules from its
# main ones (`use rule` twins named budget_* and sweep_*, with other paths and model settings) and wires
# them here (wire_budget, wire_sweep); budget.smk and sweep.smk hold only generic rules.
BUDGET_DIR = "results/budget"
BUDGET_CLAIMS_RUN = config["budgets"]["claims"]
SWEEP = config["sweep"]
SWEEP_DIR = "results/sweep"
SWEEP_POINT = (
    f"{SWEEP_DIR}/{{experiment}}/lr_{{lr}}/d_model_{{d_model}}/dropout_{{dropout}}"
)
SWEEP_LOG = "sweep/{experiment}/lr_{lr}/d_model_{d_model}/dropout_{dropout}"


def budget_model_params(claim):
    """The model config of a claim's learners at the wildcard's budget."""
    return lambda w: scaled_model(claim_model(config, claim), multiplier_of(w.budget))


def sweep_model_params(experiment):
    """The model config at the wildcards' d_model (d_mlp scaled with it) and dropout."""

    def model(w):
        base = claim_model(config, experiment)
        scaled = scaled_model(base, int(w.d_model) / base["d_model"])
        return {**scaled, "dropout": float(w.dropout)}

    return model


def sweep_train_params(train):
    """An experiment's training settings (``train``) at the wildcard's lr."""
    return lambda w: {**train, "lr": float(w.lr)}


# claim -> its budget learners (wire_budget), and swept experiment -> its learners (wire_sweep)
BUDGET_WIRING = {}
SWEEP_WIRING = {}


def wire_budget(claim, *, main, derived, learners, baselines):
    """Wire a claim's budget sensitivity (its spec's ``budget``).

    main: the (training, test) rules of its main learners, reused at multiplier 1;
    derived: their twins that train and test its learners at the other budgets (wildcard
    ``budget``; the training twin's learner of the sweep's seed the sweep reuses);
    learners: the wildcards of the learners its budget verdict reads; baselines: the
    baselines' test-episode tables it reads beside them.
    """
    BUDGET_WIRING[claim] = dict(
        main=main, derived=derived, learners=learners, baselines=baselines
    )


def wire_sweep(claim, *, train, main_learner, sweep_rule, scripts, data):
    """Wire a claim's learner into the sweep (config ``sweep.experiments``).

    train: its configured training settings; main_learner: (the main rule that trains the
    learner the sweep scores, the wildcards that pick it among that rule's outputs);
    sweep_rule: the twin of that rule that trains one grid point (wildcards experiment, lr,
    d_model, dropout, seed); scripts: the workflow scripts that make its data and train it
    (their code is fingerprinted in the tuning record); data: the config values that define
    its data.
    """
    SWEEP_WIRING[claim] = dict(
        train=train,
        main_learner=main_learner,
        sweep_rule=sweep_rule,
        scripts=list(scripts),
        data=data,
    )
