"""Per-rule resources: what each job asks a scheduler for comes from config.yaml's `resources:`."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SNAKEMAKE = str(Path(sys.executable).parent / "snakemake")
TRAINING = "results/c1/seed0/agent.safetensors"


def planned_resources(*config: str) -> dict[str, dict[str, str]]:
    """Rule -> resources of its job in a dry run that builds one C1 agent (nothing is written)."""
    result = subprocess.run(
        [SNAKEMAKE, "--cores", "2", "--dry-run", TRAINING, "--forceall", "--config", *config],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    planned = {}
    for block in re.split(r"\n\[[^\]\n]+\]\n", result.stdout):
        rule = re.search(r"rule (\w+):", block)
        resources = re.search(r"resources: (.*)", block)
        if rule and resources:
            planned[rule.group(1)] = dict(item.split("=", 1) for item in resources.group(1).split(", "))
    return planned


@pytest.mark.parametrize("preset", ["smoke", "extended", "paper"])
def test_jobs_ask_for_their_presets_resources(preset):
    import yaml

    config = yaml.safe_load((ROOT / "config.yaml").read_text())
    wanted = {**config["resources"]["model"], **config["presets"][preset].get("resources", {}).get("model", {})}
    planned = planned_resources(f"preset={preset}")
    training = planned["causal_train_agent"]
    assert int(training["mem_mb"]) == wanted["mem_mb"] and int(training["runtime"]) == wanted["runtime"]
    assert int(training["cpus_per_task"]) == max(wanted["cpus_per_task"], config["threads_per_job"])
    # a GPU only where the preset asks for one
    assert training.get("gpu") == (str(wanted["gpus"]) if wanted["gpus"] else None)
    data = planned["causal_training_data"]
    assert "gpu" not in data and int(data["cpus_per_task"]) == 1


def test_model_jobs_get_at_least_their_threads():
    planned = planned_resources("preset=smoke", "threads_per_job=3")
    assert planned["causal_train_agent"]["cpus_per_task"] == "3"
