"""The record of one timed run of a tier (issue 34): a Markdown file for ``docs/``
written from the run's own files, never typed. It reads the output of GNU
``/usr/bin/time -v`` wrapped around the whole command (its wall clock is the run's,
set-up included) and the Snakemake ``benchmark:`` files the run left, and prints
the wall time against a target, the CPU seconds of the jobs per claim and per stage,
and how well the jobs filled the cores.

    /usr/bin/time -v -o reproduce.time make reproduce
    python -m pacs.run_record --time-log reproduce.time --benchmarks benchmarks \\
        --cores 2 --target-minutes 90 --title "make reproduce, default preset" --out docs/<date>-<name>.md
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pandas as pd

from pacs.tables import TableError, benchmark_table, stage_summary

TIME_FIELDS = {
    "command": r'Command being timed: "(.*)"',
    "elapsed": r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)",
    "user_s": r"User time \(seconds\): (\S+)",
    "system_s": r"System time \(seconds\): (\S+)",
    "exit_status": r"Exit status: (\d+)",
}


class RunRecordError(ValueError):
    pass


def clock_seconds(text: str) -> float:
    """GNU time's wall clock (``h:mm:ss`` or ``m:ss.ss``) in seconds."""
    seconds = 0.0
    for part in text.split(":"):
        seconds = seconds * 60 + float(part)
    return seconds


def read_time_log(path: Path) -> dict:
    """The command, wall seconds, user and system CPU seconds and exit status of a
    ``/usr/bin/time -v`` log (a RunRecordError naming the file and the field if one is missing)."""
    if not path.is_file():
        raise RunRecordError(f"{path}: file not found")
    text = path.read_text()
    found = {}
    for name, pattern in TIME_FIELDS.items():
        match = re.search(pattern, text)
        if match is None:
            raise RunRecordError(f"{path}: no '{pattern.split(':')[0]}' line (not a GNU time -v log?)")
        found[name] = match.group(1)
    return {"command": found["command"], "wall_s": clock_seconds(found["elapsed"]),
            "cpu_s": float(found["user_s"]) + float(found["system_s"]), "exit_status": int(found["exit_status"])}


def claim_summary(times: pd.DataFrame) -> pd.DataFrame:
    """Jobs, summed wall and CPU seconds per top-level results folder (a claim, the
    multiverse, the report), largest CPU first."""
    parts = times.job.str.split("/", n=1).str[0]
    summary = times.assign(part=parts).groupby("part").agg(
        jobs=("job", "size"), seconds=("seconds", "sum"), cpu_s=("cpu_s", "sum"))
    return summary.reset_index().sort_values(["cpu_s", "part"], ascending=[False, True], ignore_index=True)


def markdown_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows])


def record(timing: dict, times: pd.DataFrame, cores: int, target_minutes: float, title: str,
           commit: str, top_stages: int = 30) -> str:
    """The Markdown record of one run."""
    minutes = timing["wall_s"] / 60
    job_cpu = float(times.cpu_s.sum())
    verdict = "within" if minutes <= target_minutes and timing["exit_status"] == 0 else "NOT within"
    claims = claim_summary(times)
    stages = stage_summary(times).head(top_stages)
    fill = job_cpu / (cores * timing["wall_s"]) if timing["wall_s"] > 0 else float("nan")
    busy = timing["cpu_s"] / (cores * timing["wall_s"]) if timing["wall_s"] > 0 else float("nan")
    lines = [
        f"# {title}: {minutes:.1f} minutes of wall time",
        "",
        "Written by `python -m pacs.run_record` from the run's `/usr/bin/time -v` log and its",
        "Snakemake benchmark files (nothing typed).",
        "",
        f"- command: `{timing['command']}` (commit {commit}); exit status {timing['exit_status']}",
        f"- wall time: **{minutes:.1f} min** ({timing['wall_s']:.0f} s) against a target of "
        f"{target_minutes:.0f} min on {cores} cores: {verdict} the target (ratio {minutes / target_minutes:.2f})",
        f"- CPU time of the whole command (set-up included): {timing['cpu_s']:.0f} s, "
        f"{100 * busy:.0f}% of the {cores} cores over the wall time",
        f"- benchmarked jobs: {len(times)}, {job_cpu:.0f} CPU-s in all ({100 * fill:.0f}% of the cores); the other "
        f"{timing['cpu_s'] - job_cpu:.0f} CPU-s went to the set-up, the jobs without a benchmark file "
        "(data, statistics, figures, multiverse, report) and Snakemake itself",
        "",
        "## CPU seconds per part of the run",
        "",
        markdown_table(["part", "jobs", "wall s (sum)", "CPU s (sum)", "share of job CPU"],
                       [[r.part, str(r.jobs), f"{r.seconds:.0f}", f"{r.cpu_s:.0f}", f"{100 * r.cpu_s / job_cpu:.0f}%"]
                        for r in claims.itertuples()]),
        "",
        f"## The {len(stages)} most expensive stages (a stage: a job's path without its seed)",
        "",
        markdown_table(["stage", "jobs", "wall s (sum)", "CPU s (sum)", "max RSS (MB)"],
                       [[r.stage, str(r.jobs), f"{r.seconds:.0f}", f"{r.cpu_s:.0f}", f"{r.max_rss_mb:.0f}"]
                        for r in stages.itertuples()]),
        "",
    ]
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--time-log", type=Path, required=True, help="output of /usr/bin/time -v")
    parser.add_argument("--benchmarks", type=Path, required=True, help="the run's benchmarks/ folder")
    parser.add_argument("--cores", type=int, required=True)
    parser.add_argument("--target-minutes", type=float, required=True)
    parser.add_argument("--title", required=True)
    parser.add_argument("--commit", required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    try:
        timing = read_time_log(args.time_log)
        paths = sorted(args.benchmarks.rglob("*.tsv"))
        if not paths:
            raise RunRecordError(f"{args.benchmarks}: no benchmark files")
        times = benchmark_table(paths, root=args.benchmarks)
    except (RunRecordError, TableError) as error:
        parser.exit(1, f"run_record: {error}\n")
    args.out.write_text(record(timing, times, args.cores, args.target_minutes, args.title, args.commit))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
