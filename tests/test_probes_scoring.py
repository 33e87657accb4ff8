"""DC-PMI scoring of stimuli, checked by hand on a tiny random model."""

import pytest
import torch

from pacs.models.language_model import load_language_model
from pacs.probes.scoring import few_shot_prefix, item_choices, score_stimuli
from pacs.probes.stimuli import Stimulus


def log_prob_of(model, tokenizer, context: str, option: str) -> float:
    """Summed log p(option tokens | context), one uncached forward pass."""
    context_ids = tokenizer(context)["input_ids"]
    option_ids = tokenizer(option, add_special_tokens=False)["input_ids"]
    with torch.no_grad():
        log_probs = model(torch.tensor([context_ids + option_ids])).logits[0].log_softmax(-1)
    return sum(float(log_probs[len(context_ids) - 1 + k, t]) for k, t in enumerate(option_ids))


ITEMS = [
    Stimulus("nli-0001", "nli", "consistent", "the cat sat on", (" the mat", " a red mat", " the dog"), " the mat", {}),
    Stimulus("nli-0002", "nli", "violate", "a dog sat on the", (" the mat", " a red mat", " the dog"), " the dog", {}),
]


def test_dcpmi_matches_a_hand_computation(tiny_gpt2_dir):
    lm = load_language_model(tiny_gpt2_dir, torch.device("cpu"))
    example = Stimulus("nli-0009", "nli", "nonsense", "blue cat", (" sat", " on"), " sat", {})
    scores = score_stimuli(lm, ITEMS, examples=[example], neutral_context="Test .")
    assert len(scores) == 6 and scores.is_answer.sum() == 2
    for row in scores.itertuples():
        item = next(i for i in ITEMS if i.item_id == row.item_id)
        plain = log_prob_of(lm.model, lm.tokenizer, "blue cat sat\n\n" + item.prompt, row.option)
        neutral = log_prob_of(lm.model, lm.tokenizer, "Test .", row.option)
        assert row.logprob == pytest.approx(plain, abs=1e-4)
        assert row.logprob_neutral == pytest.approx(neutral, abs=1e-4)
        assert row.dcpmi == pytest.approx(plain - neutral, abs=1e-4)
    choices = item_choices(scores).set_index("item_id")
    for item_id, options in scores.groupby("item_id"):
        best = options.sort_values("dcpmi", ascending=False)
        assert choices.loc[item_id, "choice_dcpmi"] == best.option.iloc[0]
        assert choices.loc[item_id, "correct_dcpmi"] == float(best.is_answer.iloc[0])
        assert choices.loc[item_id, "confidence"] == pytest.approx(best.dcpmi.iloc[0] - best.dcpmi.iloc[1])
        assert choices.loc[item_id, "choice_plain"] == options.loc[options.logprob.idxmax(), "option"]


def test_few_shot_prefix_shows_solved_examples():
    assert few_shot_prefix(ITEMS) == "the cat sat on the mat\n\na dog sat on the the dog\n\n"
