"""Batching token sequences of different lengths for a language model's forward passes.

Shared by both language models of pacs (``pacs.models.language_model.HuggingFaceLM``
and ``pacs.models.text_lm.PipelineLM``): the shared prefix of several sequences,
right-padding into one tensor, consecutive chunks whose padded size stays within a
token budget, and token trees that let options sharing leading tokens share their
positions (tree attention). Pure torch, no model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import torch


def common_prefix_length(sequences: Sequence[Sequence[int]]) -> int:
    """How many leading tokens all ``sequences`` share."""
    shortest = min(len(s) for s in sequences)
    for position in range(shortest):
        token = sequences[0][position]
        if any(s[position] != token for s in sequences):
            return position
    return shortest


def right_padded(sequences: Sequence[Sequence[int]], device: torch.device) -> tuple[torch.Tensor, torch.Tensor]:
    """(ids, mask), both (n, longest): each sequence then zeros, mask 1 on real tokens."""
    longest = max(len(s) for s in sequences)
    ids = torch.zeros(len(sequences), longest, dtype=torch.long)
    mask = torch.zeros(len(sequences), longest, dtype=torch.long)
    for row, sequence in enumerate(sequences):
        ids[row, : len(sequence)] = torch.tensor(sequence, dtype=torch.long)
        mask[row, : len(sequence)] = 1
    return ids.to(device), mask.to(device)


def token_chunks(lengths: Sequence[int], max_tokens: int) -> list[range]:
    """Consecutive index ranges whose padded size (count x longest) stays within
    ``max_tokens`` (a range holds at least one index)."""
    chunks, start, longest = [], 0, 0
    for index, length in enumerate(lengths):
        if index > start and (index - start + 1) * max(longest, length) > max_tokens:
            chunks.append(range(start, index))
            start, longest = index, 0
        longest = max(longest, length)
    if lengths:
        chunks.append(range(start, len(lengths)))
    return chunks


@dataclass
class TokenTree:
    """Token sequences merged on their shared leading tokens: node k holds token
    ``tokens[k]`` at depth ``depths[k]`` (0: first token) below node ``parents[k]``
    (-1: a root); ``paths[j]`` lists the nodes of sequence j, in order."""

    tokens: list[int] = field(default_factory=list)
    depths: list[int] = field(default_factory=list)
    parents: list[int] = field(default_factory=list)
    paths: dict[int, list[int]] = field(default_factory=dict)
    _children: dict[tuple[int, int], int] = field(default_factory=dict)

    def new_nodes(self, sequence: Sequence[int]) -> int:
        """How many nodes adding ``sequence`` would create."""
        parent = -1
        for depth, token in enumerate(sequence):
            if (parent, token) not in self._children:
                return len(sequence) - depth
            parent = self._children[parent, token]
        return 0

    def add(self, j: int, sequence: Sequence[int]) -> None:
        parent, path = -1, []
        for depth, token in enumerate(sequence):
            if (parent, token) not in self._children:
                self._children[parent, token] = len(self.tokens)
                self.tokens.append(token)
                self.depths.append(depth)
                self.parents.append(parent)
            parent = self._children[parent, token]
            path.append(parent)
        self.paths[j] = path

    def ancestry(self) -> torch.Tensor:
        """(nodes, nodes) bool: node a sees node b (b is a or one of its ancestors)."""
        sees = torch.eye(len(self.tokens), dtype=torch.bool)
        for node, parent in enumerate(self.parents):
            if parent >= 0:  # parents come before their children
                sees[node] |= sees[parent]
        return sees


def token_trees(sequences: Sequence[Sequence[int]], max_nodes: int) -> list[TokenTree]:
    """The sequences as token trees of at most ``max_nodes`` nodes each (a longer
    sequence gets a tree of its own); sequence j keeps its index j in ``paths``."""
    trees = [TokenTree()]
    for j, sequence in enumerate(sequences):
        if trees[-1].tokens and len(trees[-1].tokens) + trees[-1].new_nodes(sequence) > max_nodes:
            trees.append(TokenTree())
        trees[-1].add(j, sequence)
    return trees
