"""Experiments on the causal-DAG environment, as the rules call them.

data -> passive training -> active test of the agent (and its ablations) and the
baselines on the same episodes -> tidy episode tables. Experiment 1 (C1,
held-out causal links) and Experiment 2 (C2, relevance cues over variable
subsets) are two ``Design``s of the same steps: they differ only in how the
episodes of each split are drawn and which policies are compared.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from itertools import combinations

import pandas as pd
import torch

from pacs.baselines import POLICIES, prior_table
from pacs.data import TokenDataset, load_tensors, save_dataset, save_datasets, save_tensors
from pacs.envs.causal_dag import DagEnvConfig, DagEpisodes, sample_cued_episodes, sample_episodes
from pacs.envs.dag_task import (
    DagActiveTest,
    exploration_metrics,
    expert_demonstrations,
    goal_outcomes,
    head_sizes,
    token_width,
)
from pacs.labels import SPLIT_ORDER
from pacs.models.transformer import CausalTransformer, TransformerConfig, build_model
from pacs.rollout import run_closed_loop
from pacs.runtime import derive_seed
from pacs.tables import action_strings, outcome_frame

log = logging.getLogger(__name__)

ABLATIONS = {  # agent variant -> what its exploration actions do (see DagActiveTest)
    "agent": "agent",
    "agent_no_intervention": "none",
    "agent_random_intervention": "random",
}


@dataclass(frozen=True)
class Design:
    """What one experiment on the causal-DAG environment varies."""

    # ``dag`` (C1) or ``cued`` (C2): the seed namespace of its draws and the ``experiment``
    # column of its tables. These are the ids the experiments had before the claim ids
    # c1...c6 named everything else, kept so that every seeded draw (so every number) stays.
    experiment: str
    env: DagEnvConfig
    train_split: str
    val_splits: tuple[str, ...]
    eval_splits: tuple[str, ...]
    agent_variants: tuple[str, ...]
    baselines: tuple[str, ...]
    cued_subsets: dict[str, tuple[tuple[int, ...], ...]] = field(default_factory=dict)

    @property
    def cued(self) -> bool:
        return bool(self.cued_subsets)

    def draw(self, split: str, n_episodes: int, generator: torch.Generator) -> DagEpisodes:
        if self.cued:
            return sample_cued_episodes(n_episodes, self.env, list(self.cued_subsets[split]), generator)
        return sample_episodes(n_episodes, self.env, split, generator)


def held_out_link_design(env: dict) -> Design:
    """Experiment 1 (C1): training graphs never contain the held-out links."""
    return Design(
        experiment="dag",
        env=DagEnvConfig.from_dict(env),
        train_split="train",
        val_splits=("in_distribution", "held_out"),
        eval_splits=SPLIT_ORDER,
        agent_variants=tuple(ABLATIONS),
        baselines=("optimal", "expert", "random", "correlational", "observational", "prior"),
    )


def make_design(experiment: str, params: dict) -> Design:
    """The design a rule's ``design`` params describe (see workflow/rules/c1_c2.smk)."""
    if experiment == "c1":
        return held_out_link_design(params["env"])
    if experiment == "c2":
        return cued_subset_design(params["env"], params["c2"])
    raise ValueError(f"unknown causal-DAG experiment {experiment!r}")


def cued_subset_design(env: dict, subsets: dict) -> Design:
    """Experiment 2 (C2): episodes cue a subset S of size ``subset_size``; the expert
    explores S; some subsets never occur in training. Uses the C1 environment's
    values, with ``explore_steps = subset_size`` and no held-out links."""
    size = subsets["subset_size"]
    env_cfg = DagEnvConfig.from_dict({**env, "explore_steps": size, "held_out_links": []})
    held_out = tuple(sorted(tuple(sorted(s)) for s in subsets["held_out_subsets"]))
    trained = tuple(s for s in combinations(range(env_cfg.n_vars), size) if s not in held_out)
    return Design(
        experiment="cued",
        env=env_cfg,
        train_split="train_subsets",
        val_splits=("train_subsets", "held_out_subsets"),
        eval_splits=("train_subsets", "held_out_subsets"),
        agent_variants=("agent",),
        baselines=("optimal", "expert", "explore_all", "random_explore"),
        cued_subsets={"train_subsets": trained, "held_out_subsets": held_out},
    )


def draw_demonstrations(design: Design, role: str, split: str, n_episodes: int, *seed_parts) -> TokenDataset:
    """Expert demonstrations of one split; ``role`` (train / val) separates their seeds."""
    generator = torch.Generator().manual_seed(derive_seed(design.experiment, "data", role, split, *seed_parts))
    return expert_demonstrations(design.draw(split, n_episodes, generator), design.env)


def write_training_data(design: Design, data: dict, seed: int, train_path, validation_path, meta: dict) -> None:
    """One seed's passive training set, and its validation sets (one per val split)."""
    train = draw_demonstrations(design, "train", design.train_split, data["train_episodes"], data["data_seed"], seed)
    save_dataset(train_path, train, {**meta, "split": design.train_split})
    validation = {
        split: draw_demonstrations(design, "val", split, data["val_episodes"], data["data_seed"], seed)
        for split in design.val_splits
    }
    save_datasets(validation_path, validation, meta)
    log.info("wrote %d training and %d x %d validation demonstrations", len(train), len(validation),
             data["val_episodes"])


def draw_eval_episodes(design: Design, n_episodes: int, eval_seed: int, seed: int) -> dict[str, DagEpisodes]:
    episodes = {}
    for split in design.eval_splits:
        generator = torch.Generator().manual_seed(derive_seed(design.experiment, "eval", split, eval_seed, seed))
        episodes[split] = design.draw(split, n_episodes, generator)
    return episodes


def write_eval_episodes(path, episodes: dict[str, DagEpisodes], meta: dict) -> None:
    tensors = {}
    for split, batch in episodes.items():
        tensors.update(batch.to_dict(prefix=f"{split}."))
    save_tensors(path, tensors, meta)


def read_eval_episodes(path, design: Design) -> dict[str, DagEpisodes]:
    tensors = load_tensors(path)
    return {split: DagEpisodes.from_dict(tensors, prefix=f"{split}.") for split in design.eval_splits}


def build_agent(design: Design, model: dict, seed: int) -> CausalTransformer:
    """A freshly initialized agent; the initialization is fixed by ``seed``."""
    cfg = TransformerConfig(
        token_width=token_width(design.env, cued=design.cued),
        max_len=design.env.explore_steps + 1,
        heads=head_sizes(design.env),
        **model,
    )
    return build_model(cfg, derive_seed(design.experiment, "agent-init", seed))


def episode_frame(
    design: Design, batch: DagEpisodes, explore: torch.Tensor, goal: torch.Tensor, **constants
) -> pd.DataFrame:
    """One row per episode: outcomes of the goal action, plus exploration metrics
    against the cue for cued designs."""
    outcomes = {"target": batch.targets, **goal_outcomes(batch, goal, design.env)}
    if design.cued:
        outcomes.update(exploration_metrics(explore, batch.cue))
    frame = outcome_frame(outcomes, experiment=design.experiment, **constants)
    frame["explore_actions"] = action_strings(explore)
    return frame


def agent_table(
    model: CausalTransformer, episodes: dict[str, DagEpisodes], design: Design, seed: int, device
) -> pd.DataFrame:
    """The agent's active test on every split (and its ablations, if the design has them)."""
    frames = []
    for split, batch in episodes.items():
        for policy in design.agent_variants:
            generator = torch.Generator().manual_seed(derive_seed(design.experiment, "agent-random", seed, split))
            task = DagActiveTest(batch, design.env, exploration=ABLATIONS[policy], generator=generator)
            run_closed_loop(model, task, device)
            frames.append(episode_frame(design, batch, task.executed, task.goal_action,
                                        seed=seed, split=split, policy=policy))
    return pd.concat(frames, ignore_index=True)


def baseline_table(
    episodes: dict[str, DagEpisodes], design: Design, seed: int, train_extras: dict
) -> pd.DataFrame:
    """The design's baselines on the same episodes as the agent."""
    prior = prior_table(train_extras["targets"], train_extras["goal_actions"], design.env)
    frames = []
    for split, batch in episodes.items():
        for policy in design.baselines:
            generator = torch.Generator().manual_seed(derive_seed(design.experiment, "baseline", policy, seed, split))
            choice = POLICIES[policy](batch, design.env, generator=generator, prior=prior)
            frames.append(episode_frame(design, batch, choice.explore, choice.goal,
                                        seed=seed, split=split, policy=policy))
    return pd.concat(frames, ignore_index=True)
