"""C6, data fusion: observational samples, the fusion expert's plan, its demonstrations and the closed loop."""

import pytest
import torch

from conftest import hand_built_episode
from pacs.envs.causal_dag import NO_INTERVENTION, DagEnvConfig, sample_episodes
from pacs.envs.dag_task import token_width
from pacs.envs.task_channels import ChannelledTask
from pacs.experiments import data_fusion
from pacs.rollout import run_closed_loop

# B is the target; only A drives it strongly, D weakly; C is unrelated
WEIGHTS = [[0, 2, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0.3, 0, 0]]
NOISY = DagEnvConfig(n_vars=4, explore_steps=4, noise_std=1.0, held_out_links=())


def hand_case(order=(2, 1, 3, 0)):
    episodes, _ = hand_built_episode(WEIGHTS, target=1, order=list(order))
    return episodes


def test_passive_samples_follow_the_graph_and_a_prefix_is_the_same_however_many_are_drawn():
    episodes = hand_case()
    samples = data_fusion.observational_samples(episodes, 400, NOISY, "test", 5)
    assert samples.shape == (1, 400, 4)
    assert torch.corrcoef(samples[0].T)[0, 1] > 0.8
    assert torch.equal(data_fusion.observational_samples(episodes, 30, NOISY, "test", 5), samples[:, :30])
    assert data_fusion.observational_samples(episodes, 0, NOISY, "test", 5).shape == (1, 0, 4)


def test_the_fusion_expert_tests_what_the_observational_samples_point_to():
    episodes = hand_case()
    samples = data_fusion.observational_samples(episodes, 400, NOISY, "test", 5)
    # margin 0: nothing is skipped; the strongest association first, then the weak one
    assert data_fusion.fusion_plan(samples, episodes.targets, episodes.expert_order, 2, 0.0, 0.95).tolist() == [[0, 3]]
    # D's correlation with B is about 0.13 and C's 0: with 5000 samples only C is shown to be
    # within +/- 0.1, so its test is skipped for a passive step; with margin 0.3 D's is too
    many = data_fusion.observational_samples(episodes, 5000, NOISY, "test", 5)
    plan = data_fusion.fusion_plan(many, episodes.targets, episodes.expert_order, 3, 0.1, 0.95)
    assert plan.tolist() == [[0, 3, NO_INTERVENTION]]
    plan = data_fusion.fusion_plan(many, episodes.targets, episodes.expert_order, 3, 0.3, 0.95)
    assert plan.tolist() == [[0, NO_INTERVENTION, NO_INTERVENTION]]
    cfg = data_fusion.budget_env(NOISY, 1)
    tests, goal = data_fusion.fusion_expert(episodes, samples, cfg, 0.3, 0.95)
    assert tests.tolist() == [[0]] and goal.tolist() == [0]  # set A high


def test_without_samples_the_fusion_expert_follows_its_own_order_and_never_tests_the_target():
    episodes = hand_case(order=(1, 2, 3, 0))  # the target B comes first in its order
    no_samples = torch.zeros(1, 0, 4)
    assert data_fusion.fusion_plan(no_samples, episodes.targets, episodes.expert_order, 3, 0.3, 0.95).tolist() == [
        [2, 3, 0]]
    few = data_fusion.observational_samples(episodes, 3, NOISY, "test", 5)  # too few to call anything irrelevant
    assert (data_fusion.fusion_plan(few, episodes.targets, episodes.expert_order, 3, 0.3, 0.95) >= 0).all()


def test_the_budget_must_be_smaller_than_the_variables():
    with pytest.raises(ValueError, match="c6.fusion.budget"):
        data_fusion.budget_env(DagEnvConfig(), 5)


def test_demonstrations_label_skipped_tests_as_the_no_test_action_and_carry_what_the_samples_show():
    cfg = DagEnvConfig()
    episodes = sample_episodes(300, cfg, "train", torch.Generator().manual_seed(0))
    samples = data_fusion.observational_samples(episodes, 500, cfg, "demo")
    env = data_fusion.budget_env(cfg, 2)
    data = data_fusion.demonstrations(episodes, samples, env, 0.3, 0.95)
    tests = data.extras["explore_actions"]
    assert (tests == NO_INTERVENTION).any(), "with 500 samples some tests are skipped"
    labels = data.labels["explore"][:, :2]
    assert torch.equal(labels, torch.where(tests == NO_INTERVENTION, cfg.n_vars, tests))
    channel = data.tokens[:, 0, token_width(env):]
    assert torch.equal(channel[:, :5].argmax(1), episodes.targets)  # the target, from the first token
    correlations = data_fusion.correlation_matrices(samples)
    assert torch.allclose(channel[:, 5 + 0], correlations[:, 0, 1])  # upper triangle, row-major: (0, 1) first
    assert torch.allclose(correlations[0], torch.corrcoef(samples[0].T), atol=1e-5)
    assert (channel[:, 5:] == data.tokens[:, -1, token_width(env) + 5:]).all(), "the same in every token"
    # without samples: any untested variable but the target is as good as the expert's pick
    blind = data_fusion.demonstrations(episodes, samples[:, :0], env, 0.3, 0.95)
    support = blind.support["explore"]
    assert support[:, 0, :5].sum(1).eq(4).all() and not support[:, 0, 5].any()
    assert support[torch.arange(300), 0, episodes.targets].eq(False).all()
    assert blind.tokens[:, 0, token_width(env) + 5:].eq(0).all()


def test_the_no_test_action_takes_a_passive_sample_in_the_closed_loop():
    cfg = DagEnvConfig()
    episodes = sample_episodes(20, cfg, "in_distribution", torch.Generator().manual_seed(1))
    env = data_fusion.budget_env(cfg, 2)

    class Passive(torch.nn.Module):  # always "no test", then goal action 0 or 2
        def forward(self, tokens):
            explore = torch.zeros(*tokens.shape[:2], cfg.n_vars + 1)
            explore[..., cfg.n_vars] = 1.0
            return {"explore": explore, "goal": torch.zeros(*tokens.shape[:2], cfg.n_goal_actions)}

    task = data_fusion.FusionActiveTest(episodes, env)
    channel = torch.ones(20, 3)
    wrapped = ChannelledTask(task, channel)
    run_closed_loop(Passive(), wrapped, "cpu")
    assert (task.executed == NO_INTERVENTION).all()
    assert wrapped.tokens.shape == (20, 3, token_width(env) + 3) and wrapped.tokens[..., -3:].eq(1).all()
    assert task.tokens[:, 1:, : cfg.n_vars].eq(0).all(), "no intervention shows in the tokens"
