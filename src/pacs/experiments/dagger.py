"""Experiment 6, regime 2 (C6): DAgger-style interactive correction.

Training graphs come in rounds of fresh episodes: round 0 holds
``initial_episodes``, rounds 1..R ``episodes_per_round`` each. Three arms:

- ``initial`` (round 0): imitation of the expert on round 0's episodes;
- ``dagger`` round r: the learner of round r - 1 (round 0's for r = 1) acts
  closed loop in round r's episodes; the states it visited are labelled by the
  oracle expert (``oracle_relabel``) and added to everything labelled before; a
  fresh learner is trained on the whole set (round 0's demonstrations and the
  relabelled visits of rounds 1..r);
- ``plain`` round r: imitation of the expert's own demonstrations of the same
  episodes (rounds 0..r).

A relabelled visit, like a demonstration, labels every step of one episode, so
the two arms of a round have the same number of labelled steps on the same
graphs; they differ only in whose states are labelled.

The oracle knows what the episode has observed: while exploring it tests the
first variable of its own random order that has not been tested yet (a new
sweep once all are), and any untested variable is equally good; at the goal it
takes the best intervention by its interventional estimates from the tests that
were actually run.
"""

from __future__ import annotations

import pandas as pd
import torch

from pacs.data import TokenDataset
from pacs.envs.causal_dag import DagEnvConfig, DagEpisodes, expert_goal_action, run_exploration
from pacs.envs.dag_task import IGNORE, DagActiveTest, encode_episode, expert_demonstrations, step_labels
from pacs.experiments import dag, regimes
from pacs.rollout import run_closed_loop

REGIME = "dagger"
ARMS = ("initial", "dagger", "plain")


def learner_name(arm: str, round_index: int) -> str:
    """The name of a DAgger-experiment learner (its results folder)."""
    if (arm == "initial") != (round_index == 0):
        raise ValueError(f"round 0 is the initial learner's alone (got arm {arm!r}, round {round_index})")
    return f"{arm}_round{round_index}"


def round_episodes(design: dag.Design, round_index: int, n_episodes: int, data_seed: int, seed: int) -> DagEpisodes:
    """The fresh training graphs of one round (``initial_episodes`` of them in round 0,
    ``episodes_per_round`` later)."""
    return regimes.draw_episodes(design, REGIME, f"round{round_index}", design.train_split, n_episodes,
                                 data_seed, seed)


def oracle_explore_labels(tests: torch.Tensor, expert_order: torch.Tensor, n_vars: int):
    """For each exploration step of visited episodes (tests (B, E) the learner ran):
    (the oracle's action (B, E), the equally good actions (B, E, n))."""
    n_batch, n_steps = tests.shape
    labels = torch.empty(n_batch, n_steps, dtype=torch.long)
    support = torch.zeros(n_batch, n_steps, n_vars, dtype=torch.bool)
    tested = torch.zeros(n_batch, n_vars, dtype=torch.bool)
    batch = torch.arange(n_batch)
    for step in range(n_steps):
        tested[tested.all(dim=1)] = False  # everything tested: a new sweep
        untested_in_order = ~tested.gather(1, expert_order[:, :n_vars])
        first = untested_in_order.float().argmax(dim=1)
        labels[:, step] = expert_order[batch, first]
        support[:, step] = ~tested
        tested[batch, tests[:, step]] = True
    return labels, support


def off_oracle_steps(tests: torch.Tensor, expert_order: torch.Tensor, n_vars: int) -> torch.Tensor:
    """(B,) exploration steps at which a policy tested a variable the oracle would not
    (an already tested one while others are untested): its errors off the expert's path."""
    _, support = oracle_explore_labels(tests, expert_order, n_vars)
    return (~support.gather(2, tests.unsqueeze(-1)).squeeze(-1)).sum(dim=1).float()


def oracle_relabel(episodes: DagEpisodes, tests: torch.Tensor, cfg: DagEnvConfig) -> TokenDataset:
    """The learner's visited states (its own tests and what they showed) as training
    data labelled with the oracle's actions; ``support`` holds every equally good
    exploration action."""
    observations = run_exploration(episodes, tests, cfg)
    tokens = encode_episode(tests, observations, episodes.targets, cfg)
    explore, explore_support = oracle_explore_labels(tests, episodes.expert_order, cfg.n_vars)
    goal = expert_goal_action(tests, observations, episodes.targets, cfg)
    n_batch, length = tokens.shape[:2]
    support = torch.zeros(n_batch, length, cfg.n_vars, dtype=torch.bool)
    support[:, : cfg.explore_steps] = explore_support
    return TokenDataset(tokens=tokens, labels=step_labels(explore, goal, length),
                        support={"explore": support},
                        extras={"targets": episodes.targets, "visited_tests": tests, "goal_actions": goal})


def expert_round(design: dag.Design, round_index: int, n_episodes: int, data_seed: int, seed: int) -> TokenDataset:
    """The expert's demonstrations of one round's episodes."""
    return expert_demonstrations(round_episodes(design, round_index, n_episodes, data_seed, seed), design.env)


def visit_and_relabel(model, design: dag.Design, round_index: int, n_episodes: int, data_seed: int, seed: int,
                      device) -> TokenDataset:
    """Round ``round_index``'s episodes, visited by ``model`` acting closed loop and
    labelled by the oracle."""
    episodes = round_episodes(design, round_index, n_episodes, data_seed, seed)
    task = DagActiveTest(episodes, design.env)
    run_closed_loop(model, task, device)
    return oracle_relabel(episodes, task.executed, design.env)


def concat_demonstrations(parts: list[TokenDataset]) -> TokenDataset:
    """Demonstrations of several sources as one training set (tokens and labels;
    support and extras differ between sources and are not needed to train)."""
    heads = parts[0].labels
    return TokenDataset(tokens=torch.cat([p.tokens for p in parts]),
                        labels={head: torch.cat([p.labels[head] for p in parts]) for head in heads})


def training_set(arm: str, round_index: int, expert: list[TokenDataset],
                 visits: list[TokenDataset]) -> TokenDataset:
    """What the learner of ``arm`` at ``round_index`` trains on: round 0's expert
    demonstrations (``expert[0]``) plus, for rounds 1..r, the expert's own
    demonstrations (plain: ``expert[1..r]``) or the relabelled visits of the
    previous learners (dagger: ``visits``, rounds 1..r in order)."""
    learner_name(arm, round_index)  # checks the pair
    later = expert[1:] if arm == "plain" else visits
    if len(later) != round_index:
        raise ValueError(f"{arm} round {round_index} needs {round_index} later rounds, got {len(later)}")
    return concat_demonstrations([expert[0], *later])


def labelled_steps(dataset: TokenDataset) -> int:
    return int(sum((labels != IGNORE).sum() for labels in dataset.labels.values()))


def agent_table(model, episodes: dict, design: dag.Design, arm: str, round_index: int, n_labelled: int, seed: int,
                device) -> pd.DataFrame:
    """The learner of one arm and round acts closed loop on every test split; the
    table adds its round, its labelled training steps and its steps off the oracle's path."""
    frames = []
    for split, batch in episodes.items():
        task = DagActiveTest(batch, design.env)
        run_closed_loop(model, task, device)
        frame = dag.episode_frame(design, batch, task.executed, task.goal_action, seed=seed, split=split, policy=arm)
        frame["round"] = round_index
        frame["labelled_steps"] = n_labelled
        frame["off_oracle_steps"] = off_oracle_steps(task.executed, batch.expert_order, design.env.n_vars).numpy()
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)
