"""Experiment 6 (claim C6): what the three training regimes share.

Every regime (return-conditioned imitation, DAgger-style correction, data
fusion) acts on Experiment 1's causal-DAG task: the environment of ``c1.env``,
training graphs without the held-out links, and the same three test splits.
All learners of a seed meet the same test episodes, drawn here once per seed.

Each learner is the shared transformer trained by the shared trainer from a
*training-set file*: its demonstrations plus, in the file's metadata, the token
width, episode length and output heads the learner needs. So one training rule
serves every regime, and the file shows exactly what a learner was shown.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import torch

from pacs.baselines import POLICIES
from pacs.data import DataFileError, TokenDataset, load_metadata, save_dataset, save_datasets
from pacs.envs.causal_dag import DagEpisodes
from pacs.envs.dag_task import expert_demonstrations
from pacs.experiments import dag
from pacs.labels import REFERENCE_BASELINES
from pacs.models.transformer import CausalTransformer, TransformerConfig, build_model
from pacs.runtime import derive_seed

# C6's seed namespace and the ``experiment`` column of its tables: its id before the claim
# ids c1...c6 named everything else, kept so that every seeded draw (so every number) stays.
EXPERIMENT = "regimes"
VALIDATION_SPLITS = ("in_distribution", "held_out")
LEARNER_FORMAT = "learner_format"  # metadata key of a training-set file


def regime_design(env: dict) -> dag.Design:
    """Experiment 1's design (environment, splits), under this experiment's seeds."""
    return replace(dag.held_out_link_design(env), experiment=EXPERIMENT, baselines=REFERENCE_BASELINES)


def draw_episodes(design: dag.Design, regime: str, role: str, split: str, n_episodes: int, *seed_parts) -> DagEpisodes:
    """Episodes of one split for one regime's data; ``role`` (train / val / visits...)
    and the seed parts fix the generator, so every draw is reproducible on its own."""
    generator = torch.Generator().manual_seed(derive_seed(EXPERIMENT, regime, role, split, *seed_parts))
    return design.draw(split, n_episodes, generator)


def expert_validation_sets(design: dag.Design, regime: str, n_episodes: int, *seed_parts) -> dict[str, TokenDataset]:
    """Expert demonstrations held aside for agreement metrics, per validation split."""
    return {
        split: expert_demonstrations(draw_episodes(design, regime, "val", split, n_episodes, *seed_parts), design.env)
        for split in VALIDATION_SPLITS
    }


def save_training_set(train_path, validation_path, train: TokenDataset, validation: dict[str, TokenDataset],
                      heads: dict[str, int], meta: dict) -> None:
    """A learner's training and validation demonstrations; the training file's
    metadata records the learner's input format (see ``build_learner``)."""
    learner_format = {"token_width": train.tokens.shape[-1], "max_len": train.tokens.shape[1], "heads": heads}
    save_dataset(train_path, train, {**meta, LEARNER_FORMAT: learner_format, "episodes": len(train)})
    save_datasets(validation_path, validation, meta)


def build_learner(train_path, model: dict, seed: int, regime: str) -> CausalTransformer:
    """A fresh transformer for the format a training-set file records. Its
    initialization is fixed by the regime and ``seed`` alone, so the learners a
    regime compares start from the same weights (they share a token format)."""
    learner_format = load_metadata(train_path).get(LEARNER_FORMAT)
    if learner_format is None:
        raise DataFileError(f"{train_path}: no {LEARNER_FORMAT} in its metadata; not a C6 training set")
    cfg = TransformerConfig(**learner_format, **model)
    return build_model(cfg, derive_seed(EXPERIMENT, "learner-init", regime, seed))


def baseline_table(episodes: dict[str, DagEpisodes], design: dag.Design, seed: int) -> pd.DataFrame:
    """The reference policies of every C6 figure, on the shared test episodes."""
    frames = []
    for split, batch in episodes.items():
        for policy in design.baselines:
            generator = torch.Generator().manual_seed(derive_seed(EXPERIMENT, "baseline", policy, seed, split))
            choice = POLICIES[policy](batch, design.env, generator=generator)
            frames.append(dag.episode_frame(design, batch, choice.explore, choice.goal,
                                            seed=seed, split=split, policy=policy))
    return pd.concat(frames, ignore_index=True)
