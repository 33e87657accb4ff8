"""Shared fixtures: small environment configs and hand-built episodes."""

import pytest
import torch

from pacs.envs.causal_dag import DagEnvConfig, DagEpisodes


@pytest.fixture
def env_cfg() -> DagEnvConfig:
    return DagEnvConfig()


def hand_built_episode(weights, target, noise=None, order=None, noise_std=0.0) -> tuple[DagEpisodes, DagEnvConfig]:
    """One episode on a given weight matrix (W[i][j] for i -> j), target and noise."""
    w = torch.tensor(weights, dtype=torch.float32)[None]
    n = w.shape[-1]
    cfg = DagEnvConfig(n_vars=n, explore_steps=n, noise_std=noise_std, held_out_links=())
    noise = torch.zeros(1, n + 1, n) if noise is None else torch.tensor(noise, dtype=torch.float32)[None]
    order = torch.arange(n)[None] if order is None else torch.tensor(order)[None]
    return DagEpisodes(w, torch.tensor([target]), noise, order), cfg
