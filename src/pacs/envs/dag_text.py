"""Causal-DAG episodes as text (Experiment 4): one serializer, one parser.

A language model sees an episode as lines of text, one event per line::

    Variables: A B C D E. Each test sets one variable to 5.
    Test C.
    Result: A=0 B=0 C=5 D=5 E=-5.
    Note: C raised D and lowered E. Next, test B (untested).     <- explanations only
    ...
    Goal: make E as large as possible.
    Note: B changed E most (E=-10 when B=5), so set B to -5.     <- explanations only
    Action: set B to -5.

``Test`` and ``Action`` lines are the agent's; ``Result`` and ``Goal`` lines are
the environment's; ``Note`` lines are the explanations and reasoning (what an
observation shows, why the next variable is tested, why the final intervention
is best). Values are rounded to ``decimals`` places. The parser tolerates any
spacing, so text decoded from a word-level tokenizer parses the same.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import torch

from pacs.envs.causal_dag import (
    DagEnvConfig,
    DagEpisodes,
    expert_goal_action,
    goal_action_parts,
    run_exploration,
)

NAMES = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
NUMBER = r"[+-]?\d+(?:\.\d+)?"


class EpisodeTextError(ValueError):
    """A text episode or an action line that does not follow the format."""


@dataclass
class TextEpisode:
    """What one episode's text says: the variables, the tests and their results,
    the goal target and the final action (variable, sign), each possibly absent."""

    n_vars: int
    intervention_value: float
    tests: list[int] = field(default_factory=list)
    results: list[list[float]] = field(default_factory=list)
    target: int | None = None
    action: tuple[int, int] | None = None  # (variable, +1 or -1)


def format_value(value: float, decimals: int) -> str:
    text = f"{value:.{decimals}f}"
    return "0" if float(text) == 0 else text  # never "-0"


def header_line(n_vars: int, intervention_value: float, decimals: int = 0) -> str:
    names = " ".join(NAMES[:n_vars])
    return f"Variables: {names}. Each test sets one variable to {format_value(intervention_value, decimals)}.\n"


def test_line(variable: int) -> str:
    return f"Test {NAMES[variable]}.\n"


def result_line(values, decimals: int) -> str:
    pairs = " ".join(f"{NAMES[i]}={format_value(float(v), decimals)}" for i, v in enumerate(values))
    return f"Result: {pairs}.\n"


def goal_line(target: int) -> str:
    return f"Goal: make {NAMES[target]} as large as possible.\n"


def action_line(variable: int, sign: int, intervention_value: float, decimals: int) -> str:
    return f"Action: set {NAMES[variable]} to {format_value(sign * intervention_value, decimals)}.\n"


def result_note(tested: int, values, intervention_value: float, next_test: int | None) -> str:
    """What a result shows: which variables moved with the tested one (a move of at
    least half the intervention value), and which variable comes next and why."""
    threshold = intervention_value / 2
    raised = [NAMES[i] for i, v in enumerate(values) if i != tested and v >= threshold]
    lowered = [NAMES[i] for i, v in enumerate(values) if i != tested and v <= -threshold]
    parts = [f"raised {' and '.join(raised)}"] if raised else []
    parts += [f"lowered {' and '.join(lowered)}"] if lowered else []
    effect = " and ".join(parts) if parts else "changed nothing"
    follow = f" Next, test {NAMES[next_test]} (untested)." if next_test is not None else ""
    return f"Note: {NAMES[tested]} {effect}.{follow}\n"


def goal_note(variable: int, sign: int, target: int, observed: float, intervention_value: float,
              decimals: int) -> str:
    """Why the final intervention is best: the tested variable that moved the target most."""
    value = format_value(intervention_value, decimals)
    return (f"Note: {NAMES[variable]} changed {NAMES[target]} most ({NAMES[target]}="
            f"{format_value(observed, decimals)} when {NAMES[variable]}={value}), so set {NAMES[variable]} to "
            f"{format_value(sign * intervention_value, decimals)}.\n")


def serialize(episode: TextEpisode, explanations: bool, decimals: int = 0) -> str:
    """The episode's text; with ``explanations`` the Note lines are included."""
    text = header_line(episode.n_vars, episode.intervention_value, decimals)
    for step, (tested, values) in enumerate(zip(episode.tests, episode.results)):
        text += test_line(tested) + result_line(values, decimals)
        if explanations:
            untested = [v for v in episode.tests[step + 1:] if v not in episode.tests[: step + 1]]
            text += result_note(tested, values, episode.intervention_value, untested[0] if untested else None)
    if episode.target is not None:
        text += goal_line(episode.target)
        if episode.action is not None:
            variable, sign = episode.action
            if explanations:
                observed = _last_result_at(episode, variable, episode.target)
                if observed is not None:
                    text += goal_note(variable, sign, episode.target, observed, episode.intervention_value, decimals)
            text += action_line(variable, sign, episode.intervention_value, decimals)
    return text


def _last_result_at(episode: TextEpisode, tested: int, target: int) -> float | None:
    for variable, values in zip(reversed(episode.tests), reversed(episode.results)):
        if variable == tested:
            return values[target]
    return None


# --- parsing -----------------------------------------------------------------

_HEADER = re.compile(rf"Variables\s*:\s*((?:[A-Z]\s*)+)\.\s*Each test sets one variable to\s*({NUMBER})")
_TEST = re.compile(r"^\s*Test\s+([A-Z])\s*\.?\s*$")
_RESULT = re.compile(r"^\s*Result\s*:(.*)$")
_PAIR = re.compile(rf"([A-Z])\s*=\s*({NUMBER})")
_GOAL = re.compile(r"^\s*Goal\s*:\s*make\s+([A-Z])\s+as large as possible")
_ACTION = re.compile(rf"^\s*Action\s*:\s*set\s+([A-Z])\s+to\s+({NUMBER})")


def _variable(letter: str, n_vars: int, line: str) -> int:
    index = NAMES.find(letter)
    if not 0 <= index < n_vars:
        raise EpisodeTextError(f"unknown variable {letter!r} in line {line.strip()!r}")
    return index


def parse_test(line: str, n_vars: int) -> int:
    """The variable of a ``Test X.`` line; EpisodeTextError if it is not one."""
    match = _TEST.match(line)
    if not match:
        raise EpisodeTextError(f"not a test line: {line.strip()!r}")
    return _variable(match.group(1), n_vars, line)


def parse_action(line: str, n_vars: int) -> tuple[int, int]:
    """(variable, sign) of an ``Action: set X to v.`` line; EpisodeTextError otherwise."""
    match = _ACTION.match(line)
    if not match:
        raise EpisodeTextError(f"not an action line: {line.strip()!r}")
    value = float(match.group(2))
    if value == 0:
        raise EpisodeTextError(f"action sets a variable to 0: {line.strip()!r}")
    return _variable(match.group(1), n_vars, line), 1 if value > 0 else -1


def parse(text: str) -> TextEpisode:
    """Read an episode back from its text (Note lines are skipped)."""
    header = _HEADER.search(text)
    if not header:
        raise EpisodeTextError("no 'Variables: ... Each test sets one variable to v.' header")
    n_vars = len(header.group(1).split())
    episode = TextEpisode(n_vars=n_vars, intervention_value=float(header.group(2)))
    for line in text.splitlines()[1:]:
        if not line.strip() or line.strip().startswith("Note"):
            continue
        if _TEST.match(line):
            episode.tests.append(parse_test(line, n_vars))
        elif result := _RESULT.match(line):
            values = dict(_PAIR.findall(result.group(1)))
            if sorted(values) != list(NAMES[:n_vars]):
                raise EpisodeTextError(f"result line does not give every variable once: {line.strip()!r}")
            episode.results.append([float(values[NAMES[i]]) for i in range(n_vars)])
        elif goal := _GOAL.match(line):
            episode.target = _variable(goal.group(1), n_vars, line)
        elif _ACTION.match(line):
            episode.action = parse_action(line, n_vars)
        else:
            raise EpisodeTextError(f"unrecognized line: {line.strip()!r}")
    return episode


# --- the expert's episodes as text ---------------------------------------------


def expert_text_episodes(episodes: DagEpisodes, cfg: DagEnvConfig) -> list[TextEpisode]:
    """The expert's behaviour on each episode (its tests, the results it saw, its
    final action), ready to serialize."""
    observations = run_exploration(episodes, episodes.expert_order, cfg)
    goal = expert_goal_action(episodes.expert_order, observations, episodes.targets, cfg)
    variable, sign = goal_action_parts(goal)
    return [
        TextEpisode(
            n_vars=cfg.n_vars,
            intervention_value=cfg.intervention_value,
            tests=[int(v) for v in episodes.expert_order[b]],
            results=[[float(x) for x in row] for row in observations[b]],
            target=int(episodes.targets[b]),
            action=(int(variable[b]), int(sign[b])),
        )
        for b in range(len(episodes))
    ]


def round_values(episode: TextEpisode, decimals: int) -> TextEpisode:
    """The episode with its results rounded as the text shows them."""
    rounded = [[float(format_value(v, decimals)) for v in row] for row in episode.results]
    return TextEpisode(episode.n_vars, episode.intervention_value, list(episode.tests), rounded,
                       episode.target, episode.action)


def exploration_plan(tests: list[int], explore_steps: int) -> torch.Tensor:
    """(explore_steps,) variable ids of the tests run (-1 pads a shorter exploration)."""
    plan = torch.full((explore_steps,), -1, dtype=torch.long)
    plan[: len(tests)] = torch.tensor(tests[:explore_steps], dtype=torch.long)
    return plan
