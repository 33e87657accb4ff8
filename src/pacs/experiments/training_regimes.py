"""Experiment 6 (C6) groundwork: the data of two training regimes beyond plain
imitation, on Experiment 1's causal-DAG task (not yet pipeline stages).

- DAgger-style correction (``oracle_relabel``): the states a learner visited in
  its own rollouts, labelled with what the expert would do there. The expert is
  an oracle that knows what has been observed: while exploring, it tests the
  first variable of its own random order that the episode has not tested yet (a
  new sweep once all are tested), and any untested variable is equally good; at
  the goal it takes the best intervention by its interventional estimates from
  the tests actually run.
- Data fusion (``observational_samples``, ``fusion_plan``): free passive samples
  before exploration, and an expert that uses them when its budget of tests is
  smaller than the number of variables: it tests the variables most correlated
  with the target in the observational samples, then exploits as usual.
"""

from __future__ import annotations

import torch

from pacs.baselines import correlation_with_target
from pacs.data import TokenDataset
from pacs.envs.causal_dag import NO_INTERVENTION, DagEnvConfig, DagEpisodes, expert_goal_action, run_exploration
from pacs.envs.causal_dag import sample_under_intervention
from pacs.envs.dag_task import IGNORE, encode_episode


def oracle_explore_labels(tests: torch.Tensor, expert_order: torch.Tensor, n_vars: int):
    """For each exploration step of visited episodes (tests (B, E) the learner ran):
    (the oracle's action (B, E), the equally good actions (B, E, n))."""
    n_batch, n_steps = tests.shape
    labels = torch.empty(n_batch, n_steps, dtype=torch.long)
    support = torch.zeros(n_batch, n_steps, n_vars, dtype=torch.bool)
    tested = torch.zeros(n_batch, n_vars, dtype=torch.bool)
    batch = torch.arange(n_batch)
    for step in range(n_steps):
        tested[tested.all(dim=1)] = False  # everything tested: a new sweep
        untested_in_order = ~tested.gather(1, expert_order[:, :n_vars])
        first = untested_in_order.float().argmax(dim=1)
        labels[:, step] = expert_order[batch, first]
        support[:, step] = ~tested
        tested[batch, tests[:, step]] = True
    return labels, support


def oracle_relabel(episodes: DagEpisodes, tests: torch.Tensor, cfg: DagEnvConfig) -> TokenDataset:
    """The learner's visited states (its own tests and what they showed) as training
    data labelled with the oracle's actions; ``support`` holds every equally good
    exploration action."""
    observations = run_exploration(episodes, tests, cfg)
    tokens = encode_episode(tests, observations, episodes.targets, cfg)
    explore, explore_support = oracle_explore_labels(tests, episodes.expert_order, cfg.n_vars)
    goal = expert_goal_action(tests, observations, episodes.targets, cfg)
    n_batch, length = tokens.shape[:2]
    explore_labels = torch.full((n_batch, length), IGNORE, dtype=torch.long)
    explore_labels[:, : cfg.explore_steps] = explore
    goal_labels = torch.full((n_batch, length), IGNORE, dtype=torch.long)
    goal_labels[:, cfg.explore_steps] = goal
    support = torch.zeros(n_batch, length, cfg.n_vars, dtype=torch.bool)
    support[:, : cfg.explore_steps] = explore_support
    return TokenDataset(tokens=tokens, labels={"explore": explore_labels, "goal": goal_labels},
                        support={"explore": support},
                        extras={"targets": episodes.targets, "visited_tests": tests, "goal_actions": goal})


def observational_samples(episodes: DagEpisodes, n_samples: int, cfg: DagEnvConfig,
                          generator: torch.Generator) -> torch.Tensor:
    """``n_samples`` passive samples of every episode's graph (fresh noise), (B, S, n)."""
    n_batch = len(episodes)
    passive = torch.full((n_batch,), NO_INTERVENTION, dtype=torch.long)
    samples = [sample_under_intervention(episodes.weights, cfg.noise_std * torch.randn(n_batch, cfg.n_vars,
                                                                                      generator=generator),
                                         passive, 0.0) for _ in range(n_samples)]
    return torch.stack(samples, dim=1) if samples else torch.zeros(n_batch, 0, cfg.n_vars)


def fusion_plan(samples: torch.Tensor, targets: torch.Tensor, budget: int) -> torch.Tensor:
    """The ``budget`` variables (never the target) most correlated in absolute value
    with the target across observational ``samples``, strongest first; (B, budget)."""
    strength = correlation_with_target(samples, targets).abs()
    strength[torch.arange(len(targets)), targets] = -1.0  # the target is not worth testing
    return torch.argsort(strength, dim=1, descending=True, stable=True)[:, :budget]


def fusion_expert(episodes: DagEpisodes, samples: torch.Tensor, cfg: DagEnvConfig, budget: int):
    """(tests (B, budget), goal actions (B,)) of the expert that spends its budget on
    the variables the observational samples point to, then exploits what it saw."""
    tests = fusion_plan(samples, episodes.targets, budget)
    observations = run_exploration(episodes, tests, cfg)
    return tests, expert_goal_action(tests, observations, episodes.targets, cfg)
