"""Scoring content-effect stimuli with any model of the shared LM interface.

Each option's score is its summed log-probability after the item's prompt
(``plain``), and the DC-PMI score (Holtzman et al. 2021): that log-probability
minus the option's log-probability after a neutral, content-free context
(``Answer:`` by default), which removes how likely an option is a priori. The
model's answer is the option with the highest score; its confidence is the
margin between the best and the second-best DC-PMI score. Few-shot prompts put
solved example items (prompt, then their answer) before the item.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd
from tqdm import tqdm

from pacs.models.language_model import LanguageModel
from pacs.probes.stimuli import Stimulus

NEUTRAL_CONTEXT = "Answer:"
EXAMPLE_SEPARATOR = "\n\n"
ITEMS_PER_CALL = 64  # items per batched scoring call (a progress-bar step)


def few_shot_prefix(examples: Sequence[Stimulus]) -> str:
    """Solved examples, each its prompt followed by its correct option."""
    return "".join(f"{e.prompt}{e.answer}{EXAMPLE_SEPARATOR}" for e in examples)


def score_stimuli(lm: LanguageModel, stimuli: Sequence[Stimulus], examples: Sequence[Stimulus] = (),
                  neutral_context: str = NEUTRAL_CONTEXT, progress: str | None = None,
                  items_per_call: int = ITEMS_PER_CALL) -> pd.DataFrame:
    """One row per (item, option): ``logprob`` after the (few-shot) prompt,
    ``logprob_neutral`` after the neutral context, and ``dcpmi`` = their difference.

    The prompts go to the model ``items_per_call`` items at a time (batched scoring;
    the few-shot prefix they share is encoded once), then every distinct option
    of all items after the neutral context in one request. ``progress``: a label
    for a progress bar."""
    prefix = few_shot_prefix(examples)
    blocks = [stimuli[start: start + items_per_call] for start in range(0, len(stimuli), items_per_call)]
    plain = [scores for block in tqdm(blocks, desc=progress, mininterval=5.0, disable=progress is None)
             for scores in lm.score_batch([(prefix + item.prompt, item.options) for item in block])]
    distinct = list(dict.fromkeys(option for item in stimuli for option in item.options))
    neutral = dict(zip(distinct, lm.score_batch([(neutral_context, distinct)])[0])) if distinct else {}
    rows = []
    for item, item_scores in zip(stimuli, plain):
        for option, lp in zip(item.options, item_scores):
            rows.append({"item_id": item.item_id, "task": item.task, "condition": item.condition,
                         "option": option, "is_answer": option == item.answer,
                         "logprob": float(lp), "logprob_neutral": float(neutral[option]),
                         "dcpmi": float(lp - neutral[option])})
    return pd.DataFrame(rows)


def item_choices(option_scores: pd.DataFrame) -> pd.DataFrame:
    """One row per item: the chosen option and correctness under each score
    (``plain``, ``dcpmi``), and the DC-PMI ``confidence`` (best minus second best)."""
    rows = []
    for item_id, options in option_scores.groupby("item_id", sort=False):
        row = {"item_id": item_id, "task": options.task.iloc[0], "condition": options.condition.iloc[0]}
        for score in ("logprob", "dcpmi"):
            name = "plain" if score == "logprob" else score
            best = options.loc[options[score].idxmax()]
            row[f"choice_{name}"] = best.option
            row[f"correct_{name}"] = float(best.is_answer)
        ranked = np.sort(options.dcpmi.to_numpy())[::-1]
        row["confidence"] = float(ranked[0] - ranked[1]) if len(ranked) > 1 else float("nan")
        rows.append(row)
    return pd.DataFrame(rows)
