"""Experiment 3 (claim C3): explanations and confounding in the odd-one-out task.

Conditions: the training data's confounding (deconfounded / confounded) x explanations (the
auxiliary explanation loss on / off). Every condition trains the shared
transformer with the shared trainer on expert demonstrations and is tested,
closed loop, on the same deconfounded test episodes of its seed.

C3b (explanations pick the feature): perfectly confounded training data
(``pacs.envs.odd_one_out``: a set of dimensions X, Y, ... coupled in every trial),
one level per coupled dimension, named after it: the same episodes, whose
explanations name that dimension's values. Learners with explanations on each level,
one without (on the first level's data: its tokens and action targets are every
level's); tested closed loop on episodes whose experiment trials are coupled as in
training and whose test trial separates the coupled dimensions.
"""

from __future__ import annotations

from dataclasses import replace

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


# C3b: perfect confounding; a training-data level is the name of the confounded dimension that
# its latent and explanations are called after
PERFECT = "perfect"


def coupled_indices(confounded_dims) -> tuple[int, ...]:
    unknown = [name for name in confounded_dims if name not in DIMENSIONS]
    if unknown or len(set(confounded_dims)) < 2:
        raise ValueError(f"confounded_dims {list(confounded_dims)}: need at least two distinct of {DIMENSIONS}")
    return tuple(DIMENSIONS.index(name) for name in confounded_dims)


def named_dimension(level: str, confounded_dims) -> int:
    """The dimension a C3b level's explanations name: ``shape`` -> shape's index."""
    if level not in confounded_dims:
        raise ValueError(f"unknown C3b level {level!r}; expected one of the confounded dimensions {list(confounded_dims)}")
    return DIMENSIONS.index(level)


def draw_perfect_demonstrations(cfg: OddOneOutConfig, role: str, level: str, confounded_dims, n_episodes: int,
                                *seed_parts) -> TokenDataset:
    """Perfectly confounded demonstrations; the seed leaves out the level, so every level
    draws the same episodes and differs only in what the explanations name."""
    seed = derive_seed(EXPERIMENT, "data", role, PERFECT, *confounded_dims, *seed_parts)
    episodes = sample_episodes(n_episodes, cfg, PERFECT, torch.Generator().manual_seed(seed),
                               coupled=coupled_indices(confounded_dims),
                               named=named_dimension(level, confounded_dims))
    return expert_demonstrations(episodes, cfg, name_values=True)


def write_feature_choice_data(cfg: OddOneOutConfig, level: str, confounded_dims, data: dict, seed: int, train_path,
                              validation_path, meta):
    """C3b: one level's training demonstrations, and validation ones of the same level
    (its learners monitor their own training distribution)."""
    train = draw_perfect_demonstrations(cfg, "train", level, confounded_dims, data["train_episodes"],
                                        data["data_seed"], seed)
    save_dataset(train_path, train, {**meta, "confounding": level})
    validation = draw_perfect_demonstrations(cfg, "val", level, confounded_dims, data["val_episodes"],
                                             data["data_seed"], seed)
    save_datasets(validation_path, {level: validation}, meta)


def draw_feature_choice_eval_episodes(cfg: OddOneOutConfig, confounded_dims, n_episodes: int, eval_seed: int,
                                      seed: int) -> OddOneOutEpisodes:
    """C3b's test episodes: experiment trials coupled as in training with the coupled
    dimensions rewarded (so they say what training said, and never which of them), then a
    deconfounded test trial where each dimension's odd object is a different object. The
    latent is the first confounded dimension, so ``test_correct`` is ``follows_<it>``."""
    coupled = coupled_indices(confounded_dims)
    generator = torch.Generator().manual_seed(
        derive_seed(EXPERIMENT, "eval", PERFECT, *confounded_dims, eval_seed, seed))
    episodes = sample_episodes(n_episodes, cfg, TEST_SPLIT, generator, coupled=coupled)
    return replace(episodes, latent=torch.full_like(episodes.latent, coupled[0]))


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
