"""C6, return conditioning: the systematic demonstrator, the learners' views of the mix, the test channel."""

import pandas as pd
import pytest
import torch

from pacs.analysis import mixture_summary
from pacs.envs import dag_mixtures
from pacs.envs.causal_dag import goal_action_parts, sample_episodes
from pacs.envs.dag_task import token_width
from pacs.experiments import regimes, return_conditioning
from pacs.stats import BootstrapSettings

SETTINGS = {"train_episodes": 400, "mix": {"expert": 0.25, "noisy_expert": 0.25, "random_exploit": 0.2,
                                           "wrong_sign": 0.3},
            "noise": 0.5, "quality_edges": [0.5, 0.99]}


def test_the_wrong_sign_demonstrator_explores_as_the_expert_and_flips_only_the_sign(env_cfg):
    episodes = sample_episodes(300, env_cfg, "train", torch.Generator().manual_seed(0))
    generator = torch.Generator().manual_seed(1)
    tests, observations, goal = dag_mixtures.demonstrator_actions(episodes, env_cfg, "expert", 0.0, generator)
    wrong_tests, wrong_observations, wrong_goal = dag_mixtures.demonstrator_actions(episodes, env_cfg, "wrong_sign",
                                                                                    0.0, generator)
    assert torch.equal(tests, wrong_tests) and torch.equal(observations, wrong_observations)
    variable, sign = goal_action_parts(goal)
    wrong_variable, wrong_sign = goal_action_parts(wrong_goal)
    assert torch.equal(variable, wrong_variable) and torch.equal(sign, -wrong_sign)
    assert dag_mixtures.quality(episodes, wrong_goal, env_cfg).mean() < -0.5


def test_each_learner_sees_the_mix_as_its_condition_says():
    design = regimes.regime_design({})
    mixed = return_conditioning.draw_mixture(design, SETTINGS, data_seed=0, seed=0)
    assert torch.bincount(mixed.extras["kind"]).tolist() == [100, 100, 80, 120]  # the config's shares of 400
    width = token_width(design.env)
    views = {learner: return_conditioning.learner_training_set(mixed, design, SETTINGS, learner, 50, 0, 0)
             for learner in return_conditioning.LEARNERS}
    conditioned, conditioned_val = views["conditioned"]
    assert torch.equal(conditioned.tokens, mixed.tokens)
    plain, plain_val = views["plain"]
    assert torch.equal(plain.tokens[..., :width], mixed.tokens[..., :width]) and plain.tokens[..., width:].eq(0).all()
    assert torch.equal(plain.labels["goal"], mixed.labels["goal"])
    expert_only, _ = views["expert_only"]
    assert len(expert_only) == 100 and expert_only.tokens[..., width:].eq(0).all()
    assert torch.equal(expert_only.tokens[..., :width], mixed.tokens[:100, :, :width])  # the expert's come first
    # validation: expert episodes read with the channel of the test (top bucket, or blank)
    for split in regimes.VALIDATION_SPLITS:
        assert conditioned_val[split].tokens[..., width:].argmax(-1).eq(2).all()
        assert plain_val[split].tokens[..., width:].eq(0).all()
        assert torch.equal(conditioned_val[split].tokens[..., :width], plain_val[split].tokens[..., :width])
    assert return_conditioning.quality_channel(4, SETTINGS, "conditioned").tolist() == [[0, 0, 1]] * 4
    assert return_conditioning.quality_channel(4, SETTINGS, "plain").eq(0).all()


def test_the_mixture_summary_reports_each_kinds_share_and_quality():
    design = regimes.regime_design({})
    mixed = return_conditioning.draw_mixture(design, SETTINGS, data_seed=0, seed=3)
    table = return_conditioning.mixture_kinds(mixed, SETTINGS, seed=3).set_index("kind")
    assert table.episodes.to_dict() == {"expert": 100, "noisy_expert": 100, "random_exploit": 80, "wrong_sign": 120}
    assert table.loc["expert", "mean_quality"] > 0.9 > table.loc["noisy_expert", "mean_quality"]
    assert table.loc["wrong_sign", "mean_quality"] < 0 and table.loc["wrong_sign", "top_bucket_share"] == 0


def test_the_mixture_summary_keeps_negative_quality_inside_its_interval():
    kinds = pd.DataFrame({"seed": [0, 1, 2, 0, 1, 2], "kind": ["expert"] * 3 + ["wrong_sign"] * 3,
                          "share": [0.6] * 3 + [0.4] * 3, "mean_quality": [0.99, 0.98, 1.0, -0.9, -0.95, -0.85],
                          "top_bucket_share": [0.9, 0.95, 1.0, 0.0, 0.0, 0.0]})
    table = mixture_summary(kinds, BootstrapSettings(n_boot=200)).set_index(["kind", "measure"])
    wrong = table.loc[("wrong_sign", "mean_quality")]
    assert wrong.ci_low <= wrong["mean"] == pytest.approx(-0.9) and wrong["mean"] <= wrong.ci_high
    assert wrong.ci_low >= -1.0
    assert table.loc[("expert", "top_bucket_share")].ci_high <= 1.0
    assert table.loc[("wrong_sign", "share")]["mean"] == pytest.approx(0.4)
