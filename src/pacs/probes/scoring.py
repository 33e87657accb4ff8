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


def few_shot_prefix(examples: Sequence[Stimulus]) -> str:
    """Solved examples, each its prompt followed by its correct option."""
    return "".join(f"{e.prompt}{e.answer}{EXAMPLE_SEPARATOR}" for e in examples)


def score_stimuli(lm: LanguageModel, stimuli: Sequence[Stimulus], examples: Sequence[Stimulus] = (),
                  neutral_context: str = NEUTRAL_CONTEXT, progress: str | None = None) -> pd.DataFrame:
    """One row per (item, option): ``logprob`` after the (few-shot) prompt,
    ``logprob_neutral`` after the neutral context, and ``dcpmi`` = their difference.

    All prompts are scored first, then the neutral context once per distinct option
    set, so a model that caches a shared prefix (the few-shot examples) keeps it.
    ``progress``: a label for a progress bar."""
    prefix = few_shot_prefix(examples)
    plain = [lm.score_options(prefix + item.prompt, item.options)
             for item in tqdm(stimuli, desc=progress, mininterval=5.0, disable=progress is None)]
    neutral = {options: lm.score_options(neutral_context, options) for options in dict.fromkeys(
        item.options for item in stimuli)}  # items of a task often share their options
    rows = []
    for item, item_scores in zip(stimuli, plain):
        for option, lp, lp_neutral in zip(item.options, item_scores, neutral[item.options]):
            rows.append({"item_id": item.item_id, "task": item.task, "condition": item.condition,
                         "option": option, "is_answer": option == item.answer,
                         "logprob": float(lp), "logprob_neutral": float(lp_neutral),
                         "dcpmi": float(lp - lp_neutral)})
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
