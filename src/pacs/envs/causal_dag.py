"""Causal-DAG environment of Experiment 1 (reconstructed from D19 and L23).

A linear-Gaussian structural causal model over ``n_vars`` variables:
``X_j = sum_i W[i, j] X_i + e_j`` with ``e_j ~ N(0, noise_std^2)``. ``W[i, j]`` is
the weight of the edge i -> j; the graph is a DAG because weights are only drawn
for pairs (earlier, later) of a random order.

Everything here is batched over episodes (leading dimension B) and works on any
torch device. Randomness comes only from an explicit ``torch.Generator`` so that
the same seed gives the same episodes.

An episode: ``explore_steps`` exploration steps (the agent names a variable i,
the environment samples all variables under do(X_i = +intervention_value)), then
one goal step (the environment names a target t, the agent picks (i, v) with
i != t and v = +/- intervention_value, reward = X_t under do(X_i = v)). The noise
of every step is drawn when the episode is drawn, so every policy evaluated on
an episode meets the same noise.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import torch

SPLITS = ("train", "in_distribution", "held_out", "held_out_link_goal")
NO_INTERVENTION = -1


@dataclass(frozen=True)
class DagEnvConfig:
    """Every value of the environment; filled from the ``c1.env`` config block."""

    n_vars: int = 5
    weight_values: tuple[float, ...] = (-1.0, 0.0, 1.0)
    noise_std: float = 0.1
    intervention_value: float = 5.0
    explore_steps: int = 5
    held_out_links: tuple[tuple[int, int], ...] = ((0, 1),)
    target_requires_cause: bool = True

    @classmethod
    def from_dict(cls, values: dict) -> "DagEnvConfig":
        known = {f.name for f in fields(cls)}
        unknown = set(values) - known
        if unknown:
            raise ValueError(f"unknown c1.env keys: {sorted(unknown)}")
        values = dict(values)
        if "weight_values" in values:
            values["weight_values"] = tuple(float(v) for v in values["weight_values"])
        if "held_out_links" in values:
            values["held_out_links"] = tuple(
                (int(a), int(b)) for a, b in values["held_out_links"]
            )
        return cls(**values)

    @property
    def n_goal_actions(self) -> int:
        """Goal actions are (variable, sign) pairs, encoded as 2 * variable + (sign < 0)."""
        return 2 * self.n_vars


@dataclass
class DagEpisodes:
    """A batch of drawn episodes: graphs, goal targets and all the noise they use.

    weights: (B, n, n) edge weights, W[i, j] for i -> j.
    targets: (B,) the goal variable named in the goal phase.
    noise: (B, explore_steps + 1, n) exogenous noise of each step; the last row is
        the goal step's.
    expert_order: (B, explore_steps) the expert's exploration order for this
        episode (drawn here so every consumer of the episode sees the same expert).
    cue: optional (B, n) bool relevance cue (Experiment 2): the subset S of
        variables that may cause the target; None when episodes carry no cue.
    """

    weights: torch.Tensor
    targets: torch.Tensor
    noise: torch.Tensor
    expert_order: torch.Tensor
    cue: torch.Tensor | None = None

    def __len__(self) -> int:
        return self.targets.shape[0]

    def to_dict(self, prefix: str = "") -> dict[str, torch.Tensor]:
        tensors = {
            f"{prefix}weights": self.weights,
            f"{prefix}targets": self.targets,
            f"{prefix}noise": self.noise,
            f"{prefix}expert_order": self.expert_order,
        }
        if self.cue is not None:
            tensors[f"{prefix}cue"] = self.cue
        return tensors

    @classmethod
    def from_dict(cls, tensors: dict[str, torch.Tensor], prefix: str = "") -> "DagEpisodes":
        cue = tensors.get(f"{prefix}cue")
        return cls(
            weights=tensors[f"{prefix}weights"],
            targets=tensors[f"{prefix}targets"].long(),
            noise=tensors[f"{prefix}noise"],
            expert_order=tensors[f"{prefix}expert_order"].long(),
            cue=None if cue is None else cue.bool(),
        )

    def select(self, index: torch.Tensor) -> "DagEpisodes":
        return DagEpisodes(
            self.weights[index], self.targets[index], self.noise[index], self.expert_order[index],
            None if self.cue is None else self.cue[index],
        )

    @staticmethod
    def concat(parts: list["DagEpisodes"], limit: int) -> "DagEpisodes":
        """The first ``limit`` episodes of several batches."""
        def cat(name):
            values = [getattr(p, name) for p in parts]
            return None if values[0] is None else torch.cat(values)[:limit]

        return DagEpisodes(*(cat(name) for name in ("weights", "targets", "noise", "expert_order", "cue")))


# --- graph structure -------------------------------------------------------


def sample_weights(n_graphs: int, cfg: DagEnvConfig, generator: torch.Generator) -> torch.Tensor:
    """Random DAG weights: a random variable order, then for each (earlier, later)
    pair a weight drawn uniformly from ``cfg.weight_values``. Returns (B, n, n)."""
    n = cfg.n_vars
    values = torch.tensor(cfg.weight_values, dtype=torch.float32)
    picks = torch.randint(len(values), (n_graphs, n, n), generator=generator)
    upper = torch.triu(values[picks], diagonal=1)
    order = torch.argsort(torch.rand(n_graphs, n, generator=generator), dim=1)
    # W[order[a], order[b]] = upper[a, b]
    weights = torch.zeros_like(upper)
    rows = order[:, :, None].expand(n_graphs, n, n)
    cols = order[:, None, :].expand(n_graphs, n, n)
    batch = torch.arange(n_graphs)[:, None, None].expand(n_graphs, n, n)
    weights[batch, rows, cols] = upper
    return weights


def total_effects(weights: torch.Tensor) -> torch.Tensor:
    """Total causal effects T[i, j] of X_i on X_j: the entries of (I - W)^-1."""
    eye = torch.eye(weights.shape[-1], dtype=weights.dtype, device=weights.device)
    return torch.linalg.inv(eye - weights)


def ancestors(weights: torch.Tensor) -> torch.Tensor:
    """Boolean reachability R[i, j]: a directed path of nonzero edges from i to j (i != j)."""
    n = weights.shape[-1]
    step = (weights != 0).to(torch.float32)
    reach = step.clone()
    for _ in range(n - 2):
        reach = ((reach + reach @ step) > 0).to(torch.float32)
    return reach > 0


def has_held_out_link(weights: torch.Tensor, links) -> torch.Tensor:
    """(B,) True where any held-out link (a, b) has a directed path a -> ... -> b."""
    reach = ancestors(weights)
    flags = torch.zeros(weights.shape[0], dtype=torch.bool, device=weights.device)
    for a, b in links:
        flags |= reach[:, a, b]
    return flags


def best_effect_magnitude(effects: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """max over i != t of |T[i, t]|, shape (B,)."""
    column = _effects_on_target(effects, targets).abs()
    return column.max(dim=1).values


def _effects_on_target(effects: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """(B, n) total effect of each variable on the episode's target; 0 for the target itself."""
    batch = torch.arange(effects.shape[0], device=effects.device)
    column = effects[batch, :, targets].clone()
    column[batch, targets] = 0.0
    return column


# --- drawing episodes ------------------------------------------------------


def sample_episodes(
    n_episodes: int, cfg: DagEnvConfig, split: str, generator: torch.Generator
) -> DagEpisodes:
    """Draw ``n_episodes`` episodes of one split.

    train / in_distribution: graphs without any held-out link.
    held_out: graphs with a held-out link (any directed path from A to B).
    held_out_link_goal: held-out graphs whose target is B and in which A is the
        unique best intervention (the goal can only be met well through the link).
    Rejection sampling in chunks keeps it vectorized.
    """
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}; expected one of {SPLITS}")
    chunks: list[DagEpisodes] = []
    have = 0
    chunk = max(256, 4 * n_episodes)
    for _attempt in range(1_000):
        if have >= n_episodes:
            break
        weights = sample_weights(chunk, cfg, generator)
        effects = total_effects(weights)
        targets = _sample_targets(effects, cfg, generator)
        keep = targets >= 0
        held = has_held_out_link(weights, cfg.held_out_links)
        if split in ("train", "in_distribution"):
            keep &= ~held
        else:
            keep &= held
        if split == "held_out_link_goal":
            targets, link_ok = _link_goal_targets(effects, cfg)
            keep &= held & link_ok
        index = torch.nonzero(keep).squeeze(1)
        if index.numel() == 0:
            continue
        noise = cfg.noise_std * torch.randn(
            chunk, cfg.explore_steps + 1, cfg.n_vars, generator=generator
        )
        order = expert_exploration_order(chunk, cfg, generator)
        chunks.append(DagEpisodes(weights, targets, noise, order).select(index))
        have += index.numel()
    else:  # pragma: no cover - only with a config that makes the split empty
        raise RuntimeError(f"could not draw {n_episodes} episodes for split {split!r}")
    return DagEpisodes.concat(chunks, n_episodes)


def _sample_targets(effects: torch.Tensor, cfg: DagEnvConfig, generator) -> torch.Tensor:
    """Uniform target per graph; with ``target_requires_cause`` only among variables
    some other variable affects (so the optimal reward is > 0). -1 where none exists."""
    n_graphs, n = effects.shape[0], cfg.n_vars
    scores = torch.rand(n_graphs, n, generator=generator)
    if cfg.target_requires_cause:
        off_diag = effects.abs() * (1 - torch.eye(n))
        has_cause = off_diag.max(dim=1).values > 1e-6  # (B, n): column max over causes
        scores = torch.where(has_cause, scores, torch.full_like(scores, -1.0))
    targets = scores.argmax(dim=1)
    valid = scores.max(dim=1).values >= 0
    return torch.where(valid, targets, torch.full_like(targets, -1))


def _link_goal_targets(effects: torch.Tensor, cfg: DagEnvConfig):
    """Targets B of the first held-out link whose A is the unique best intervention."""
    n_graphs = effects.shape[0]
    targets = torch.full((n_graphs,), -1, dtype=torch.long)
    ok = torch.zeros(n_graphs, dtype=torch.bool)
    for a, b in cfg.held_out_links:
        column = effects[:, :, b].abs().clone()
        column[:, b] = 0.0
        link = column[:, a].clone()
        column[:, a] = -1.0
        unique_best = link > column.max(dim=1).values + 1e-6
        newly = unique_best & ~ok
        targets[newly] = b
        ok |= unique_best
    return targets, ok


def sample_cued_episodes(
    n_episodes: int, cfg: DagEnvConfig, subsets: list[tuple[int, ...]], generator: torch.Generator
) -> DagEpisodes:
    """Experiment 2 episodes (reconstruction): each names a relevance cue S drawn
    uniformly from ``subsets`` and a target outside S, and only variables in S can
    cause the target: every edge from a variable outside S into S or into the
    target is removed, so no directed path reaches the target except from S. The
    expert explores exactly S, in random order; ``explore_steps`` must equal |S|.
    Noise has a row for every variable (so a baseline may explore them all) plus
    the goal row, which is always the last."""
    sizes = {len(s) for s in subsets}
    if sizes != {cfg.explore_steps}:
        raise ValueError(f"every cued subset needs explore_steps={cfg.explore_steps} variables, got sizes {sizes}")
    n = cfg.n_vars
    masks = torch.zeros(len(subsets), n, dtype=torch.bool)
    for index, subset in enumerate(subsets):
        masks[index, list(subset)] = True
    chunks, have = [], 0
    for _attempt in range(1_000):
        if have >= n_episodes:
            break
        chunk = max(256, 2 * n_episodes)
        cue = masks[torch.randint(len(subsets), (chunk,), generator=generator)]
        outside = torch.where(cue, -1.0, torch.rand(chunk, n, generator=generator))
        targets = outside.argmax(dim=1)
        sink = cue.clone()
        sink[torch.arange(chunk), targets] = True
        # cut edges j -> k with j outside S (and not the target) and k in S or the target
        source_outside = ~sink
        weights = sample_weights(chunk, cfg, generator)
        weights = weights * ~(source_outside[:, :, None] & sink[:, None, :])
        effects = total_effects(weights)
        has_cause = best_effect_magnitude(effects, targets) > 1e-6
        index = torch.nonzero(has_cause).squeeze(1)
        noise = cfg.noise_std * torch.randn(chunk, max(n, cfg.explore_steps) + 1, n, generator=generator)
        scores = torch.where(cue, torch.rand(chunk, n, generator=generator), torch.full((chunk, n), 2.0))
        order = torch.argsort(scores, dim=1)[:, : cfg.explore_steps]  # S first, shuffled
        chunks.append(DagEpisodes(weights, targets, noise, order, cue).select(index))
        have += index.numel()
    else:  # pragma: no cover
        raise RuntimeError(f"could not draw {n_episodes} cued episodes")
    return DagEpisodes.concat(chunks, n_episodes)


def expert_exploration_order(n_episodes: int, cfg: DagEnvConfig, generator) -> torch.Tensor:
    """The expert explores each variable once, in a random order (cycling if
    ``explore_steps`` exceeds ``n_vars``). Returns (B, explore_steps) variable ids."""
    perm = torch.argsort(torch.rand(n_episodes, cfg.n_vars, generator=generator), dim=1)
    steps = torch.arange(cfg.explore_steps) % cfg.n_vars
    return perm[:, steps]


# --- interventions and rewards --------------------------------------------


def sample_under_intervention(
    weights: torch.Tensor, noise: torch.Tensor, variable: torch.Tensor, value: torch.Tensor | float
) -> torch.Tensor:
    """One sample of all variables under do(X_variable = value), per episode.

    weights (B, n, n); noise (B, n); variable (B,) long, ``NO_INTERVENTION`` for a
    passive (observational) sample; value scalar or (B,). The intervention cuts the
    edges into the variable and fixes its value. Returns (B, n).
    """
    n_batch, n = noise.shape
    value = torch.as_tensor(value, dtype=noise.dtype, device=noise.device).expand(n_batch)
    active = variable >= 0
    onehot = torch.zeros(n_batch, n, dtype=noise.dtype, device=noise.device)
    onehot[active, variable[active]] = 1.0
    cut = weights * (1.0 - onehot[:, None, :])  # zero the column: no edges into the variable
    exogenous = noise * (1.0 - onehot) + onehot * value[:, None]
    eye = torch.eye(n, dtype=noise.dtype, device=noise.device)
    # X = W^T X + e  <=>  (I - W^T) X = e
    return torch.linalg.solve(eye - cut.transpose(1, 2), exogenous.unsqueeze(-1)).squeeze(-1)


def goal_action_parts(goal_action: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Split goal-action ids into (variable, sign in {+1, -1})."""
    variable = goal_action // 2
    sign = 1.0 - 2.0 * (goal_action % 2).to(torch.float32)
    return variable, sign


def goal_action_id(variable: torch.Tensor, sign: torch.Tensor) -> torch.Tensor:
    return 2 * variable + (sign < 0).long()


def goal_reward(episodes: DagEpisodes, goal_action: torch.Tensor, cfg: DagEnvConfig) -> torch.Tensor:
    """Sampled reward X_t under the chosen goal intervention, with the goal step's noise."""
    variable, sign = goal_action_parts(goal_action)
    values = sample_under_intervention(
        episodes.weights, episodes.noise[:, -1], variable, sign * cfg.intervention_value
    )
    return values.gather(1, episodes.targets[:, None]).squeeze(1)


def expected_goal_reward(episodes: DagEpisodes, goal_action: torch.Tensor, cfg: DagEnvConfig):
    """Expected reward of a goal action: v * T[i, t]."""
    variable, sign = goal_action_parts(goal_action)
    effects = total_effects(episodes.weights)
    batch = torch.arange(len(episodes))
    return sign * cfg.intervention_value * effects[batch, variable, episodes.targets]


def optimal_reward(episodes: DagEpisodes, cfg: DagEnvConfig) -> torch.Tensor:
    """Optimal expected reward: intervention_value * max_{i != t} |T[i, t]|."""
    return cfg.intervention_value * best_effect_magnitude(
        total_effects(episodes.weights), episodes.targets
    )


def choose_goal_by_estimates(estimates: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Goal action from estimated effects on the target, (B, n): the variable with the
    largest |estimate| (never the target), intervened on with the estimate's sign."""
    batch = torch.arange(estimates.shape[0], device=estimates.device)
    magnitude = estimates.abs().clone()
    magnitude[batch, targets] = -1.0
    variable = magnitude.argmax(dim=1)
    chosen = estimates[batch, variable]
    sign = torch.where(chosen < 0, -1.0, 1.0)
    return goal_action_id(variable, sign)


def optimal_goal_action(episodes: DagEpisodes) -> torch.Tensor:
    """The goal action of an agent that knows the graph."""
    effects = _effects_on_target(total_effects(episodes.weights), episodes.targets)
    return choose_goal_by_estimates(effects, episodes.targets)


# --- the expert --------------------------------------------------------------


def run_exploration(
    episodes: DagEpisodes, actions: torch.Tensor, cfg: DagEnvConfig
) -> torch.Tensor:
    """Observations of a fixed exploration plan: actions (B, E) variable ids (or
    ``NO_INTERVENTION``). Returns (B, E, n) samples under do(X_a = +value)."""
    samples = [
        sample_under_intervention(
            episodes.weights, episodes.noise[:, step], actions[:, step], cfg.intervention_value
        )
        for step in range(actions.shape[1])
    ]
    return torch.stack(samples, dim=1)


def interventional_effect_estimates(
    actions: torch.Tensor, observations: torch.Tensor, targets: torch.Tensor, cfg: DagEnvConfig
) -> torch.Tensor:
    """Per episode, estimated total effect of each variable on the target from its own
    interventions: X_t / value in the last step that intervened on that variable
    (0 for variables never intervened on). Returns (B, n)."""
    n_batch = actions.shape[0]
    batch = torch.arange(n_batch, device=actions.device)
    estimates = torch.zeros(n_batch, cfg.n_vars, dtype=observations.dtype, device=observations.device)
    for step in range(actions.shape[1]):
        var = actions[:, step]
        active = var >= 0
        at_target = observations[batch, step, targets] / cfg.intervention_value
        estimates[batch[active], var[active]] = at_target[active]
    return estimates


def expert_goal_action(
    actions: torch.Tensor, observations: torch.Tensor, targets: torch.Tensor, cfg: DagEnvConfig
) -> torch.Tensor:
    """The expert's goal action: best estimated effect on the target, with its sign."""
    estimates = interventional_effect_estimates(actions, observations, targets, cfg)
    return choose_goal_by_estimates(estimates, targets)
