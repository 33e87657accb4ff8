"""Mixed-quality demonstrations for return-conditioned imitation (C6 groundwork)."""

import pytest
import torch

from pacs.envs import dag_mixtures
from pacs.envs.causal_dag import expert_goal_action, goal_action_parts, run_exploration, sample_episodes
from pacs.envs.dag_task import encode_episode, expert_demonstrations, token_width


def episodes_and_cfg(env_cfg, n=600, seed=0):
    return sample_episodes(n, env_cfg, "train", torch.Generator().manual_seed(seed)), env_cfg


@pytest.mark.parametrize("n, mix", [(10, {"expert": 0.5, "noisy_expert": 0.3, "random_exploit": 0.2}),
                                    (7, {"expert": 1 / 3, "noisy_expert": 1 / 3, "random_exploit": 1 / 3}),
                                    (5, {"expert": 1.0})])
def test_kind_counts_are_what_the_mix_says(n, mix):
    counts = dag_mixtures.kind_counts(n, mix)
    assert sum(counts.values()) == n
    assert all(abs(counts[kind] - share * n) < 1 for kind, share in mix.items())


def test_a_bad_mix_is_an_error():
    with pytest.raises(ValueError, match="sum to 1"):
        dag_mixtures.kind_counts(10, {"expert": 0.5, "random_exploit": 0.2})
    with pytest.raises(ValueError, match="unknown demonstrator kind"):
        dag_mixtures.kind_counts(10, {"expert": 0.5, "oracle": 0.5})


def test_the_expert_kind_reproduces_the_expert_demonstrations(env_cfg):
    episodes, cfg = episodes_and_cfg(env_cfg, 50)
    data = dag_mixtures.mixed_demonstrations(episodes, cfg, {"expert": 1.0}, 0.0, [0.5, 0.99],
                                             torch.Generator().manual_seed(1))
    expert = expert_demonstrations(episodes, cfg)
    assert torch.equal(data.tokens[..., : token_width(cfg)], expert.tokens)
    assert torch.equal(data.labels["explore"], expert.labels["explore"])
    assert torch.equal(data.labels["goal"], expert.labels["goal"])


def test_noise_replaces_about_that_share_of_actions_with_legal_ones(env_cfg):
    episodes, cfg = episodes_and_cfg(env_cfg, 2000)
    tests, observations, goal = dag_mixtures.demonstrator_actions(episodes, cfg, "noisy_expert", 0.3,
                                                                  torch.Generator().manual_seed(2))
    changed = (tests != episodes.expert_order).float().mean()
    assert changed == pytest.approx(0.3 * (cfg.n_vars - 1) / cfg.n_vars, abs=0.03)  # a redraw may repeat
    variable, _ = goal_action_parts(goal)
    assert (variable != episodes.targets).all()  # every goal action is legal
    assert torch.equal(observations, run_exploration(episodes, tests, cfg))


def test_random_exploit_exploits_what_its_random_tests_showed(env_cfg):
    episodes, cfg = episodes_and_cfg(env_cfg, 300)
    tests, observations, goal = dag_mixtures.demonstrator_actions(episodes, cfg, "random_exploit", 0.0,
                                                                  torch.Generator().manual_seed(3))
    assert not torch.equal(tests, episodes.expert_order)
    assert torch.equal(goal, expert_goal_action(tests, observations, episodes.targets, cfg))


def test_quality_labels_rank_the_kinds_and_ride_in_every_token(env_cfg):
    episodes, cfg = episodes_and_cfg(env_cfg, 900)
    mix = {"expert": 1 / 3, "noisy_expert": 1 / 3, "random_exploit": 1 / 3}
    edges = [0.5, 0.99]
    data = dag_mixtures.mixed_demonstrations(episodes, cfg, mix, 0.5, edges, torch.Generator().manual_seed(4))
    kinds, scores, buckets = data.extras["kind"], data.extras["quality"], data.extras["bucket"]
    assert torch.bincount(kinds).tolist() == [300, 300, 300]
    assert scores.max() <= 1 + 1e-6
    means = [float(scores[kinds == k].mean()) for k in range(3)]
    assert means[0] > means[1] and means[0] > means[2]
    assert torch.equal(buckets, (scores >= 0.5).long() + (scores >= 0.99).long())
    channel = data.tokens[..., token_width(cfg):]
    assert channel.shape[-1] == len(edges) + 1
    assert torch.equal(channel.argmax(-1), buckets[:, None].expand(-1, data.tokens.shape[1]))
    assert torch.equal(channel.sum(-1), torch.ones(channel.shape[:2]))
    assert torch.equal(data.tokens[..., : token_width(cfg)],
                       encode_episode(data.extras["explore_actions"],
                                      run_exploration(episodes, data.extras["explore_actions"], cfg),
                                      episodes.targets, cfg))
