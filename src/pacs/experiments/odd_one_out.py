"""Experiment 3 (claim C3): explanations and confounding in the odd-one-out task.

Conditions: the training data's confounding (deconfounded / confounded) x explanations (the
auxiliary explanation loss on / off). Every condition trains the shared
transformer with the shared trainer on expert demonstrations and is tested,
closed loop, on the same deconfounded test episodes of its seed.
"""

from __future__ import annotations

import pandas as pd
import torch

from pacs.data import TokenDataset, load_tensors, save_dataset, save_datasets, save_tensors
from pacs.envs.odd_one_out import (
    DIMENSIONS,
    EXPLANATION_LENGTH,
    OddOneOutConfig,
    OddOneOutEpisodes,
    OddOneOutTask,
    expert_actions,
    expert_demonstrations,
    head_sizes,
    sample_episodes,
    token_width,
)
from pacs.models.transformer import CausalTransformer, TransformerConfig, build_model
from pacs.rollout import run_closed_loop
from pacs.runtime import derive_seed
from pacs.tables import outcome_frame
from pacs.train import TrainConfig

# C3's seed namespace and the ``experiment`` column of its tables: its id before the claim
# ids c1...c6 named everything else, kept so that every seeded draw (so every number) stays.
EXPERIMENT = "ooo"
TEST_SPLIT = "deconfounded"
EXPLANATIONS = ("with", "without")


def condition_name(confounding: str, explanations: str) -> str:
    return f"{confounding}, {explanations} explanations"


def draw_demonstrations(cfg: OddOneOutConfig, role: str, confounding: str, n_episodes: int, *seed_parts) -> TokenDataset:
    generator = torch.Generator().manual_seed(derive_seed(EXPERIMENT, "data", role, confounding, *seed_parts))
    return expert_demonstrations(sample_episodes(n_episodes, cfg, confounding, generator), cfg)


def write_training_data(cfg: OddOneOutConfig, confounding: str, data: dict, seed: int, train_path, validation_path, meta):
    """Demonstrations of one confounding for training; validation with that confounding and deconfounded."""
    train = draw_demonstrations(cfg, "train", confounding, data["train_episodes"], data["data_seed"], seed)
    save_dataset(train_path, train, {**meta, "confounding": confounding})
    validation = {
        split: draw_demonstrations(cfg, "val", split, data["val_episodes"], data["data_seed"], seed)
        for split in sorted({confounding, TEST_SPLIT})
    }
    save_datasets(validation_path, validation, meta)


def draw_eval_episodes(cfg: OddOneOutConfig, n_episodes: int, eval_seed: int, seed: int) -> OddOneOutEpisodes:
    generator = torch.Generator().manual_seed(derive_seed(EXPERIMENT, "eval", eval_seed, seed))
    return sample_episodes(n_episodes, cfg, TEST_SPLIT, generator)


def write_eval_episodes(path, episodes: OddOneOutEpisodes, meta: dict) -> None:
    save_tensors(path, episodes.to_dict(), meta)


def read_eval_episodes(path) -> OddOneOutEpisodes:
    return OddOneOutEpisodes.from_dict(load_tensors(path))


def build_agent(cfg: OddOneOutConfig, model: dict, seed: int) -> CausalTransformer:
    spec = TransformerConfig(token_width=token_width(cfg), max_len=cfg.length, heads=head_sizes(cfg), **model)
    return build_model(spec, derive_seed(EXPERIMENT, "agent-init", seed))


def train_config(train: dict, explanations: str, explanation_weight: float) -> TrainConfig:
    """The shared trainer's settings; the explanation heads share ``explanation_weight``
    (0 without explanations, so they are not trained at all)."""
    weight = explanation_weight / EXPLANATION_LENGTH if explanations == "with" else 0.0
    return TrainConfig(**train, head_weights={f"explain_{i}": weight for i in range(EXPLANATION_LENGTH)})


def episode_frame(task: OddOneOutTask, **constants) -> pd.DataFrame:
    return outcome_frame(task.test_outcomes(), experiment=EXPERIMENT, split=TEST_SPLIT, **constants)


def agent_table(model, episodes: OddOneOutEpisodes, cfg, seed: int, confounding: str, explanations: str, device):
    task = OddOneOutTask(episodes, cfg)
    run_closed_loop(model, task, device)
    return episode_frame(task, seed=seed, policy=condition_name(confounding, explanations), confounding=confounding,
                         explanations=explanations)


def _act_out(episodes: OddOneOutEpisodes, cfg: OddOneOutConfig, choose) -> OddOneOutTask:
    task = OddOneOutTask(episodes, cfg)
    for step in range(cfg.n_steps):
        task.act(step, choose(task, step))
    return task


def baseline_table(episodes: OddOneOutEpisodes, cfg: OddOneOutConfig, seed: int) -> pd.DataFrame:
    """expert; random (uniform actions); follow_<dimension> (experiments as the expert,
    but at test always the object odd along that fixed dimension)."""
    generator = torch.Generator().manual_seed(derive_seed(EXPERIMENT, "baseline-random", seed))
    batch = torch.arange(len(episodes))

    def random_action(task, step):
        return torch.randint(task.valid_actions(step).shape[1], (len(episodes),), generator=generator)

    def follow(dim):
        def choose(task, step):
            if step == cfg.n_steps - 1:
                return episodes.test_odd[batch, dim]
            return expert_actions(task, step)
        return choose

    policies = {"expert": expert_actions, "random": random_action}
    policies.update({f"follow_{name}": follow(dim) for dim, name in enumerate(DIMENSIONS)})
    frames = [
        episode_frame(_act_out(episodes, cfg, choose), seed=seed, policy=policy, confounding="none", explanations="none")
        for policy, choose in policies.items()
    ]
    return pd.concat(frames, ignore_index=True)
