"""Benchmarks. Without ``--preset``: each learner type's training speed in GFLOP/s
against the matmul peaks of the machine it runs on (about a
minute on one core). With ``--preset``: run that preset from nothing in a scratch
copy of the repo and print its wall time against a target, plus each rule's time
from Snakemake's ``benchmark:`` files; then run it again, with nothing left to do,
and print that no-op rerun's wall time against its 3-second target.

    python -m pacs.bench                           # learners: GFLOP/s and share of the matmul peak
    python -m pacs.bench --autocast --seconds 20   # also under bf16 autocast; longer timed loops
    python -m pacs.bench --preset smoke --target-minutes 5
    python -m pacs.bench --preset default --target-minutes 60
    python -m pacs.bench --summarize benchmarks    # the stage table of a run already made

Stages are printed by CPU time (summed over their jobs), with wall time, job count
and the largest memory use.

The learners' table (no ``--preset``) has one row per learner type: the
shared trainer (``pacs.train.train``) runs a short timed loop of training steps on
that learner's own data and model at the configured preset's widths, and the
achieved GFLOP/s (from ``training_flops``, an analytical count) is set against the
fp32 and bf16 matmul peaks measured on this machine at start (``matmul_peak``).
Rates are per CPU second of this process (GFLOP/s of a busy core), so that other work
on a shared machine slows the wall clock, not the figures; ``wall/CPU`` says how much
the wall clock was slowed.
With ``--autocast`` each learner is timed again under bf16 autocast (fp32 master
weights: the parameters and the optimizer stay fp32) and the row gives its speed-up.

Learner types: C1 agent (Experiment 1's expert demonstrations), C3 learner (the
odd-one-out demonstrations), C4 LM (the pipeline LM on expert episodes written as
text, with Note lines), C5 world LM (the world corpus, independent), C6 learner
(Experiment 1's demonstrations at C6's model; its DAgger and plain learners' format).
"""

from __future__ import annotations

import argparse
import contextlib
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd
import torch

from pacs.bench_gpu import timed_training
from pacs.config import load
from pacs.data import TokenDataset
from pacs.envs.odd_one_out import OddOneOutConfig
from pacs.experiments import dag, language, odd_one_out
from pacs.models.text_lm import TextTransformer, corpus_dataset
from pacs.models.transformer import CausalTransformer, TransformerConfig
from pacs.probes import world
from pacs.tables import benchmark_table, stage_summary
from pacs.train import TrainConfig

ROOT = Path(__file__).resolve().parents[2]
NOOP_TARGET_S = 3.0  # a rerun with nothing to do (issue 18, goal 5)
IGNORE = shutil.ignore_patterns(
    ".venv", ".git", "results", "logs", "benchmarks", "build", ".snakemake", "__pycache__", "*.egg-info"
)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--preset", default=None, choices=["smoke", "default", "paper"],
                        help="run this preset's pipeline (without it: the learners' GFLOP/s table)")
    parser.add_argument("--target-minutes", type=float, default=5.0)
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--until", default=None, help="stop after this rule (e.g. the last rule of one experiment)")
    parser.add_argument("--summarize", type=Path, default=None, metavar="DIR",
                        help="print the stage table of the benchmark files under DIR (a run already made) and exit")
    speed = parser.add_argument_group("learners' GFLOP/s (without --preset)")
    speed.add_argument("--widths", default="default", choices=["smoke", "default", "paper"],
                          help="the preset whose model widths and batch sizes the learners use")
    speed.add_argument("--seconds", type=float, default=4.0, help="timed training steps per learner and precision")
    speed.add_argument("--threads", type=int, default=1, help="torch threads (a pipeline job uses threads_per_job)")
    speed.add_argument("--autocast", action="store_true", help="also time each learner under bf16 autocast")
    speed.add_argument("--out", type=Path, default=None, help="also write the learners' table here (CSV)")
    args = parser.parse_args(argv)
    if args.summarize:
        print_stages(benchmark_table(sorted(args.summarize.rglob("*.tsv")), root=args.summarize))
        return 0
    if args.preset is None:
        print_learner_speed(args)
        return 0

    with tempfile.TemporaryDirectory(prefix="pacs-bench-") as scratch:
        workdir = Path(scratch) / "pacs"
        shutil.copytree(ROOT, workdir, ignore=IGNORE)
        command = [str(Path(sys.executable).parent / "snakemake"), "--cores", str(args.cores),
                   "--config", f"preset={args.preset}", "--quiet", "all"]
        if args.until:
            command += ["--until", args.until]
        wall = timed_run(command, workdir)
        noop = timed_run(command, workdir)  # everything is up to date: what a rerun costs
        benchmarks = workdir / "benchmarks"
        times = benchmark_table(sorted(benchmarks.rglob("*.tsv")), root=benchmarks)

    print_stages(times)
    minutes = wall / 60
    print(f"preset {args.preset}: wall {minutes:.2f} min on {args.cores} cores; "
          f"target {args.target_minutes:.1f} min; ratio {minutes / args.target_minutes:.2f} "
          f"({'within' if minutes <= args.target_minutes else 'OVER'} target)")
    print(f"no-op rerun: {noop:.2f} s; target {NOOP_TARGET_S:.0f} s; ratio {noop / NOOP_TARGET_S:.2f} "
          f"({'within' if noop <= NOOP_TARGET_S else 'OVER'} target)")
    return 0


def print_learner_speed(args) -> None:
    """The matmul peaks and the learners' GFLOP/s table."""
    torch.set_num_threads(args.threads)
    # the committed presets' widths (the workflow checks the claims' relations at start-up; the
    # claims sit above the benchmarks, so only the shared keys are checked here)
    config = load(ROOT / "config.yaml", ROOT / "workflow/schemas/config.schema.yaml", {"preset": args.widths},
                  claims=None)
    print(f"{platform.processor() or platform.machine()}; torch {torch.__version__}; {args.threads} thread(s); "
          f"{args.widths} preset's widths", flush=True)
    started = time.perf_counter()
    table, _ = learner_table(config, args.seconds, args.autocast, progress=lambda line: print(line, flush=True))
    print(table.to_string(index=False, float_format=lambda v: f"{v:,.2f}"))
    print(f"total wall {time.perf_counter() - started:.1f} s")
    if args.out:
        table.to_csv(args.out, index=False)


def timed_run(command: list[str], workdir: Path) -> float:
    """Wall seconds of one Snakemake run in ``workdir``."""
    started = time.perf_counter()
    subprocess.run(command, cwd=workdir, check=True)
    return time.perf_counter() - started


def print_stages(times) -> None:
    """Per-stage table (CPU and wall seconds summed over jobs) and the totals."""
    if times.empty:
        print("no benchmark files")
        return
    print(stage_summary(times).to_string(index=False, float_format=lambda v: f"{v:.1f}"))
    print(f"{len(times)} jobs: CPU {times.cpu_s.sum() / 60:.1f} min, wall summed over jobs "
          f"{times.seconds.sum() / 60:.1f} min")


# --- the learners' GFLOP/s against the matmul peaks ---------------------------------------------------------

CPU = torch.device("cpu")
# demonstrations (or documents) drawn per learner: enough for steps of the configured batch
POOL = 1024
VALIDATION = 16  # train() evaluates once, at its last step: a small share of the time


def training_flops(cfg: TransformerConfig, batch: int, length: int, embedding_lookup: bool) -> float:
    """Floating-point operations of one training step of ``batch`` sequences of
    ``length`` positions: the matmuls only (a multiply-add is 2), backward twice the
    forward, attention over all ``length`` keys (as Kaplan et al. count it; a causal
    kernel may skip up to half of that). The input embedding is a lookup for an LM
    (``embedding_lookup``; no FLOPs) and a linear map of the step tokens otherwise
    (no gradient for its input, so 2x its forward)."""
    d, tokens = cfg.d_model, batch * length
    per_layer = 2 * d * 3 * d + 2 * d * d + 2 * 2 * length * d + 2 * 2 * d * cfg.d_mlp
    heads = sum(2 * d * n for n in cfg.heads.values())
    embed = 0 if embedding_lookup else 2 * 2 * cfg.token_width * d
    return tokens * (3 * (cfg.n_layers * per_layer + heads) + embed)


def matmul_peak(dtype: torch.dtype, size: int, seconds: float) -> float:
    """GFLOP per CPU second of repeated ``size`` x ``size`` matmuls in ``dtype`` (the
    threads torch uses now), over at least ``seconds`` after one warm-up product."""
    generator = torch.Generator().manual_seed(0)
    a, b = (torch.randn(size, size, generator=generator).to(dtype) for _ in range(2))
    a @ b
    products, started = 0, time.process_time()
    while (elapsed := time.process_time() - started) < seconds or products < 3:
        a @ b
        products += 1
    return 2 * size**3 * products / elapsed / 1e9


@dataclass
class Learner:
    """One learner type: its model (fresh), its training data and its trainer settings."""

    name: str
    model: CausalTransformer
    data: TokenDataset
    train: TrainConfig


def settings(config: dict, block: dict | None = None) -> TrainConfig:
    """The shared ``train`` settings with an experiment's overrides."""
    return TrainConfig(**{**config["train"], **(block or {}).get("train", {})})


def learners(config: dict, pool: int = POOL) -> list[Learner]:
    """The five learner types at ``config``'s widths, each with ``pool`` episodes (documents) of its data."""
    c1_design = dag.held_out_link_design(config["c1"]["env"])
    c1_data = dag.draw_demonstrations(c1_design, "train", c1_design.train_split, pool, "bench")
    c3_env = OddOneOutConfig.from_dict(config["c3"]["env"])
    c4, c5 = config["c4"], config["c5"]
    c4_documents = language.expert_documents(language.language_design(config["c1"]["env"], c4["splits"]), "train",
                                             pool, True, c4["text"]["decimals"], "bench")
    pipeline = c5["pipeline"]
    c5_documents = world.training_documents(
        world.made_up_lexicon(world.WorldSettings(**pipeline["world"])), pool, pool // 4,
        pipeline["corpora"]["independent"], pipeline["nonsense_share"], "bench", frozenset())
    c4_lm, c4_tokenizer = language.new_pipeline_lm(c4_documents, c4["pipeline"]["model"], 0)
    c5_lm, c5_tokenizer = language.new_pipeline_lm(c5_documents, pipeline["model"], 0)
    return [
        Learner("C1 agent", dag.build_agent(c1_design, config["model"], 0), c1_data, settings(config)),
        Learner("C3 learner", odd_one_out.build_agent(c3_env, {**config["model"], **config["c3"].get("model", {})}, 0),
                odd_one_out.draw_demonstrations(c3_env, "train", "deconfounded", pool, "bench"),
                settings(config, config["c3"])),
        Learner("C4 LM", c4_lm, corpus_dataset(c4_documents, c4_tokenizer, c4_lm.cfg.max_len),
                settings(config, c4["pipeline"])),
        Learner("C5 world LM", c5_lm, corpus_dataset(c5_documents, c5_tokenizer, c5_lm.cfg.max_len),
                settings(config, pipeline)),
        Learner("C6 learner", dag.build_agent(c1_design, {**config["model"], **config["c6"]["model"]}, 0), c1_data,
                settings(config, config["c6"])),
    ]


def step_seconds(learner: Learner, steps: int, autocast: bool) -> tuple[float, float]:
    """CPU and wall seconds per training step over ``steps`` steps of the shared trainer
    (after two warm-up steps), in fp32 or under bf16 autocast."""
    validation = learner.data.select(torch.arange(VALIDATION))
    precision = torch.autocast("cpu", dtype=torch.bfloat16) if autocast else contextlib.nullcontext()
    with precision:
        timed_training(learner.model, learner.data, validation, replace(learner.train, steps=2), CPU)
        started = time.process_time()
        wall = timed_training(learner.model, learner.data, validation, replace(learner.train, steps=steps), CPU)
        return (time.process_time() - started) / steps, wall / steps


def learner_row(learner: Learner, seconds: float, autocast: bool, peaks: dict[str, float], min_steps: int = 5) -> dict:
    """One table row: shapes, FLOPs per step, GFLOP/s and their share of each peak;
    about ``seconds`` of timed steps per precision (at least ``min_steps``)."""
    batch = learner.train.batch_size  # drawn with replacement
    length = learner.data.tokens.shape[1]
    flops = training_flops(learner.model.cfg, batch, length, isinstance(learner.model, TextTransformer))
    probe, _ = step_seconds(learner, 3, autocast=False)
    steps = max(min_steps, round(seconds / probe))
    fp32, wall = step_seconds(learner, steps, autocast=False)
    cfg = learner.model.cfg
    row = {"learner": learner.name, "d_model": cfg.d_model, "layers": cfg.n_layers, "batch": batch,
           "length": length, "GFLOP/step": flops / 1e9, "steps": steps, "ms/step": 1e3 * fp32,
           "wall/CPU": wall / fp32, "GFLOP/s": flops / fp32 / 1e9}
    row["of fp32 peak"] = row["GFLOP/s"] / peaks["fp32"]
    row["of bf16 peak"] = row["GFLOP/s"] / peaks["bf16"]
    if autocast:
        bf16, _ = step_seconds(learner, steps, autocast=True)
        row.update({"bf16 ms/step": 1e3 * bf16, "bf16 GFLOP/s": flops / bf16 / 1e9, "bf16 speed-up": fp32 / bf16})
    return row


def learner_table(config: dict, seconds: float = 4.0, autocast: bool = False, peak_size: int = 1024,
                  pool: int = POOL, min_steps: int = 5, progress=print) -> tuple[pd.DataFrame, dict[str, float]]:
    """The matmul peaks (fp32, bf16; GFLOP per CPU second) and one row per learner type
    (``learner_row``; ``pool`` episodes of data each)."""
    peaks = {"fp32": matmul_peak(torch.float32, peak_size, seconds / 2),
             "bf16": matmul_peak(torch.bfloat16, peak_size, seconds / 2)}
    progress(f"matmul peak ({peak_size} x {peak_size}, {torch.get_num_threads()} threads): "
             f"fp32 {peaks['fp32']:.1f} GFLOP/s, bf16 {peaks['bf16']:.1f} GFLOP/s")
    rows = []
    for learner in learners(config, pool):
        rows.append(learner_row(learner, seconds, autocast, peaks, min_steps))
        progress(f"{learner.name}: {rows[-1]['GFLOP/s']:.1f} GFLOP/s")
    return pd.DataFrame(rows), peaks


if __name__ == "__main__":
    sys.exit(main())
