"""Passive (imitation) training: cross-entropy on the demonstrator's actions.

One loop for every learner (agents and pipeline LMs). Each step draws a
minibatch of demonstration episodes, runs the causal transformer over all their
steps at once (teacher forcing) and sums, over output heads, the cross-entropy
against the demonstrator's actions at the positions that head is trained on.

Training runs to convergence. Every ``eval_every`` steps it measures, on
held-aside validation episodes, the loss and the agreement with the demonstrator
(the share of labelled steps where the model's top action is one the
demonstrator could have taken). The validation set named ``monitor`` (drawn from
the learner's own training distribution, never test episodes) decides when to
stop: training ends ``converged`` once its loss has not improved by
``min_improvement`` for ``patience`` evaluations, ends at ``cap`` after ``steps``
steps otherwise, and the model keeps the weights of its best evaluation. A
non-finite loss, weight or metric, or a validation loss that stays far above its
best, stops the job with a one-line ``TrainingError`` naming the job, the step
and the training data (``diverged``).

A job given a resume file saves its whole state there every ``resume_every``
steps and, restarted, resumes from it with the same result as an uninterrupted run.
"""

from __future__ import annotations

import copy
import json
import logging
import math
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pandas as pd
import torch
import torch.nn.functional as F
from tqdm import tqdm

from pacs.data import IGNORE, TokenDataset
from pacs.models.transformer import CausalTransformer
from pacs.tables import CAP, CONVERGED, DIVERGED

log = logging.getLogger(__name__)

RESUME_FORMAT = 1


class TrainingError(RuntimeError):
    """Training cannot go on (non-finite numbers, divergence); the message is one line."""


@dataclass
class TrainConfig:
    steps: int = 2000  # the step cap: training stops here if it has not converged
    batch_size: int = 256
    lr: float = 1e-3
    weight_decay: float = 0.01
    warmup_steps: int = 100
    min_lr_ratio: float = 0.1  # the decay never takes the lr below lr * min_lr_ratio
    grad_clip: float = 1.0
    eval_every: int = 250
    eval_batch_size: int = 4096
    patience: int = 5  # evaluations without improvement before training stops as converged
    min_improvement: float = 1e-3  # validation-loss drop (nats) that counts as an improvement
    divergence_factor: float = 3.0  # a validation loss above this multiple of its best ...
    divergence_evals: int = 3  # ... for this many evaluations in a row has diverged
    resume_every: int = 500  # steps between saves of the resumable state
    head_weights: dict[str, float] = field(default_factory=dict)  # default 1 per head


@dataclass
class TrainJob:
    """Names a training job in its errors and says where its resumable state lives."""

    name: str = "training"  # the checkpoint path, in the pipeline
    data: str = "<in memory>"  # the training-data file
    resume_path: Path | None = None  # None: no resumable state

    @classmethod
    def for_checkpoint(cls, model_path, data_path) -> "TrainJob":
        """A job writing ``model_path``: its state lives beside it with a ``.resume``
        suffix, outside the outputs Snakemake deletes when a job fails."""
        return cls(name=str(model_path), data=str(data_path), resume_path=Path(f"{model_path}.resume"))

    def fail(self, step: int, problem: str) -> TrainingError:
        return TrainingError(f"{self.name}: {problem} at step {step} (training data {self.data})")

    def discard_resume_state(self) -> None:
        if self.resume_path is not None:
            self.resume_path.unlink(missing_ok=True)


def learning_rate(step: int, cfg: TrainConfig) -> float:
    """Linear warm-up, then inverse-square-root decay floored at ``lr * min_lr_ratio``.

    Early stopping ends training at a step nobody knows in advance, so the
    schedule must not depend on the step cap (a cosine over ``steps`` would be cut
    off in its high-lr phase by an early stop, or be stretched by raising the cap).
    Inverse-square-root decay depends only on the step reached: the lr falls
    steadily, so late evaluations see smaller, less noisy updates, which is what
    a patience rule needs to tell a plateau from noise."""
    warmup = max(1, cfg.warmup_steps)
    if step < cfg.warmup_steps:
        return cfg.lr * (step + 1) / warmup
    return cfg.lr * max(cfg.min_lr_ratio, math.sqrt(warmup / (step + 1)))


def imitation_loss(
    logits: dict[str, torch.Tensor], labels: dict[str, torch.Tensor], head_weights: dict[str, float]
) -> torch.Tensor:
    """Weighted sum over heads of the mean cross-entropy at labelled positions (a head
    with none in the batch adds 0). Written as sum / count so that no step waits for
    the device to say whether a head has labels."""
    total = torch.zeros((), device=next(iter(logits.values())).device)
    for head, head_labels in labels.items():
        weight = head_weights.get(head, 1.0)
        if weight == 0:
            continue
        head_logits = logits[head]
        summed = F.cross_entropy(head_logits.reshape(-1, head_logits.shape[-1]), head_labels.reshape(-1),
                                 ignore_index=IGNORE, reduction="sum")
        total = total + weight * summed / (head_labels != IGNORE).sum().clamp(min=1)
    return total


@torch.no_grad()
def evaluate(model: CausalTransformer, dataset: TokenDataset, cfg: TrainConfig) -> dict[str, float]:
    """Validation loss and agreement with the demonstrator, per head and overall
    (``dataset`` on the model's device)."""
    model.eval()
    loss_sum, n_batches = 0.0, 0
    agree: dict[str, float] = {head: 0.0 for head in dataset.labels}
    count: dict[str, int] = {head: 0 for head in dataset.labels}
    for start in range(0, len(dataset), cfg.eval_batch_size):
        window = slice(start, start + cfg.eval_batch_size)
        logits = model(dataset.tokens[window])
        labels = {k: v[window] for k, v in dataset.labels.items()}
        loss_sum += float(imitation_loss(logits, labels, cfg.head_weights))
        n_batches += 1
        for head, head_labels in labels.items():
            labelled = head_labels != IGNORE
            choice = logits[head].argmax(dim=-1)
            if head in dataset.support:
                hit = dataset.support[head][window].gather(-1, choice.unsqueeze(-1)).squeeze(-1)
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


def choose_monitor(val_sets: dict[str, TokenDataset], monitor: str | None) -> str:
    """The validation set that decides when to stop: ``monitor`` (a key of
    ``val_sets``), or the only one there is."""
    if monitor is None:
        if len(val_sets) != 1:
            raise ValueError(f"name the validation set to stop on among {sorted(val_sets)}")
        return next(iter(val_sets))
    if monitor not in val_sets:
        raise ValueError(f"validation set {monitor!r} to stop on is not among {sorted(val_sets)}")
    return monitor


@dataclass
class StoppingState:
    """Best validation loss so far, its step and weights, and the two counters
    (evaluations without improvement; evaluations in a row far above the best)."""

    best_loss: float = math.inf
    best_step: int = 0
    best_weights: dict[str, torch.Tensor] | None = None
    since_best: int = 0
    above_best: int = 0

    def update(self, loss: float, step: int, model: torch.nn.Module, cfg: TrainConfig) -> str | None:
        """Record one evaluation; returns CONVERGED or DIVERGED when training should stop."""
        if loss < self.best_loss - cfg.min_improvement:
            self.best_loss, self.best_step, self.since_best = loss, step, 0
            self.best_weights = {k: v.detach().clone() for k, v in model.state_dict().items()}
        else:
            self.since_best += 1
        self.above_best = self.above_best + 1 if loss > cfg.divergence_factor * self.best_loss else 0
        if self.above_best >= cfg.divergence_evals:
            return DIVERGED
        if self.since_best >= cfg.patience:
            return CONVERGED
        return None


def all_finite(model: torch.nn.Module) -> bool:
    """Whether every weight of ``model`` is finite (one device sync)."""
    return bool(torch.stack([p.detach().isfinite().all() for p in model.parameters()]).all())


def resume_fingerprint(cfg: TrainConfig, seed: int, n_train: int, monitor: str) -> str:
    """What a saved state must match to be resumed, as a JSON string: the training
    settings (``resume_every`` may change), the seed, the number of training
    episodes and the monitored validation set."""
    settings = {k: v for k, v in asdict(cfg).items() if k != "resume_every"}
    return json.dumps({"settings": settings, "seed": seed, "n_train": n_train, "monitor": monitor}, sort_keys=True)


def save_resume_state(path: Path, state: dict) -> None:
    """Write a resumable training state (a dict of tensors and plain values, with
    ``format`` and ``fingerprint``) to ``path`` atomically, so a kill while saving
    leaves the previous state intact."""
    partial = path.with_name(path.name + ".partial")
    torch.save(state, partial)
    os.replace(partial, path)


def load_resume_state(job: TrainJob, fingerprint: str, device: torch.device) -> dict | None:
    """The state ``save_resume_state`` left at ``job.resume_path`` for an interrupted
    run of this same job (same ``fingerprint``), on ``device``; None (with a
    warning when a file was there) when there is none to resume."""
    if job.resume_path is None or not job.resume_path.is_file():
        return None
    try:
        state = torch.load(job.resume_path, map_location=device, weights_only=True)
    except Exception as error:  # a truncated or foreign file: start afresh, say so
        log.warning("%s: unreadable resume state (%s); training from step 0", job.resume_path, error)
        return None
    if state.get("format") != RESUME_FORMAT or state.get("fingerprint") != fingerprint:
        log.warning("%s: saved by a different setup; training from step 0", job.resume_path)
        return None
    return state


def require_finite_loss(job: TrainJob, first_bad_step: int) -> None:
    """One-line ``TrainingError`` when a training loss was not finite: ``first_bad_step``
    is the first such step (0: none)."""
    if first_bad_step:
        raise job.fail(first_bad_step, "non-finite training loss")


def validation_metrics(model: CausalTransformer, val_sets: dict[str, TokenDataset], cfg: TrainConfig,
                       job: TrainJob, step: int) -> dict[str, float]:
    """The training log's validation columns after ``step``: ``{set}_{metric}`` for every
    set of ``val_sets`` (``evaluate``). A non-finite weight or metric is a one-line
    ``TrainingError`` naming the job, the step and, for a metric, its column."""
    if not all_finite(model):
        raise job.fail(step, "non-finite model weights")
    metrics = {
        f"{name}_{key}": value
        for name, val_set in val_sets.items()
        for key, value in evaluate(model, val_set, cfg).items()
    }
    bad = [name for name, value in metrics.items() if not math.isfinite(value)]
    if bad:
        raise job.fail(step, f"non-finite validation metric {bad[0]}")
    return metrics


def log_row(step: int, train_loss: float, lr: float, cfg: TrainConfig, elapsed_s: float,
            metrics: dict[str, float]) -> dict:
    """One row of the training log: after ``step`` steps, the last minibatch's loss,
    the learning rate of that step, the episodes drawn so far, the seconds of training
    so far and the validation columns."""
    return {"step": step, "train_loss": train_loss, "lr": lr, "episodes_seen": step * cfg.batch_size,
            "elapsed_s": elapsed_s, **metrics}


def divergence_error(job: TrainJob, step: int, monitor: str, loss: float, stopping: StoppingState,
                     cfg: TrainConfig) -> TrainingError:
    """The one-line error of a job whose ``StoppingState.update`` returned DIVERGED."""
    return job.fail(step, f"training diverged: {monitor} loss {loss:.4g} above {cfg.divergence_factor:g}x its "
                          f"best {stopping.best_loss:.4g} (step {stopping.best_step}) for {cfg.divergence_evals} "
                          "evaluations")


def optimizer_step(
    model: CausalTransformer, optimizer: torch.optim.Optimizer, data: TokenDataset, index: torch.Tensor,
    cfg: TrainConfig,
) -> torch.Tensor:
    """One update of ``model`` on the episodes ``index`` picks from ``data`` (on the
    model's device): the imitation loss, its gradients clipped to ``cfg.grad_clip``,
    one ``optimizer`` step. Returns the loss (a detached scalar, still on the device)."""
    logits = model(data.tokens[index])
    loss = imitation_loss(logits, {k: v[index] for k, v in data.labels.items()}, cfg.head_weights)
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), cfg.grad_clip)
    optimizer.step()
    return loss.detach()


def train(
    model: CausalTransformer,
    train_set: TokenDataset,
    val_sets: dict[str, TokenDataset],
    cfg: TrainConfig,
    seed: int,
    device: torch.device,
    progress: bool = True,
    monitor: str | None = None,
    job: TrainJob | None = None,
) -> pd.DataFrame:
    """Train ``model`` in place until it converges, diverges or reaches the step cap;
    the model ends with the weights of its best evaluation. Returns the training
    log, one row per evaluation.

    ``val_sets`` maps a name (``val_in_distribution``, ...) to demonstrations held
    aside; the log has ``{name}_loss``, ``{name}_agreement`` and
    ``{name}_agreement_{head}`` columns for each, and ``monitor`` (the set that
    decides when to stop), ``best_step`` and ``stop_reason`` on every row.
    """
    job = job or TrainJob()
    monitor = choose_monitor(val_sets, monitor)
    torch.manual_seed(seed)
    sampler = torch.Generator(device=device).manual_seed(seed)
    model.to(device).train()
    optimizer = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
    # the training data lives on the device as whole tensors; a step only indexes them
    data = TokenDataset(train_set.tokens.to(device), {k: v.to(device) for k, v in train_set.labels.items()})
    val_sets = {name: val_set.to(device) for name, val_set in val_sets.items()}
    fingerprint = resume_fingerprint(cfg, seed, len(train_set), monitor)

    rows: list[dict] = []
    stopping = StoppingState()
    first_step, elapsed_before = 0, 0.0
    saved = load_resume_state(job, fingerprint, device)
    if saved is not None:
        model.load_state_dict(saved["model"])
        optimizer.load_state_dict(saved["optimizer"])
        sampler.set_state(saved["sampler"].cpu())
        torch.set_rng_state(saved["torch_rng"].cpu())
        if device.type == "cuda":
            torch.cuda.set_rng_state(saved["cuda_rng"].cpu(), device)
        rows, first_step, elapsed_before = saved["rows"], saved["step"], saved["elapsed_s"]
        stopping = StoppingState(**saved["stopping"])
        log.info("%s: resuming from step %d (%s)", job.name, first_step, job.resume_path)

    started = time.perf_counter() - elapsed_before
    reason = CAP
    # the first step whose loss was not finite (0: none so far), kept on the device and
    # read at each evaluation, so that steps never wait for the device
    first_bad_step = torch.zeros((), dtype=torch.long, device=device)
    bar = tqdm(range(first_step, cfg.steps), desc="imitation", disable=not progress, mininterval=2.0,
               initial=first_step, total=cfg.steps)
    for step in bar:
        for group in optimizer.param_groups:
            group["lr"] = learning_rate(step, cfg)
        index = torch.randint(len(data), (cfg.batch_size,), generator=sampler, device=device)
        loss = optimizer_step(model, optimizer, data, index, cfg)
        done = step + 1
        first_bad_step = torch.where((first_bad_step == 0) & ~loss.isfinite(), done, first_bad_step)
        if done % cfg.eval_every == 0 or done == cfg.steps:
            train_loss = float(loss)
            require_finite_loss(job, int(first_bad_step))
            metrics = validation_metrics(model, val_sets, cfg, job, done)
            rows.append(log_row(done, train_loss, learning_rate(step, cfg), cfg, time.perf_counter() - started,
                                metrics))
            verdict = stopping.update(metrics[f"{monitor}_loss"], done, model, cfg)
            bar.set_postfix(loss=f"{train_loss:.3f}")
            log.info("step %d train_loss %.4f %s (best %s_loss %.4f at step %d, %d/%d without improvement)",
                     done, train_loss, _agreement_summary(metrics), monitor, stopping.best_loss, stopping.best_step,
                     stopping.since_best, cfg.patience)
            if verdict == DIVERGED:
                raise divergence_error(job, done, monitor, metrics[f"{monitor}_loss"], stopping, cfg)
            if verdict == CONVERGED:
                reason = CONVERGED
                break
        if job.resume_path is not None and done % cfg.resume_every == 0 and done < cfg.steps:
            require_finite_loss(job, int(first_bad_step))  # never save a state that went bad
            save_resume_state(job.resume_path, {
                "format": RESUME_FORMAT,
                "fingerprint": fingerprint,
                "step": done,
                "elapsed_s": time.perf_counter() - started,
                "model": model.state_dict(),
                "optimizer": optimizer.state_dict(),
                "sampler": sampler.get_state(),
                "torch_rng": torch.get_rng_state(),
                "cuda_rng": torch.cuda.get_rng_state(device) if device.type == "cuda" else torch.zeros(0),
                "rows": rows,
                "stopping": asdict(stopping),
            })
    bar.close()
    if stopping.best_weights is not None:
        model.load_state_dict(stopping.best_weights)
    log.info("%s: stopped (%s) after %d steps; kept step %d (%s_loss %.4f)", job.name, reason,
             rows[-1]["step"] if rows else 0, stopping.best_step, monitor, stopping.best_loss)
    table = pd.DataFrame(copy.deepcopy(rows))
    return table.assign(monitor=monitor, best_step=stopping.best_step, stop_reason=reason)
