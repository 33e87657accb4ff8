"""Device benchmark for the paper preset: how fast one accelerator trains and
generates Experiment 1's data, and one paper-size training job, as a table.

    python -m pacs.bench_gpu                      # a GPU: about 5-7 minutes in all
    python -m pacs.bench_gpu --tiny --device cpu  # the same steps at toy sizes (a test)

Rows:
- ``environment``: episodes per second drawn and turned into expert
  demonstrations (``sample_episodes`` + ``expert_demonstrations``) with every
  tensor made on the device (``torch.device`` as the default device, a
  generator on the device).
- ``training batch B``: episodes per second through the shared trainer
  (``pacs.train.train``) with the paper preset's model, the data already on the
  device, after a few warm-up steps.
- ``one seed, batch B`` and ``ensemble of S seeds, batch B``: the same at the
  paper preset's batch size, one learner against its S seeds trained together as
  one batched ensemble (``pacs.ensemble``, what ``ensemble: auto`` runs on a GPU);
  the ensemble row's note gives its speed-up over training the seeds one by one.
- ``paper job``: one Experiment 1 training job of the paper preset (its data
  size, batch size and steps; data drawn on the device). If the steps measured
  first say it cannot finish within ``--budget-s``, it runs as many steps as fit
  and the row gives the projected time of the full job.

Each row is measured on its own; a failure is printed in its row (``failed:
...``) and the others still run. Every figure is measured, none is typed in.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path

import pandas as pd
import torch

from pacs.config import load
from pacs.data import TokenDataset
from pacs.ensemble import train_ensemble
from pacs.envs.causal_dag import sample_episodes
from pacs.envs.dag_task import expert_demonstrations
from pacs.experiments.dag import build_agent, held_out_link_design
from pacs.runtime import pick_device
from pacs.train import TrainConfig, train

ROOT = Path(__file__).resolve().parents[2]
FULL = {"batches": [4096, 8192, 16384, 32768], "steps": 50, "warmup_steps": 5, "env_episodes": 4_000_000,
        "env_repeats": 3, "pool": 262_144}
TINY = {"batches": [32, 64], "members": 3, "steps": 3, "warmup_steps": 1, "env_episodes": 2_000, "env_repeats": 2,
        "pool": 512, "job": {"train_episodes": 1_000, "val_episodes": 200, "steps": 4, "batch_size": 32}}


def synchronize(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def demonstrations_on(device: torch.device, design, n_episodes: int, seed: int) -> TokenDataset:
    """Expert demonstrations of the training split, every tensor made on ``device``."""
    with device:
        generator = torch.Generator(device=device).manual_seed(seed)
        return expert_demonstrations(sample_episodes(n_episodes, design.env, design.train_split, generator),
                                     design.env)


def environment_rate(device, design, n_episodes: int, repeats: int) -> dict:
    demonstrations_on(device, design, min(n_episodes, 10_000), 0)  # warm-up (kernels, allocator)
    synchronize(device)
    started = time.perf_counter()
    for repeat in range(repeats):
        demonstrations_on(device, design, n_episodes, repeat + 1)
    synchronize(device)
    seconds = time.perf_counter() - started
    return {"episodes": n_episodes * repeats, "seconds": seconds, "episodes_per_s": n_episodes * repeats / seconds}


def timed(on: torch.device, run, /, *args, **kwargs) -> float:
    """Wall seconds of ``run(*args, **kwargs)``, the work it queued ``on`` the device included."""
    synchronize(on)
    started = time.perf_counter()
    run(*args, **kwargs)
    synchronize(on)
    return time.perf_counter() - started


def timed_training(model, data: TokenDataset, validation: TokenDataset, cfg: TrainConfig, device) -> float:
    """Wall seconds of ``train`` (one evaluation, at its last step)."""
    return timed(device, train, model, data, {"val": validation}, replace(cfg, eval_every=cfg.steps + 1), seed=0,
                 device=device, progress=False)


def training_rate(device, design, model_cfg: dict, base: TrainConfig, pool: TokenDataset, batch: int, steps: int,
                  warmup_steps: int) -> dict:
    model = build_agent(design, model_cfg, seed=0)
    validation = pool.select(torch.arange(min(len(pool), 1024)))  # its one evaluation: a small share of the time
    cfg = replace(base, batch_size=batch, warmup_steps=1)
    timed_training(model, pool, validation, replace(cfg, steps=warmup_steps), device)
    seconds = timed_training(model, pool, validation, replace(cfg, steps=steps), device)
    return {"episodes": batch * steps, "seconds": seconds, "episodes_per_s": batch * steps / seconds}


def ensemble_rate(device, design, model_cfg: dict, base: TrainConfig, pool: TokenDataset, batch: int, steps: int,
                  warmup_steps: int, members: int, one_seed: dict) -> dict:
    """``training_rate`` for ``members`` seeds trained together (episodes of all members
    count); its note compares with ``one_seed``, the one-learner row at the same batch."""
    models = [build_agent(design, model_cfg, seed=seed) for seed in range(members)]
    validation = {"val": pool.select(torch.arange(min(len(pool), 1024)))}
    cfg = replace(base, batch_size=batch, warmup_steps=1)

    def timed_ensemble(n_steps: int) -> float:
        return timed(device, train_ensemble, models, [pool] * members, [validation] * members,
                     replace(cfg, steps=n_steps, eval_every=n_steps + 1), list(range(members)), device, progress=False)

    timed_ensemble(warmup_steps)
    seconds = timed_ensemble(steps)
    rate = members * batch * steps / seconds
    note = (f"{rate / one_seed['episodes_per_s']:.2f}x one seed at a time" if "episodes_per_s" in one_seed
            else "no one-seed row to compare with")
    return {"episodes": members * batch * steps, "seconds": seconds, "episodes_per_s": rate, "note": note}


def paper_job(device, design, model_cfg: dict, cfg: TrainConfig, train_episodes: int, val_episodes: int,
              budget_s: float) -> dict:
    """The paper preset's Experiment 1 training job (data drawn on the device), cut to
    the steps that fit ``budget_s`` if need be."""
    started = time.perf_counter()
    data = demonstrations_on(device, design, train_episodes, 1)
    validation = demonstrations_on(device, design, val_episodes, 2)
    data_seconds = time.perf_counter() - started
    probe_steps = min(cfg.steps, 20)
    probe = timed_training(build_agent(design, model_cfg, seed=0), data, validation, replace(cfg, steps=probe_steps),
                           device)
    per_step = probe / probe_steps
    steps = min(cfg.steps, max(1, int((budget_s - data_seconds - probe) / per_step)))
    model = build_agent(design, model_cfg, seed=0)
    seconds = timed_training(model, data, validation, replace(cfg, steps=steps), device)
    return {"episodes": cfg.batch_size * steps, "seconds": data_seconds + seconds,
            "episodes_per_s": cfg.batch_size * steps / seconds,
            "note": f"{steps} of {cfg.steps} steps at batch {cfg.batch_size}, {train_episodes} episodes drawn in "
                    f"{data_seconds:.1f} s; full job projected {data_seconds + seconds * cfg.steps / steps:.0f} s"}


def measure(name: str, function, *args) -> dict:
    """One table row; an exception becomes the row's note instead of ending the run."""
    try:
        return {"measurement": name, **function(*args)}
    except Exception as error:  # noqa: BLE001 - reported in the table, the other rows still run
        return {"measurement": name, "note": f"failed: {type(error).__name__}: {str(error).splitlines()[0]}"}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--device", default="auto", help="auto (CUDA if visible, else CPU), cpu or cuda")
    parser.add_argument("--tiny", action="store_true", help="toy sizes, for a quick check on a CPU")
    parser.add_argument("--budget-s", type=float, default=150.0, help="most seconds for the paper job's training")
    parser.add_argument("--out", default=None, help="also write the table here (CSV)")
    args = parser.parse_args(argv)

    device = pick_device(args.device)
    sizes = TINY if args.tiny else FULL
    # the committed paper preset (the claims' relations are the workflow's start-up checks; see pacs.bench)
    config = load(ROOT / "config.yaml", ROOT / "workflow/schemas/config.schema.yaml", {"preset": "paper"},
                  claims=None)
    design = held_out_link_design(config["c1"]["env"])
    model_cfg, train_cfg = config["model"], TrainConfig(**config["train"])
    job = sizes.get("job", {"train_episodes": config["c1"]["data"]["train_episodes"],
                            "val_episodes": config["c1"]["data"]["val_episodes"]})
    job_cfg = replace(train_cfg, **{k: v for k, v in job.items() if k in ("steps", "batch_size")})
    name = torch.cuda.get_device_name(device) if device.type == "cuda" else f"cpu, {torch.get_num_threads()} threads"
    print(f"device: {name}; paper model {model_cfg}; torch {torch.__version__}", flush=True)
    started = time.perf_counter()

    rows = [measure("environment", environment_rate, device, design, sizes["env_episodes"], sizes["env_repeats"])]
    print(rows[-1], flush=True)
    try:
        pool = demonstrations_on(device, design, sizes["pool"], 3)
    except Exception as error:  # noqa: BLE001
        print(f"no training data on {device}: {error}; drawing it on the CPU", flush=True)
        pool = demonstrations_on(torch.device("cpu"), design, sizes["pool"], 3)
        pool = TokenDataset(**{k: (v.to(device) if torch.is_tensor(v) else {n: t.to(device) for n, t in v.items()})
                               for k, v in vars(pool).items()})
    for batch in sizes["batches"]:
        rows.append(measure(f"training batch {batch}", training_rate, device, design, model_cfg, train_cfg, pool, batch,
                            sizes["steps"], sizes["warmup_steps"]))
        print(rows[-1], flush=True)
    members, batch = sizes.get("members", len(config["seeds"])), job_cfg.batch_size
    rows.append(measure(f"one seed, batch {batch}", training_rate, device, design, model_cfg, train_cfg, pool, batch,
                        sizes["steps"], sizes["warmup_steps"]))
    print(rows[-1], flush=True)
    rows.append(measure(f"ensemble of {members} seeds, batch {batch}", ensemble_rate, device, design, model_cfg,
                        train_cfg, pool, batch, sizes["steps"], sizes["warmup_steps"], members, rows[-1]))
    print(rows[-1], flush=True)
    rows.append(measure("paper job", paper_job, device, design, model_cfg, job_cfg, job["train_episodes"],
                        job["val_episodes"], args.budget_s))
    table = pd.DataFrame(rows).reindex(columns=["measurement", "episodes", "seconds", "episodes_per_s", "note"])
    print(table.to_string(index=False, float_format=lambda v: f"{v:,.1f}", na_rep=""))
    print(f"total wall {time.perf_counter() - started:.1f} s on {name}")
    if args.out:
        table.to_csv(args.out, index=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
