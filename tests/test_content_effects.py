"""Experiment 5's stimulus sets, few-shot examples and item scoring (with a scripted model)."""

import numpy as np
import pandas as pd
import pytest

from pacs.experiments import content_effects
from pacs.probes import wason
from pacs.probes.scoring import EXAMPLE_SEPARATOR
from pacs.probes.stimuli import StimulusFileError, write_stimuli


class AnswerKnowingLM:
    """Prefers each item's correct option (known by prompt) by 2 nats, and records contexts."""

    name = "oracle"

    def __init__(self, stimuli):
        self.answers = {s.prompt: s.answer for s in stimuli}
        self.contexts = []

    def score_options(self, context, options):
        self.contexts.append(context)
        prompt = next((p for p in self.answers if context.endswith(p)), None)
        return np.array([2.0 if prompt is not None and o == self.answers[prompt] else 0.0 for o in options])

    def score_batch(self, requests):
        return [self.score_options(context, options) for context, options in requests]

    def generate(self, context, max_new_tokens):
        raise NotImplementedError


def test_generated_items_have_the_asked_counts_and_unique_ids():
    stimuli = content_effects.generated_stimuli({"nli": 4, "syllogism": 3, "wason": 2, }, 0)
    assert len(stimuli) == 4 * 3 + 3 * 6 + 2 * 3
    assert len({s.item_id for s in stimuli}) == len(stimuli)
    assert content_effects.generated_stimuli({"nli": 0, "syllogism": 3, "wason": 0}, 0)[0].task == "syllogism"


def test_an_extra_file_adds_its_items_of_the_task_under_its_name_and_ids_must_not_clash(tmp_path):
    generated = content_effects.generated_stimuli({"nli": 2, "syllogism": 1, "wason": 0}, 0)
    extra = [s.__class__(**{**s.__dict__, "item_id": f"mine-{i}"}) for i, s in enumerate(generated)]
    path = tmp_path / "mine.jsonl"
    write_stimuli(path, extra)
    nli_items = content_effects.task_stimuli("nli", 2, 0, [str(path)])
    sources = [source for source, _ in nli_items]
    assert sources == ["generated"] * 6 + ["mine.jsonl"] * 6
    assert {s.task for _, s in nli_items} == {"nli"}
    syllogism_items = content_effects.task_stimuli("syllogism", 0, 0, [str(path)])
    assert [source for source, _ in syllogism_items] == ["mine.jsonl"] * 6
    assert content_effects.task_stimuli("wason", 0, 0, [str(path)]) == []
    clash = tmp_path / "clash.jsonl"
    write_stimuli(clash, generated[:1])
    with pytest.raises(StimulusFileError, match=r"clash\.jsonl: item_id 'nli-0001' is already used by generated"):
        content_effects.task_stimuli("nli", 2, 0, [str(clash)])


def test_few_shot_examples_come_from_the_pool_of_the_same_task_and_never_repeat_a_tested_item():
    pool = content_effects.generated_stimuli({"nli": 3, "syllogism": 2, "wason": 2}, "examples")
    tested = frozenset(s.prompt for s in pool[:5])
    examples = content_effects.few_shot_examples(pool, "syllogism", 4, prompt_seed=1, exclude_prompts=tested)
    assert len(examples) == 4 and {e.task for e in examples} == {"syllogism"}
    assert not {e.prompt for e in examples} & tested
    assert examples == content_effects.few_shot_examples(pool, "syllogism", 4, 1, tested)
    assert examples != content_effects.few_shot_examples(pool, "syllogism", 4, 2, tested)
    with pytest.raises(ValueError, match="need 99 nli examples"):
        content_effects.few_shot_examples(pool, "nli", 99, 0, tested)


def test_scoring_a_model_that_knows_the_answers_gives_full_accuracy_and_the_right_columns():
    stimuli = content_effects.generated_stimuli({"nli": 2, "syllogism": 2, "wason": 2}, 0)
    pool = content_effects.generated_stimuli({"nli": 2, "syllogism": 2, "wason": 2}, "examples")
    lm = AnswerKnowingLM([*stimuli, *pool])
    items, options = content_effects.score_items(lm, [("generated", s) for s in stimuli], 2, 5, pool,
                                                 model="oracle", corpus="")
    assert set(content_effects.ITEM_COLUMNS) <= set(items.columns)
    assert len(items) == len(stimuli) and len(options) == sum(len(s.options) for s in stimuli)
    assert items.correct_dcpmi.eq(1).all() and items.correct_plain.eq(1).all()
    yes_no = items[items.task == "syllogism"]
    by_id = {s.item_id: s for s in stimuli}
    assert (yes_no.accepted_dcpmi == [1.0 if by_id[i].answer == " yes" else 0.0 for i in yes_no.item_id]).all()
    assert items[items.task == "nli"].accepted_dcpmi.isna().all()
    assert (items[items.task == "wason"].wason_category == "correct").all()
    assert (items.prompt == "2-shot seed 5").all() and (items.seed == 5).all()
    # the two solved examples of the item's own task come before every prompt
    syllogism_context = next(c for c in lm.contexts if c.endswith(stimuli[-7].prompt))
    assert syllogism_context.count(EXAMPLE_SEPARATOR) == 2 and syllogism_context.count("Premise 1:") == 3


def test_a_zero_shot_wording_frames_every_item_and_names_the_prompt():
    stimuli = content_effects.generated_stimuli({"nli": 1, "syllogism": 1, "wason": 1}, 0)
    lm = AnswerKnowingLM(stimuli)
    items, _ = content_effects.score_items(lm, [("generated", s) for s in stimuli], 0, 2, [],
                                           wording="Question: {item}", model="oracle", corpus="")
    assert (items.prompt == "0-shot wording 2").all() and (items.seed == 2).all()
    assert items.correct_dcpmi.eq(1).all()
    for stimulus in stimuli:
        assert any(c == "Question: " + stimulus.prompt for c in lm.contexts)
    assert not any(c == stimuli[0].prompt for c in lm.contexts)
    with pytest.raises(ValueError, match="exactly once"):
        stimuli[0].worded("Question:")


def test_wason_categories_name_the_chosen_pair():
    item = wason.generate_wason(1, 0)[0]
    categories = {content_effects.wason_category(item, option) for option in item.options}
    assert categories == {"correct", "matching", "denial", "consequent", "antecedent", "inverse"}
    assert content_effects.wason_category(item.__class__(**{**item.__dict__, "metadata": {}}), item.answer) == "unknown"


def test_a_task_without_items_gives_empty_tables_with_each_column_once():
    items, options = content_effects.score_items(AnswerKnowingLM([]), [], 0, 0, [], model="oracle", corpus="")
    assert items.empty and options.empty
    assert set(content_effects.ITEM_COLUMNS) <= set(items.columns)
    assert not items.columns.duplicated().any() and not options.columns.duplicated().any()
    # and it concatenates with a scored table without error
    stimuli = content_effects.generated_stimuli({"nli": 1, "syllogism": 0, "wason": 0}, 0)
    scored, _ = content_effects.score_items(AnswerKnowingLM(stimuli), [("generated", s) for s in stimuli], 0, 0, [],
                                            model="oracle", corpus="")
    assert len(pd.concat([scored, items], ignore_index=True)) == len(stimuli)
