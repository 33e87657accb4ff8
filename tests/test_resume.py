"""Interruptions: the workflow profile is loaded, and `make run` (what `make reproduce`
runs after its set-up) goes on after a kill -9 with no manual flag, removing
Snakemake's lock only when no run is alive. A tiny workflow stands in for the
pipeline here; tests/test_pipeline.py kills the smoke pipeline itself."""

import fcntl
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SNAKEMAKE = str(Path(sys.executable).parent / "snakemake")

# one slow job ("a": pauses as long as the file `pause` says) and one after it
SNAKEFILE = textwrap.dedent("""
    rule all:
        input: "b.txt"
    rule a:
        output: "a.txt"
        shell: "echo start > {output}; sleep $(cat pause); echo done >> {output}"
    rule b:
        input: "a.txt"
        output: "b.txt"
        shell: "cat {input} > {output}"
""")


def make_run(workdir: Path) -> list[str]:
    return ["make", "--no-print-directory", "-C", str(workdir), "run", "PRESET=smoke", "CORES=1",
            f"SNAKEMAKE={SNAKEMAKE}"]


def wait_for(condition, timeout=120.0):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for the run to reach the slow job")
        time.sleep(0.1)


@pytest.fixture
def tiny(tmp_path) -> Path:
    shutil.copy(ROOT / "Makefile", tmp_path)
    shutil.copytree(ROOT / "profiles", tmp_path / "profiles")
    (tmp_path / "workflow").mkdir()
    shutil.copy(ROOT / "workflow" / "run_workflow.sh", tmp_path / "workflow")
    (tmp_path / "Snakefile").write_text(SNAKEFILE)
    (tmp_path / "pause").write_text("60")
    return tmp_path


def start_in_own_group(command, cwd) -> subprocess.Popen:
    return subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)


def test_the_workflow_profile_is_loaded_by_a_plain_snakemake_call():
    result = subprocess.run([SNAKEMAKE, "--dry-run", "--config", "preset=smoke"], cwd=ROOT, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Using workflow specific profile profiles/default" in result.stderr


def test_make_run_goes_on_after_a_kill_9_of_the_whole_run(tiny):
    run = start_in_own_group(make_run(tiny), tiny)
    wait_for(lambda: (tiny / "a.txt").is_file())
    os.killpg(run.pid, signal.SIGKILL)
    run.wait()
    # what a kill -9 leaves behind: Snakemake's lock and the incomplete marker of job a
    assert any((tiny / ".snakemake" / "locks").iterdir()) and any((tiny / ".snakemake" / "incomplete").iterdir())
    (tiny / "pause").write_text("0")
    result = subprocess.run(make_run(tiny), cwd=tiny, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "removing the lock of an interrupted run" in result.stdout
    assert (tiny / "b.txt").read_text() == "start\ndone\n", "job a was rerun from the start"


def test_make_run_never_unlocks_a_live_run(tiny):
    # a snakemake started by hand, still running: its lock is not stale
    live = start_in_own_group([SNAKEMAKE, "--cores", "1"], tiny)
    try:
        wait_for(lambda: (tiny / "a.txt").is_file())
        result = subprocess.run(make_run(tiny), cwd=tiny, capture_output=True, text=True, timeout=300)
        assert result.returncode != 0 and "snakemake is running in" in result.stderr
    finally:
        os.killpg(live.pid, signal.SIGKILL)
        live.wait()
    # another `make run` holds the run lock
    with open(tiny / ".snakemake" / "make-run.lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        result = subprocess.run(make_run(tiny), cwd=tiny, capture_output=True, text=True, timeout=300)
    assert result.returncode != 0 and "another 'make reproduce' is running" in result.stderr
