"""Mixed-quality demonstrations on the causal-DAG task, for return-conditioned
imitation (claim C6).

Four kinds of demonstrator act on the same kind of episodes:

- ``expert``: the expert of Experiment 1 (tests every variable once in a random
  order, then takes the best intervention by its own interventional estimates);
- ``noisy_expert``: the expert, but each of its actions is replaced, with
  probability ``noise``, by a uniformly random legal one;
- ``random_exploit``: uniformly random tests, then the expert's exploit on what
  those tests showed;
- ``wrong_sign``: a consistently misinformed expert: it explores as the expert
  does and picks the same variable, but sets it to the opposite sign (the worst
  action when that variable is the best one).

The first two corrupt the expert uniformly at random, which a greedy imitator
of the mix averages away (the expert's action stays the most frequent label in
every state); a systematic error such as ``wrong_sign`` can outvote the expert,
and then plain imitation copies it.

An episode's quality is its expected reward over the optimal one (no sampling
noise), cut into buckets by ``edges``. ``with_quality_channel`` appends the
bucket as a one-hot channel to every token, the way Experiment 2 appends its cue,
so a learner can be conditioned on it in training and on the best bucket at test.
"""

from __future__ import annotations

import torch

from pacs.data import TokenDataset
from pacs.envs.causal_dag import (
    DagEnvConfig,
    DagEpisodes,
    expected_goal_reward,
    expert_goal_action,
    goal_action_id,
    optimal_reward,
    run_exploration,
)
from pacs.envs.dag_task import encode_episode, step_labels
from pacs.envs.task_channels import append_channel

KINDS = ("expert", "noisy_expert", "random_exploit", "wrong_sign")


def kind_counts(n_episodes: int, mix: dict[str, float]) -> dict[str, int]:
    """Episodes per kind for shares ``mix`` (summing to 1), by largest remainder, so
    the counts sum to ``n_episodes`` and are each within one of share x n."""
    unknown = set(mix) - set(KINDS)
    if unknown:
        raise ValueError(f"unknown demonstrator kind(s) {sorted(unknown)} (expected some of {KINDS})")
    if any(share < 0 for share in mix.values()) or abs(sum(mix.values()) - 1.0) > 1e-9:
        raise ValueError(f"demonstrator shares must be non-negative and sum to 1, got {mix}")
    exact = {kind: share * n_episodes for kind, share in mix.items()}
    counts = {kind: int(value) for kind, value in exact.items()}
    by_remainder = sorted(mix, key=lambda kind: (exact[kind] - counts[kind], -KINDS.index(kind)), reverse=True)
    for kind in by_remainder[: n_episodes - sum(counts.values())]:
        counts[kind] += 1
    return counts


def random_goal_actions(targets: torch.Tensor, cfg: DagEnvConfig, generator: torch.Generator) -> torch.Tensor:
    """A uniformly random legal goal action per episode: any variable but the target, either sign."""
    variable = torch.randint(cfg.n_vars - 1, targets.shape, generator=generator)
    variable = variable + (variable >= targets).long()
    sign = torch.where(torch.rand(targets.shape, generator=generator) < 0.5, 1.0, -1.0)
    return goal_action_id(variable, sign)


def demonstrator_actions(episodes: DagEpisodes, cfg: DagEnvConfig, kind: str, noise: float,
                         generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(tests (B, E), observations (B, E, n), goal actions (B,)) of one kind of demonstrator."""
    if kind not in KINDS:
        raise ValueError(f"unknown demonstrator kind {kind!r}")
    n_batch = len(episodes)
    tests = episodes.expert_order.clone()
    if kind == "random_exploit":
        tests = torch.randint(cfg.n_vars, tests.shape, generator=generator)
    elif kind == "noisy_expert":
        replace = torch.rand(tests.shape, generator=generator) < noise
        tests[replace] = torch.randint(cfg.n_vars, (int(replace.sum()),), generator=generator)
    observations = run_exploration(episodes, tests, cfg)
    goal = expert_goal_action(tests, observations, episodes.targets, cfg)
    if kind == "noisy_expert":
        replace = torch.rand(n_batch, generator=generator) < noise
        goal = torch.where(replace, random_goal_actions(episodes.targets, cfg, generator), goal)
    elif kind == "wrong_sign":
        goal = goal ^ 1  # action 2i + (sign < 0): flipping the last bit flips the sign
    return tests, observations, goal


def quality(episodes: DagEpisodes, goal: torch.Tensor, cfg: DagEnvConfig) -> torch.Tensor:
    """Expected reward of the goal action over the optimal expected reward."""
    return expected_goal_reward(episodes, goal, cfg) / optimal_reward(episodes, cfg)


def quality_buckets(values: torch.Tensor, edges) -> torch.Tensor:
    """Bucket index per value: 0 below ``edges[0]``, ..., ``len(edges)`` at or above the last edge."""
    return torch.bucketize(values, torch.tensor(edges, dtype=values.dtype), right=True)


def with_quality_channel(tokens: torch.Tensor, buckets: torch.Tensor, n_buckets: int) -> torch.Tensor:
    """(B, L, W) tokens -> (B, L, W + n_buckets) with each episode's bucket one-hot in every token."""
    return append_channel(tokens, torch.nn.functional.one_hot(buckets, n_buckets))


def mixed_demonstrations(episodes: DagEpisodes, cfg: DagEnvConfig, mix: dict[str, float], noise: float,
                         edges, generator: torch.Generator) -> TokenDataset:
    """Demonstrations of ``episodes``, the first ones by the first kind of ``mix`` and so
    on (``kind_counts``), labelled with the demonstrated actions; tokens carry the
    quality bucket (``with_quality_channel``). Extras: ``kind`` (index into KINDS),
    ``quality``, ``bucket``, ``explore_actions``, ``goal_actions``, ``targets``."""
    counts = kind_counts(len(episodes), mix)
    tests, observations, goals, kinds = [], [], [], []
    start = 0
    for kind, count in counts.items():
        part = episodes.select(torch.arange(start, start + count))
        kind_tests, kind_observations, kind_goal = demonstrator_actions(part, cfg, kind, noise, generator)
        tests.append(kind_tests)
        observations.append(kind_observations)
        goals.append(kind_goal)
        kinds.append(torch.full((count,), KINDS.index(kind)))
        start += count
    tests, observations, goal = torch.cat(tests), torch.cat(observations), torch.cat(goals)
    scores = quality(episodes, goal, cfg)
    buckets = quality_buckets(scores, edges)
    tokens = with_quality_channel(encode_episode(tests, observations, episodes.targets, cfg), buckets, len(edges) + 1)
    return TokenDataset(
        tokens=tokens,
        labels=step_labels(tests, goal, tokens.shape[1]),
        extras={"kind": torch.cat(kinds), "quality": scores, "bucket": buckets, "explore_actions": tests,
                "goal_actions": goal, "targets": episodes.targets},
    )
