"""Passive (imitation) training: cross-entropy on the demonstrator's actions.

One loop for every experiment. Each step draws a minibatch of demonstration
episodes, runs the causal transformer over all their steps at once (teacher
forcing) and sums, over output heads, the cross-entropy against the
demonstrator's actions at the positions that head is trained on. Every
``eval_every`` steps it measures, on held-aside validation episodes, the loss and
the agreement with the demonstrator (the share of labelled steps where the
model's top action is one the demonstrator could have taken).
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass, field

import pandas as pd
import torch
import torch.nn.functional as F
from tqdm import tqdm

from pacs.data import TokenDataset
from pacs.models.transformer import CausalTransformer

IGNORE = -100
log = logging.getLogger(__name__)


@dataclass
class TrainConfig:
    steps: int = 2000
    batch_size: int = 256
    lr: float = 1e-3
    weight_decay: float = 0.01
    warmup_steps: int = 100
    min_lr_ratio: float = 0.1  # cosine decay ends at lr * min_lr_ratio
    grad_clip: float = 1.0
    eval_every: int = 250
    eval_batch_size: int = 4096
    head_weights: dict[str, float] = field(default_factory=dict)  # default 1 per head


def learning_rate(step: int, cfg: TrainConfig) -> float:
    """Linear warm-up, then cosine decay to ``lr * min_lr_ratio``."""
    if step < cfg.warmup_steps:
        return cfg.lr * (step + 1) / cfg.warmup_steps
    progress = (step - cfg.warmup_steps) / max(1, cfg.steps - cfg.warmup_steps)
    cosine = 0.5 * (1 + math.cos(math.pi * min(1.0, progress)))
    return cfg.lr * (cfg.min_lr_ratio + (1 - cfg.min_lr_ratio) * cosine)


def imitation_loss(
    logits: dict[str, torch.Tensor], labels: dict[str, torch.Tensor], head_weights: dict[str, float]
) -> torch.Tensor:
    """Weighted sum over heads of the mean cross-entropy at labelled positions."""
    total = torch.zeros((), device=next(iter(logits.values())).device)
    for head, head_labels in labels.items():
        weight = head_weights.get(head, 1.0)
        if weight == 0 or not (head_labels != IGNORE).any():
            continue
        head_logits = logits[head]
        total = total + weight * F.cross_entropy(
            head_logits.reshape(-1, head_logits.shape[-1]), head_labels.reshape(-1), ignore_index=IGNORE
        )
    return total


@torch.no_grad()
def evaluate(
    model: CausalTransformer, dataset: TokenDataset, cfg: TrainConfig, device: torch.device
) -> dict[str, float]:
    """Validation loss and agreement with the demonstrator, per head and overall."""
    model.eval()
    loss_sum, n_batches = 0.0, 0
    agree: dict[str, float] = {head: 0.0 for head in dataset.labels}
    count: dict[str, int] = {head: 0 for head in dataset.labels}
    for start in range(0, len(dataset), cfg.eval_batch_size):
        batch = dataset.select(torch.arange(start, min(start + cfg.eval_batch_size, len(dataset))))
        logits = model(batch.tokens.to(device))
        labels = {k: v.to(device) for k, v in batch.labels.items()}
        loss_sum += float(imitation_loss(logits, labels, cfg.head_weights))
        n_batches += 1
        for head, head_labels in labels.items():
            labelled = head_labels != IGNORE
            choice = logits[head].argmax(dim=-1)
            if head in batch.support:
                support = batch.support[head].to(device)
                hit = support.gather(-1, choice.unsqueeze(-1)).squeeze(-1)
            else:
                hit = choice == head_labels
            agree[head] += float(hit[labelled].sum())
            count[head] += int(labelled.sum())
    model.train()
    metrics = {"loss": loss_sum / max(1, n_batches)}
    for head in agree:
        metrics[f"agreement_{head}"] = agree[head] / max(1, count[head])
    metrics["agreement"] = sum(agree.values()) / max(1, sum(count.values()))
    return metrics


def _agreement_summary(metrics: dict[str, float]) -> str:
    return " ".join(f"{k} {v:.4f}" for k, v in metrics.items() if k.endswith("agreement") or k.endswith("loss"))


def train(
    model: CausalTransformer,
    train_set: TokenDataset,
    val_sets: dict[str, TokenDataset],
    cfg: TrainConfig,
    seed: int,
    device: torch.device,
    progress: bool = True,
) -> pd.DataFrame:
    """Train ``model`` in place; returns the training log, one row per evaluation.

    ``val_sets`` maps a name (``val_in_distribution``, ...) to demonstrations held
    aside; the log has ``{name}_loss``, ``{name}_agreement`` and
    ``{name}_agreement_{head}`` columns for each.
    """
    torch.manual_seed(seed)
    sampler = torch.Generator().manual_seed(seed)
    model.to(device).train()
    optimizer = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
    rows: list[dict] = []
    started = time.perf_counter()
    recent_loss = float("nan")
    bar = tqdm(range(cfg.steps), desc="imitation", disable=not progress, mininterval=2.0)
    for step in bar:
        for group in optimizer.param_groups:
            group["lr"] = learning_rate(step, cfg)
        index = torch.randint(len(train_set), (cfg.batch_size,), generator=sampler)
        batch = train_set.select(index)
        logits = model(batch.tokens.to(device))
        loss = imitation_loss(logits, {k: v.to(device) for k, v in batch.labels.items()}, cfg.head_weights)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), cfg.grad_clip)
        optimizer.step()
        recent_loss = float(loss.detach())
        last = step == cfg.steps - 1
        if (step + 1) % cfg.eval_every == 0 or last:
            metrics = {
                f"{name}_{key}": value
                for name, val_set in val_sets.items()
                for key, value in evaluate(model, val_set, cfg, device).items()
            }
            row = {
                "step": step + 1,
                "train_loss": recent_loss,
                "lr": learning_rate(step, cfg),
                "episodes_seen": (step + 1) * cfg.batch_size,
                "elapsed_s": time.perf_counter() - started,
                **metrics,
            }
            rows.append(row)
            bar.set_postfix(loss=f"{recent_loss:.3f}")
            log.info("step %d train_loss %.4f %s", step + 1, recent_loss, _agreement_summary(metrics))
    return pd.DataFrame(rows)
