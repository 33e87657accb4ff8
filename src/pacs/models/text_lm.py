"""The pipeline's own language models: word-level, trained from scratch.

The same causal transformer as every pacs agent (``pacs.models.transformer``),
with an embedding table in front instead of a linear map from continuous tokens,
and one output head, ``next_token``. It is trained by the shared imitation
trainer (``pacs.train``), whose cross-entropy on the ``next_token`` head is plain
next-token prediction. Its vocabulary comes from its training corpus; a word it
never saw reads as ``<unk>``.

``PipelineLM`` gives it the ``pacs.models.language_model`` interface, so the
experiments score and prompt it exactly as they do a pretrained model.
"""

from __future__ import annotations

import re
from dataclasses import asdict
from pathlib import Path
from typing import Sequence

import numpy as np
import torch
import torch.nn as nn

from pacs.data import IGNORE, DataFileError, TokenDataset, load_metadata, load_tensors, save_tensors
from pacs.models.batching import common_prefix_length, right_padded, token_chunks
from pacs.models.transformer import CausalTransformer, TransformerConfig, empty_cache

PAD, UNK, EOS, NEWLINE = "<pad>", "<unk>", "<eos>", "\n"
SPECIALS = (PAD, UNK, EOS, NEWLINE)
_WORD = re.compile(r"[A-Z]=[+-]?\d+(?:\.\d+)?|[+-]?\d+(?:\.\d+)?|[A-Za-z']+|\n|[^\sA-Za-z\d]")


def words(text: str) -> list[str]:
    """Split text into words, numbers (with their sign), punctuation and newlines; a
    variable's value (``C=-5``) is one word, which keeps result lines short."""
    return _WORD.findall(text)


class WordTokenizer:
    """Words <-> ids over a fixed vocabulary (the special tokens come first)."""

    def __init__(self, vocabulary: Sequence[str]):
        self.vocabulary = list(vocabulary)
        if self.vocabulary[: len(SPECIALS)] != list(SPECIALS):
            raise ValueError("a word vocabulary must start with the special tokens")
        self.index = {word: i for i, word in enumerate(self.vocabulary)}

    @classmethod
    def from_corpus(cls, texts: Sequence[str]) -> "WordTokenizer":
        seen = sorted({w for text in texts for w in words(text)} - set(SPECIALS))
        return cls([*SPECIALS, *seen])

    def __len__(self) -> int:
        return len(self.vocabulary)

    def encode(self, text: str) -> list[int]:
        unknown = self.index[UNK]
        return [self.index.get(w, unknown) for w in words(text)]

    def decode(self, ids: Sequence[int]) -> str:
        text = " ".join(self.vocabulary[i] for i in ids if self.vocabulary[i] not in (PAD, EOS))
        return text.replace(" \n ", "\n").replace(" \n", "\n").replace("\n ", "\n")


class TextTransformer(CausalTransformer):
    """Word ids (B, L) in, ``next_token`` logits (B, L, V) out; ``token_width`` is
    the vocabulary size."""

    def __init__(self, cfg: TransformerConfig):
        super().__init__(cfg)
        self.embed = nn.Embedding(cfg.token_width, cfg.d_model)


def build_text_model(vocab_size: int, max_len: int, model: dict, init_seed: int) -> TextTransformer:
    cfg = TransformerConfig(token_width=vocab_size, max_len=max_len, heads={"next_token": vocab_size}, **model)
    with torch.random.fork_rng():
        torch.manual_seed(init_seed)
        return TextTransformer(cfg)


def corpus_dataset(texts: Sequence[str], tokenizer: WordTokenizer, max_len: int) -> TokenDataset:
    """Documents -> (N, L) ids, padded, with next-token labels (-100 on padding).
    Each document ends with ``<eos>``; a document longer than ``max_len`` is an error."""
    sequences = [tokenizer.encode(t) + [tokenizer.index[EOS]] for t in texts]
    longest = max(len(s) for s in sequences)
    if longest > max_len:
        raise ValueError(f"a document has {longest} tokens, more than max_len {max_len}")
    length = longest - 1
    tokens = torch.full((len(sequences), length), tokenizer.index[PAD], dtype=torch.int32)
    labels = torch.full((len(sequences), length), IGNORE, dtype=torch.long)
    for row, ids in enumerate(sequences):
        ids_t = torch.tensor(ids)
        tokens[row, : len(ids) - 1] = ids_t[:-1].int()
        labels[row, : len(ids) - 1] = ids_t[1:]
    return TokenDataset(tokens=tokens, labels={"next_token": labels})


def save_pipeline_lm(path: str | Path, model: TextTransformer, tokenizer: WordTokenizer, metadata: dict) -> None:
    meta = {"model_config": asdict(model.cfg), "vocabulary": tokenizer.vocabulary, **metadata}
    save_tensors(path, {k: v.detach().cpu() for k, v in model.state_dict().items()}, meta)


def load_pipeline_lm(path: str | Path, device: torch.device, name: str | None = None) -> "PipelineLM":
    meta = load_metadata(path)
    if "vocabulary" not in meta or "model_config" not in meta:
        raise DataFileError(f"{path}: no vocabulary or model_config in its metadata; not a pipeline LM")
    model = TextTransformer(TransformerConfig(**meta["model_config"]))
    try:
        model.load_state_dict(load_tensors(path))
    except RuntimeError as error:
        raise DataFileError(f"{path}: weights do not match its model_config ({str(error).splitlines()[0]})") from None
    return PipelineLM(model, WordTokenizer(meta["vocabulary"]), name or Path(path).stem, device)


class PipelineLM:
    """A trained ``TextTransformer`` behind the language-model interface. Contexts
    longer than the model's window keep their last ``max_len`` tokens.

    ``score_batch`` scores every (context, option) pair as one row of padded
    batches of at most ``max_batch_tokens`` tokens. ``generate`` decodes with a
    key/value cache that it keeps between calls, so a growing closed-loop
    transcript is encoded once."""

    def __init__(self, model: TextTransformer, tokenizer: WordTokenizer, name: str, device: torch.device,
                 max_batch_tokens: int = 8192):
        self.model = model.to(device).eval()
        self.tokenizer = tokenizer
        self.name = name
        self.device = device
        self.max_batch_tokens = max_batch_tokens
        self._ids: list[int] = []  # the tokens now in the cache
        self._cache = empty_cache(self.model)

    @torch.no_grad()
    def _log_probs(self, ids: list[int]) -> torch.Tensor:
        window = ids[-self.model.cfg.max_len:]
        logits = self.model(torch.tensor([window], device=self.device))["next_token"][0]
        return logits.float().log_softmax(-1)

    def score_options(self, context: str, options: Sequence[str]) -> np.ndarray:
        return self.score_batch([(context, options)])[0]

    @torch.no_grad()
    def score_batch(self, requests: Sequence[tuple[str, Sequence[str]]]) -> list[np.ndarray]:
        """For each (context, options): the summed log-probability (nats) of each
        option's words after the context's."""
        window = self.model.cfg.max_len
        rows = []  # (request, option, window of context + option ids, option length)
        for i, (context, options) in enumerate(requests):
            context_ids = self.tokenizer.encode(context)
            if not context_ids:
                raise ValueError(f"context {context!r} has no words: nothing predicts an option's first word")
            for j, option in enumerate(options):
                option_ids = self.tokenizer.encode(option)
                if not option_ids or len(option_ids) >= window:
                    raise ValueError(f"option {option!r} has {len(option_ids)} words; needs 1 to {window - 1}")
                rows.append((i, j, (context_ids + option_ids)[-window:], len(option_ids)))
        scores = [np.zeros(len(options)) for _, options in requests]
        rows.sort(key=lambda row: len(row[2]))  # similar lengths share a batch: less padding
        for chunk in token_chunks([len(row[2]) for row in rows], self.max_batch_tokens):
            batch = [rows[k] for k in chunk]
            ids, _ = right_padded([row[2] for row in batch], self.device)  # causal: padding is never seen
            log_probs = self.model(ids)["next_token"].float().log_softmax(-1)
            for b, (i, j, row_ids, n_option) in enumerate(batch):
                targets = torch.tensor(row_ids[-n_option:], device=self.device)
                positions = torch.arange(len(row_ids) - n_option - 1, len(row_ids) - 1, device=self.device)
                scores[i][j] = float(log_probs[b, positions, targets].sum())
        return scores

    @torch.no_grad()
    def _next_log_probs(self, ids: list[int]) -> torch.Tensor:
        """Log-probs of the token after ``ids``, through the cache of the last call's
        tokens (reusing their longest common prefix)."""
        if len(ids) > self.model.cfg.max_len:  # a sliding window moves every position: no cache
            self._ids, self._cache = [], empty_cache(self.model)
            return self._log_probs(ids)[-1]
        keep = min(common_prefix_length([self._ids, ids]), len(ids) - 1)
        if keep < len(self._ids):
            self._cache = [[t[:, :, :keep] for t in layer] if keep else [] for layer in self._cache]
        logits = self.model(torch.tensor([ids[keep:]], device=self.device), self._cache)["next_token"][0, -1]
        self._ids = list(ids)
        return logits.float().log_softmax(-1)

    @torch.no_grad()
    def generate(self, context: str, max_new_tokens: int) -> str:
        ids = self.tokenizer.encode(context)
        produced: list[int] = []
        stops = {self.tokenizer.index[NEWLINE], self.tokenizer.index[EOS]}
        for _ in range(max_new_tokens):
            token = int(self._next_log_probs(ids + produced).argmax())
            produced.append(token)
            if token in stops:
                break
        return self.tokenizer.decode(produced)
