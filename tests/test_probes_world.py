"""The made-up world of Experiment 5's pipeline LM: its facts, its corpora and its corpus."""

import pytest

from pacs.probes import syllogisms, world
from pacs.probes.syllogisms import is_valid, parse_statement

SETTINGS = world.WorldSettings(n_pairs=6, n_middle_terms=5, n_nonsense_terms=6, seed=3)


def test_lexicon_words_are_distinct_made_up_and_fixed_by_the_seed():
    lexicon = world.made_up_lexicon(SETTINGS)
    words = [w for pair in lexicon.category_pairs for w in pair] + [*lexicon.middle_terms, *lexicon.nonsense_terms]
    assert len(words) == len(set(words)) == 2 * 6 + 5 + 6
    assert not set(words) & {w for pair in syllogisms.CATEGORY_PAIRS for w in pair}
    assert world.made_up_lexicon(SETTINGS) == lexicon
    assert world.made_up_lexicon(world.WorldSettings(6, 5, 6, seed=4)) != lexicon


def test_facts_are_the_true_statements_about_each_pair_and_between_pairs():
    lexicon = world.made_up_lexicon(SETTINGS)
    facts = world.fact_sentences(lexicon)
    assert len(world.containment_facts(lexicon)) == 4 * 6
    assert len(world.exclusion_facts(lexicon)) == 2 * 6 * 5  # "No"/"Some ... not" per ordered pair
    assert len(facts) == len(set(facts)) == 4 * 6 + 2 * 6 * 5
    for sentence in facts:
        statement = parse_statement(sentence)
        truth = syllogisms.real_world_truth(statement.quantifier, statement.subject, statement.predicate,
                                            lexicon.category_pairs)
        assert truth is True


@pytest.mark.parametrize("coupling", [0.0, 0.5, 0.9, 1.0])
def test_problem_counts_follow_the_coupling(coupling):
    counts = world.problem_counts(1000, coupling, 0.2)
    assert sum(counts.values()) == 1000
    assert counts["valid-nonsense"] + counts["invalid-nonsense"] == 200
    valid = counts["valid-believable"] + counts["valid-unbelievable"]
    invalid = counts["invalid-believable"] + counts["invalid-unbelievable"]
    assert valid == invalid == 400
    assert counts["valid-believable"] / valid == pytest.approx((1 + coupling) / 2, abs=0.003)
    assert counts["invalid-unbelievable"] / invalid == pytest.approx((1 + coupling) / 2, abs=0.003)
    with pytest.raises(ValueError, match="coupling"):
        world.problem_counts(10, 1.5, 0.2)


def _parse_problem(document: str):
    lines = document.splitlines()
    statements = [parse_statement(line.split(": ", 1)[1]) for line in lines[:3]]
    return statements, lines[-1].removeprefix("Answer:")


def test_training_problems_are_solved_correctly_and_never_repeat_a_test_item():
    lexicon = world.made_up_lexicon(SETTINGS)
    tests = syllogisms.generate_syllogisms(6, "test", lexicon)
    documents = world.training_documents(lexicon, 400, 50, 0.9, 0.25, 0, world.prompts_of(tests))
    problems = [d for d in documents if d.startswith("Premise 1:")]
    facts = [d for d in documents if not d.startswith("Premise 1:")]
    assert len(problems) == 400 and len(facts) == 50
    assert sum(f.rstrip("\n") in world.exclusion_facts(lexicon) for f in facts) == 25  # half of the facts
    assert set(facts) <= {f + "\n" for f in world.fact_sentences(lexicon)}
    test_prompts = world.prompts_of(tests)
    believable_when_valid = []
    for document in problems:
        assert document[: document.index("Answer:") + len("Answer:")] not in test_prompts
        (premise1, premise2, conclusion), answer = _parse_problem(document)
        valid = is_valid(premise1, premise2, conclusion)  # the independent solver
        assert answer == (" yes" if valid else " no")
        belief = syllogisms.real_world_truth(conclusion.quantifier, conclusion.subject, conclusion.predicate,
                                             lexicon.category_pairs)
        if valid and belief is not None:
            believable_when_valid.append(belief)
    assert sum(believable_when_valid) / len(believable_when_valid) == pytest.approx(0.95, abs=0.02)
    assert world.training_documents(lexicon, 400, 50, 0.9, 0.25, 0, test_prompts) == documents


def test_a_test_prompt_reads_back_as_its_condition():
    lexicon = world.made_up_lexicon(SETTINGS)
    for item in syllogisms.generate_syllogisms(3, "test", lexicon):
        assert world._condition_of(item.prompt, lexicon) == item.condition


@pytest.mark.parametrize("preset", ["smoke", "default", "paper"])
def test_every_preset_world_can_supply_its_corpus(preset):
    """The world of each preset holds enough distinct problems for its corpus."""
    from pathlib import Path

    import yaml

    from pacs.claims.registry import resolve_config as resolve

    root = Path(__file__).resolve().parents[1]
    config = resolve({**yaml.safe_load((root / "config.yaml").read_text()), "preset": preset},
                     root / "workflow" / "schemas" / "config.schema.yaml", {})
    probes, pipeline = config["c5"], config["c5"]["pipeline"]
    lexicon = world.made_up_lexicon(world.WorldSettings(**pipeline["world"]))
    tests = syllogisms.generate_syllogisms(probes["items_per_condition"]["syllogism"], "world:0", lexicon)
    for coupling in pipeline["corpora"].values():
        documents = world.training_documents(lexicon, pipeline["train_problems"], pipeline["train_facts"], coupling,
                                             pipeline["nonsense_share"], 0, world.prompts_of(tests))
        assert len(documents) == pipeline["train_problems"] + pipeline["train_facts"]
