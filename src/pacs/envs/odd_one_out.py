"""Symbolic meta odd-one-out task of Experiment 3 (claim C3), after T22.

T22 renders objects as pixels in a 3-D grid world and the agent walks to them;
here objects are feature vectors (one value per dimension: colour, shape,
texture) and actions are discrete choices. What is kept: an episode's latent
dimension d* is hidden; in each of ``experiment_trials`` trials the agent
transforms one object along one dimension (making it the odd one out along that
dimension), then picks an object, and is rewarded only if it picked an object
odd along d*. In the final test trial, each dimension's odd one out is a
different object; only the d*-odd one is rewarded. In *confounded* training
episodes the test trial instead has one object odd along every dimension at
once, so picking it is rewarded whatever the agent attends to.

*Perfectly confounded* episodes (C3b, T22's confounding test) tie a set of
dimensions (``coupled``, e.g. colour and shape) together everywhere: a transform
along any of them changes the object along all of them, so it is rewarded
whenever d* is one of them, and at test one object is odd along all of them
(the other dimensions keep their own odd objects). Nothing in such an episode
tells the coupled dimensions apart: which of them d* is called (``named``) only
changes the explanations.

The expert experiments: it transforms along untested dimensions (random order)
until a reward or elimination reveals d*, then exploits d*; it always picks the
object it transformed, and at test picks the d*-odd object. Explanations are
short strings generated with the episode ("object 2 made odd in shape", "incorrect the concept is
not colour", "correct the concept is shape"); in confounded episodes the test explanation names only d*.
Explanations that name values (C3b, as T22's "it is uniquely red") say at each
rewarded outcome which value the odd object has along d* ("correct the odd
colour is 3"): predicting them needs that feature of the object.

Sequence layout (one token per step): positions 2k and 2k+1 are trial k's
transform and pick; position 2T is the test pick; position 2T+1 only shows the
test outcome (and carries the test explanation for training).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import torch

from pacs.data import IGNORE, TokenDataset

CONFOUNDINGS = ("deconfounded", "confounded", "perfect")
DIMENSIONS = ("colour", "shape", "texture")
PHASES = ("transform", "pick", "test", "outcome")


@dataclass(frozen=True)
class OddOneOutConfig:
    values_per_dimension: tuple[int, ...] = (4, 4, 4)
    n_objects: int = 4
    experiment_trials: int = 3

    @classmethod
    def from_dict(cls, values: dict) -> "OddOneOutConfig":
        known = {f.name for f in fields(cls)}
        picked = {k: v for k, v in values.items() if k in known}
        if "values_per_dimension" in picked:
            picked["values_per_dimension"] = tuple(int(v) for v in picked["values_per_dimension"])
        cfg = cls(**picked)
        if len(cfg.values_per_dimension) != len(DIMENSIONS):
            raise ValueError(f"values_per_dimension needs {len(DIMENSIONS)} entries ({', '.join(DIMENSIONS)})")
        if min(cfg.values_per_dimension) < 2:
            raise ValueError("every dimension needs at least 2 values")
        if cfg.n_objects < len(DIMENSIONS) + 1:
            raise ValueError(f"n_objects must be at least {len(DIMENSIONS) + 1}")
        return cfg

    @property
    def n_dims(self) -> int:
        return len(self.values_per_dimension)

    @property
    def n_steps(self) -> int:
        """Action steps: a transform and a pick per trial, then the test pick."""
        return 2 * self.experiment_trials + 1

    @property
    def length(self) -> int:
        """Tokens per episode: the action steps plus the final outcome token."""
        return self.n_steps + 1


@dataclass
class OddOneOutEpisodes:
    """latent (B,); base (B, T, D) the identical objects of each experiment trial;
    alternative (B, T, O, D) the value an object takes when transformed along a
    dimension; test_objects (B, O, D); test_odd (B, D) the object odd along each
    dimension at test; expert_dims (B, D) the expert's order of dimensions to try;
    expert_objects (B, T) the object it transforms in each trial; coupling (B, D, D)
    1 where a transform along the first dimension also changes the second (the
    identity unless dimensions are perfectly confounded)."""

    latent: torch.Tensor
    base: torch.Tensor
    alternative: torch.Tensor
    test_objects: torch.Tensor
    test_odd: torch.Tensor
    expert_dims: torch.Tensor
    expert_objects: torch.Tensor
    coupling: torch.Tensor

    def __len__(self) -> int:
        return self.latent.shape[0]

    def to_dict(self, prefix: str = "") -> dict[str, torch.Tensor]:
        return {f"{prefix}{f.name}": getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_dict(cls, tensors: dict[str, torch.Tensor], prefix: str = "") -> "OddOneOutEpisodes":
        return cls(**{f.name: tensors[f"{prefix}{f.name}"].long() for f in fields(cls)})


def _different_values(base: torch.Tensor, sizes: torch.Tensor, generator) -> torch.Tensor:
    """A value different from ``base`` along each dimension (uniform among the others)."""
    offset = 1 + (torch.rand(base.shape, generator=generator) * (sizes - 1)).long()
    return (base + offset) % sizes


def coupling_matrix(n_dims: int, coupled=()) -> torch.Tensor:
    """(D, D) 1 where a transform along the row's dimension changes the column's:
    the identity, plus every pair within ``coupled``."""
    coupling = torch.eye(n_dims, dtype=torch.long)
    for row in coupled:
        for column in coupled:
            coupling[row, column] = 1
    return coupling


def sample_episodes(n_episodes: int, cfg: OddOneOutConfig, confounding: str, generator, coupled=(),
                    named: int | None = None) -> OddOneOutEpisodes:
    """Draw episodes; ``confounding`` sets the test trial: deconfounded (a different odd
    object per dimension), confounded (one object odd along every dimension) or
    perfect (one object odd along every dimension of ``coupled``, a different one per
    other dimension). ``coupled``: dimension indices a transform changes together in
    the experiment trials (perfect needs at least two; none otherwise by default);
    a latent among them is called ``named`` (default: the first of them)."""
    if confounding not in CONFOUNDINGS:
        raise ValueError(f"unknown confounding {confounding!r}; expected one of {CONFOUNDINGS}")
    coupled = tuple(int(dim) for dim in coupled)
    if confounding == "perfect" and len(coupled) < 2:
        raise ValueError("perfect confounding needs at least two coupled dimensions")
    if len(set(coupled)) != len(coupled) or not all(0 <= dim < cfg.n_dims for dim in coupled):
        raise ValueError(f"coupled dimensions {coupled} must be distinct indices below {cfg.n_dims}")
    named = coupled[0] if named is None and coupled else named
    if coupled and named not in coupled:
        raise ValueError(f"named dimension {named} is not one of the coupled dimensions {coupled}")
    sizes = torch.tensor(cfg.values_per_dimension)
    n_dims, n_obj, trials = cfg.n_dims, cfg.n_objects, cfg.experiment_trials
    latent = torch.randint(n_dims, (n_episodes,), generator=generator)
    if coupled:  # the coupled dimensions act as one, called ``named``
        latent = torch.where(torch.isin(latent, torch.tensor(coupled)), named, latent)
    base = (torch.rand(n_episodes, trials, n_dims, generator=generator) * sizes).long()
    alternative = _different_values(base[:, :, None, :].expand(-1, -1, n_obj, -1), sizes, generator)
    test_base = (torch.rand(n_episodes, n_dims, generator=generator) * sizes).long()
    test_objects = test_base[:, None, :].repeat(1, n_obj, 1)
    odd_values = _different_values(test_base, sizes, generator)
    placement = torch.argsort(torch.rand(n_episodes, n_obj, generator=generator), dim=1)
    batch = torch.arange(n_episodes)
    # which column of ``placement`` holds each dimension's odd object
    if confounding == "deconfounded":
        column = list(range(n_dims))
    elif confounding == "confounded":
        column = [0] * n_dims  # one object odd along all
    else:
        column = [coupled[0] if dim in coupled else dim for dim in range(n_dims)]
    test_odd = placement[:, column]
    for dim in range(n_dims):
        test_objects[batch, test_odd[:, dim], dim] = odd_values[:, dim]
    expert_dims = torch.argsort(torch.rand(n_episodes, n_dims, generator=generator), dim=1)
    expert_objects = torch.randint(n_obj, (n_episodes, trials), generator=generator)
    coupling = coupling_matrix(n_dims, coupled).expand(n_episodes, -1, -1).clone()
    return OddOneOutEpisodes(latent, base, alternative, test_objects, test_odd, expert_dims, expert_objects, coupling)


# --- explanations --------------------------------------------------------------

VOCABULARY = (
    "<pad>", "correct", "incorrect", "the", "concept", "is", "not", "object", "made", "odd", "in",
    *DIMENSIONS, *(str(i) for i in range(10)),
)
WORD_ID = {word: index for index, word in enumerate(VOCABULARY)}
EXPLANATION_LENGTH = 6


def transform_explanation(obj: int, dim: int) -> str:
    return f"object {obj} made odd in {DIMENSIONS[dim]}"


def outcome_explanation(rewarded: bool, dim: int) -> str:
    return f"correct the concept is {DIMENSIONS[dim]}" if rewarded else f"incorrect the concept is not {DIMENSIONS[dim]}"


def value_explanation(dim: int, value: int) -> str:
    """A rewarded outcome that names the odd object's value along ``dim``."""
    return f"correct the odd {DIMENSIONS[dim]} is {value}"


def tokenize(text: str) -> list[int]:
    ids = [WORD_ID[word] for word in text.split()]
    if len(ids) > EXPLANATION_LENGTH:
        raise ValueError(f"explanation longer than {EXPLANATION_LENGTH} words: {text!r}")
    return ids + [WORD_ID["<pad>"]] * (EXPLANATION_LENGTH - len(ids))


def explanation_heads() -> dict[str, int]:
    return {f"explain_{i}": len(VOCABULARY) for i in range(EXPLANATION_LENGTH)}


# --- token encoding -------------------------------------------------------------


def token_width(cfg: OddOneOutConfig) -> int:
    return cfg.n_objects * sum(cfg.values_per_dimension) + 2 + len(PHASES)


def head_sizes(cfg: OddOneOutConfig) -> dict[str, int]:
    return {"transform": cfg.n_objects * cfg.n_dims, "pick": cfg.n_objects, **explanation_heads()}


def encode_token(objects: torch.Tensor, last_reward: torch.Tensor | None, phase: str, cfg: OddOneOutConfig):
    """objects (B, O, D) values; last_reward (B,) of the previous pick or None."""
    n_batch = objects.shape[0]
    parts = [
        torch.nn.functional.one_hot(objects[:, :, dim], size).float().reshape(n_batch, -1)
        for dim, size in enumerate(cfg.values_per_dimension)
    ]
    reward = torch.zeros(n_batch, 2)
    if last_reward is not None:
        reward[:, 0] = 1.0
        reward[:, 1] = last_reward.float()
    phase_onehot = torch.zeros(n_batch, len(PHASES))
    phase_onehot[:, PHASES.index(phase)] = 1.0
    return torch.cat([*parts, reward, phase_onehot], dim=1)


def transform_parts(action: torch.Tensor, cfg: OddOneOutConfig) -> tuple[torch.Tensor, torch.Tensor]:
    """Transform action id -> (object, dimension); id = object * D + dimension."""
    return action // cfg.n_dims, action % cfg.n_dims


class OddOneOutTask:
    """Closed-loop interaction with a batch of episodes (see the module docstring).
    Also records what was done, for the expert demonstrations and the tables."""

    def __init__(self, episodes: OddOneOutEpisodes, cfg: OddOneOutConfig):
        self.episodes, self.cfg = episodes, cfg
        self.n_batch = len(episodes)
        self.n_steps = cfg.n_steps
        self.tokens = torch.zeros(self.n_batch, cfg.length, token_width(cfg))
        self.objects = episodes.base[:, 0, None, :].repeat(1, cfg.n_objects, 1)
        self.tokens[:, 0] = encode_token(self.objects, None, "transform", cfg)
        trials = cfg.experiment_trials
        self.transformed = torch.zeros(self.n_batch, trials, 2, dtype=torch.long)  # (object, dim)
        self.picks = torch.zeros(self.n_batch, trials + 1, dtype=torch.long)
        self.rewards = torch.zeros(self.n_batch, trials + 1)

    def head(self, step: int) -> str:
        return "transform" if step < 2 * self.cfg.experiment_trials and step % 2 == 0 else "pick"

    def valid_actions(self, step: int) -> torch.Tensor:
        size = self.cfg.n_objects * self.cfg.n_dims if self.head(step) == "transform" else self.cfg.n_objects
        return torch.ones(self.n_batch, size, dtype=torch.bool)

    def act(self, step: int, action: torch.Tensor) -> None:
        cfg, ep = self.cfg, self.episodes
        batch = torch.arange(self.n_batch)
        trial = step // 2
        if step == cfg.n_steps - 1:  # test pick
            self.picks[:, trial] = action
            self.rewards[:, trial] = (action == ep.test_odd[batch, ep.latent]).float()
            self.tokens[:, step + 1] = encode_token(ep.test_objects, self.rewards[:, trial], "outcome", cfg)
        elif step % 2 == 0:  # transform: along ``dim`` and every dimension coupled to it
            obj, dim = transform_parts(action, cfg)
            self.transformed[:, trial, 0], self.transformed[:, trial, 1] = obj, dim
            changed = ep.coupling[batch, dim] > 0  # (B, D)
            self.objects[batch, obj] = torch.where(changed, ep.alternative[batch, trial, obj], self.objects[batch, obj])
            self.tokens[:, step + 1] = encode_token(self.objects, None, "pick", cfg)
        else:  # experiment pick
            obj, dim = self.transformed[:, trial, 0], self.transformed[:, trial, 1]
            self.picks[:, trial] = action
            made_odd_along_latent = ep.coupling[batch, dim, ep.latent] > 0
            self.rewards[:, trial] = ((action == obj) & made_odd_along_latent).float()
            if trial + 1 < cfg.experiment_trials:
                self.objects = ep.base[:, trial + 1, None, :].repeat(1, cfg.n_objects, 1)
                self.tokens[:, step + 1] = encode_token(self.objects, self.rewards[:, trial], "transform", cfg)
            else:
                self.tokens[:, step + 1] = encode_token(ep.test_objects, self.rewards[:, trial], "test", cfg)

    def test_outcomes(self) -> dict[str, torch.Tensor]:
        """Per episode: test accuracy, which dimension's odd object was picked
        (follows_<dimension>; follows_other: odd along a dimension that is not
        the latent one; follows_none), and the number of distinct dimensions the
        experiments tried."""
        ep, pick = self.episodes, self.picks[:, -1]
        follows = pick[:, None] == ep.test_odd  # (B, D)
        tried = torch.zeros(self.n_batch, self.cfg.n_dims, dtype=torch.bool)
        tried.scatter_(1, self.transformed[:, :, 1], True)
        outcomes = {
            "latent": ep.latent,
            "test_pick": pick,
            "test_correct": self.rewards[:, -1],
            "experiment_rewards": self.rewards[:, :-1].sum(1),
            "dimensions_tried": tried.sum(1).float(),
        }
        for dim, name in enumerate(DIMENSIONS):
            outcomes[f"follows_{name}"] = follows[:, dim].float()
        latent_odd = follows.gather(1, ep.latent[:, None]).squeeze(1)
        outcomes["follows_other"] = (follows.any(1) & ~latent_odd).float()
        outcomes["follows_none"] = (~follows.any(1)).float()
        return outcomes


def expert_actions(task: OddOneOutTask, step: int) -> torch.Tensor:
    """The expert's action at ``step`` given what it has seen so far in ``task``."""
    cfg, ep = task.cfg, task.episodes
    batch = torch.arange(task.n_batch)
    trial = step // 2
    if step == cfg.n_steps - 1:
        return ep.test_odd[batch, ep.latent]
    if step % 2 == 1:
        return task.transformed[:, trial, 0]
    # Which dimension d* could still be: rewarded dims are d*; unrewarded tried dims (and
    # the dims coupled to them) are not.
    possible = torch.ones(task.n_batch, cfg.n_dims, dtype=torch.bool)
    known = torch.full((task.n_batch,), -1)
    for past in range(trial):
        dim = task.transformed[:, past, 1]
        rewarded = task.rewards[:, past] > 0
        known = torch.where(rewarded, dim, known)
        possible &= ~((ep.coupling[batch, dim] > 0) & ~rewarded[:, None])
    # first dimension in the expert's order that is still possible (d* itself once known)
    rank = torch.where(possible.gather(1, ep.expert_dims), torch.arange(cfg.n_dims), cfg.n_dims)
    next_dim = ep.expert_dims.gather(1, rank.argmin(1, keepdim=True)).squeeze(1)
    dim = torch.where(known >= 0, known, next_dim)
    return ep.expert_objects[:, trial] * cfg.n_dims + dim


def value_word_table(cfg: OddOneOutConfig) -> torch.Tensor:
    """(D, V, W) word ids of ``value_explanation`` for every dimension and value."""
    if max(cfg.values_per_dimension) > 10:
        raise ValueError("explanations that name values need at most 10 values per dimension (words 0-9)")
    return torch.tensor(
        [[tokenize(value_explanation(dim, value)) for value in range(max(cfg.values_per_dimension))]
         for dim in range(cfg.n_dims)]
    )


def explanation_labels(task: OddOneOutTask, name_values: bool = False) -> torch.Tensor:
    """(B, L, EXPLANATION_LENGTH) word ids explaining what the last step showed:
    the transform at each pick position, the outcome at the next position; IGNORE
    where there is nothing to explain (position 0). A rewarded outcome names d*
    (the latent); with ``name_values``, it names the odd object's value along d*."""
    cfg, ep = task.cfg, task.episodes
    batch = torch.arange(task.n_batch)
    transform_words = torch.tensor(
        [[tokenize(transform_explanation(obj, dim)) for dim in range(cfg.n_dims)] for obj in range(cfg.n_objects)]
    )  # (O, D, W)
    outcome_words = torch.tensor(
        [[tokenize(outcome_explanation(bool(rewarded), dim)) for dim in range(cfg.n_dims)] for rewarded in (0, 1)]
    )  # (2, D, W)
    labels = torch.full((task.n_batch, cfg.length, EXPLANATION_LENGTH), IGNORE, dtype=torch.long)
    rewarded = (task.rewards > 0).long()
    for trial in range(cfg.experiment_trials):
        obj, dim = task.transformed[:, trial, 0], task.transformed[:, trial, 1]
        labels[:, 2 * trial + 1] = transform_words[obj, dim]
        # a rewarded transform made the object odd along d* (dim itself, or one coupled to it)
        labels[:, 2 * trial + 2] = outcome_words[rewarded[:, trial], torch.where(rewarded[:, trial] > 0, ep.latent, dim)]
        if name_values:
            value_words = value_word_table(cfg)
            value = ep.alternative[batch, trial, obj, ep.latent]
            labels[:, 2 * trial + 2] = torch.where(rewarded[:, trial, None] > 0, value_words[ep.latent, value],
                                                   labels[:, 2 * trial + 2])
    # the test outcome names only the latent dimension (in confounded episodes too)
    labels[:, cfg.length - 1] = outcome_words[rewarded[:, -1], ep.latent]
    if name_values:
        value_words = value_word_table(cfg)
        value = ep.test_objects[batch, ep.test_odd[batch, ep.latent], ep.latent]
        labels[:, cfg.length - 1] = torch.where(rewarded[:, -1, None] > 0, value_words[ep.latent, value],
                                                labels[:, cfg.length - 1])
    return labels


def expert_demonstrations(episodes: OddOneOutEpisodes, cfg: OddOneOutConfig, name_values: bool = False) -> TokenDataset:
    """The expert acts out every episode; its tokens, actions (with the support of
    its transform choice, for agreement) and explanations (``explanation_labels``)."""
    task = OddOneOutTask(episodes, cfg)
    n_batch, length = task.n_batch, cfg.length
    labels = {name: torch.full((n_batch, length), IGNORE, dtype=torch.long) for name in ("transform", "pick")}
    # which object to transform is the expert's random choice: any object along its dimension agrees
    transform_support = torch.zeros(n_batch, length, cfg.n_objects * cfg.n_dims, dtype=torch.bool)
    for step in range(cfg.n_steps):
        action = expert_actions(task, step)
        labels[task.head(step)][:, step] = action
        if task.head(step) == "transform":
            same_dim = torch.arange(cfg.n_objects * cfg.n_dims) % cfg.n_dims == (action % cfg.n_dims)[:, None]
            transform_support[:, step] = same_dim
        task.act(step, action)
    words = explanation_labels(task, name_values)
    for index in range(EXPLANATION_LENGTH):
        labels[f"explain_{index}"] = words[:, :, index]
    return TokenDataset(
        tokens=task.tokens,
        labels=labels,
        support={"transform": transform_support},
        extras={"latent": episodes.latent, **{k: v for k, v in task.test_outcomes().items() if k != "latent"}},
    )
