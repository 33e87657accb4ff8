import sys
from pathlib import Path

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
PACKAGE = Path("src/pacs")
SOFTWARE = "../envs/pacs.yaml"


def sources(*modules):
    """Paths of the package modules a job runs; listed as inputs so that editing one reruns the job."""
    return [str(PACKAGE / module) for module in modules]


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
