"""Experiment 3: the symbolic odd-one-out task, its expert and its explanations."""

import torch

from pacs.envs.odd_one_out import (
    DIMENSIONS,
    VOCABULARY,
    OddOneOutConfig,
    OddOneOutTask,
    expert_actions,
    expert_demonstrations,
    sample_episodes,
)
from pacs.experiments import odd_one_out

CFG = OddOneOutConfig()


def odd_along(objects: torch.Tensor) -> torch.Tensor:
    """(B, O, D) -> (B, O, D) True where an object's value is unique among the objects."""
    same = objects[:, :, None, :] == objects[:, None, :, :]  # (B, O, O, D)
    return same.sum(2) == 1


def test_confounded_test_trials_reward_an_object_odd_along_every_dimension():
    episodes = sample_episodes(2000, CFG, "confounded", torch.Generator().manual_seed(0))
    odd = odd_along(episodes.test_objects)
    batch = torch.arange(2000)
    rewarded = episodes.test_odd[batch, episodes.latent]
    assert torch.all(odd[batch, rewarded].all(1)), "the rewarded object is odd along all dimensions"
    assert torch.all(odd.any(2).sum(1) == 1), "and it is the only odd object"


def test_deconfounded_test_trials_have_three_distinct_odd_objects():
    episodes = sample_episodes(2000, CFG, "deconfounded", torch.Generator().manual_seed(1))
    odd = odd_along(episodes.test_objects)
    ordered = episodes.test_odd.sort(1).values
    assert torch.all(ordered[:, 1:] != ordered[:, :-1]), "three different objects"
    for dim in range(CFG.n_dims):
        oddness = odd[torch.arange(2000), episodes.test_odd[:, dim]]
        expected = torch.zeros(2000, CFG.n_dims, dtype=torch.bool)
        expected[:, dim] = True
        assert torch.equal(oddness, expected), f"the {DIMENSIONS[dim]} object is odd only in {DIMENSIONS[dim]}"


def test_expert_solves_the_task_and_experiments_as_described():
    for confounding in ("deconfounded", "confounded"):
        demos = expert_demonstrations(sample_episodes(3000, CFG, confounding, torch.Generator().manual_seed(2)), CFG)
        assert torch.all(demos.extras["test_correct"] == 1)
        # tries dimensions until it knows: 1, 2 or 3 dimensions, 2 on average; rewards 3, 2 or 1
        assert set(demos.extras["dimensions_tried"].unique().tolist()) == {1.0, 2.0, 3.0}
        assert abs(demos.extras["dimensions_tried"].mean().item() - 2.0) < 0.05
        assert torch.all(demos.extras["dimensions_tried"] + demos.extras["experiment_rewards"] == 4)


def test_experiment_rewards_follow_the_latent_dimension():
    episodes = sample_episodes(500, CFG, "deconfounded", torch.Generator().manual_seed(3))
    task = OddOneOutTask(episodes, CFG)
    obj, dim = torch.zeros(500, dtype=torch.long), episodes.latent
    task.act(0, obj * CFG.n_dims + dim)  # transform object 0 along the latent dimension
    task.act(1, obj)  # and pick it
    assert torch.all(task.rewards[:, 0] == 1)
    task.act(2, obj * CFG.n_dims + (dim + 1) % CFG.n_dims)  # another dimension
    task.act(3, obj)
    assert torch.all(task.rewards[:, 1] == 0)


def words(labels, position, index=0):
    return " ".join(VOCABULARY[int(labels[f"explain_{k}"][index, position])] for k in range(6)).replace(" <pad>", "")


def test_explanation_tokens_match_the_episode():
    episodes = sample_episodes(50, CFG, "confounded", torch.Generator().manual_seed(4))
    demos = expert_demonstrations(episodes, CFG)
    task = OddOneOutTask(episodes, CFG)
    for step in range(CFG.n_steps):
        task.act(step, expert_actions(task, step))
    for b in range(50):
        for trial in range(CFG.experiment_trials):
            obj, dim = (int(v) for v in task.transformed[b, trial])
            assert words(demos.labels, 2 * trial + 1, b) == f"object {obj} made odd in {DIMENSIONS[dim]}"
            rewarded = bool(task.rewards[b, trial])
            expected = f"correct the concept is {DIMENSIONS[dim]}" if rewarded else \
                f"incorrect the concept is not {DIMENSIONS[dim]}"
            assert words(demos.labels, 2 * trial + 2, b) == expected
        assert words(demos.labels, CFG.length - 1, b) == f"correct the concept is {DIMENSIONS[int(episodes.latent[b])]}"
    assert torch.all(demos.labels["explain_0"][:, 0] == -100)


def test_explanation_loss_weight_switches_the_auxiliary_heads():
    on = odd_one_out.train_config({"steps": 1}, "with", 1.5)
    off = odd_one_out.train_config({"steps": 1}, "without", 1.5)
    assert sum(on.head_weights.values()) == 1.5 and set(off.head_weights.values()) == {0.0}
    assert "transform" not in on.head_weights, "action heads keep their default weight"


def test_baselines_behave_as_named():
    episodes = odd_one_out.draw_eval_episodes(CFG, 400, 0, 0)
    table = odd_one_out.baseline_table(episodes, CFG, 0)
    means = table.groupby("policy")[["test_correct", "follows_colour", "follows_shape"]].mean()
    assert means.loc["expert", "test_correct"] == 1.0
    assert means.loc["follow_colour", "follows_colour"] == 1.0 and means.loc["follow_shape", "follows_shape"] == 1.0
    assert 0.15 < means.loc["random", "test_correct"] < 0.35
