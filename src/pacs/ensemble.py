"""Training several members (the seeds of one experiment) together, as one batched model.

The members share an architecture and the training settings; each has its own
initial weights, training data, minibatch sampler and validation sets. Their
weights are stacked along a leading member axis (``torch.func.stack_module_state``)
and one step runs every member's forward and backward at once (``vmap`` of
``functional_call`` over the one model class). Everything else is per member and
as ``pacs.train.train`` does it for one model: the same minibatches (a sampler
seeded with the member's seed), the same learning rate, gradient clipping by the
member's own gradient norm, AdamW (elementwise, so a stacked tensor is updated as
its members would be one by one), the same evaluations on the member's own
module, the same stopping rule. A member that converges keeps its best weights
and leaves the batch (its rows and weights are final); the others go on. Per
member the numbers equal training one by one up to floating-point reassociation
in the batched kernels (``tests/test_ensemble.py``).

When it pays: on a GPU a small model's step is bound by kernel launches, and one
batched step replaces one per member. On CPU it does not pay: measured on the
2-core machine (one thread, default C1 model, batch 256, 5 members, under load),
7,150-7,440 episodes per CPU-second batched against 7,250-7,600 one by one (this
model is bound by arithmetic, and CPU attention has no batching rule), so
``use_ensemble`` chooses it only on CUDA (config ``ensemble: auto``).

Dropout must be 0 (a member's dropout masks would come from another random
stream than when it trains alone). Like one-by-one training, an ensemble saves its
whole state every ``resume_every`` steps and a rerun resumes from it.
The pipeline uses it through ``pacs.experiments.ensemble_fitting.fit_and_save_ensemble``:
when the config's ``ensemble`` setting chooses it, one job trains all the seeds of
a C1/C2 experiment or of a C3 condition (rules ``causal_train_ensemble``,
``c3_train_ensemble``, and their budget-sensitivity twins) in place of one job per
seed.
"""

from __future__ import annotations

import copy
import json
import logging
import time
from dataclasses import asdict
from pathlib import Path

import pandas as pd
import torch
from tqdm import tqdm
from torch.func import functional_call, stack_module_state, vmap

from pacs.data import TokenDataset
from pacs.models.transformer import CausalTransformer
from pacs.tables import CAP, CONVERGED, DIVERGED
from pacs.train import (RESUME_FORMAT, StoppingState, TrainConfig, TrainJob, choose_monitor, divergence_error,
                        imitation_loss, learning_rate, load_resume_state, log_row, require_finite_loss,
                        resume_fingerprint, save_resume_state, validation_metrics)

log = logging.getLogger(__name__)


def use_ensemble(setting: str, device: torch.device, dropout: float = 0.0) -> bool:
    """Whether the learners of one experiment condition train together (config key
    ``ensemble``): "always", "never", or "auto": when they run on CUDA (one by one is
    as fast on CPU) and have no dropout. "always" with dropout is an error."""
    if setting not in ("auto", "always", "never"):
        raise ValueError(f"config key 'ensemble': {setting!r} is not one of auto, always, never")
    if setting == "always" and dropout:
        raise ValueError(f"config key 'ensemble': 'always' needs model dropout 0, not {dropout:g} (each "
                         "member's dropout masks would differ from training it alone)")
    return setting == "always" or (setting == "auto" and device.type == "cuda" and not dropout)


def _clip_per_member(grads: list[torch.Tensor], max_norm: float) -> None:
    """``torch.nn.utils.clip_grad_norm_`` for each member (leading axis) of stacked gradients, in place.
    A tensor without a gradient (a head whose loss weight is 0) is left out, as there."""
    grads = [g for g in grads if g is not None]
    per_tensor = torch.stack([g.flatten(1).norm(dim=1) for g in grads])  # (tensors, members)
    total = torch.linalg.vector_norm(per_tensor, dim=0)
    scale = (max_norm / (total + 1e-6)).clamp(max=1.0)
    for g in grads:
        g.mul_(scale.view(-1, *[1] * (g.dim() - 1)))


class _Batch:
    """The stacked weights of the members still training, and their optimizer."""

    def __init__(self, params: dict[str, torch.Tensor], cfg: TrainConfig, state: list[dict] | None = None):
        self.params = params
        self.optimizer = torch.optim.AdamW(params.values(), lr=cfg.lr, weight_decay=cfg.weight_decay)
        for tensor, saved in zip(params.values(), state or []):
            self.optimizer.state[tensor] = saved

    def optimizer_state(self) -> list[dict]:
        """AdamW's state of each stacked tensor, in the order of ``params``."""
        return [dict(self.optimizer.state[tensor]) for tensor in self.params.values()]

    def keep(self, rows: torch.Tensor, cfg: TrainConfig) -> "_Batch":
        """The same batch without the members not in ``rows`` (positions), optimizer state included."""
        params = {k: v.detach()[rows].clone().requires_grad_() for k, v in self.params.items()}
        state = [{key: value.clone() if key == "step" else value[rows].clone()
                  for key, value in self.optimizer.state[tensor].items()} for tensor in self.params.values()]
        return _Batch(params, cfg, state)


def train_ensemble(
    models: list[CausalTransformer],
    train_sets: list[TokenDataset],
    val_sets: list[dict[str, TokenDataset]],
    cfg: TrainConfig,
    seeds: list[int],
    device: torch.device,
    monitor: str | None = None,
    jobs: list[TrainJob] | None = None,
    progress: bool = True,
    resume_path: Path | None = None,
) -> list[pd.DataFrame]:
    """Train every member of ``models`` in place, as ``pacs.train.train`` would one by
    one (same arguments, one per member); each ends with its best evaluation's
    weights. Returns one training log per member (the columns of ``train``'s).
    A member's non-finite numbers or divergence stop the whole ensemble with that
    member's one-line ``TrainingError``.

    ``resume_path``: where the whole ensemble's state is saved every
    ``cfg.resume_every`` steps and, if a state of this same ensemble is there, resumed
    from (to the same numbers as an uninterrupted run); the caller removes it."""
    n_members = len(models)
    if not (len(train_sets) == len(val_sets) == len(seeds) == n_members):
        raise ValueError("one training set, validation sets and seed per member")
    if any(model.cfg.dropout for model in models):
        raise ValueError("ensemble training needs dropout 0 (each member's masks would differ from training alone)")
    jobs = jobs or [TrainJob(name=f"member {member} (seed {seed})") for member, seed in enumerate(seeds)]
    monitor = choose_monitor(val_sets[0], monitor)
    samplers = [torch.Generator(device=device).manual_seed(seed) for seed in seeds]
    for model in models:
        model.to(device).train()
    data = [TokenDataset(t.tokens.to(device), {k: v.to(device) for k, v in t.labels.items()}) for t in train_sets]
    val_sets = [{name: v.to(device) for name, v in sets.items()} for sets in val_sets]
    params, buffers = stack_module_state(models)
    if buffers:
        raise ValueError("ensemble training supports models without buffers")
    skeleton = copy.deepcopy(models[0]).to("meta")
    batched_forward = vmap(lambda weights, tokens: functional_call(skeleton, weights, (tokens,)))

    batch = _Batch(params, cfg)
    active = list(range(n_members))  # members still training, in the batch's order
    rows: list[list[dict]] = [[] for _ in models]
    stopping = [StoppingState() for _ in models]
    reasons = [CAP] * n_members
    first_bad_step = torch.zeros(n_members, dtype=torch.long, device=device)
    # a saved state resumes only the same members with the same settings: each member's own fingerprint
    fingerprint = json.dumps([resume_fingerprint(cfg, seed, len(t), monitor) for seed, t in zip(seeds, train_sets)])
    first_step, elapsed_before = 0, 0.0
    saved = load_resume_state(TrainJob(name="ensemble", resume_path=resume_path), fingerprint, device)
    if saved is not None:
        active, rows, reasons = saved["active"], saved["rows"], saved["reasons"]
        stopping = [StoppingState(**state) for state in saved["stopping"]]
        batch = _Batch({k: v.clone().requires_grad_() for k, v in saved["params"].items()}, cfg,
                       [{key: value.cpu() if key == "step" else value for key, value in state.items()}
                        for state in saved["optimizer"]])  # AdamW keeps its step count on the CPU
        for sampler, state in zip(samplers, saved["samplers"]):
            sampler.set_state(state.cpu())
        first_step, elapsed_before = saved["step"], saved["elapsed_s"]
        log.info("ensemble of %d: resuming from step %d with %d members training (%s)", n_members, first_step,
                 len(active), resume_path)
    started = time.perf_counter() - elapsed_before
    bar = tqdm(range(first_step, cfg.steps), desc=f"ensemble of {n_members}", disable=not progress,
               mininterval=2.0, initial=first_step, total=cfg.steps)
    for step in bar:
        lr = learning_rate(step, cfg)
        for group in batch.optimizer.param_groups:
            group["lr"] = lr
        index = [torch.randint(len(data[m]), (cfg.batch_size,), generator=samplers[m], device=device)
                 for m in active]
        logits = batched_forward(batch.params, torch.stack([data[m].tokens[i] for m, i in zip(active, index)]))
        losses = torch.stack([
            imitation_loss({head: value[position] for head, value in logits.items()},
                           {head: labels[index[position]] for head, labels in data[m].labels.items()},
                           cfg.head_weights)
            for position, m in enumerate(active)
        ])
        batch.optimizer.zero_grad(set_to_none=True)
        losses.sum().backward()
        _clip_per_member([p.grad for p in batch.params.values()], cfg.grad_clip)
        batch.optimizer.step()
        done = step + 1
        members = torch.tensor(active, device=device)
        bad_now = (first_bad_step[members] == 0) & ~losses.detach().isfinite()
        first_bad_step[members] = torch.where(bad_now, done, first_bad_step[members])
        if done % cfg.eval_every == 0 or done == cfg.steps:
            bar.set_postfix(training=len(active), loss=f"{float(losses.detach().mean()):.3f}")
            stopped = []
            for position, m in enumerate(active):
                job, model = jobs[m], models[m]
                require_finite_loss(job, int(first_bad_step[m]))
                model.load_state_dict({k: v[position].detach() for k, v in batch.params.items()})
                metrics = validation_metrics(model, val_sets[m], cfg, job, done)
                rows[m].append(log_row(done, float(losses[position].detach()), lr, cfg,
                                       time.perf_counter() - started, metrics))
                verdict = stopping[m].update(metrics[f"{monitor}_loss"], done, model, cfg)
                if verdict == DIVERGED:
                    raise divergence_error(job, done, monitor, metrics[f"{monitor}_loss"], stopping[m], cfg)
                if verdict == CONVERGED:
                    reasons[m] = CONVERGED
                    stopped.append(m)
                    log.info("%s: converged at step %d; %d members go on", job.name, done,
                             len(active) - len(stopped))
            if stopped:
                kept = [position for position, m in enumerate(active) if m not in stopped]
                active = [active[position] for position in kept]
                if not active:
                    break
                batch = batch.keep(torch.tensor(kept, device=device), cfg)
        if resume_path is not None and done % cfg.resume_every == 0 and done < cfg.steps:
            for m in active:  # never save a state that went bad
                require_finite_loss(jobs[m], int(first_bad_step[m]))
            save_resume_state(resume_path, {
                "format": RESUME_FORMAT, "fingerprint": fingerprint, "step": done,
                "elapsed_s": time.perf_counter() - started, "active": active, "rows": rows, "reasons": reasons,
                "stopping": [asdict(state) for state in stopping],
                "params": {k: v.detach() for k, v in batch.params.items()},
                "optimizer": batch.optimizer_state(), "samplers": [sampler.get_state() for sampler in samplers],
            })
    bar.close()
    tables = []
    for m, model in enumerate(models):
        if stopping[m].best_weights is not None:
            model.load_state_dict(stopping[m].best_weights)
        log.info("%s: stopped (%s) after %d steps; kept step %d (%s_loss %.4f)", jobs[m].name, reasons[m],
                 rows[m][-1]["step"] if rows[m] else 0, stopping[m].best_step, monitor, stopping[m].best_loss)
        tables.append(pd.DataFrame(rows[m]).assign(monitor=monitor, best_step=stopping[m].best_step,
                                                   stop_reason=reasons[m]))
    return tables
