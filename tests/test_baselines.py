"""Each baseline on a hand-built graph where its choice is worked out by hand."""

import torch

from conftest import hand_built_episode
from pacs.baselines import (
    correlation_with_target,
    correlational_policy,
    expert_policy,
    observational_policy,
    optimal_policy,
    prior_policy,
    prior_table,
    random_policy,
)
from pacs.envs.causal_dag import DagEnvConfig, goal_action_id

# 0 -> 1 (w 1), 1 -> 2 (w 2), 1 -> 3 (w 1); the target is 1, so the only cause is 0.
DESCENDANT_GRAPH = [[0, 1, 0, 0], [0, 0, 2, 1], [0, 0, 0, 0], [0, 0, 0, 0]]


def action(variable, sign):
    return goal_action_id(torch.tensor([variable]), torch.tensor([float(sign)])).item()


def test_optimal_and_expert_pick_the_strongest_total_effect():
    # 0 -> 1, 1 -> 2, 0 -> 2 (all +1): TE(0, 2) = 2 > TE(1, 2) = 1
    episodes, cfg = hand_built_episode([[0, 1, 1], [0, 0, 1], [0, 0, 0]], target=2)
    assert optimal_policy(episodes, cfg).goal.item() == action(0, +1)
    assert expert_policy(episodes, cfg).goal.item() == action(0, +1)
    # a negative effect is exploited with a negative intervention
    episodes, cfg = hand_built_episode([[0, -1, 0], [0, 0, 0], [0, 0, 0]], target=1)
    assert optimal_policy(episodes, cfg).goal.item() == action(0, -1)
    assert expert_policy(episodes, cfg).goal.item() == action(0, -1)


def test_correlational_baseline_is_fooled_by_a_descendant():
    # Noise-free expert samples (order 0, 1, 2, 3), rows = do(X_k = 5):
    #   X0 = (5, 0, 0, 0), X1 = (5, 5, 0, 0), X2 = (10, 10, 5, 0), X3 = (5, 5, 0, 5).
    # corr(X0, X1) = 0.577, corr(X2, X1) = 37.5 / (8.29 * 5) = 0.905, corr(X3, X1) = 0.577:
    # it intervenes on the descendant X2, which has no effect on X1.
    episodes, cfg = hand_built_episode(DESCENDANT_GRAPH, target=1)
    samples = torch.tensor([[[5.0, 5, 10, 5], [0, 5, 10, 5], [0, 0, 5, 0], [0, 0, 0, 5]]])
    corr = correlation_with_target(samples, episodes.targets)
    assert torch.allclose(corr[0, [0, 2, 3]], torch.tensor([0.5774, 0.9045, 0.5774]), atol=1e-3)
    assert correlational_policy(episodes, cfg).goal.item() == action(2, +1)
    assert optimal_policy(episodes, cfg).goal.item() == action(0, +1)


def test_observational_baseline_uses_passive_samples():
    # Passive samples with hand-set noise; X2 = 2 X1 exactly, so corr(X2, X1) = 1 is the
    # strongest association and it picks X2 (a descendant of the target).
    noise = [[1, 0, 0, 0], [0, 1, 0, 0], [-1, 0, 0, 0], [0, 0, 0, 0.5], [0, 0, 0, 0]]
    episodes, cfg = hand_built_episode(DESCENDANT_GRAPH, target=1, noise=noise)
    assert observational_policy(episodes, cfg).goal.item() == action(2, +1)


def test_prior_plays_the_most_frequent_training_action_for_the_target():
    cfg = DagEnvConfig(n_vars=3, explore_steps=3)
    targets = torch.tensor([2, 2, 2, 0])
    goals = torch.tensor([action(1, -1), action(1, -1), action(0, +1), action(2, +1)])
    prior = prior_table(targets, goals, cfg)
    assert prior.tolist()[2] == action(1, -1)
    assert prior.tolist()[0] == action(2, +1)
    assert prior[1].item() == action(0, +1), "unseen target: lowest allowed action"
    episodes, _ = hand_built_episode([[0, 0, 1], [0, 0, 0], [0, 0, 0]], target=2)
    assert prior_policy(episodes, cfg, prior=prior).goal.item() == action(1, -1)


def test_random_baseline_is_uniform_over_allowed_actions():
    episodes, cfg = hand_built_episode([[0, 1, 0], [0, 0, 1], [0, 0, 0]], target=1)
    many = episodes.select(torch.zeros(6000, dtype=torch.long))
    goals = random_policy(many, cfg, generator=torch.Generator().manual_seed(0)).goal
    assert not torch.any(goals // 2 == 1), "never intervenes on the target"
    counts = torch.bincount(goals, minlength=6).float()
    allowed = counts[[0, 1, 4, 5]]
    assert torch.all((allowed / 6000 - 0.25).abs() < 0.03)
