"""Experiment 6, regime 1 (C6): return-conditioned imitation of mixed-quality data.

Each seed's demonstrations come from a config mix of the expert, a noisy expert,
a random explorer that exploits what it saw, and a consistently wrong expert that
sets the right variable to the wrong sign (``pacs.envs.dag_mixtures``; only a
systematic error like that can outvote the expert in a greedy imitator);
every episode's quality bucket (expected reward over optimal, cut at config
edges) rides in a channel of every token. Three learners see the same episodes:

- ``conditioned``: trained with the quality channel, and at test conditioned on
  the top bucket (Decision-Transformer / upside-down RL style);
- ``plain``: the same demonstrations with the channel blank: plain imitation of
  the whole mix;
- ``expert_only``: only the expert's episodes of the mix, channel blank.

All three are tested on the shared C6 test episodes (``pacs.experiments.regimes``).
"""

from __future__ import annotations

import pandas as pd
import torch

from pacs.data import TokenDataset
from pacs.envs.dag_mixtures import KINDS, mixed_demonstrations
from pacs.envs.dag_task import DagActiveTest
from pacs.envs.task_channels import ChannelledTask, append_channel
from pacs.experiments import dag, regimes
from pacs.labels import RC_LEARNER_POLICIES
from pacs.rollout import run_closed_loop
from pacs.runtime import derive_seed

REGIME = "rc"
LEARNERS = tuple(RC_LEARNER_POLICIES)


def n_buckets(settings: dict) -> int:
    return len(settings["quality_edges"]) + 1


def quality_channel(n_episodes: int, settings: dict, learner: str) -> torch.Tensor:
    """What the learner reads in the quality channel at test (and in validation):
    the top bucket for the conditioned learner, blank for the others."""
    channel = torch.zeros(n_episodes, n_buckets(settings))
    if learner == "conditioned":
        channel[:, -1] = 1.0
    return channel


def draw_mixture(design: dag.Design, settings: dict, data_seed: int, seed: int) -> TokenDataset:
    """One seed's mixed-quality demonstrations of training graphs (extras: ``kind``,
    ``quality``, ``bucket``, the actions and targets)."""
    episodes = regimes.draw_episodes(design, REGIME, "train", design.train_split, settings["train_episodes"],
                                     data_seed, seed)
    generator = torch.Generator().manual_seed(derive_seed(regimes.EXPERIMENT, REGIME, "demonstrators", data_seed, seed))
    return mixed_demonstrations(episodes, design.env, settings["mix"], settings["noise"], settings["quality_edges"],
                                generator)


def mixture_kinds(mixed: TokenDataset, settings: dict, seed: int) -> pd.DataFrame:
    """Per demonstrator kind: episodes, their share, mean quality and share in the top bucket."""
    kinds, quality, bucket = mixed.extras["kind"], mixed.extras["quality"], mixed.extras["bucket"]
    rows = []
    for index, kind in enumerate(KINDS):
        chosen = kinds == index
        if chosen.any():
            rows.append({"seed": seed, "kind": kind, "episodes": int(chosen.sum()),
                         "share": float(chosen.float().mean()), "mean_quality": float(quality[chosen].mean()),
                         "top_bucket_share": float((bucket[chosen] == n_buckets(settings) - 1).float().mean())})
    return pd.DataFrame(rows)


def blank_channel(dataset: TokenDataset, width: int) -> TokenDataset:
    """The same demonstrations with the last ``width`` token features set to zero."""
    tokens = dataset.tokens.clone()
    tokens[..., -width:] = 0.0
    return TokenDataset(tokens, dataset.labels, dataset.support, dataset.extras)


def learner_training_set(mixed: TokenDataset, design: dag.Design, settings: dict, learner: str,
                         val_episodes: int, data_seed: int, seed: int):
    """(training demonstrations, validation sets) as ``learner`` sees them. Validation
    sets are expert demonstrations with the channel the learner reads at test."""
    width = n_buckets(settings)
    if learner == "conditioned":
        train = mixed
    elif learner == "plain":
        train = blank_channel(mixed, width)
    elif learner == "expert_only":
        train = blank_channel(mixed.select(torch.nonzero(mixed.extras["kind"] == KINDS.index("expert")).squeeze(1)),
                              width)
    else:
        raise ValueError(f"unknown return-conditioning learner {learner!r} (expected one of {LEARNERS})")
    validation = {}
    for split, expert in regimes.expert_validation_sets(design, REGIME, val_episodes, data_seed, seed).items():
        channel = quality_channel(len(expert), settings, learner)
        validation[split] = TokenDataset(append_channel(expert.tokens, channel), expert.labels, expert.support)
    return train, validation


def agent_table(model, episodes: dict, design: dag.Design, settings: dict, learner: str, seed: int,
                device) -> pd.DataFrame:
    """The learner acts closed loop on every test split, reading its test-time channel."""
    frames = []
    for split, batch in episodes.items():
        task = DagActiveTest(batch, design.env)
        run_closed_loop(model, ChannelledTask(task, quality_channel(len(batch), settings, learner)), device)
        frames.append(dag.episode_frame(design, batch, task.executed, task.goal_action, seed=seed, split=split,
                                        policy=RC_LEARNER_POLICIES[learner]))
    return pd.concat(frames, ignore_index=True)
