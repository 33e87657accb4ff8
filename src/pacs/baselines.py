"""Reference policies for the causal-DAG goal, evaluated on the agent's episodes.

Each returns a ``Choice``: what it explored (B, E') and its goal action (B,).
Exploration uses the episodes' stored noise, so every policy meets the same
samples. ``optimal`` knows the graph; ``expert`` explores as the demonstrator
does and uses its interventional estimates; ``random`` picks any allowed goal
action; ``correlational`` sees the expert's interventional samples but treats
them as associations (ignores which variable was set); ``observational`` sees as
many passive samples and picks the strongest association; ``prior`` ignores the
episode and plays the goal action most often chosen for that target in training.
For cued episodes (Experiment 2): ``explore_all`` intervenes on every variable
(more steps than the agent gets) and ``random_explore`` on distinct variables drawn
uniformly without regard to the cue, as many as the agent's budget (the cue-blind
explorer of distinct variables), each then using the expert's estimates.
"""

from __future__ import annotations

from dataclasses import dataclass

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



@dataclass
class Choice:
    explore: torch.Tensor  # (B, E') variables intervened on; NO_INTERVENTION = passive sample
    goal: torch.Tensor  # (B,) goal action ids


def no_exploration(episodes: DagEpisodes) -> torch.Tensor:
    return episodes.expert_order[:, :0]


def correlation_with_target(samples: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Pearson correlation across samples (B, S, n) of each variable with the target
    variable; 0 where a variable does not vary. Returns (B, n)."""
    centred = samples - samples.mean(dim=1, keepdim=True)
    batch = torch.arange(samples.shape[0])
    target_values = centred[batch, :, targets]  # (B, S)
    covariance = (centred * target_values[:, :, None]).sum(dim=1)
    scale = centred.norm(dim=1) * target_values.norm(dim=1, keepdim=True)
    return torch.where(scale > 1e-12, covariance / scale.clamp_min(1e-12), torch.zeros_like(covariance))


def explore_then_estimate(episodes: DagEpisodes, cfg: DagEnvConfig, plan: torch.Tensor) -> Choice:
    """Carry out an exploration plan, then act as the expert does on what it showed."""
    observations = run_exploration(episodes, plan, cfg)
    return Choice(plan, expert_goal_action(plan, observations, episodes.targets, cfg))


def optimal_policy(episodes: DagEpisodes, cfg: DagEnvConfig, **_) -> Choice:
    return Choice(no_exploration(episodes), optimal_goal_action(episodes))


def expert_policy(episodes: DagEpisodes, cfg: DagEnvConfig, **_) -> Choice:
    return explore_then_estimate(episodes, cfg, episodes.expert_order)


def random_policy(episodes: DagEpisodes, cfg: DagEnvConfig, generator: torch.Generator, **_) -> Choice:
    """Uniform over the goal actions that do not intervene on the target."""
    n_batch = len(episodes)
    offset = torch.randint(cfg.n_vars - 1, (n_batch,), generator=generator)
    variable = offset + (offset >= episodes.targets).long()  # skip the target
    negative = torch.randint(2, (n_batch,), generator=generator)
    return Choice(no_exploration(episodes), 2 * variable + negative)


def associational_choice(episodes: DagEpisodes, cfg: DagEnvConfig, plan: torch.Tensor) -> Choice:
    """Strongest correlation with the target across the samples of a plan."""
    samples = run_exploration(episodes, plan, cfg)
    estimates = correlation_with_target(samples, episodes.targets)
    return Choice(plan, choose_goal_by_estimates(estimates, episodes.targets))


def correlational_policy(episodes: DagEpisodes, cfg: DagEnvConfig, **_) -> Choice:
    return associational_choice(episodes, cfg, episodes.expert_order)


def observational_policy(episodes: DagEpisodes, cfg: DagEnvConfig, **_) -> Choice:
    return associational_choice(episodes, cfg, torch.full_like(episodes.expert_order, NO_INTERVENTION))


def explore_all_policy(episodes: DagEpisodes, cfg: DagEnvConfig, **_) -> Choice:
    """Intervene on every variable once (ignoring the cue), then estimate."""
    plan = torch.arange(cfg.n_vars).expand(len(episodes), -1)
    return explore_then_estimate(episodes, cfg, plan)


def random_explore_policy(episodes: DagEpisodes, cfg: DagEnvConfig, generator: torch.Generator, **_) -> Choice:
    """Cue-blind exploration of distinct variables: the first steps of a uniformly random
    order of all variables, as many as the agent's exploration budget, then estimate.
    Drawn without replacement, as the expert explores, so a repeated variable never
    makes it look worse than an explorer that ignores the cue (expected recall of the
    cue: budget / n_vars)."""
    n_batch, budget = episodes.expert_order.shape
    if budget > cfg.n_vars:
        raise ValueError(f"random_explore: a budget of {budget} steps exceeds the {cfg.n_vars} distinct variables")
    orders = torch.rand(n_batch, cfg.n_vars, generator=generator).argsort(dim=1)
    return explore_then_estimate(episodes, cfg, orders[:, :budget])


def prior_table(train_targets: torch.Tensor, train_goal_actions: torch.Tensor, cfg: DagEnvConfig):
    """For each target, the goal action the expert chose most often in training
    (ties: the lowest action id; a target never seen: action 0 or 2). Returns (n,)."""
    counts = torch.zeros(cfg.n_vars, cfg.n_goal_actions)
    counts.index_put_((train_targets, train_goal_actions), torch.ones(len(train_targets)), accumulate=True)
    for target in range(cfg.n_vars):
        counts[target, 2 * target : 2 * target + 2] = -1.0  # never the target itself
    return counts.argmax(dim=1)


def prior_policy(episodes: DagEpisodes, cfg: DagEnvConfig, prior: torch.Tensor, **_) -> Choice:
    return Choice(no_exploration(episodes), prior[episodes.targets])


POLICIES = {
    "optimal": optimal_policy,
    "expert": expert_policy,
    "random": random_policy,
    "correlational": correlational_policy,
    "observational": observational_policy,
    "prior": prior_policy,
    "explore_all": explore_all_policy,
    "random_explore": random_explore_policy,
}
