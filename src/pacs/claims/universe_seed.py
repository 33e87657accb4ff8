"""Seeding a design universe with the configured run's results, so that its own run retrains
only what the universe's choice changes.

A design universe (``pacs.claims.multiverse``) is this repository's workflow run again in its
own folder with one config key changed. Started empty, that run recomputes the claim's whole
chain, although most jobs of it read nothing the key touches (C6's demonstrator mix changes
the return-conditioned learners' data, not the DAgger or fusion learners; C3's explanation
weight changes the learners with explanations, not those without). Seeding copies into the
universe's folder every output of its run that the configured run has already made, each with
its Snakemake metadata record, and the code fingerprints the records were made against, all
with their modification times. Snakemake's own rerun triggers (params, input, code, mtime)
then decide in the universe's run what is out of date there, exactly as they would for the
configured run after the same config change: a job whose params hold the changed value reruns,
and so does everything downstream of it; the others are up to date and are not run again.

An output the configured run has not made (a new path: C3a trained on the other confounding
makes learners the configured run has none of), or made without a metadata record, is not
seeded, and neither is any output whose record names it among its inputs, directly or through
other outputs: Snakemake does not rerun a job whose output exists when one of its
inputs is missing, so a seeded output downstream would stand in for what the universe makes.
The universe's run makes all of those itself. (A job whose inputs in the universe differ from
those its record names is rerun by Snakemake's input trigger, and everything after it.)
Seeding never places a file without its record, which would leave Snakemake no params to
compare.

Nothing of the configured run is modified. An output file is hard-linked where the file system
allows (copied otherwise): Snakemake removes a job's outputs before it runs the job (this
workflow flags no output ``update``), so a job that reruns in the universe writes new files and
the configured run keeps its own; the links save the disk that copies of the claim's data and
learners would take. Metadata records and fingerprints are copied (Snakemake rewrites a record
in place). A file the folder already has is left alone (a universe run killed midway goes on
with what it made itself).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from base64 import urlsafe_b64encode
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pacs.claims.multiverse import nested_command

# where Snakemake keeps a run's metadata records and the code fingerprints live (both
# relative to a run's working directory; pacs.code_inputs, workflow/rules/common.smk)
METADATA_DIR = Path(".snakemake/metadata")
FINGERPRINT_DIR = Path("results/code_fingerprints")


class SeedError(RuntimeError):
    """The universe's planned files could not be listed."""


@dataclass(frozen=True)
class Seeding:
    """What seeding did: the outputs seeded (with their records), the planned outputs the
    configured run lacks (or lacks the record of), which the universe's run makes itself, and
    the fingerprint files copied."""

    copied: tuple[str, ...]
    missing: tuple[str, ...]
    fingerprints: int

    def summary(self) -> str:
        said = (f"seeded {len(self.copied)} planned outputs from the configured run "
                f"({self.fingerprints} code fingerprints)")
        if self.missing:
            said += (f"; {len(self.missing)} it lacks (or lacks the metadata record of), the first "
                     f"{self.missing[0]}, are made by the universe's run, and what follows them")
        return said


def parse_summary(text: str) -> list[str]:
    """The output files (the first column) of a ``snakemake --summary`` table, header dropped."""
    lines = [line for line in text.splitlines() if "\t" in line]
    if not lines or not lines[0].startswith("output_file\t"):
        raise SeedError("snakemake --summary printed no table of output files")
    return [line.split("\t", 1)[0] for line in lines[1:] if line.split("\t", 1)[0]]


def planned_files(snakefile, folder, target: str) -> list[str]:
    """The output files of the universe's run up to ``target``, relative to its folder."""
    # Snakemake's --summary of the universe's run: every output file of its DAG, one per line
    command = nested_command(snakefile, folder, target, "--summary")
    finished = subprocess.run(command, capture_output=True, text=True, check=False)
    if finished.returncode != 0:
        last = (finished.stderr.strip().splitlines() or ["no message"])[-1]
        raise SeedError(f"snakemake --summary in {folder} failed (exit {finished.returncode}): {last}")
    return parse_summary(finished.stdout)


def downstream_of(lacking: set[str], inputs: dict[str, Sequence[str]]) -> set[str]:
    """``lacking`` and every output of ``inputs`` (each output's input files) that depends on
    one of them, directly or through other outputs."""
    closed = set(lacking)
    grew = True
    while grew:
        grew = False
        for output, needs in inputs.items():
            if output not in closed and closed.intersection(needs):
                closed.add(output)
                grew = True
    return closed


def record_path(root: Path, output: str) -> Path:
    """Where the Snakemake run in ``root`` keeps the metadata record of ``output`` (its path as
    the job names it, relative to the run's directory): the file persistence's naming, a
    URL-safe base64 of the path, cut into '@'-prefixed folders where it outgrows a file name."""
    encoded = urlsafe_b64encode(output.encode()).decode()
    limit = 254
    parts = [encoded[start:start + limit] for start in range(0, len(encoded), limit)]
    return root.joinpath(METADATA_DIR, *[f"@{part}" for part in parts[:-1]], parts[-1])


def link_or_copy(source: str, target: str) -> None:
    """A hard link of ``source`` at ``target`` (the same file, its modification time with it),
    or a copy with its modification time where the file system has no links between them."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def copy_kept(source: Path, target: Path, *, link: bool = False) -> bool:
    """Copy ``source`` (a file, or a folder output with everything in it) to ``target`` with
    modification times, unless ``target`` exists; ``link``: hard-link files where possible
    (``link_or_copy``). True when done."""
    if target.exists():
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    place = link_or_copy if link else shutil.copy2
    if source.is_dir():
        shutil.copytree(source, target, copy_function=place)
    else:
        place(source, target)
    return True


def seed_fingerprints(folder: Path, configured_root: Path) -> int:
    """Copy the configured run's code fingerprints into ``folder`` with their modification
    times (before the universe's workflow is first parsed there, which would write its own
    with other times); the number copied."""
    store = configured_root / FINGERPRINT_DIR
    sources = sorted(store.rglob("*.sha256")) if store.is_dir() else []
    return sum(copy_kept(source, folder / source.relative_to(configured_root)) for source in sources)


def unseedable(configured_root: Path, outputs: list[str]) -> list[str]:
    """The outputs the configured run has no file or no metadata record for."""
    return [output for output in outputs
            if not ((configured_root / output).exists() and record_path(configured_root, output).is_file())]


def recorded_inputs(configured_root: Path, output: str) -> list[str]:
    """The input files that the configured run's metadata record of ``output`` names."""
    return json.loads(record_path(configured_root, output).read_text()).get("input") or []


def seed_outputs(folder: Path, configured_root: Path, outputs: list[str]) -> tuple[list[str], list[str]]:
    """Link or copy into ``folder`` each of ``outputs`` (``link_or_copy``) that the configured
    run in ``configured_root`` has made with its metadata record and whose recorded inputs,
    through every output between, include none it lacks; copy its record. The outputs seeded,
    and those it lacks (the universe's run makes them, and what follows them)."""
    missing = unseedable(configured_root, outputs)
    lacking = set(missing)
    inputs = {output: recorded_inputs(configured_root, output) for output in outputs if output not in lacking}
    left_out = downstream_of(lacking, inputs)
    seeded = [output for output in outputs if output not in left_out]
    for output in seeded:
        copy_kept(configured_root / output, folder / output, link=True)
        copy_kept(record_path(configured_root, output), record_path(folder, output))
    return seeded, missing


def seed(folder: Path, configured_root: Path, snakefile, target: str) -> Seeding:
    """Seed the universe's ``folder`` (its config.yaml written) from the configured run in
    ``configured_root``: the code fingerprints, then every output of the universe's run up to
    ``target`` that the configured run has made (with its record)."""
    fingerprints = seed_fingerprints(folder, configured_root)
    copied, missing = seed_outputs(folder, configured_root, planned_files(snakefile, folder, target))
    return Seeding(tuple(copied), tuple(missing), fingerprints)
