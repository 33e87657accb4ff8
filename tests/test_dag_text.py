"""Experiment 4's text format: serializer and parser, both ways."""

import pytest
import torch

from pacs.envs import dag_text
from pacs.envs.causal_dag import DagEnvConfig, expert_goal_action, goal_action_parts, run_exploration, sample_episodes
from pacs.models.text_lm import WordTokenizer

CFG = DagEnvConfig()


def expert_episodes(n=20, seed=0):
    return sample_episodes(n, CFG, "train", torch.Generator().manual_seed(seed))


@pytest.mark.parametrize("explanations", [True, False])
@pytest.mark.parametrize("decimals", [0, 2])
def test_round_trip(explanations, decimals):
    for episode in dag_text.expert_text_episodes(expert_episodes(), CFG):
        text = dag_text.serialize(episode, explanations, decimals)
        assert dag_text.parse(text) == dag_text.round_values(episode, decimals)
        # and back again: parsing then serializing gives the same text
        assert dag_text.serialize(dag_text.parse(text), explanations, decimals) == text


def test_parser_reads_word_tokenized_text():
    """The pipeline LM writes words separated by spaces; the parser must read that."""
    texts = [dag_text.serialize(e, True) for e in dag_text.expert_text_episodes(expert_episodes(), CFG)]
    tokenizer = WordTokenizer.from_corpus(texts)
    for text in texts:
        decoded = tokenizer.decode(tokenizer.encode(text))
        assert decoded != text  # spacing differs ...
        assert dag_text.parse(decoded) == dag_text.parse(text)  # ... the episode does not


def test_expert_text_matches_the_environment():
    episodes = expert_episodes(50)
    observations = run_exploration(episodes, episodes.expert_order, CFG)
    variable, sign = goal_action_parts(expert_goal_action(episodes.expert_order, observations, episodes.targets, CFG))
    for b, episode in enumerate(dag_text.expert_text_episodes(episodes, CFG)):
        assert episode.tests == episodes.expert_order[b].tolist()
        torch.testing.assert_close(torch.tensor(episode.results), observations[b])
        assert episode.action == (int(variable[b]), int(sign[b]))
        text = dag_text.serialize(episode, True)
        # the final Note names the chosen variable and the value the expert saw at the target
        note = [line for line in text.splitlines() if line.startswith("Note") and "most" in line][0]
        name, target = dag_text.NAMES[episode.action[0]], dag_text.NAMES[episode.target]
        seen = dag_text.format_value(episode.results[episode.tests.index(episode.action[0])][episode.target], 0)
        assert note.startswith(f"Note: {name} changed {target} most ({target}={seen} when")


def test_result_note_describes_the_observation():
    note = dag_text.result_note(2, [0.1, 4.9, 5.0, -9.8, 0.3], 5.0, next_test=4)
    assert note == "Note: C raised B and lowered D. Next, test E (untested).\n"
    assert dag_text.result_note(0, [5.0, 0.0, 0.2, -0.1, 0.0], 5.0, None) == "Note: A changed nothing.\n"


def test_action_and_test_lines():
    assert dag_text.parse_action("Action: set D to -5.", 5) == (3, -1)
    assert dag_text.parse_action("Action : set B to 5 .", 5) == (1, 1)
    assert dag_text.parse_test("Test C .\n", 5) == 2
    for bad in ("Action: set Z to 5.", "Action: set B to 0.", "set B to 5", "Test F."):
        with pytest.raises(dag_text.EpisodeTextError):
            dag_text.parse_action(bad, 5) if "Test" not in bad else dag_text.parse_test(bad, 5)


def test_malformed_episode_is_named():
    text = dag_text.serialize(dag_text.expert_text_episodes(expert_episodes(1), CFG)[0], False)
    with pytest.raises(dag_text.EpisodeTextError, match="does not give every variable"):
        dag_text.parse(text.replace("B=", "A=", 1))
    with pytest.raises(dag_text.EpisodeTextError, match="unrecognized line"):
        dag_text.parse(text + "Observe everything.\n")
    with pytest.raises(dag_text.EpisodeTextError, match="header"):
        dag_text.parse("Test A.\n")
