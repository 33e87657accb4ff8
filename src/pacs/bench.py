"""Pipeline benchmark: run a preset from nothing in a scratch copy of the repo and
print its wall time against a target, plus each rule's time from Snakemake's
``benchmark:`` files; then run it again, with nothing left to do, and print that
no-op rerun's wall time against its 3-second target.

    python -m pacs.bench --preset smoke --target-minutes 5
    python -m pacs.bench --preset default --target-minutes 60
    python -m pacs.bench --summarize benchmarks    # the stage table of a run already made

Stages are printed by CPU time (summed over their jobs), with wall time, job count
and the largest memory use.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pacs.tables import benchmark_table, stage_summary

ROOT = Path(__file__).resolve().parents[2]
NOOP_TARGET_S = 3.0  # a rerun with nothing to do (issue 18, goal 5)
IGNORE = shutil.ignore_patterns(
    ".venv", ".git", "results", "logs", "benchmarks", "build", ".snakemake", "__pycache__", "*.egg-info"
)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--preset", default="smoke", choices=["smoke", "default", "paper"])
    parser.add_argument("--target-minutes", type=float, default=5.0)
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--until", default=None, help="stop after this rule (e.g. the last rule of one experiment)")
    parser.add_argument("--summarize", type=Path, default=None, metavar="DIR",
                        help="print the stage table of the benchmark files under DIR (a run already made) and exit")
    args = parser.parse_args(argv)
    if args.summarize:
        print_stages(benchmark_table(sorted(args.summarize.rglob("*.tsv")), root=args.summarize))
        return 0

    with tempfile.TemporaryDirectory(prefix="pacs-bench-") as scratch:
        workdir = Path(scratch) / "pacs"
        shutil.copytree(ROOT, workdir, ignore=IGNORE)
        command = [str(Path(sys.executable).parent / "snakemake"), "--cores", str(args.cores),
                   "--config", f"preset={args.preset}", "--quiet", "all"]
        if args.until:
            command += ["--until", args.until]
        wall = timed_run(command, workdir)
        noop = timed_run(command, workdir)  # everything is up to date: what a rerun costs
        benchmarks = workdir / "benchmarks"
        times = benchmark_table(sorted(benchmarks.rglob("*.tsv")), root=benchmarks)

    print_stages(times)
    minutes = wall / 60
    print(f"preset {args.preset}: wall {minutes:.2f} min on {args.cores} cores; "
          f"target {args.target_minutes:.1f} min; ratio {minutes / args.target_minutes:.2f} "
          f"({'within' if minutes <= args.target_minutes else 'OVER'} target)")
    print(f"no-op rerun: {noop:.2f} s; target {NOOP_TARGET_S:.0f} s; ratio {noop / NOOP_TARGET_S:.2f} "
          f"({'within' if noop <= NOOP_TARGET_S else 'OVER'} target)")
    return 0


def timed_run(command: list[str], workdir: Path) -> float:
    """Wall seconds of one Snakemake run in ``workdir``."""
    started = time.perf_counter()
    subprocess.run(command, cwd=workdir, check=True)
    return time.perf_counter() - started


def print_stages(times) -> None:
    """Per-stage table (CPU and wall seconds summed over jobs) and the totals."""
    if times.empty:
        print("no benchmark files")
        return
    print(stage_summary(times).to_string(index=False, float_format=lambda v: f"{v:.1f}"))
    print(f"{len(times)} jobs: CPU {times.cpu_s.sum() / 60:.1f} min, wall summed over jobs "
          f"{times.seconds.sum() / 60:.1f} min")


if __name__ == "__main__":
    sys.exit(main())
