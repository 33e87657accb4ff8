"""The causal-DAG environment: interventions, total effects, held-out split, expert."""

import itertools

import numpy as np
import pytest
import torch

from conftest import hand_built_episode
from pacs.envs.causal_dag import (
    NO_INTERVENTION,
    DagEnvConfig,
    best_effect_magnitude,
    expected_goal_reward,
    expert_goal_action,
    has_held_out_link,
    optimal_reward,
    run_exploration,
    sample_episodes,
    sample_under_intervention,
    sample_weights,
    total_effects,
)


def paths_total_effect(weights: np.ndarray, source: int, sink: int) -> float:
    """Sum over directed paths of the product of edge weights (independent of (I - W)^-1)."""
    n = len(weights)
    if source == sink:
        return 1.0
    total = 0.0
    for step in range(n):
        if weights[source, step] != 0:
            total += weights[source, step] * paths_total_effect(weights, step, sink)
    return total


def reachable(weights: np.ndarray, source: int, sink: int) -> bool:
    """Depth-first search for a directed path of nonzero edges."""
    stack, seen = [source], set()
    while stack:
        node = stack.pop()
        for nxt in np.nonzero(weights[node])[0]:
            if nxt == sink:
                return True
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return False


def test_weights_form_dags_with_allowed_values(env_cfg):
    weights = sample_weights(500, env_cfg, torch.Generator().manual_seed(0))
    power = torch.linalg.matrix_power(weights, env_cfg.n_vars)
    assert torch.all(power == 0), "a DAG's adjacency matrix is nilpotent"
    assert set(weights.unique().tolist()) <= set(env_cfg.weight_values)
    assert torch.all(torch.diagonal(weights, dim1=1, dim2=2) == 0)


def test_intervention_cuts_incoming_edges():
    # 0 -> 1 -> 2, all weights 1; distinct noise per variable
    episodes, cfg = hand_built_episode([[0, 1, 0], [0, 0, 1], [0, 0, 0]], target=2)
    noise = torch.tensor([[0.3, -0.2, 0.1]])
    x = sample_under_intervention(episodes.weights, noise, torch.tensor([1]), 5.0)
    assert torch.allclose(x, torch.tensor([[0.3, 5.0, 5.1]]))
    # the parent's noise no longer reaches the intervened variable
    other = sample_under_intervention(episodes.weights, torch.tensor([[9.0, -0.2, 0.1]]), torch.tensor([1]), 5.0)
    assert other[0, 1] == 5.0 and other[0, 2] == x[0, 2]
    passive = sample_under_intervention(episodes.weights, noise, torch.tensor([NO_INTERVENTION]), 5.0)
    assert torch.allclose(passive, torch.tensor([[0.3, 0.1, 0.2]]))


def test_total_effects_match_path_sums_and_interventional_means(env_cfg):
    weights = sample_weights(20, env_cfg, torch.Generator().manual_seed(1))
    effects = total_effects(weights)
    for b in range(20):
        w = weights[b].numpy()
        for i, j in itertools.product(range(env_cfg.n_vars), repeat=2):
            assert effects[b, i, j].item() == pytest.approx(paths_total_effect(w, i, j), abs=1e-5)
    # E[X_j | do(X_i = 5)] = 5 T[i, j], measured by sampling
    n_samples = 4000
    w = weights[:1].expand(n_samples, -1, -1)
    noise = torch.randn(n_samples, env_cfg.n_vars, generator=torch.Generator().manual_seed(2))
    for i in range(env_cfg.n_vars):
        x = sample_under_intervention(w, noise, torch.full((n_samples,), i), 5.0)
        assert torch.allclose(x.mean(0), 5.0 * effects[0, i], atol=0.15)


@pytest.mark.parametrize("split", ["train", "in_distribution"])
def test_training_splits_never_contain_the_held_out_link(env_cfg, split):
    episodes = sample_episodes(3000, env_cfg, split, torch.Generator().manual_seed(3))
    assert not has_held_out_link(episodes.weights, env_cfg.held_out_links).any()
    for b in range(0, 3000, 10):  # independent check with a graph search
        assert not reachable(episodes.weights[b].numpy(), 0, 1)


def test_held_out_splits_contain_the_link(env_cfg):
    held = sample_episodes(500, env_cfg, "held_out", torch.Generator().manual_seed(4))
    assert all(reachable(held.weights[b].numpy(), 0, 1) for b in range(500))
    goal = sample_episodes(500, env_cfg, "held_out_link_goal", torch.Generator().manual_seed(5))
    assert torch.all(goal.targets == 1)
    effects = total_effects(goal.weights)[:, :, 1].abs()
    link = effects[:, 0]
    others = effects[:, 2:].max(dim=1).values
    assert torch.all(link > others), "A must be the unique best cause of B"


def test_targets_have_a_cause_and_optimum_is_positive(env_cfg):
    episodes = sample_episodes(1000, env_cfg, "train", torch.Generator().manual_seed(6))
    assert torch.all(optimal_reward(episodes, env_cfg) > 0)


def test_expert_reaches_the_optimum_when_noise_is_tiny():
    cfg = DagEnvConfig(noise_std=1e-4)
    for split in ("in_distribution", "held_out", "held_out_link_goal"):
        episodes = sample_episodes(2000, cfg, split, torch.Generator().manual_seed(7))
        observations = run_exploration(episodes, episodes.expert_order, cfg)
        goal = expert_goal_action(episodes.expert_order, observations, episodes.targets, cfg)
        assert torch.allclose(expected_goal_reward(episodes, goal, cfg), optimal_reward(episodes, cfg))


def test_expert_explores_every_variable_once(env_cfg):
    episodes = sample_episodes(200, env_cfg, "train", torch.Generator().manual_seed(8))
    assert torch.all(episodes.expert_order.sort(dim=1).values == torch.arange(env_cfg.n_vars))


def test_same_seed_same_episodes(env_cfg):
    a = sample_episodes(100, env_cfg, "held_out", torch.Generator().manual_seed(9))
    b = sample_episodes(100, env_cfg, "held_out", torch.Generator().manual_seed(9))
    assert torch.equal(a.weights, b.weights) and torch.equal(a.noise, b.noise)


def test_best_effect_excludes_the_target_itself():
    episodes, _ = hand_built_episode([[0, 0, 0], [0, 0, 0], [0, 0, 0]], target=1)
    assert best_effect_magnitude(total_effects(episodes.weights), episodes.targets).item() == 0.0
