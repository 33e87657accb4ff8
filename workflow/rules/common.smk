import sys
from pathlib import Path

from pacs.code_inputs import CodeGraph, CodeInputError, FingerprintStore
from pacs.config import ConfigError, resolve
from pacs.probes.sources import extra_files_by_task

try:
    resolved = resolve(
        config,
        Path(workflow.basedir) / "workflow" / "schemas" / "config.schema.yaml",
        workflow.config_settings.overwrite_config,
    )
except ConfigError as error:
    sys.exit(f"pacs: {error}")
config.clear()
config.update(resolved)

SEEDS = config["seeds"]
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
    params = {"env": config["dag"]["env"]}
    if wildcards.experiment == "cued":
        params["cued"] = {
            key: config["cued"][key] for key in ("subset_size", "held_out_subsets")
        }
    return params


def model_dir(name):
    """SmolLM2 is converted once from its GGUF file; any other model is the named directory."""
    return "results/models/smollm2" if name == "smollm2" else name


def pretrained_model_dir(wildcards):
    """Experiment 4's pretrained LM (see model_dir)."""
    return model_dir(config["lm"]["pretrained"]["model"])


# Experiment 6 (regimes.smk): where its results live, and which files a C6 job reads
C6_DIR = "results/regimes"


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
        seed=SEEDS,
        learner=learners,
    )
