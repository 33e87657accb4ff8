"""Experiment 1 (claim C1): the causal-DAG experiment's steps, as the rules call them.

data -> passive training -> active test of the agent (and its ablations) and the
baselines on the same episodes -> tidy episode tables. The machinery (transformer,
trainer, closed-loop rollout, tables) is shared; what is this experiment's own is
the environment, its expert and its baselines.
"""

from __future__ import annotations

import logging

import pandas as pd
import torch

from pacs.baselines import POLICIES, exploration_of, prior_table
from pacs.data import TokenDataset, load_tensors, save_dataset, save_tensors
from pacs.envs.causal_dag import DagEnvConfig, DagEpisodes, sample_episodes
from pacs.envs.dag_task import DagActiveTest, expert_demonstrations, goal_outcomes, head_sizes, token_width
from pacs.labels import SPLIT_ORDER as EVAL_SPLITS
from pacs.models.transformer import CausalTransformer, TransformerConfig
from pacs.rollout import run_closed_loop
from pacs.runtime import derive_seed
from pacs.tables import action_strings, outcome_frame

log = logging.getLogger(__name__)

AGENT_VARIANTS = {  # policy name -> what its exploration actions do
    "agent": "agent",
    "agent_no_intervention": "none",
    "agent_random_intervention": "random",
}


def draw_demonstrations(env: DagEnvConfig, split: str, n_episodes: int, *seed_parts) -> TokenDataset:
    generator = torch.Generator().manual_seed(derive_seed("dag-data", split, *seed_parts))
    return expert_demonstrations(sample_episodes(n_episodes, env, split, generator), env)


def write_training_data(env: DagEnvConfig, data: dict, seed: int, outputs: dict, meta: dict) -> None:
    """The passive training set and validation sets of one seed (expert demonstrations)."""
    plan = {
        "train": ("train", data["train_episodes"]),
        "val_in_distribution": ("in_distribution", data["val_episodes"]),
        "val_held_out": ("held_out", data["val_episodes"]),
    }
    for name, (split, n_episodes) in plan.items():
        dataset = draw_demonstrations(env, split, n_episodes, data["data_seed"], seed)
        save_dataset(outputs[name], dataset, {**meta, "split": split})
        log.info("wrote %d %s demonstrations to %s", len(dataset), split, outputs[name])


def draw_eval_episodes(env: DagEnvConfig, n_episodes: int, eval_seed: int, seed: int) -> dict[str, DagEpisodes]:
    episodes = {}
    for split in EVAL_SPLITS:
        generator = torch.Generator().manual_seed(derive_seed("dag-eval", split, eval_seed, seed))
        episodes[split] = sample_episodes(n_episodes, env, split, generator)
    return episodes


def write_eval_episodes(path, episodes: dict[str, DagEpisodes], meta: dict) -> None:
    tensors = {}
    for split, batch in episodes.items():
        tensors.update(batch.to_dict(prefix=f"{split}."))
    save_tensors(path, tensors, meta)


def read_eval_episodes(path) -> dict[str, DagEpisodes]:
    tensors = load_tensors(path)
    return {split: DagEpisodes.from_dict(tensors, prefix=f"{split}.") for split in EVAL_SPLITS}


def build_agent(env: DagEnvConfig, model: dict, seed: int) -> CausalTransformer:
    """A freshly initialized agent; the initialization is fixed by ``seed``."""
    cfg = TransformerConfig(
        token_width=token_width(env), max_len=env.explore_steps + 1, heads=head_sizes(env), **model
    )
    with torch.random.fork_rng():
        torch.manual_seed(derive_seed("dag-agent-init", seed))
        return CausalTransformer(cfg)


def agent_table(
    model: CausalTransformer, episodes: dict[str, DagEpisodes], env: DagEnvConfig, seed: int, device
) -> pd.DataFrame:
    """The agent's active test on every split, and its two ablations."""
    frames = []
    for split, batch in episodes.items():
        for policy, exploration in AGENT_VARIANTS.items():
            generator = torch.Generator().manual_seed(derive_seed("dag-agent-random-explore", seed, split))
            task = DagActiveTest(batch, env, exploration=exploration, generator=generator)
            run_closed_loop(model, task, device)
            frame = outcome_frame(
                {"target": batch.targets, **task.outcomes()},
                experiment="dag", seed=seed, split=split, policy=policy,
            )
            frame["explore_actions"] = action_strings(task.executed)
            frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def baseline_table(
    episodes: dict[str, DagEpisodes], env: DagEnvConfig, seed: int, train_extras: dict
) -> pd.DataFrame:
    """Every baseline on the same episodes as the agent."""
    prior = prior_table(train_extras["targets"], train_extras["goal_actions"], env)
    frames = []
    for split, batch in episodes.items():
        for policy, choose in POLICIES.items():
            generator = torch.Generator().manual_seed(derive_seed("dag-baseline", policy, seed, split))
            goal = choose(batch, env, generator=generator, prior=prior)
            frame = outcome_frame(
                {"target": batch.targets, **goal_outcomes(batch, goal, env)},
                experiment="dag", seed=seed, split=split, policy=policy,
            )
            frame["explore_actions"] = action_strings(exploration_of(policy, batch))
            frames.append(frame)
    return pd.concat(frames, ignore_index=True)
