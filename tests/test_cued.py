"""Experiment 2: cued subsets, the expert's exploration and the exploration metrics."""

import itertools

import torch

from pacs.baselines import explore_all_policy, random_explore_policy
from pacs.envs.causal_dag import NO_INTERVENTION, total_effects
from pacs.envs.dag_task import DagActiveTest, expert_demonstrations, exploration_metrics
from pacs.experiments import dag

CUED = {"subset_size": 3, "held_out_subsets": [[0, 1, 2], [0, 3, 4], [1, 2, 4]]}


def design():
    return dag.cued_subset_design({}, CUED)


def cue_sets(episodes) -> set[tuple[int, ...]]:
    return {tuple(torch.nonzero(row).squeeze(1).tolist()) for row in episodes.cue}


def test_held_out_subsets_never_occur_in_training_data():
    d = design()
    assert set(d.cued_subsets["held_out_subsets"]) == {(0, 1, 2), (0, 3, 4), (1, 2, 4)}
    assert len(d.cued_subsets["train_subsets"]) == 10 - 3
    train = d.draw("train_subsets", 4000, torch.Generator().manual_seed(0))
    seen = cue_sets(train)
    assert seen == set(d.cued_subsets["train_subsets"]), "every trained subset appears, no held-out one"
    held = d.draw("held_out_subsets", 500, torch.Generator().manual_seed(1))
    assert cue_sets(held) == set(d.cued_subsets["held_out_subsets"])
    demos = dag.draw_demonstrations(d, "train", "train_subsets", 2000, 0, 0)
    cue_in_tokens = demos.tokens[:, 0, 16:]
    assert {tuple(torch.nonzero(r).squeeze(1).tolist()) for r in cue_in_tokens} <= set(d.cued_subsets["train_subsets"])


def test_only_cued_variables_cause_the_target():
    d = design()
    episodes = d.draw("held_out_subsets", 2000, torch.Generator().manual_seed(2))
    effects = total_effects(episodes.weights)
    batch = torch.arange(len(episodes))
    on_target = effects[batch, :, episodes.targets].abs()
    on_target[batch, episodes.targets] = 0
    assert torch.all(on_target[~episodes.cue] < 1e-6)
    assert torch.all(on_target.max(1).values > 0), "some cued variable causes the target"
    assert not episodes.cue[batch, episodes.targets].any(), "the target is outside the cue"


def test_expert_explores_exactly_the_cued_subset():
    d = design()
    episodes = d.draw("train_subsets", 1000, torch.Generator().manual_seed(3))
    explored = torch.zeros_like(episodes.cue)
    explored.scatter_(1, episodes.expert_order, True)
    assert torch.equal(explored, episodes.cue)
    demos = expert_demonstrations(episodes, d.env)
    metrics = exploration_metrics(episodes.expert_order, episodes.cue)
    assert torch.all(metrics["explore_precision"] == 1) and torch.all(metrics["explore_recall"] == 1)
    assert demos.support["explore"][:, 0].sum(1).eq(3).all(), "expert support is the cue"


def test_exploration_metrics_on_hand_made_episodes():
    cue = torch.tensor([[True, True, True, False, False]] * 4)
    explore = torch.tensor([
        [0, 1, 2],  # exactly S
        [0, 0, 3],  # one repeat, one outside: distinct {0, 3}
        [3, 4, 3],  # all outside
        [NO_INTERVENTION, 1, NO_INTERVENTION],  # one passive-free step
    ])
    m = exploration_metrics(explore, cue)
    assert torch.allclose(m["explore_precision"], torch.tensor([1.0, 0.5, 0.0, 1.0]))
    assert torch.allclose(m["explore_recall"], torch.tensor([1.0, 1 / 3, 0.0, 1 / 3]))
    assert torch.equal(m["steps_outside_cue"], torch.tensor([0.0, 1.0, 3.0, 0.0]))
    assert torch.equal(m["n_interventions"], torch.tensor([3.0, 3.0, 3.0, 1.0]))


def test_baselines_explore_as_specified():
    d = design()
    episodes = d.draw("held_out_subsets", 300, torch.Generator().manual_seed(4))
    every = explore_all_policy(episodes, d.env)
    assert torch.all(exploration_metrics(every.explore, episodes.cue)["explore_recall"] == 1)
    assert every.explore.shape[1] == 5
    rand = random_explore_policy(episodes, d.env, generator=torch.Generator().manual_seed(0))
    assert rand.explore.shape[1] == 3
    recall = exploration_metrics(rand.explore, episodes.cue)["explore_recall"].mean()
    assert all(len(set(row)) == 3 for row in rand.explore.tolist()), "distinct variables"
    assert abs(recall - 3 / 5) < 0.05, "cue-blind: recall is the budget's share of the variables"


def test_cue_reaches_every_token_of_the_active_test():
    d = design()
    episodes = d.draw("held_out_subsets", 8, torch.Generator().manual_seed(5))
    task = DagActiveTest(episodes, d.env)
    for step in range(d.env.explore_steps):
        task.act(step, episodes.expert_order[:, step])
    assert torch.all(task.tokens[:, :, 16:] == episodes.cue[:, None, :].float())
    assert list(itertools.islice(d.cued_subsets, 2)) == ["train_subsets", "held_out_subsets"]
