"""Experiment 5's workflow with extra stimulus files, on stand-in results (no model runs):
a file for one task reruns only that task's jobs, and a mistyped path stops the run."""

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import job_stats
from pacs.experiments import content_effects
from pacs.probes.stimuli import write_stimuli

ROOT = Path(__file__).resolve().parents[1]
SNAKEMAKE = str(Path(sys.executable).parent / "snakemake")
SMOKE = ["--config", "preset=smoke"]
COPY_IGNORE = shutil.ignore_patterns(
    ".venv", ".git", "results", "logs", "benchmarks", "build", ".snakemake", "__pycache__", "*.egg-info", "tests",
)
TASKS = ("nli", "syllogism", "wason")
# smoke: zero-shot only, in two wordings (prompt seeds 0 and 1)
TARGETS = [f"results/c5/pretrained/{task}_0shot_seed{seed}.parquet" for task in TASKS for seed in (0, 1)]


def snakemake(workdir: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run([SNAKEMAKE, "--cores", "1", *args], cwd=workdir, capture_output=True, text=True,
                            timeout=300)
    if check and result.returncode != 0:
        raise AssertionError(f"snakemake {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return result


def planned(workdir: Path, *config: str) -> dict[str, int]:
    """Rule -> jobs a dry run for the scoring targets would execute."""
    output = snakemake(workdir, "--dry-run", "--quiet", "rules", *SMOKE, *config, "--", *TARGETS)
    return job_stats(output.stdout + output.stderr)


@pytest.fixture(scope="module")
def standin(tmp_path_factory) -> Path:
    """A repository copy whose scoring results (and what they need) exist as up-to-date stand-ins."""
    work = tmp_path_factory.mktemp("probes") / "pacs"
    stand_in(work, TARGETS)
    assert planned(work) == {}
    return work


def stand_in(work: Path, targets, config=()) -> None:
    """A repository copy at ``work`` whose smoke ``targets`` (and what they need, with the
    ``config`` values given) exist as up-to-date empty stand-ins."""
    shutil.copytree(ROOT, work, ignore=COPY_IGNORE)
    summary = snakemake(work, "--summary", *SMOKE, *config, "--", *targets).stdout
    for row in summary.splitlines()[1:]:
        path, rule = row.split("\t")[0], row.split("\t")[2]
        if rule == "-":
            continue
        (work / path).parent.mkdir(parents=True, exist_ok=True)
        if rule == "c4_materialize_smollm2":  # a directory output
            (work / path).mkdir(exist_ok=True)
        else:
            (work / path).touch()
    snakemake(work, "--touch", *SMOKE, *config, "--", *targets)  # mtimes in the DAG's order


def test_a_syllogism_file_rescores_only_syllogisms(standin):
    time.sleep(0.05)
    items = content_effects.generated_stimuli({"nli": 0, "syllogism": 1, "wason": 0}, 5)
    extra = standin / "my_syllogisms.jsonl"
    write_stimuli(extra, [s.__class__(**{**s.__dict__, "item_id": f"mine-{i}"}) for i, s in enumerate(items)])
    assert planned(standin, f"c5={{extra_stimuli: [{extra}]}}") == {
        "c5_stimuli": 1, "c5_pretrained_score": 2}
    result = snakemake(standin, "--dry-run", *SMOKE, f"c5={{extra_stimuli: [{extra}]}}", "--", *TARGETS)
    assert "results/c5/stimuli/syllogism.jsonl" in result.stdout
    assert "results/c5/stimuli/nli.jsonl" not in result.stdout
    assert "results/c5/stimuli/wason.jsonl" not in result.stdout


def test_a_mistyped_path_stops_the_run_even_with_results(standin):
    missing = standin / "my_syllogismz.jsonl"
    result = snakemake(standin, "--dry-run", *SMOKE, f"c5={{extra_stimuli: [{missing}]}}", "--", *TARGETS,
                       check=False)
    assert result.returncode != 0
    assert [line for line in result.stderr.splitlines() if line.startswith("pacs:")] == [
        f"pacs: config key 'c5.extra_stimuli': {missing}: file not found"]


def test_without_syllogisms_no_world_lm_is_trained_and_only_the_tasks_with_items_are_scored(tmp_path):
    fresh = tmp_path / "pacs"
    shutil.copytree(ROOT, fresh, ignore=COPY_IGNORE)
    result = snakemake(fresh, "--dry-run", "--quiet", "rules", *SMOKE,
                       "c5={items_per_condition: {nli: 2, syllogism: 0, wason: 0}}",
                       "--", "paper/build/generated/c5_results.tex")
    jobs = job_stats(result.stdout)
    assert not {rule for rule in jobs if rule.startswith("probe_world")}
    assert jobs["c5_stimuli"] == 1 and jobs["c5_pretrained_score"] == 2  # NLI only, in two wordings
    assert jobs["c5_statistics"] == 1 and jobs["report_numbers"] == 1
