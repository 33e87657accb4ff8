"""The closed-loop active test: a trained agent acts in fresh environments.

Works for any task object with ``n_steps``, ``tokens`` (B, n_steps, D),
``head(step)``, ``valid_actions(step)`` and ``act(step, action)``: at each step
the agent reads the tokens so far, the task's output head for that step picks the
highest-scoring allowed action, and the task carries it out (which writes the
next token). All episodes of the batch advance together.
"""

from __future__ import annotations

import torch

from pacs.models.transformer import CausalTransformer


@torch.no_grad()
def run_closed_loop(model: CausalTransformer, task, device: torch.device) -> None:
    """Let ``model`` act greedily in ``task`` until the episodes end."""
    model.eval()
    for step in range(task.n_steps):
        logits = model(task.tokens[:, : step + 1].to(device))[task.head(step)][:, -1]
        allowed = task.valid_actions(step).to(device)
        action = logits.masked_fill(~allowed, float("-inf")).argmax(dim=-1)
        task.act(step, action.cpu())
