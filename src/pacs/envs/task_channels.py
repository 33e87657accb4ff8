"""Per-episode channels: a fixed vector appended to every token of an episode.

Experiment 2 carries its relevance cue this way inside the DAG token; Experiment 6
(C6) adds channels from outside the token encoding, without changing it: the
quality bucket a learner is conditioned on (return-conditioned imitation), or
what free observational samples showed (data fusion). The same function builds
the training tokens and, through ``ChannelledTask``, the tokens the learner reads
when it acts, so both meet the same format.
"""

from __future__ import annotations

import torch


def append_channel(tokens: torch.Tensor, channel: torch.Tensor) -> torch.Tensor:
    """(B, L, W) tokens and (B, C) per-episode values -> (B, L, W + C)."""
    if channel.shape[0] != tokens.shape[0]:
        raise ValueError(f"{channel.shape[0]} channel rows for {tokens.shape[0]} episodes")
    spread = channel.to(tokens.dtype)[:, None, :].expand(-1, tokens.shape[1], -1)
    return torch.cat([tokens, spread], dim=-1)


class ChannelledTask:
    """A closed-loop task (see ``pacs.rollout``) whose tokens carry ``channel``
    (B, C) after their own features; everything else is the wrapped task's."""

    def __init__(self, task, channel: torch.Tensor):
        self.task = task
        self.channel = channel
        self.n_steps = task.n_steps

    @property
    def tokens(self) -> torch.Tensor:
        return append_channel(self.task.tokens, self.channel)

    def head(self, step: int) -> str:
        return self.task.head(step)

    def valid_actions(self, step: int) -> torch.Tensor:
        return self.task.valid_actions(step)

    def act(self, step: int, action: torch.Tensor) -> None:
        self.task.act(step, action)
