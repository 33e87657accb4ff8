"""Stimulus items for the content-effect probes (Experiment 5) and their JSONL files.

One ``Stimulus`` is one multiple-choice item: a prompt, its answer options (each
with a leading space, so a language model scores them as continuations of
``"Answer:"``), the logically correct option, and free metadata. Items of all
three tasks (NLI, syllogisms, Wason) share this record so the scoring stage
needs no task-specific code.

Files hold one JSON object per line with exactly the keys of ``Stimulus``.
``read_stimuli`` checks every line and reports the first problem as
``"{path}:{line}: {reason}"`` in a single line, so a broken file fails early
and points at the offending line rather than surfacing later as a bad score.
Every option must start with a space (it is scored as the continuation of
``"Answer:"``); given the conditions of each task, an unknown condition name is
an error too (it would otherwise drop out of every content-effect contrast).

The pipeline's own per-task stimulus files (``write_stimuli`` with ``sources``)
add one key, ``source``: where the item came from (``"generated"`` or an extra
file's name). ``read_sourced_stimuli`` reads them back as (source, item) pairs.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterable, Mapping, Sequence

TASKS = ("nli", "syllogism", "wason")
KEYS = ("item_id", "task", "condition", "prompt", "options", "answer", "metadata")
SOURCE_KEY = "source"
GENERATED = "generated"  # the source of every item the pipeline generates
ITEM_PLACE = "{item}"  # where a question wording puts the item's prompt (``Stimulus.worded``)
JSON_ARRAY_HINT = "the file looks like a JSON array; write one JSON object per line (JSONL) instead"


@dataclass(frozen=True)
class Stimulus:
    """One multiple-choice item; ``answer`` is one of ``options``."""

    item_id: str
    task: str
    condition: str
    prompt: str
    options: tuple[str, ...]
    answer: str
    metadata: dict

    def __post_init__(self) -> None:
        # Accept a list for convenience but store a tuple, so equality after a
        # JSON round trip (lists) does not depend on how the item was built.
        object.__setattr__(self, "options", tuple(self.options))
        if self.task not in TASKS:
            raise ValueError(f"unknown task {self.task!r} (expected one of {', '.join(TASKS)})")
        if self.answer not in self.options:
            raise ValueError(f"answer {self.answer!r} is not among the options {self.options!r}")

    def worded(self, wording: str) -> "Stimulus":
        """The item asked in ``wording``: its prompt put in the place of ``ITEM_PLACE``."""
        if wording.count(ITEM_PLACE) != 1:
            raise ValueError(f"a wording must contain {ITEM_PLACE} exactly once: {wording!r}")
        return replace(self, prompt=wording.replace(ITEM_PLACE, self.prompt))


class StimulusFileError(ValueError):
    """A stimulus file is missing or has a malformed line; the message is one line."""


def condition_rng(task: str, condition: str, seed: int) -> random.Random:
    """A generator for one (task, condition) cell, derived from ``seed``.

    Each cell gets its own stream so that asking for more items of one
    condition does not change the items of the others. String seeds are
    hashed deterministically by ``random`` (not by ``hash``), so this is
    reproducible across processes.
    """
    return random.Random(f"{task}:{condition}:{seed}")


def _record(stimulus: Stimulus) -> dict:
    return {
        "item_id": stimulus.item_id,
        "task": stimulus.task,
        "condition": stimulus.condition,
        "prompt": stimulus.prompt,
        "options": list(stimulus.options),
        "answer": stimulus.answer,
        "metadata": stimulus.metadata,
    }


def write_stimuli(path: str | Path, stimuli: Iterable[Stimulus], sources: Sequence[str] | None = None) -> None:
    """Write ``stimuli`` to ``path`` as UTF-8 JSONL, one item per line, keys sorted;
    with ``sources`` (one per item), each line also has its ``source``.

    Raises ``ValueError`` for a duplicate ``item_id`` or for metadata that would
    not read back equal (e.g. tuples, non-string keys), so every written file
    round-trips through ``read_stimuli`` (``read_sourced_stimuli`` with sources).
    """
    path = Path(path)
    stimuli = list(stimuli)
    if sources is not None and len(sources) != len(stimuli):
        raise ValueError(f"{len(sources)} sources for {len(stimuli)} items")
    lines, seen = [], set()
    for index, stimulus in enumerate(stimuli):
        if stimulus.item_id in seen:
            raise ValueError(f"duplicate item_id {stimulus.item_id!r}")
        seen.add(stimulus.item_id)
        record = _record(stimulus) if sources is None else {**_record(stimulus), SOURCE_KEY: sources[index]}
        line = json.dumps(record, sort_keys=True, ensure_ascii=False)
        if json.loads(line)["metadata"] != stimulus.metadata:
            raise ValueError(f"{stimulus.item_id}: metadata does not survive JSON (use lists and str keys)")
        lines.append(line + "\n")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(lines), encoding="utf-8")


def _is_str_list(value) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _problem(record, keys: tuple[str, ...], conditions: Mapping[str, Sequence[str]] | None) -> str | None:
    """The first thing wrong with one decoded line, or None if it is a valid item."""
    if isinstance(record, list):
        return f"expected a JSON object, got a list ({JSON_ARRAY_HINT})"
    if not isinstance(record, dict):
        return f"expected a JSON object, got {type(record).__name__}"
    missing = [k for k in keys if k not in record]
    if missing:
        return f"missing key(s): {', '.join(missing)}"
    unknown = sorted(k for k in record if k not in keys)
    if unknown:
        return f"unknown key(s): {', '.join(map(repr, unknown))}"
    for key in ("item_id", "task", "condition", "prompt", "answer", *keys[len(KEYS):]):
        if not isinstance(record[key], str):
            return f"{key} must be a string, got {type(record[key]).__name__}"
    if not record["item_id"].strip():
        return "empty item_id"
    if record["task"] not in TASKS:
        return f"unknown task {record['task']!r} (expected one of {', '.join(TASKS)})"
    if not record["condition"].strip():
        return "empty condition"
    if conditions is not None and record["condition"] not in conditions.get(record["task"], ()):
        known = ", ".join(conditions.get(record["task"], ()))
        return f"unknown condition {record['condition']!r} for task {record['task']} (expected one of {known})"
    if not record["prompt"].strip():
        return "empty prompt"
    options = record["options"]
    if not _is_str_list(options):
        return "options must be a list of strings"
    if len(options) < 2:
        return f"options must have at least 2 entries, got {len(options)}"
    if len(set(options)) != len(options):
        return "options contain duplicates"
    unspaced = [o for o in options if not (o.startswith(" ") and o[1:2].strip())]
    if unspaced:
        return (f"option {unspaced[0]!r} must be one space then the answer (e.g. ' yes'): options are "
                "scored as the continuation of 'Answer:'")
    if record["answer"] not in options:
        return f"answer {record['answer']!r} is not among the options"
    if not isinstance(record["metadata"], dict):
        return f"metadata must be an object, got {type(record['metadata']).__name__}"
    return None


def _fail(path: Path, line_number: int, reason: str) -> StimulusFileError:
    # Reasons may quote file content; keep the message on one line regardless.
    one_line = reason.replace("\r", "\\r").replace("\n", "\\n")
    return StimulusFileError(f"{path}:{line_number}: {one_line}")


def _read(path: str | Path, keys: tuple[str, ...],
          conditions: Mapping[str, Sequence[str]] | None) -> list[dict]:
    """The valid records of a JSONL stimulus file with ``keys``, or the first problem as a one-line error."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise StimulusFileError(f"{path}: file not found") from None
    except IsADirectoryError:
        raise StimulusFileError(f"{path}: is a directory, not a file") from None
    records, first_seen = [], {}
    for line_number, raw_line in enumerate(raw.split(b"\n"), start=1):
        try:
            line = raw_line.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise _fail(path, line_number, f"not valid UTF-8 ({exc.reason})") from None
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            if not records and line.lstrip().startswith("["):
                hint = f" ({JSON_ARRAY_HINT})"
            elif line.lstrip().startswith("{") and not line.rstrip().endswith("}"):
                hint = " (each item must be a whole JSON object on one line)"
            else:
                hint = ""
            raise _fail(path, line_number, f"invalid JSON: {exc.msg} at column {exc.colno}{hint}") from None
        reason = _problem(record, keys, conditions)
        if reason is not None:
            raise _fail(path, line_number, reason)
        item_id = record["item_id"]
        if item_id in first_seen:
            raise _fail(path, line_number, f"duplicate item_id {item_id!r} (first on line {first_seen[item_id]})")
        first_seen[item_id] = line_number
        records.append(record)
    return records


def _stimulus(record: dict) -> Stimulus:
    return Stimulus(**{key: record[key] for key in KEYS})


def read_stimuli(path: str | Path, conditions: Mapping[str, Sequence[str]] | None = None) -> list[Stimulus]:
    """Read and validate a JSONL stimulus file; blank lines are skipped. With
    ``conditions`` (task -> its condition names), any other condition is an error.

    Raises ``StimulusFileError`` for a missing file (``"{path}: file not found"``)
    or at the first bad line (``"{path}:{line}: {reason}"``, lines counted from 1).
    """
    return [_stimulus(record) for record in _read(path, KEYS, conditions)]


def read_sourced_stimuli(path: str | Path) -> list[tuple[str, Stimulus]]:
    """(source, item) of each line of a file written by ``write_stimuli`` with sources."""
    return [(record[SOURCE_KEY], _stimulus(record)) for record in _read(path, (*KEYS, SOURCE_KEY), None)]


def balanced(stimuli: Iterable[Stimulus]) -> dict[tuple[str, str], int]:
    """Number of items per (task, condition), keys sorted."""
    counts = Counter((s.task, s.condition) for s in stimuli)
    return dict(sorted(counts.items()))


def numbered_id(task: str, index: int) -> str:
    """Item id for the ``index``-th item (from 1) of a task: ``"wason-0007"``."""
    return f"{task}-{index:04d}"
