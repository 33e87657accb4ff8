"""C6 groundwork: DAgger relabelling by the oracle expert, and the data-fusion expert."""

import torch

from conftest import hand_built_episode
from pacs.envs.causal_dag import DagEnvConfig, expert_goal_action, run_exploration, sample_episodes
from pacs.envs.dag_task import expert_demonstrations
from pacs.experiments import training_regimes


def test_oracle_labels_a_tiny_visited_case_by_hand():
    # expert order C, A, D, B; the learner tested A, A, B, D
    order = torch.tensor([[2, 0, 3, 1]])
    tests = torch.tensor([[0, 0, 1, 3]])
    labels, support = training_regimes.oracle_explore_labels(tests, order, 4)
    # before any test: C (first in order); after A: still C; after A again: C; after A, B: C
    assert labels.tolist() == [[2, 2, 2, 2]]
    assert support[0].tolist() == [[True, True, True, True], [False, True, True, True],
                                   [False, True, True, True], [False, False, True, True]]
    tests = torch.tensor([[2, 0, 3, 1]])
    labels, _ = training_regimes.oracle_explore_labels(tests, order, 4)
    assert labels.tolist() == [[2, 0, 3, 1]]  # on the expert's own path the oracle is the expert


def test_relabelled_visits_carry_the_oracles_goal_on_the_learners_observations():
    weights = [[0, 0, 1, 0], [0, 0, 0, 0], [0, 0, 0, 0], [0, -1, 0, 0]]  # A -> C, D -> B (negative)
    episodes, cfg = hand_built_episode(weights, target=1, order=[2, 0, 3, 1])
    tests = torch.tensor([[0, 0, 3, 2]])
    data = training_regimes.oracle_relabel(episodes, tests, cfg)
    observations = run_exploration(episodes, tests, cfg)
    assert data.labels["goal"][0, cfg.explore_steps] == expert_goal_action(tests, observations, episodes.targets, cfg)
    assert data.labels["goal"][0, cfg.explore_steps] == 2 * 3 + 1  # set D low to raise B
    # C (first in the order) stays untested until the last step: the oracle keeps asking for it
    assert data.labels["explore"][0, : cfg.explore_steps].tolist() == [2, 2, 2, 2]
    assert torch.equal(data.extras["visited_tests"], tests)


def test_on_expert_visits_the_relabelled_data_is_the_expert_data():
    cfg = DagEnvConfig()
    episodes = sample_episodes(40, cfg, "train", torch.Generator().manual_seed(0))
    relabelled = training_regimes.oracle_relabel(episodes, episodes.expert_order, cfg)
    expert = expert_demonstrations(episodes, cfg)
    assert torch.equal(relabelled.tokens, expert.tokens)
    assert torch.equal(relabelled.labels["explore"], expert.labels["explore"])
    assert torch.equal(relabelled.labels["goal"], expert.labels["goal"])


def test_the_fusion_expert_tests_what_the_observational_samples_point_to():
    # B is the target; only A drives it strongly, D weakly; C is unrelated
    weights = [[0, 2, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0.3, 0, 0]]
    episodes, _ = hand_built_episode(weights, target=1)
    cfg = DagEnvConfig(n_vars=4, explore_steps=4, noise_std=1.0, held_out_links=())
    samples = training_regimes.observational_samples(episodes, 400, cfg, torch.Generator().manual_seed(5))
    assert samples.shape == (1, 400, 4)
    assert torch.corrcoef(samples[0].T)[0, 1] > 0.8  # passive samples follow the graph
    plan = training_regimes.fusion_plan(samples, episodes.targets, budget=2)
    assert plan.tolist() == [[0, 3]]
    tests, goal = training_regimes.fusion_expert(episodes, samples, cfg, budget=1)
    assert tests.tolist() == [[0]] and goal.tolist() == [0]  # set A high
    assert training_regimes.observational_samples(episodes, 0, cfg, torch.Generator()).shape == (1, 0, 4)
