"""Experiment 1 on a real SLURM cluster (workflow/cluster/slurm.sh) through the SLURM profile.

Needs a running cluster: `make test` starts one (root), or run
`workflow/cluster/slurm.sh start` first; without `sinfo` showing an idle node these
tests are skipped. The workflow runs in copies of the repository, as in test_pipeline.py.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
SNAKEMAKE = str(Path(sys.executable).parent / "snakemake")
PROFILE = ["--workflow-profile", "workflow/profiles/slurm"]
SMOKE = ["--config", "preset=smoke"]
# Experiment 1's tables: statistics and the report's generated numbers
C1_TARGET = "paper/build/generated/c1_results.tex"
C1_TABLES = [
    "results/c1/summary.csv",
    "results/c1/contrasts.csv",
    "results/c1/training_summary.csv",
    "results/c1/episodes.parquet",
    "results/verdicts/c1.csv",
    "paper/build/generated/c1_results.tex",
    "paper/build/generated/c1_verdict.tex",
]
COPY_IGNORE = shutil.ignore_patterns(
    ".venv", ".git", "results", "logs", "benchmarks", "build", ".snakemake", "__pycache__", "*.egg-info", "tests",
)


def cluster_is_up() -> bool:
    if shutil.which("sinfo") is None:
        return False
    states = subprocess.run(["sinfo", "-h", "-o", "%t"], capture_output=True, text=True)
    return states.returncode == 0 and bool({"idle", "mix", "alloc"} & set(states.stdout.split()))


pytestmark = [
    pytest.mark.slurm,
    pytest.mark.skipif(not cluster_is_up(), reason="no SLURM cluster (workflow/cluster/slurm.sh start)"),
]


def copy_of_repository(tmp_path_factory, name: str) -> Path:
    work = tmp_path_factory.mktemp(name) / "pacs"
    shutil.copytree(ROOT, work, ignore=COPY_IGNORE)
    return work


def snakemake(workdir: Path, *args: str, timeout: int = 900) -> subprocess.CompletedProcess:
    return subprocess.run([SNAKEMAKE, *args], cwd=workdir, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def slurm_run(tmp_path_factory) -> Path:
    work = copy_of_repository(tmp_path_factory, "slurm")
    result = snakemake(work, C1_TARGET, *PROFILE, *SMOKE)
    assert result.returncode == 0, f"SLURM run failed:\n{result.stderr[-4000:]}"
    return work


@pytest.fixture(scope="module")
def local_run(request, tmp_path_factory) -> Path:
    """Experiment 1 run locally: the reference the SLURM run must match. Where this session
    runs the whole smoke preset in this process anyway (tests/test_pipeline.py without
    pytest-xdist), that run is the reference (C1's tables read nothing of the other
    experiments); otherwise (under `pytest -n`, the smoke run is another worker's) Experiment 1 alone."""
    in_this_process = "PYTEST_XDIST_WORKER" not in os.environ
    if in_this_process and any("smoke_run" in item.fixturenames for item in request.session.items):
        return request.getfixturevalue("smoke_run")
    work = copy_of_repository(tmp_path_factory, "local")
    result = snakemake(work, C1_TARGET, "--cores", "2", *SMOKE)
    assert result.returncode == 0, f"local run failed:\n{result.stderr[-4000:]}"
    return work


def test_every_job_ran_through_slurm(slurm_run):
    log = max((slurm_run / ".snakemake" / "log").glob("*.snakemake.log")).read_text()
    submitted = log.count("has been submitted with SLURM jobid")
    # 11 jobs; the data group (training data, test episodes, baselines) shares allocations
    assert 4 <= submitted < 11, f"{submitted} sbatch submissions"
    assert "Group job data" in log


def test_slurm_tables_are_identical_to_a_local_run(slurm_run, local_run):
    for table in C1_TABLES:
        on_cluster, local = slurm_run / table, local_run / table
        assert on_cluster.is_file(), f"{table} missing from the SLURM run"
        if table.endswith(".parquet"):
            pd.testing.assert_frame_equal(pd.read_parquet(on_cluster), pd.read_parquet(local))
        else:
            assert on_cluster.read_bytes() == local.read_bytes(), f"{table} differs from the local run"


def test_a_failed_slurm_job_is_reported_with_its_log(slurm_run):
    # 1 MB is far below what the job's python needs: SLURM's memory accounting kills it
    result = snakemake(
        slurm_run, "results/c1/seed0/eval_episodes.safetensors", "--forcerun", "causal_eval_episodes",
        *PROFILE, "--set-resources", "causal_eval_episodes:mem_mb=1", *SMOKE,
    )
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "Error in rule causal_eval_episodes" in output or "Error in group" in output
    slurm_logs = sorted((slurm_run / "logs" / "slurm").rglob("*.log"))
    failed = [log for log in slurm_logs if "eval_episodes" in str(log) and str(log) in output]
    assert failed, f"no SLURM log named in the error report:\n{output[-3000:]}"
    assert "memory" in failed[-1].read_text().lower()
