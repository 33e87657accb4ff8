"""The causal-DAG episode as a sequence task for the shared transformer.

One token per step. Token k (k = 0 .. E, E = explore_steps) carries what the
agent knows when it takes its k-th action: the variable intervened on at the
previous step (one-hot; zeros at k = 0 or for a passive sample), the sample that
step returned (divided by the intervention value), a goal-phase flag, in the
goal phase the target (one-hot) and, for cued episodes (Experiment 2), the
relevance cue S (a mask over the variables, in every token). Positions 0 .. E-1 are acted on by the
``explore`` head (which variable to intervene on); position E by the ``goal``
head ((variable, sign) pairs).

The same encoding serves the passive training set (the expert's actions, teacher
forced) and the closed-loop active test (the agent's own actions), so the agent
meets at test time exactly the token format it was trained on.
"""

from __future__ import annotations

import torch

from pacs.data import IGNORE, TokenDataset
from pacs.envs.causal_dag import (
    NO_INTERVENTION,
    DagEnvConfig,
    DagEpisodes,
    expected_goal_reward,
    expert_goal_action,
    goal_action_parts,
    goal_reward,
    optimal_reward,
    run_exploration,
    sample_under_intervention,
    total_effects,
)

EXPLORATION_MODES = ("agent", "none", "random")


def token_width(cfg: DagEnvConfig, cued: bool = False) -> int:
    return 3 * cfg.n_vars + 1 + (cfg.n_vars if cued else 0)


def head_sizes(cfg: DagEnvConfig) -> dict[str, int]:
    return {"explore": cfg.n_vars, "goal": cfg.n_goal_actions}


def encode_token(
    prev_action: torch.Tensor | None,
    observation: torch.Tensor | None,
    target: torch.Tensor | None,
    cfg: DagEnvConfig,
    n_batch: int,
    cue: torch.Tensor | None = None,
) -> torch.Tensor:
    """One step's token, (B, 3n + 1), or (B, 4n + 1) with a cue. ``None`` parts are
    zeros; a ``prev_action`` equal to ``NO_INTERVENTION`` is encoded as zeros too."""
    n = cfg.n_vars
    token = torch.zeros(n_batch, token_width(cfg, cued=cue is not None))
    if prev_action is not None:
        active = prev_action >= 0
        rows = torch.arange(n_batch)[active]
        token[rows, prev_action[active]] = 1.0
    if observation is not None:
        token[:, n : 2 * n] = observation / cfg.intervention_value
    if target is not None:
        token[:, 2 * n] = 1.0
        token[torch.arange(n_batch), 2 * n + 1 + target] = 1.0
    if cue is not None:
        token[:, 3 * n + 1 :] = cue.to(token.dtype)
    return token


def encode_episode(
    actions: torch.Tensor,
    observations: torch.Tensor,
    targets: torch.Tensor,
    cfg: DagEnvConfig,
    cue: torch.Tensor | None = None,
) -> torch.Tensor:
    """All E + 1 tokens of episodes whose exploration is known. Returns (B, E+1, width)."""
    n_batch, n_steps = actions.shape
    tokens = [encode_token(None, None, None, cfg, n_batch, cue)]
    for step in range(n_steps):
        target = targets if step == n_steps - 1 else None
        tokens.append(encode_token(actions[:, step], observations[:, step], target, cfg, n_batch, cue))
    return torch.stack(tokens, dim=1)


def step_labels(explore: torch.Tensor, goal: torch.Tensor, length: int) -> dict[str, torch.Tensor]:
    """Per-head labels of demonstrated episodes: ``explore`` (B, E) at positions 0 .. E-1,
    ``goal`` (B,) at position E, ``IGNORE`` elsewhere; each (B, length)."""
    n_batch, n_explore = explore.shape
    explore_labels = torch.full((n_batch, length), IGNORE, dtype=torch.long)
    explore_labels[:, :n_explore] = explore
    goal_labels = torch.full((n_batch, length), IGNORE, dtype=torch.long)
    goal_labels[:, n_explore] = goal
    return {"explore": explore_labels, "goal": goal_labels}


def expert_demonstrations(episodes: DagEpisodes, cfg: DagEnvConfig) -> TokenDataset:
    """The passive training data: the expert's episodes as tokens with its actions as
    labels. ``support`` marks every action the expert could have taken at each step,
    for agreement metrics: any not-yet-explored variable (within the cue, if any)
    while exploring; at the
    goal, its action or any with exactly the same true expected reward (a tie
    between equally strong causes that the expert broke by sampling noise)."""
    actions = episodes.expert_order
    observations = run_exploration(episodes, actions, cfg)
    goal = expert_goal_action(actions, observations, episodes.targets, cfg)
    tokens = encode_episode(actions, observations, episodes.targets, cfg, episodes.cue)
    n_batch, length = tokens.shape[:2]
    n_explore = cfg.explore_steps


    explore_support = torch.zeros(n_batch, length, cfg.n_vars, dtype=torch.bool)
    explored = torch.zeros(n_batch, cfg.n_vars, dtype=torch.bool)
    batch = torch.arange(n_batch)
    for step in range(n_explore):
        if step % cfg.n_vars == 0:
            explored[:] = False  # a new sweep over the variables
        explore_support[:, step] = ~explored if episodes.cue is None else ~explored & episodes.cue
        explored[batch, actions[:, step]] = True
    goal_support = torch.zeros(n_batch, length, cfg.n_goal_actions, dtype=torch.bool)
    goal_support[:, n_explore] = equally_good_goal_actions(episodes, goal, cfg)

    return TokenDataset(
        tokens=tokens,
        labels=step_labels(actions, goal, length),
        support={"explore": explore_support, "goal": goal_support},
        extras={
            "targets": episodes.targets,
            "explore_actions": actions,
            "goal_actions": goal,
        },
    )


class DagActiveTest:
    """Closed-loop interaction of a policy with a batch of episodes.

    ``exploration`` selects what the agent's exploration actions do:
    ``agent``: its chosen interventions are carried out (the real test);
    ``none``: its choices are ignored and it sees passive samples (no interventions);
    ``random``: a uniformly random variable is intervened on instead, and the token
    shows which one (its own exploration choices are replaced).
    """

    def __init__(
        self,
        episodes: DagEpisodes,
        cfg: DagEnvConfig,
        exploration: str = "agent",
        generator: torch.Generator | None = None,
    ):
        if exploration not in EXPLORATION_MODES:
            raise ValueError(f"exploration must be one of {EXPLORATION_MODES}, got {exploration!r}")
        self.episodes = episodes
        self.cfg = cfg
        self.exploration = exploration
        self.generator = generator
        self.n_batch = len(episodes)
        self.n_steps = cfg.explore_steps + 1
        self.tokens = torch.zeros(self.n_batch, self.n_steps, token_width(cfg, cued=episodes.cue is not None))
        self.tokens[:, 0] = encode_token(None, None, None, cfg, self.n_batch, episodes.cue)
        self.executed = torch.full((self.n_batch, cfg.explore_steps), NO_INTERVENTION)
        self.chosen = torch.full((self.n_batch, cfg.explore_steps), NO_INTERVENTION)
        self.goal_action: torch.Tensor | None = None

    def head(self, step: int) -> str:
        return "explore" if step < self.cfg.explore_steps else "goal"

    def valid_actions(self, step: int) -> torch.Tensor:
        """(B, C) mask of allowed actions; the goal may not intervene on the target."""
        if step < self.cfg.explore_steps:
            return torch.ones(self.n_batch, self.cfg.n_vars, dtype=torch.bool)
        mask = torch.ones(self.n_batch, self.cfg.n_goal_actions, dtype=torch.bool)
        batch = torch.arange(self.n_batch)
        mask[batch, 2 * self.episodes.targets] = False
        mask[batch, 2 * self.episodes.targets + 1] = False
        return mask

    def act(self, step: int, action: torch.Tensor) -> None:
        """Carry out the action of ``step`` and write the token of ``step + 1``."""
        if step == self.cfg.explore_steps:
            self.goal_action = action
            return
        self.chosen[:, step] = action
        if self.exploration == "agent":
            executed = action
        elif self.exploration == "none":
            executed = torch.full_like(action, NO_INTERVENTION)
        else:
            executed = torch.randint(self.cfg.n_vars, action.shape, generator=self.generator)
        self.executed[:, step] = executed
        sample = sample_under_intervention(
            self.episodes.weights, self.episodes.noise[:, step], executed, self.cfg.intervention_value
        )
        target = self.episodes.targets if step + 1 == self.cfg.explore_steps else None
        self.tokens[:, step + 1] = encode_token(
            executed, sample, target, self.cfg, self.n_batch, self.episodes.cue
        )

    def outcomes(self) -> dict[str, torch.Tensor]:
        """Per-episode results once the goal action is taken."""
        if self.goal_action is None:
            raise RuntimeError("the episode has not reached its goal step")
        return goal_outcomes(self.episodes, self.goal_action, self.cfg)


def exploration_metrics(explore: torch.Tensor, cue: torch.Tensor) -> dict[str, torch.Tensor]:
    """Exploration against a relevance cue S, per episode. ``explore`` (B, E') holds
    the variables intervened on (``NO_INTERVENTION`` for none), ``cue`` (B, n) S.

    explore_precision: share of the distinct variables intervened on that are in S
        (NaN, undefined, if it intervened on none); explore_recall: share of S
        intervened on;
    steps_outside_cue: interventions on variables outside S; n_interventions.
    """
    n_batch, n_vars = cue.shape
    active = explore >= 0
    visited = torch.zeros(n_batch, n_vars, dtype=torch.bool)
    rows = torch.arange(n_batch)[:, None].expand_as(explore)
    visited[rows[active], explore[active]] = True
    in_cue = (visited & cue).sum(1).float()
    outside = active & ~cue.gather(1, explore.clamp_min(0))
    return {
        "explore_precision": in_cue / visited.sum(1).float(),  # 0 / 0 = NaN: nothing explored
        "explore_recall": in_cue / cue.sum(1).float(),
        "steps_outside_cue": outside.sum(1).float(),
        "n_interventions": active.sum(1).float(),
    }


def equally_good_goal_actions(episodes: DagEpisodes, goal: torch.Tensor, cfg: DagEnvConfig) -> torch.Tensor:
    """(B, 2n) mask of goal actions whose true expected reward equals that of ``goal``."""
    effects = total_effects(episodes.weights)
    batch = torch.arange(len(episodes))
    on_target = effects[batch, :, episodes.targets]  # (B, n)
    values = torch.stack([on_target, -on_target], dim=2).reshape(len(episodes), -1)  # action 2i + neg
    values[batch, 2 * episodes.targets] = float("-inf")
    values[batch, 2 * episodes.targets + 1] = float("-inf")
    chosen = values[batch, goal]
    return (values - chosen[:, None]).abs() < 1e-4


def goal_outcomes(episodes: DagEpisodes, goal_action: torch.Tensor, cfg: DagEnvConfig):
    """Reward, expected reward, optimal reward and optimal-choice flag of goal actions."""
    variable, sign = goal_action_parts(goal_action)
    reward = goal_reward(episodes, goal_action, cfg)
    expected = expected_goal_reward(episodes, goal_action, cfg)
    best = optimal_reward(episodes, cfg)
    return {
        "goal_variable": variable,
        "goal_sign": sign,
        "reward": reward,
        "expected_reward": expected,
        "optimal_reward": best,
        # undefined (NaN) where no intervention can move the target (only possible
        # with target_requires_cause off); the statistics skip NaN
        "reward_over_optimal": torch.where(best > 0, reward / best.clamp_min(1e-12), torch.nan),
        "optimal_choice": (expected >= best - 1e-4).to(torch.float32),
    }
