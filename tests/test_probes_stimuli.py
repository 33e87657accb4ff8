"""Content-effect stimuli (Experiment 5): items carry the answers they claim.

Answers are recomputed from the prompt text with the independent solvers
(syllogism model checker, Wason falsification check, NLI relation reasoning)
instead of being read back from metadata.
"""

import json
import re
from collections import Counter
from itertools import combinations

import pytest

from pacs.probes import nli, syllogisms, wason
from pacs.probes.nli import Comparison, generate_nli, nli_label, parse_comparison
from pacs.probes.stimuli import (Stimulus, StimulusFileError, balanced, read_sourced_stimuli, read_stimuli,
                                 write_stimuli)
from pacs.probes.syllogisms import Statement, generate_syllogisms, is_valid, parse_statement, real_world_truth
from pacs.probes.wason import Card, Rule, error_category, falsifying_cards, generate_wason, pair_option

GENERATORS = {
    "nli": (generate_nli, nli.CONDITIONS, nli.DEFAULT_N_PER_CONDITION),
    "syllogism": (generate_syllogisms, syllogisms.CONDITIONS, syllogisms.DEFAULT_N_PER_CONDITION),
    "wason": (generate_wason, wason.CONDITIONS, wason.DEFAULT_N_PER_CONDITION),
}


@pytest.fixture(scope="module")
def default_items() -> dict[str, list[Stimulus]]:
    """Every generator at its default size (78 / 48 / 72 per condition), seed 0."""
    return {task: generate(n, seed=0) for task, (generate, _, n) in GENERATORS.items()}


def prompt_line(prompt: str, prefix: str) -> str:
    (line,) = [ln for ln in prompt.splitlines() if ln.startswith(prefix)]
    return line[len(prefix):].strip()


# --- Syllogism solver on textbook cases ------------------------------------------------


def syllogism(*sentences: str) -> tuple[Statement, Statement, Statement]:
    return tuple(parse_statement(s) for s in sentences)


@pytest.mark.parametrize("sentences, valid", [
    (("All M are P.", "All S are M.", "All S are P."), True),           # AAA-1 Barbara
    (("All P are M.", "All S are M.", "All S are P."), False),          # AAA-2 undistributed middle
    (("No M are P.", "Some S are M.", "Some S are not P."), True),      # EIO-1 Ferio
    (("Some M are P.", "All M are S.", "Some S are P."), True),         # IAI-3 Disamis
    (("All M are P.", "Some M are S.", "Some S are P."), True),         # AII-3 Datisi
    (("All P are M.", "No S are M.", "No S are P."), True),             # AEE-2 Camestres
    (("Some M are not P.", "All M are S.", "Some S are not P."), True), # OAO-3 Bocardo
    (("All M are P.", "All S are M.", "Some S are P."), False),          # AAI-1 needs existential import
    (("All M are P.", "All M are S.", "Some S are P."), False),         # AAI-3 Darapti, likewise
    (("All M are P.", "No S are M.", "No S are P."), False),            # AEE-1 illicit major
    (("Some M are P.", "Some S are M.", "Some S are P."), False),       # III-1 undistributed middle
    (("No M are P.", "No S are M.", "No S are P."), False),             # EEE-1 two negative premises
])
def test_is_valid_textbook_cases(sentences, valid):
    assert is_valid(*syllogism(*sentences)) is valid


def test_exactly_fifteen_forms_are_valid_under_boolean_semantics():
    valid = {mood + str(figure) for mood, figure in syllogisms.ALL_FORMS
             if is_valid(*syllogisms.build_form(mood, figure, "S", "M", "P"))}
    assert valid == {"AAA1", "EAE1", "AII1", "EIO1", "EAE2", "AEE2", "EIO2", "AOO2",
                     "IAI3", "AII3", "OAO3", "EIO3", "AEE4", "IAI4", "EIO4"}


def test_is_valid_rejects_four_terms():
    with pytest.raises(ValueError):
        is_valid(*syllogism("All A are B.", "All C are D.", "All A are D."))


def test_real_world_truth_of_category_pairs():
    lexicon = [("dogs", "animals")]
    assert real_world_truth("O", "animals", "dogs", lexicon) is True
    assert real_world_truth("I", "dogs", "animals", lexicon) is True
    assert real_world_truth("A", "dogs", "animals", lexicon) is True
    assert real_world_truth("E", "dogs", "animals", lexicon) is False
    assert real_world_truth("A", "animals", "dogs", lexicon) is False
    assert real_world_truth("O", "dogs", "animals", lexicon) is False
    assert real_world_truth("I", "wugs", "daxes", lexicon) is None


def test_syllogism_items_have_the_validity_and_belief_they_claim(default_items):
    for item in default_items["syllogism"]:
        premise1, premise2, conclusion = (parse_statement(prompt_line(item.prompt, f"{name}:"))
                                          for name in ("Premise 1", "Premise 2", "Conclusion"))
        valid = is_valid(premise1, premise2, conclusion)
        assert item.answer == (" yes" if valid else " no"), item.prompt
        assert item.condition.startswith("valid-" if valid else "invalid-")
        belief = real_world_truth(conclusion.quantifier, conclusion.subject, conclusion.predicate,
                                  syllogisms.CATEGORY_PAIRS)
        expected = {"believable": True, "unbelievable": False, "nonsense": None}[item.condition.split("-")[1]]
        assert belief is expected, item.prompt
        assert item.options == (" yes", " no")


def test_disjoint_subordinates_make_every_conclusion_form_believable_and_unbelievable():
    lexicon = syllogisms.CATEGORY_PAIRS
    assert real_world_truth("I", "dogs", "roses", lexicon) is False
    assert real_world_truth("E", "dogs", "roses", lexicon) is True
    assert real_world_truth("O", "dogs", "roses", lexicon) is True
    assert real_world_truth("A", "dogs", "roses", lexicon) is False
    assert real_world_truth("I", "animals", "flowers", lexicon) is None  # superordinates may overlap


@pytest.mark.parametrize("n", [4, 7, 48])
def test_syllogism_conclusion_forms_are_the_same_in_every_condition(n):
    items = generate_syllogisms(n, 3)
    forms = Counter((s.condition, parse_statement(prompt_line(s.prompt, "Conclusion:")).quantifier) for s in items)
    for condition in syllogisms.CONDITIONS:
        assert [forms[(condition, q)] for q in "AEIO"] == [forms[("valid-believable", q)] for q in "AEIO"]
    per_form = [forms[("valid-unbelievable", q)] for q in "AEIO"]
    assert sum(per_form) == n and max(per_form) - min(per_form) <= 1
    # today's bug: valid-unbelievable items with a "Some ... are ..." conclusion exist
    assert any(s.condition == "valid-unbelievable" and prompt_line(s.prompt, "Conclusion:").startswith("Some ")
               and " not " not in prompt_line(s.prompt, "Conclusion:") for s in items)


def test_syllogism_conditions_vary_moods_and_figures(default_items):
    for condition in syllogisms.CONDITIONS:
        first_eight = [s for s in default_items["syllogism"] if s.condition == condition][:8]
        assert len({(s.metadata["mood"], s.metadata["figure"]) for s in first_eight}) >= 3


# --- Wason ---------------------------------------------------------------------------------


def test_falsifying_cards_by_logical_role():
    rule = Rule("If a person is drinking beer, then they must be over 18.", "drinking beer", "over 18")
    cards = [Card("drinking beer", "antecedent", True), Card("drinking soda", "antecedent", False),
             Card("age 25", "consequent", True), Card("age 16", "consequent", False)]
    assert falsifying_cards(rule, cards) == {"drinking beer", "age 16"}


def test_error_categories_cover_all_six_pairs():
    roles = {"a": "p", "b": "not_p", "c": "q", "d": "not_q"}
    names = {error_category(pair, roles) for pair in combinations(roles, 2)}
    assert names == {"correct", "matching", "denial", "consequent", "antecedent", "inverse"}
    assert error_category(("d", "a"), roles) == "correct"
    assert error_category(("a", "c"), roles) == "matching"


def test_wason_items_have_the_answer_they_claim(default_items):
    for item in default_items["wason"]:
        shown = prompt_line(item.prompt, "The visible sides of the four cards show:").rstrip(".").split(", ")
        cards = [Card(c["face"], c["shows"], c["holds"]) for c in item.metadata["cards"]]
        assert [c.face for c in cards] == shown and len(set(shown)) == 4
        assert {(c.shows, c.holds) for c in cards} == {(s, h) for s in ("antecedent", "consequent") for h in (1, 0)}
        rule = Rule(item.metadata["rule"], item.metadata["antecedent"], item.metadata["consequent"])
        assert f"Rule: {rule.text}" in item.prompt
        falsifying = falsifying_cards(rule, cards)
        assert len(falsifying) == 2
        assert item.answer == pair_option(*[face for face in shown if face in falsifying])
        assert item.options == tuple(pair_option(a, b) for a, b in combinations(shown, 2))
        assert error_category(falsifying, item.metadata["roles"]) == "correct"
        assert item.metadata["option_categories"][item.answer] == "correct"


def test_wason_realistic_uses_many_rules(default_items):
    rules = {s.metadata["rule"] for s in default_items["wason"] if s.condition == "realistic"}
    assert len(rules) >= 12


# --- NLI -----------------------------------------------------------------------------------


def test_nli_label_reasons_on_converses():
    premise = Comparison("mouse", "smaller", "elephant")
    assert nli_label(premise, Comparison("elephant", "bigger", "mouse")) == "entailment"
    assert nli_label(premise, Comparison("mouse", "smaller", "elephant")) == "entailment"
    assert nli_label(premise, Comparison("mouse", "bigger", "elephant")) == "contradiction"
    assert nli_label(premise, Comparison("elephant", "smaller", "mouse")) == "contradiction"
    assert nli_label(Comparison("snail", "faster", "cheetah"), Comparison("cheetah", "slower", "snail")) == "entailment"
    with pytest.raises(ValueError):
        nli_label(premise, Comparison("mouse", "lighter", "elephant"))  # other dimension: neutral
    with pytest.raises(ValueError):
        nli_label(premise, Comparison("mouse", "smaller", "horse"))  # other entity: neutral


def test_nli_items_have_the_label_they_claim(default_items):
    for item in default_items["nli"]:
        premise = parse_comparison(prompt_line(item.prompt, "Premise:"))
        hypothesis = parse_comparison(prompt_line(item.prompt, "Hypothesis:"))
        label = nli_label(premise, hypothesis)
        assert item.answer == " " + label, item.prompt
        premise_truth, hypothesis_truth = nli.real_world_truth(premise), nli.real_world_truth(hypothesis)
        if item.condition == "nonsense":
            assert premise_truth is None and hypothesis_truth is None
        else:
            assert premise_truth is (item.condition == "consistent")
            # consistent: the logical answer agrees with world knowledge; violate: it disagrees
            agrees = hypothesis_truth == (label == "entailment")
            assert agrees is (item.condition == "consistent"), item.prompt


def test_nli_labels_are_balanced_within_conditions(default_items):
    for condition in nli.CONDITIONS:
        answers = [s.answer for s in default_items["nli"] if s.condition == condition]
        assert answers.count(" entailment") == 39 and answers.count(" contradiction") == 39


# --- All generators ------------------------------------------------------------------------


@pytest.mark.parametrize("task", GENERATORS)
def test_default_counts_are_balanced_without_duplicate_prompts(default_items, task):
    _, conditions, n = GENERATORS[task]
    items = default_items[task]
    assert balanced(items) == {(task, condition): n for condition in sorted(conditions)}
    assert len({s.prompt for s in items}) == len(items)
    assert [s.item_id for s in items] == [f"{task}-{i:04d}" for i in range(1, len(items) + 1)]
    assert all(s.task == task and s.answer in s.options for s in items)


@pytest.mark.parametrize("task", GENERATORS)
def test_small_counts_are_exact(task):
    generate, conditions, _ = GENERATORS[task]
    assert balanced(generate(5, seed=3)) == {(task, c): 5 for c in conditions}


@pytest.mark.parametrize("task", GENERATORS)
def test_generators_are_deterministic_in_the_seed(default_items, task):
    generate, _, n = GENERATORS[task]
    assert generate(n, seed=0) == default_items[task]
    other = generate(n, seed=1)
    assert {s.prompt for s in other} != {s.prompt for s in default_items[task]}


@pytest.mark.parametrize("task", GENERATORS)
def test_generators_refuse_impossible_counts(task):
    generate, _, _ = GENERATORS[task]
    with pytest.raises(ValueError):
        generate(100_000, seed=0)


# --- JSONL files ---------------------------------------------------------------------------


def test_jsonl_round_trip(tmp_path, default_items):
    items = [s for task_items in default_items.values() for s in task_items]
    path = tmp_path / "sub" / "stimuli.jsonl"
    write_stimuli(path, items)
    assert read_stimuli(path) == items
    first = json.loads(path.read_text(encoding="utf-8").splitlines()[0])
    assert list(first) == sorted(first) == sorted(["item_id", "task", "condition", "prompt", "options", "answer",
                                                   "metadata"])


def test_generated_items_pass_the_checks_of_an_extra_file_and_keep_their_source(tmp_path, default_items):
    from pacs.probes.sources import TASK_CONDITIONS

    items = [s for task_items in default_items.values() for s in task_items]
    path = tmp_path / "stimuli.jsonl"
    write_stimuli(path, items)
    assert read_stimuli(path, TASK_CONDITIONS) == items  # known conditions, options with their space
    sources = ["generated" if i % 3 else "theirs.jsonl" for i in range(len(items))]
    write_stimuli(path, items, sources=sources)
    assert read_sourced_stimuli(path) == list(zip(sources, items))
    with pytest.raises(StimulusFileError, match=r":1: unknown key\(s\): 'source'"):
        read_stimuli(path)  # an extra file may not claim a source
    with pytest.raises(ValueError, match="2 sources for"):
        write_stimuli(path, items, sources=["generated"] * 2)


def test_write_rejects_metadata_that_does_not_survive_json(tmp_path):
    item = Stimulus("x-1", "nli", "c", "p", (" a", " b"), " a", {"pair": ("a", "b")})
    with pytest.raises(ValueError):
        write_stimuli(tmp_path / "s.jsonl", [item])


def test_stimulus_checks_its_answer():
    with pytest.raises(ValueError):
        Stimulus("x-1", "nli", "c", "p", (" a", " b"), " c", {})


GOOD = {"item_id": "nli-0001", "task": "nli", "condition": "consistent", "prompt": "Premise: ...\nAnswer:",
        "options": [" entailment", " contradiction"], "answer": " entailment", "metadata": {}}


def with_(**changes):
    record = {**GOOD, **changes}
    return json.dumps({k: v for k, v in record.items() if v is not ...})


@pytest.mark.parametrize("bad_line, reason", [
    ('{"item_id": "nli-0002", ', "invalid JSON"),
    ("[1, 2, 3]", "expected a JSON object"),
    (with_(item_id="nli-0002", answer=...), "missing key"),
    (with_(item_id="nli-0002", extra=1), "unknown key"),
    (with_(item_id=7), "item_id must be a string"),
    (with_(item_id="nli-0002", options=" entailment"), "options must be a list"),
    (with_(item_id="nli-0002", options=[" entailment", 3]), "options must be a list"),
    (with_(item_id="nli-0002", options=[" entailment"]), "at least 2"),
    (with_(item_id="nli-0002", options=[" entailment", " entailment"]), "duplicates"),
    (with_(item_id="nli-0002", answer=" neutral"), "not among the options"),
    (with_(item_id="nli-0002", task="maths"), "unknown task"),
    (with_(item_id="nli-0002", prompt="   "), "empty prompt"),
    (with_(item_id="nli-0002", metadata=[1]), "metadata must be an object"),
    (with_(), "duplicate item_id"),
])
def test_malformed_lines_are_reported_with_path_and_line(tmp_path, bad_line, reason):
    path = tmp_path / "bad.jsonl"
    # A blank line first: line numbers count every physical line.
    path.write_text("\n" + with_() + "\n" + bad_line + "\n", encoding="utf-8")
    with pytest.raises(StimulusFileError) as info:
        read_stimuli(path)
    message = str(info.value)
    assert message.startswith(f"{path}:3:")
    assert "\n" not in message
    assert reason in message


def test_missing_file(tmp_path):
    path = tmp_path / "absent.jsonl"
    with pytest.raises(StimulusFileError, match=re.escape(f"{path}: file not found")):
        read_stimuli(path)


def test_blank_lines_are_skipped(tmp_path):
    path = tmp_path / "ok.jsonl"
    path.write_text("\n\n" + with_() + "\n   \n", encoding="utf-8")
    (item,) = read_stimuli(path)
    assert item.item_id == "nli-0001" and item.options == (" entailment", " contradiction")
