"""Expert demonstrations as tokens, the closed-loop test, and determinism."""

import pandas as pd
import torch

from pacs.envs.causal_dag import DagEnvConfig, sample_episodes
from pacs.envs.dag_task import DagActiveTest, encode_episode, expert_demonstrations
from pacs.experiments import dag
from pacs.rollout import run_closed_loop
from pacs.train import TrainConfig, train


def test_demonstration_labels_are_the_experts_actions():
    cfg = DagEnvConfig()
    episodes = sample_episodes(64, cfg, "train", torch.Generator().manual_seed(0))
    demos = expert_demonstrations(episodes, cfg)
    assert torch.equal(demos.labels["explore"][:, : cfg.explore_steps], episodes.expert_order)
    assert torch.all(demos.labels["goal"][:, : cfg.explore_steps] == -100)
    # the expert's own action is always in its support; explored variables are not
    explore_support = demos.support["explore"]
    for step in range(cfg.explore_steps):
        chosen = episodes.expert_order[:, step]
        assert torch.all(explore_support[torch.arange(64), step, chosen])
        assert torch.all(explore_support[:, step].sum(1) == cfg.n_vars - step)
    goal = demos.labels["goal"][:, cfg.explore_steps]
    assert torch.all(demos.support["goal"][torch.arange(64), cfg.explore_steps, goal])


def test_closed_loop_tokens_match_teacher_forced_encoding():
    """Acting out the expert's actions in the active test rebuilds its training tokens."""
    cfg = DagEnvConfig()
    episodes = sample_episodes(32, cfg, "held_out", torch.Generator().manual_seed(1))
    demos = expert_demonstrations(episodes, cfg)
    task = DagActiveTest(episodes, cfg)
    for step in range(cfg.explore_steps):
        task.act(step, episodes.expert_order[:, step])
    assert torch.allclose(task.tokens, demos.tokens)


TINY_MODEL = {"n_layers": 1, "d_model": 16, "n_heads": 2, "d_mlp": 32, "dropout": 0.0}


def _tiny_run(tmp_seed: int) -> pd.DataFrame:
    design = dag.held_out_link_design({})
    train_set = dag.draw_demonstrations(design, "train", "train", 512, 0, tmp_seed)
    val = {"val": dag.draw_demonstrations(design, "val", "in_distribution", 64, 1, tmp_seed)}
    model = dag.build_agent(design, TINY_MODEL, tmp_seed)
    log = train(model, train_set, val, TrainConfig(steps=20, batch_size=32, eval_every=10), tmp_seed,
                torch.device("cpu"), progress=False)
    episodes = dag.draw_eval_episodes(design, 50, 2, tmp_seed)
    table = dag.agent_table(model, episodes, design, tmp_seed, torch.device("cpu"))
    return pd.concat([log.drop(columns="elapsed_s").melt(), table.select_dtypes("number").melt()])


def test_same_seed_same_results_on_cpu():
    assert _tiny_run(0).equals(_tiny_run(0))
    assert not _tiny_run(0).equals(_tiny_run(1))


def test_ablations_change_what_exploration_does():
    cfg = DagEnvConfig()
    episodes = sample_episodes(16, cfg, "in_distribution", torch.Generator().manual_seed(2))
    for mode in ("none", "random"):
        task = DagActiveTest(episodes, cfg, exploration=mode, generator=torch.Generator().manual_seed(0))
        for step in range(cfg.explore_steps):
            task.act(step, torch.zeros(16, dtype=torch.long))
        if mode == "none":
            assert torch.all(task.executed == -1) and torch.all(task.tokens[:, 1:, : cfg.n_vars] == 0)
        else:
            assert (task.executed != 0).any(), "random interventions replace the agent's choice"


def test_rollout_never_intervenes_on_the_target_at_the_goal():
    cfg = DagEnvConfig()
    episodes = sample_episodes(200, cfg, "in_distribution", torch.Generator().manual_seed(3))
    model = dag.build_agent(dag.held_out_link_design({}), TINY_MODEL, 0)
    task = DagActiveTest(episodes, cfg)
    run_closed_loop(model, task, torch.device("cpu"))
    assert torch.all(task.goal_action // 2 != episodes.targets)
    assert encode_episode(task.executed, torch.zeros(200, cfg.explore_steps, cfg.n_vars), episodes.targets,
                          cfg).shape == task.tokens.shape
