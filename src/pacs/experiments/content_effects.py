"""Experiment 5 (C5): content effects on reasoning in language models.

Stimuli of three tasks (NLI, syllogisms, Wason) come from the seeded generators
of ``pacs.probes`` and, optionally, from extra JSONL files in the same schema;
each item keeps its source (``pacs.probes.sources``) in every table.
Every model answers every item by option scores (``pacs.probes.scoring``):

- a pretrained LM (SmolLM2-135M-Instruct by default, or any local HF directory),
  zero-shot and with few-shot prompts (``shots`` solved items of the same task,
  drawn per prompt seed from a separate example pool);
- the pipeline's own word-level LM, trained per seed on a made-up world whose
  corpus fixes which conclusions are believable and how often believable
  conclusions come with valid arguments (``pacs.probes.world``).

The tidy item table has one row per (model, shots, seed, item): the choice and
correctness under the plain and the DC-PMI score, the DC-PMI confidence, and for
yes/no tasks whether the model accepted (" yes").
"""

from __future__ import annotations

import logging
import random
from typing import Sequence

import pandas as pd

from pacs.models.language_model import LanguageModel
from pacs.probes import nli, syllogisms, wason
from pacs.probes.scoring import item_choices, score_stimuli
from pacs.probes.sources import TASK_CONDITIONS, source_name
from pacs.probes.stimuli import GENERATED, ITEM_PLACE, Stimulus, StimulusFileError, read_stimuli

log = logging.getLogger(__name__)

GENERATORS = {
    nli.TASK: nli.generate_nli,
    syllogisms.TASK: syllogisms.generate_syllogisms,
    wason.TASK: wason.generate_wason,
}
CONDITION_ORDER = TASK_CONDITIONS
ITEM_COLUMNS = ("model", "shots", "seed", "prompt", "source", "item_id", "task", "condition",
                "correct_plain", "correct_dcpmi", "accepted_plain", "accepted_dcpmi", "confidence",
                "wason_category")


def generated_stimuli(items_per_condition: dict[str, int], seed) -> list[Stimulus]:
    """The generated items of each task, ``items_per_condition[task]`` per condition."""
    stimuli = []
    for task, n in items_per_condition.items():
        if n > 0:
            stimuli += GENERATORS[task](n, seed)
    return stimuli


def task_stimuli(task: str, n_per_condition: int, seed, extra_paths: Sequence[str]) -> list[tuple[str, Stimulus]]:
    """(source, item) for one task: ``n_per_condition`` generated items per condition
    (source ``"generated"``), then the task's items of each extra file (source: the
    file's name, ``sources.source_name``). An item id used twice is an error naming
    both places."""
    combined = [(GENERATED, s) for s in (GENERATORS[task](n_per_condition, seed) if n_per_condition > 0 else [])]
    for path in extra_paths:
        combined += [(source_name(path), s) for s in read_stimuli(path, TASK_CONDITIONS) if s.task == task]
    first: dict[str, str] = {}
    for source, stimulus in combined:
        if stimulus.item_id in first:
            raise StimulusFileError(f"{source}: item_id {stimulus.item_id!r} is already used by {first[stimulus.item_id]}")
        first[stimulus.item_id] = source
    return combined


def few_shot_examples(pool: Sequence[Stimulus], task: str, shots: int, prompt_seed: int,
                      exclude_prompts: frozenset[str]) -> list[Stimulus]:
    """``shots`` solved items of ``task`` from the example pool, drawn by ``prompt_seed``
    (never an item that is also tested)."""
    candidates = [s for s in pool if s.task == task and s.prompt not in exclude_prompts]
    if shots > len(candidates):
        raise ValueError(f"{shots}-shot prompts need {shots} {task} examples, the pool has {len(candidates)}")
    return random.Random(f"examples:{task}:{prompt_seed}").sample(candidates, shots)


def accepted(choices: pd.Series) -> pd.Series:
    """1 where a yes/no item's choice is " yes", 0 for " no", NaN for other options."""
    return choices.str.strip().map({"yes": 1.0, "no": 0.0})


def wason_category(stimulus: Stimulus, choice: str) -> str:
    """Error category of a chosen Wason option (``"unknown"`` for items without the metadata)."""
    return stimulus.metadata.get("option_categories", {}).get(choice, "unknown")


def score_items(lm: LanguageModel, items: Sequence[tuple[str, Stimulus]], shots: int, seed: int,
                example_pool: Sequence[Stimulus], wording: str = ITEM_PLACE,
                **columns) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Score ``items`` with ``lm`` (``shots`` examples per task, drawn by ``seed``), each
    item asked in ``wording`` (``Stimulus.worded``; the bare item by default): (item
    table, option table). A zero-shot prompt's ``seed`` names its wording (``prompt``:
    ``"0-shot wording <seed>"``). ``columns`` (model, ...) are added to both."""
    tested = frozenset(s.prompt for _, s in items)
    by_task: dict[str, list[tuple[str, Stimulus]]] = {}
    for source, stimulus in items:
        by_task.setdefault(stimulus.task, []).append((source, stimulus))
    item_frames, option_frames = [], []
    for task, task_items in by_task.items():
        examples = few_shot_examples(example_pool, task, shots, seed, tested) if shots else []
        stimuli = [s.worded(wording) for _, s in task_items]
        options = score_stimuli(lm, stimuli, examples, progress=f"{lm.name} {task} {shots}-shot seed {seed}")
        choices = item_choices(options)
        lookup = {s.item_id: (source, s) for source, s in task_items}
        choices["source"] = [lookup[i][0] for i in choices.item_id]
        for score in ("plain", "dcpmi"):
            choices[f"accepted_{score}"] = accepted(choices[f"choice_{score}"])
        choices["wason_category"] = [wason_category(lookup[i][1], c) if task == wason.TASK else ""
                                     for i, c in zip(choices.item_id, choices.choice_dcpmi)]
        choices["examples"] = ",".join(e.item_id for e in examples)
        item_frames.append(choices)
        option_frames.append(options)
        log.info("%s %d-shot seed %d on %s: accuracy %.3f (DC-PMI), %.3f (plain)", lm.name, shots, seed, task,
                 choices.correct_dcpmi.mean(), choices.correct_plain.mean())
    constants = {**columns, "shots": shots, "seed": seed, "prompt": f"{shots}-shot seed {seed}" if shots else f"0-shot wording {seed}"}
    if not item_frames:  # no items of this task: empty tables with every column once
        return (pd.DataFrame(columns=list(dict.fromkeys([*ITEM_COLUMNS, *constants]))),
                pd.DataFrame(columns=list(dict.fromkeys([*constants, "item_id"]))))
    return (pd.concat(item_frames, ignore_index=True).assign(**constants),
            pd.concat(option_frames, ignore_index=True).assign(**constants))
