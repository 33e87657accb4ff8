"""Pipeline benchmark: run a preset from nothing in a scratch copy of the repo and
print its wall time against a target, plus each rule's time from Snakemake's
``benchmark:`` files.

    python -m pacs.bench --preset smoke --target-minutes 5
    python -m pacs.bench --preset default --target-minutes 20 --until dag_report_numbers
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pacs.tables import benchmark_table

ROOT = Path(__file__).resolve().parents[2]
IGNORE = shutil.ignore_patterns(
    ".venv", ".git", "results", "logs", "benchmarks", "build", ".snakemake", "__pycache__", "*.egg-info"
)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--preset", default="smoke", choices=["smoke", "default", "paper"])
    parser.add_argument("--target-minutes", type=float, default=5.0)
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--until", default=None, help="stop after this rule (e.g. the last rule of one experiment)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="pacs-bench-") as scratch:
        workdir = Path(scratch) / "pacs"
        shutil.copytree(ROOT, workdir, ignore=IGNORE)
        command = [str(Path(sys.executable).parent / "snakemake"), "--cores", str(args.cores),
                   "--config", f"preset={args.preset}", "--quiet", "all"]
        if args.until:
            command += ["--until", args.until]
        started = time.perf_counter()
        subprocess.run(command, cwd=workdir, check=True)
        wall = time.perf_counter() - started
        benchmarks = workdir / "benchmarks"
        times = benchmark_table(sorted(benchmarks.rglob("*.tsv")), root=benchmarks)

    if not times.empty:
        print(times.to_string(index=False, float_format=lambda v: f"{v:.1f}"))
    minutes = wall / 60
    print(f"preset {args.preset}: wall {minutes:.2f} min on {args.cores} cores; "
          f"target {args.target_minutes:.1f} min; ratio {minutes / args.target_minutes:.2f} "
          f"({'within' if minutes <= args.target_minutes else 'OVER'} target)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
