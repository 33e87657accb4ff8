"""Reference policies for the causal-DAG goal, evaluated on the agent's episodes.

Each returns goal actions (B,) for a batch of ``DagEpisodes``; exploration, where
a baseline has one, uses the episodes' stored noise so every policy meets the same
samples. ``optimal`` knows the graph; ``expert`` explores every variable once and
uses its interventional estimates; ``random`` picks any allowed goal action;
``correlational`` sees the expert's interventional samples but treats them as
associations (ignores which variable was set); ``observational`` sees as many
passive samples and picks the strongest association; ``prior`` ignores the
episode and plays the goal action most often best for that target in training.
"""

from __future__ import annotations

import torch

from pacs.envs.causal_dag import (
    NO_INTERVENTION,
    DagEnvConfig,
    DagEpisodes,
    choose_goal_by_estimates,
    expert_goal_action,
    optimal_goal_action,
    run_exploration,
)

BASELINES = ("optimal", "expert", "random", "correlational", "observational", "prior")


def correlation_with_target(samples: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Pearson correlation across samples (B, S, n) of each variable with the target
    variable; 0 where a variable does not vary. Returns (B, n)."""
    centred = samples - samples.mean(dim=1, keepdim=True)
    batch = torch.arange(samples.shape[0])
    target_values = centred[batch, :, targets]  # (B, S)
    covariance = (centred * target_values[:, :, None]).sum(dim=1)
    scale = centred.norm(dim=1) * target_values.norm(dim=1, keepdim=True)
    return torch.where(scale > 1e-12, covariance / scale.clamp_min(1e-12), torch.zeros_like(covariance))


def optimal_policy(episodes: DagEpisodes, cfg: DagEnvConfig, **_) -> torch.Tensor:
    return optimal_goal_action(episodes)


def expert_policy(episodes: DagEpisodes, cfg: DagEnvConfig, **_) -> torch.Tensor:
    observations = run_exploration(episodes, episodes.expert_order, cfg)
    return expert_goal_action(episodes.expert_order, observations, episodes.targets, cfg)


def random_policy(episodes: DagEpisodes, cfg: DagEnvConfig, generator: torch.Generator, **_):
    """Uniform over the goal actions that do not intervene on the target."""
    n_batch = len(episodes)
    offset = torch.randint(cfg.n_vars - 1, (n_batch,), generator=generator)
    variable = offset + (offset >= episodes.targets).long()  # skip the target
    negative = torch.randint(2, (n_batch,), generator=generator)
    return 2 * variable + negative


def correlational_policy(episodes: DagEpisodes, cfg: DagEnvConfig, **_) -> torch.Tensor:
    samples = run_exploration(episodes, episodes.expert_order, cfg)
    return choose_goal_by_estimates(correlation_with_target(samples, episodes.targets), episodes.targets)


def observational_policy(episodes: DagEpisodes, cfg: DagEnvConfig, **_) -> torch.Tensor:
    passive = torch.full_like(episodes.expert_order, NO_INTERVENTION)
    samples = run_exploration(episodes, passive, cfg)
    return choose_goal_by_estimates(correlation_with_target(samples, episodes.targets), episodes.targets)


def prior_table(train_targets: torch.Tensor, train_goal_actions: torch.Tensor, cfg: DagEnvConfig):
    """For each target, the goal action the expert chose most often in training
    (ties: the lowest action id; a target never seen: action 0 or 2). Returns (n,)."""
    counts = torch.zeros(cfg.n_vars, cfg.n_goal_actions)
    counts.index_put_((train_targets, train_goal_actions), torch.ones(len(train_targets)), accumulate=True)
    for target in range(cfg.n_vars):
        counts[target, 2 * target : 2 * target + 2] = -1.0  # never the target itself
    return counts.argmax(dim=1)


def prior_policy(episodes: DagEpisodes, cfg: DagEnvConfig, prior: torch.Tensor, **_) -> torch.Tensor:
    return prior[episodes.targets]


POLICIES = {
    "optimal": optimal_policy,
    "expert": expert_policy,
    "random": random_policy,
    "correlational": correlational_policy,
    "observational": observational_policy,
    "prior": prior_policy,
}


def exploration_of(policy: str, episodes: DagEpisodes) -> torch.Tensor:
    """What each baseline executed in the exploration phase, for the tables."""
    if policy in ("expert", "correlational"):
        return episodes.expert_order
    if policy == "observational":
        return torch.full_like(episodes.expert_order, NO_INTERVENTION)
    return episodes.expert_order[:, :0]
