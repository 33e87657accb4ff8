"""C6, DAgger: the oracle's labels of visited states, the rounds' training sets, the closed loop."""

import pytest
import torch

from conftest import hand_built_episode
from pacs.envs.causal_dag import DagEnvConfig, expert_goal_action, run_exploration, sample_episodes
from pacs.envs.dag_task import encode_episode, expert_demonstrations
from pacs.experiments import dagger, regimes


class ScriptedAgent(torch.nn.Module):
    """Acts by a fixed script: the ``explore`` head always prefers the variables of
    ``tests`` in order (one per step), the ``goal`` head always ``goal``."""

    def __init__(self, tests, goal, n_vars):
        super().__init__()
        self.tests, self.goal, self.n_vars = tests, goal, n_vars

    def forward(self, tokens):
        n_batch, length = tokens.shape[:2]
        explore = torch.zeros(n_batch, length, self.n_vars)
        steps = min(length, len(self.tests))
        explore[:, torch.arange(steps), torch.tensor(self.tests)[:steps]] = 1.0
        goal = torch.zeros(n_batch, length, 2 * self.n_vars)
        goal[..., self.goal] = 1.0
        return {"explore": explore, "goal": goal}


def test_oracle_labels_a_tiny_visited_case_by_hand():
    # expert order C, A, D, B; the learner tested A, A, B, D
    order = torch.tensor([[2, 0, 3, 1]])
    tests = torch.tensor([[0, 0, 1, 3]])
    labels, support = dagger.oracle_explore_labels(tests, order, 4)
    # before any test: C (first in order); after A: still C; after A again: C; after A, B: C
    assert labels.tolist() == [[2, 2, 2, 2]]
    assert support[0].tolist() == [[True, True, True, True], [False, True, True, True],
                                   [False, True, True, True], [False, False, True, True]]
    assert dagger.off_oracle_steps(tests, order, 4).tolist() == [1.0]  # the second A
    tests = torch.tensor([[2, 0, 3, 1]])
    labels, _ = dagger.oracle_explore_labels(tests, order, 4)
    assert labels.tolist() == [[2, 0, 3, 1]]  # on the expert's own path the oracle is the expert
    assert dagger.off_oracle_steps(tests, order, 4).tolist() == [0.0]


def test_relabelled_visits_carry_the_oracles_goal_on_the_learners_observations():
    weights = [[0, 0, 1, 0], [0, 0, 0, 0], [0, 0, 0, 0], [0, -1, 0, 0]]  # A -> C, D -> B (negative)
    episodes, cfg = hand_built_episode(weights, target=1, order=[2, 0, 3, 1])
    tests = torch.tensor([[0, 0, 3, 2]])
    data = dagger.oracle_relabel(episodes, tests, cfg)
    observations = run_exploration(episodes, tests, cfg)
    assert data.labels["goal"][0, cfg.explore_steps] == expert_goal_action(tests, observations, episodes.targets, cfg)
    assert data.labels["goal"][0, cfg.explore_steps] == 2 * 3 + 1  # set D low to raise B
    # C (first in the order) stays untested until the last step: the oracle keeps asking for it
    assert data.labels["explore"][0, : cfg.explore_steps].tolist() == [2, 2, 2, 2]
    assert torch.equal(data.extras["visited_tests"], tests)


def test_on_expert_visits_the_relabelled_data_is_the_expert_data():
    cfg = DagEnvConfig()
    episodes = sample_episodes(40, cfg, "train", torch.Generator().manual_seed(0))
    relabelled = dagger.oracle_relabel(episodes, episodes.expert_order, cfg)
    expert = expert_demonstrations(episodes, cfg)
    assert torch.equal(relabelled.tokens, expert.tokens)
    assert torch.equal(relabelled.labels["explore"], expert.labels["explore"])
    assert torch.equal(relabelled.labels["goal"], expert.labels["goal"])


INITIAL, PER_ROUND = 6, 4


def test_a_dagger_round_labels_the_states_the_learner_visited_with_the_oracles_actions():
    design = regimes.regime_design({})
    learner = ScriptedAgent(tests=[3, 3, 1, 3, 0], goal=0, n_vars=5)  # repeats variable 3
    visits = dagger.visit_and_relabel(learner, design, 1, PER_ROUND, data_seed=0, seed=0, device="cpu")
    episodes = dagger.round_episodes(design, 1, PER_ROUND, 0, 0)
    tests = torch.tensor([[3, 3, 1, 3, 0]]).expand(len(episodes), -1)
    # the states are the learner's own: its tests and what they showed
    assert torch.equal(visits.extras["visited_tests"], tests)
    assert torch.equal(visits.tokens, encode_episode(tests, run_exploration(episodes, tests, design.env),
                                                     episodes.targets, design.env))
    # the labels are the oracle's: first untested variable of each episode's expert order
    for row in range(len(episodes)):
        order, tested, expected = episodes.expert_order[row].tolist(), set(), []
        for test in tests[row].tolist():
            expected.append(next(v for v in order if v not in tested))
            tested.add(test)
        assert visits.labels["explore"][row, :5].tolist() == expected
    observations = run_exploration(episodes, tests, design.env)
    assert torch.equal(visits.labels["goal"][:, 5], expert_goal_action(tests, observations, episodes.targets,
                                                                        design.env))


def test_both_arms_of_a_round_have_the_same_labelled_steps_on_the_same_graphs():
    design = regimes.regime_design({})
    expert = [dagger.expert_round(design, r, INITIAL if r == 0 else PER_ROUND, 0, 0) for r in range(3)]
    assert [len(rows) for rows in expert] == [6, 4, 4]
    learner = ScriptedAgent(tests=[0, 1, 2, 3, 4], goal=2, n_vars=5)
    visits = [dagger.visit_and_relabel(learner, design, r, PER_ROUND, 0, 0, "cpu") for r in (1, 2)]
    plain = dagger.training_set("plain", 2, expert, [])
    relabelled = dagger.training_set("dagger", 2, expert[:1], visits)
    assert dagger.labelled_steps(plain) == dagger.labelled_steps(relabelled) == 14 * 6
    assert torch.equal(plain.tokens[:6], relabelled.tokens[:6])  # round 0: the expert's in both arms
    # the same graphs: both arms' later rounds come from each round's one draw of episodes
    for r in (1, 2):
        episodes = dagger.round_episodes(design, r, PER_ROUND, 0, 0)
        assert torch.equal(expert[r].tokens, expert_demonstrations(episodes, design.env).tokens)
        assert torch.equal(visits[r - 1].tokens, dagger.oracle_relabel(episodes, visits[r - 1].extras["visited_tests"],
                                                                       design.env).tokens)
    assert not torch.equal(dagger.round_episodes(design, 1, PER_ROUND, 0, 0).weights,
                           dagger.round_episodes(design, 2, PER_ROUND, 0, 0).weights), "rounds draw fresh graphs"
    assert torch.equal(dagger.training_set("initial", 0, expert[:1], []).tokens, expert[0].tokens)
    with pytest.raises(ValueError, match="needs 2 later rounds"):
        dagger.training_set("dagger", 2, expert[:1], visits[:1])
    with pytest.raises(ValueError, match="round 0"):
        dagger.learner_name("dagger", 0)
