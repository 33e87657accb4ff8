"""Experiment 4's closed loop: a model that writes the expert's lines must get
exactly the expert's tests, observations and reward, in both modes."""

import numpy as np
import pytest
import torch

from pacs.baselines import POLICIES
from pacs.envs import dag_text
from pacs.experiments import language
from pacs.experiments.dag import draw_eval_episodes

DESIGN = language.language_design({}, ["in_distribution", "held_out_link_goal"])


class ScriptedLM:
    """Writes (or prefers) the next line of a known transcript; fails loudly if the
    environment's text ever departs from it."""

    name = "scripted"

    def __init__(self, transcripts: dict[str, str], prompt: str):
        self.transcripts, self.prompt = transcripts, prompt

    def _rest(self, context: str) -> str:
        episode = context[len(self.prompt):]
        header = episode.split("\n", 1)[0] + "\n"
        for transcript in self.transcripts.values():
            if transcript.startswith(episode) and transcript.startswith(header):
                return transcript[len(episode):]
        raise AssertionError(f"the environment wrote text the expert never saw:\n{episode}")

    def generate(self, context: str, max_new_tokens: int) -> str:
        rest = self._rest(context)
        return rest.split("\n", 1)[0] + "\n" if rest else "\n"

    def score_options(self, context: str, options) -> np.ndarray:
        rest = self._rest(context)
        return np.array([1.0 if rest.startswith(option) else 0.0 for option in options])


@pytest.fixture(scope="module")
def episodes():
    return draw_eval_episodes(DESIGN, 12, 0, 0)


@pytest.mark.parametrize("mode,explanations", [("generate", True), ("generate", False), ("options", False)])
def test_scripted_expert_reproduces_the_expert(episodes, mode, explanations):
    prompt = "" if mode == "generate" else language.few_shot_prompt(DESIGN, 1, True, 0, prompt_seed=0)
    expert = POLICIES["expert"]
    for split, batch in episodes.items():
        texts = dag_text.expert_text_episodes(batch, DESIGN.env)
        # one transcript per episode; the goal line decides which one a context follows
        for index, text_episode in enumerate(texts):
            transcript = dag_text.serialize(text_episode, explanations and mode == "generate")
            lm = ScriptedLM({"this": transcript}, prompt)
            run = language.run_episode(lm, batch, index, DESIGN, prompt, mode, language.TextSettings())
            assert run.tests == text_episode.tests
            assert run.goal == text_episode.action
            assert run.invalid_actions == 0
            assert run.transcript == transcript
        table, _ = language.language_model_table(
            _ByEpisode(batch, texts, explanations and mode == "generate", prompt), {split: batch}, DESIGN, prompt,
            mode, language.TextSettings(), seed=0, n_episodes=len(batch), policy="scripted")
        choice = expert(batch, DESIGN.env)
        torch.testing.assert_close(torch.tensor(table.goal_variable.to_numpy()), choice.goal // 2)
        assert (table.invalid_actions == 0).all() and (table.tests_run == DESIGN.env.explore_steps).all()


class _ByEpisode(ScriptedLM):
    """The scripted expert over a whole split, episode after episode (the text of a
    new episode's start does not say which episode it is, so it counts them)."""

    def __init__(self, batch, texts, explanations, prompt):
        super().__init__({}, prompt)
        self.all = [dag_text.serialize(t, explanations) for t in texts]
        self.current, self.at_start = -1, False

    def _rest(self, context):
        episode = context[len(self.prompt):]
        starting = episode.removesuffix("Test").removesuffix("\n").count("\n") == 0
        if starting and not self.at_start:
            self.current += 1
        self.at_start = starting
        self.transcripts = {"this": self.all[self.current]}
        return super()._rest(context)


def test_unparseable_lines_are_counted_and_replaced(episodes):
    class Babbler:
        name = "babbler"

        def generate(self, context, max_new_tokens):
            return "the the the\n"

        def score_options(self, context, options):
            raise AssertionError("generate mode never scores options")

    batch = episodes["in_distribution"]
    table, transcripts = language.language_model_table(
        Babbler(), {"in_distribution": batch}, DESIGN, "", "generate", language.TextSettings(), seed=0,
        n_episodes=5, policy="babbler")
    assert (table.invalid_actions == 2).all()  # the first test and the action
    assert (table.tests_run == 0).all()
    assert set(table.goal_variable) <= set(range(DESIGN.env.n_vars))
    assert (table.goal_variable != table.target).all()  # the random fallback is a legal action
    assert "the the the" in transcripts


def test_pipeline_lm_closed_loop_is_the_same_with_and_without_its_cache(episodes):
    """The pipeline LM writes its lines through a key/value cache; an uncached copy of
    the same model writes the same transcripts."""
    from pacs.models.text_lm import PipelineLM, WordTokenizer, build_text_model

    class UncachedLM(PipelineLM):
        def _next_log_probs(self, ids):
            return self._log_probs(ids)[-1]

    documents = language.expert_documents(DESIGN, DESIGN.train_split, 4, True, 0, "vocabulary")
    tokenizer = WordTokenizer.from_corpus(documents)
    model = build_text_model(len(tokenizer), 400, {"n_layers": 1, "d_model": 16, "n_heads": 2, "d_mlp": 32}, 3)
    cached, uncached = (cls(model, tokenizer, "tiny", torch.device("cpu")) for cls in (PipelineLM, UncachedLM))
    batch, settings = episodes["in_distribution"], language.TextSettings(max_new_tokens=8)
    for index in range(3):
        runs = [language.run_episode(lm, batch, index, DESIGN, documents[0], "generate", settings)
                for lm in (cached, uncached)]
        assert runs[0] == runs[1] and runs[0].transcript


def replay_gap(episodes, decimals=0):
    """(replay table, expert table): the expert through the text pipeline and the expert
    itself, per split, on the same episodes, scored by the same code."""
    from pacs.experiments.dag import episode_frame

    replay, _ = language.language_model_table(
        language.ExpertTextReplay(DESIGN.env, decimals), episodes, DESIGN, "", "generate",
        language.TextSettings(decimals=decimals), seed=0, n_episodes=10 ** 6, policy="expert text replay")
    expert = []
    for split, batch in episodes.items():
        choice = POLICIES["expert"](batch, DESIGN.env)
        expert.append(episode_frame(DESIGN, batch, choice.explore, choice.goal, seed=0, split=split, policy="expert"))
    import pandas as pd
    return replay, pd.concat(expert, ignore_index=True)


@pytest.fixture(scope="module")
def many_episodes():
    return draw_eval_episodes(DESIGN, 150, 0, 7)


def test_the_expert_through_the_text_pipeline_reaches_the_experts_reward(many_episodes):
    """The positive control: on generated test episodes, the expert acting through the
    serializer, parser and closed loop makes exactly the expert's choices on the values the
    text shows (rounded), so its reward matches the expert's: exactly where rounding leaves
    the choice alone, and within 0.01 of reward/optimal overall (rounding only breaks near-ties)."""
    from pacs.envs.causal_dag import expert_goal_action, goal_action_parts, run_exploration

    replay, expert = replay_gap(many_episodes)
    assert (replay.invalid_actions == 0).all() and (replay.tests_run == DESIGN.env.explore_steps).all()
    for split, batch in many_episodes.items():
        rows = replay[replay.split == split]
        observed = run_exploration(batch, batch.expert_order, DESIGN.env).round()  # as the text shows them (0 places)
        variable, sign = goal_action_parts(expert_goal_action(batch.expert_order, observed, batch.targets, DESIGN.env))
        np.testing.assert_array_equal(rows.goal_variable.to_numpy(), variable.numpy())
        np.testing.assert_array_equal(rows.goal_sign.to_numpy(), sign.numpy())
        gap = rows.reward_over_optimal.mean() - expert[expert.split == split].reward_over_optimal.mean()
        assert abs(gap) < 0.01, (split, gap)
        assert rows.reward_over_optimal.mean() > 0.95


def test_the_replay_control_fails_with_a_broken_parser(many_episodes, monkeypatch):
    """A parser that reads the action's sign wrongly makes the same control fall far short
    of the expert: the control can fail. (A misreading the control shares, e.g. of every
    Test line's variable, it would not see: it reads the transcript with the same parser.)"""
    parse_action = dag_text.parse_action
    monkeypatch.setattr(dag_text, "parse_action", lambda line, n: (parse_action(line, n)[0], -parse_action(line, n)[1]))
    replay, expert = replay_gap(many_episodes)
    assert replay.reward_over_optimal.mean() < expert.reward_over_optimal.mean() - 0.5
