"""Experiment 6, regime 3 (C6): fusing observational and interventional data.

Episodes are Experiment 1's, with two changes: the target is named from the
start, and before exploring the agent sees ``n_observational`` free passive
samples of the graph. Its budget of tests (``budget``) is smaller than the number
of variables, so which variables it tests matters.

The fusion expert ranks the variables by the absolute correlation of their
passive samples with the target (its own random order breaks ties, and decides
alone when there are no samples) and tests the ``budget`` best, except those the
samples show to be irrelevant: the Fisher-z confidence interval (``level``) of
the correlation lies inside +/- ``margin`` (needs at least 4 samples; margin 0
never skips). A skipped test is a passive step. It then exploits its
interventional estimates as in Experiment 1.

The learner imitates it. Its tokens are Experiment 1's plus a channel with the
target (one-hot) and the upper triangle of the passive samples' correlation
matrix (zeros with fewer than two samples): what the samples show about linear
association. Its explore head has one more action, ``n_vars``: no test.
Conditions differ only in how many samples they see: every condition's
episodes are the same, and sample s of an episode is the same in every
condition that sees it.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import torch

from pacs.baselines import correlation_with_target
from pacs.data import TokenDataset
from pacs.envs.causal_dag import NO_INTERVENTION, DagEnvConfig, DagEpisodes, expert_goal_action, run_exploration
from pacs.envs.causal_dag import sample_under_intervention
from pacs.envs.dag_task import DagActiveTest, encode_episode, step_labels
from pacs.envs.task_channels import ChannelledTask, append_channel
from pacs.experiments import dag, regimes
from pacs.labels import FUSION_POLICIES
from pacs.rollout import run_closed_loop
from pacs.runtime import derive_seed

REGIME = "fusion"
LEARNER, EXPERT = FUSION_POLICIES


def budget_env(env: DagEnvConfig, budget: int) -> DagEnvConfig:
    """The environment with ``budget`` exploration steps (fewer than the variables)."""
    if not 1 <= budget < env.n_vars:
        raise ValueError(f"config key 'c6.fusion.budget': {budget} must be between 1 and n_vars - 1 "
                         f"({env.n_vars - 1})")
    if budget > env.explore_steps:
        raise ValueError(f"config key 'c6.fusion.budget': {budget} exceeds c1.env.explore_steps "
                         f"({env.explore_steps}), the steps each episode has noise for")
    return replace(env, explore_steps=budget)


def heads(env: DagEnvConfig) -> dict[str, int]:
    return {"explore": env.n_vars + 1, "goal": env.n_goal_actions}


def observational_samples(episodes: DagEpisodes, n_samples: int, cfg: DagEnvConfig, *seed_parts) -> torch.Tensor:
    """``n_samples`` passive samples of every episode's graph, (B, S, n). Sample s
    has its own generator (``seed_parts`` and s), so the first k samples are the
    same however many are drawn."""
    n_batch = len(episodes)
    passive = torch.full((n_batch,), NO_INTERVENTION, dtype=torch.long)
    samples = []
    for index in range(n_samples):
        generator = torch.Generator().manual_seed(derive_seed(*seed_parts, "observational", index))
        noise = cfg.noise_std * torch.randn(n_batch, cfg.n_vars, generator=generator)
        samples.append(sample_under_intervention(episodes.weights, noise, passive, 0.0))
    return torch.stack(samples, dim=1) if samples else torch.zeros(n_batch, 0, cfg.n_vars)


def correlation_matrices(samples: torch.Tensor) -> torch.Tensor:
    """(B, S, n) samples -> (B, n, n) Pearson correlations; 0 where undefined."""
    n_vars = samples.shape[-1]
    return torch.stack([correlation_with_target(samples, torch.full((samples.shape[0],), j)) for j in range(n_vars)],
                       dim=2)


def observation_channel(samples: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """The learner's channel: target one-hot (n) and the correlation matrix's upper
    triangle (n (n - 1) / 2), per episode."""
    n_vars = samples.shape[-1]
    rows, cols = torch.triu_indices(n_vars, n_vars, offset=1)
    upper = correlation_matrices(samples)[:, rows, cols]
    return torch.cat([torch.nn.functional.one_hot(targets, n_vars).float(), upper], dim=1)


def irrelevant(correlation: torch.Tensor, n_samples: int, margin: float, level: float) -> torch.Tensor:
    """True where the Fisher-z ``level`` CI of a correlation from ``n_samples`` lies inside +/- margin."""
    if n_samples < 4 or margin <= 0:
        return torch.zeros_like(correlation, dtype=torch.bool)
    quantile = torch.distributions.Normal(0.0, 1.0).icdf(torch.tensor((1 + level) / 2))
    centre = torch.atanh(correlation.clamp(-0.999999, 0.999999))
    half = quantile / (n_samples - 3) ** 0.5
    return (torch.tanh(centre - half) > -margin) & (torch.tanh(centre + half) < margin)


def order_positions(expert_order: torch.Tensor, n_vars: int) -> torch.Tensor:
    """(B, n) position of each variable in the expert's random order (absent: after all)."""
    n_batch, length = expert_order.shape
    positions = torch.full((n_batch, n_vars), length, dtype=torch.long) + torch.arange(n_vars)
    for step in reversed(range(length)):  # the first occurrence wins
        positions[torch.arange(n_batch), expert_order[:, step]] = step
    return positions


def fusion_plan(samples: torch.Tensor, targets: torch.Tensor, expert_order: torch.Tensor, budget: int,
                margin: float, level: float) -> torch.Tensor:
    """(B, budget) tests of the fusion expert: variables by absolute correlation with
    the target (ties and no samples: the expert's order), never the target; a
    variable shown irrelevant is replaced by a passive step (``NO_INTERVENTION``)."""
    n_batch, n_samples, n_vars = samples.shape
    batch = torch.arange(n_batch)
    correlation = correlation_with_target(samples, targets)
    by_order = torch.argsort(order_positions(expert_order, n_vars), dim=1)
    ranked_strength = correlation.abs().gather(1, by_order)
    ranked_strength[by_order == targets[:, None]] = -1.0  # the target is never tested
    ranking = by_order.gather(1, torch.argsort(ranked_strength, dim=1, descending=True, stable=True))[:, :budget]
    skip = irrelevant(correlation, n_samples, margin, level)
    return torch.where(skip[batch[:, None], ranking], NO_INTERVENTION, ranking)


def fusion_expert(episodes: DagEpisodes, samples: torch.Tensor, cfg: DagEnvConfig, margin: float, level: float):
    """(tests (B, budget), goal actions (B,)) of the fusion expert; ``cfg`` has
    ``explore_steps`` = the budget."""
    tests = fusion_plan(samples, episodes.targets, episodes.expert_order, cfg.explore_steps, margin, level)
    observations = run_exploration(episodes, tests, cfg)
    return tests, expert_goal_action(tests, observations, episodes.targets, cfg)


def demonstrations(episodes: DagEpisodes, samples: torch.Tensor, cfg: DagEnvConfig, margin: float,
                   level: float) -> TokenDataset:
    """The fusion expert's episodes as the learner's training data. Exploration labels
    are variables or ``n_vars`` (no test); without samples every untested non-target
    variable is as good as the expert's pick (``support``)."""
    tests, goal = fusion_expert(episodes, samples, cfg, margin, level)
    observations = run_exploration(episodes, tests, cfg)
    tokens = append_channel(encode_episode(tests, observations, episodes.targets, cfg),
                            observation_channel(samples, episodes.targets))
    n_batch, length = tokens.shape[:2]
    labels = step_labels(torch.where(tests == NO_INTERVENTION, cfg.n_vars, tests), goal, length)
    support = torch.nn.functional.one_hot(labels["explore"].clamp_min(0), cfg.n_vars + 1).bool()
    if samples.shape[1] < 2:
        untested = torch.ones(n_batch, cfg.n_vars + 1, dtype=torch.bool)
        untested[:, cfg.n_vars] = False
        untested[torch.arange(n_batch), episodes.targets] = False
        for step in range(cfg.explore_steps):
            support[:, step] = untested
            untested[torch.arange(n_batch), tests[:, step]] = False
    return TokenDataset(tokens=tokens, labels=labels,
                        support={"explore": support},
                        extras={"targets": episodes.targets, "explore_actions": tests, "goal_actions": goal})


class FusionActiveTest(DagActiveTest):
    """Experiment 1's closed loop with the budget's steps and a no-test action
    (``n_vars``), which takes a passive sample instead of an intervention."""

    def valid_actions(self, step: int) -> torch.Tensor:
        if step < self.cfg.explore_steps:
            return torch.ones(self.n_batch, self.cfg.n_vars + 1, dtype=torch.bool)
        return super().valid_actions(step)

    def act(self, step: int, action: torch.Tensor) -> None:
        if step < self.cfg.explore_steps:
            action = torch.where(action == self.cfg.n_vars, NO_INTERVENTION, action)
        super().act(step, action)


def training_episodes(design: dag.Design, role: str, split: str, n_episodes: int, data_seed: int, seed: int,
                      n_observational: int):
    """(episodes, their first ``n_observational`` passive samples), the same graphs and
    samples for every condition of a seed."""
    episodes = regimes.draw_episodes(design, REGIME, role, split, n_episodes, data_seed, seed)
    samples = observational_samples(episodes, n_observational, design.env, regimes.EXPERIMENT, REGIME, role, split,
                                    data_seed, seed)
    return episodes, samples


def training_set(design: dag.Design, settings: dict, n_observational: int, val_episodes: int, data_seed: int,
                 seed: int):
    """(training demonstrations, validation sets) of the condition with ``n_observational`` samples."""
    env = budget_env(design.env, settings["budget"])
    skip = settings["irrelevance"]

    def demos(role, split, n_episodes):
        episodes, samples = training_episodes(design, role, split, n_episodes, data_seed, seed, n_observational)
        return demonstrations(episodes, samples, env, skip["margin"], skip["level"])

    train = demos("train", design.train_split, settings["train_episodes"])
    validation = {split: demos("val", split, val_episodes) for split in regimes.VALIDATION_SPLITS}
    return train, validation


def test_samples(episodes: DagEpisodes, n_observational: int, env: DagEnvConfig, split: str, seed: int):
    return observational_samples(episodes, n_observational, env, regimes.EXPERIMENT, REGIME, "test", split, seed)


def episode_table(model, episodes: dict, design: dag.Design, settings: dict, n_observational: int, seed: int,
                  device) -> pd.DataFrame:
    """The learner (closed loop) and the fusion expert on every test split, given the
    same ``n_observational`` samples of each test episode."""
    env = budget_env(design.env, settings["budget"])
    skip = settings["irrelevance"]
    frames = []
    for split, batch in episodes.items():
        samples = test_samples(batch, n_observational, env, split, seed)
        task = FusionActiveTest(batch, env)
        run_closed_loop(model, ChannelledTask(task, observation_channel(samples, batch.targets)), device)
        tests, goal = fusion_expert(batch, samples, env, skip["margin"], skip["level"])
        for policy, explore, goal_action in ((LEARNER, task.executed, task.goal_action), (EXPERT, tests, goal)):
            frame = dag.episode_frame(design, batch, explore, goal_action, seed=seed, split=split, policy=policy)
            frame["n_observational"] = n_observational
            frame["n_interventions"] = (explore >= 0).sum(dim=1).numpy().astype(float)
            frames.append(frame)
    return pd.concat(frames, ignore_index=True)
