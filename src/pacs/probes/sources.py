"""Where Experiment 5's items come from: the generators, or extra stimulus files.

Every item carries a ``source``: ``"generated"`` for the pipeline's own items,
else the name of the extra file it came from (``c5.extra_stimuli``). Extra
files are checked when the config is resolved, before any job runs, so a
mistyped path or a bad line stops the run at once with one line naming the file
(and line). ``extra_files_by_task`` also tells the workflow which tasks each
file feeds, so that a file for one task rescores only that task.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Sequence

from pacs.probes import nli, syllogisms, wason
from pacs.probes.stimuli import GENERATED, StimulusFileError, read_stimuli

TASK_CONDITIONS = {nli.TASK: nli.CONDITIONS, syllogisms.TASK: syllogisms.CONDITIONS, wason.TASK: wason.CONDITIONS}
# item ids of the generated items (``stimuli.numbered_id``); an extra item must not take one
GENERATED_ID = re.compile(r"^(%s)-\d{4}$" % "|".join(TASK_CONDITIONS))


def source_name(path: str | Path) -> str:
    """The source of an extra file's items in every table and the report: the file's name."""
    return Path(path).name


def extra_files_by_task(paths: Sequence[str]) -> dict[str, list[str]]:
    """Check the extra stimulus files and map each task to the files holding items of it
    (in the given order; a task no file feeds is absent).

    Raises ``StimulusFileError`` (one line naming the file, and the line where one is
    at fault) for a missing file, a malformed line, an unknown condition of its task,
    a file without items, two files of the same name (their items would share a
    source), an item id used twice or shaped like a generated item's id.
    """
    by_task: dict[str, list[str]] = {}
    names: dict[str, str] = {}
    ids: dict[str, str] = {}
    for path in paths:
        name = source_name(path)
        if name == GENERATED:
            raise StimulusFileError(f"{path}: the file name {GENERATED!r} is reserved for generated items")
        if name in names:
            raise StimulusFileError(f"{path}: has the same file name as {names[name]} (names identify sources)")
        names[name] = path
        stimuli = read_stimuli(path, TASK_CONDITIONS)
        if not stimuli:
            raise StimulusFileError(f"{path}: no stimulus items")
        for stimulus in stimuli:
            if GENERATED_ID.match(stimulus.item_id):
                raise StimulusFileError(f"{path}: item_id {stimulus.item_id!r} has the form of a generated item's "
                                        "id; rename it")
            if stimulus.item_id in ids:
                raise StimulusFileError(f"{path}: item_id {stimulus.item_id!r} is already used by "
                                        f"{ids[stimulus.item_id]}")
            ids[stimulus.item_id] = path
        for task in TASK_CONDITIONS:
            if any(s.task == task for s in stimuli):
                by_task.setdefault(task, []).append(path)
    return by_task


def ordered_sources(sources) -> list[str]:
    """Distinct sources, the generated items first, then extra files by name."""
    return sorted(set(sources), key=lambda source: (source != GENERATED, source))


def sources_text(items, file_name=str) -> str:
    """Where the items of a tidy item table (columns source, task, item_id) came from, as
    a phrase for the report: ``"generated items (nli 12, syllogism 24) and items from
    the extra file x.jsonl (syllogism 6)"``. ``file_name`` formats a file's name (e.g.
    LaTeX escaping)."""
    counts = items.groupby(["source", "task"]).item_id.nunique()
    phrases = []
    for source in ordered_sources(items.source):
        per_task = ", ".join(f"{task} {n}" for task, n in counts[source].items())
        what = "generated items" if source == GENERATED else f"items from the extra file {file_name(source)}"
        phrases.append(f"{what} ({per_task})")
    if not phrases:
        return "no items"
    return phrases[0] if len(phrases) == 1 else ", ".join(phrases[:-1]) + " and " + phrases[-1]
