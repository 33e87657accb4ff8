"""Natural-language inference over comparatives, with and without world knowledge.

A premise and a hypothesis each compare two entities on one dimension
("The mouse is smaller than the elephant."). The hypothesis either follows
from the premise (entailment: the converse, "The elephant is bigger than the
mouse.") or is ruled out by it (contradiction: the swap or the antonym).

Conditions (Lampinen, Dasgupta et al. 2024):

* ``consistent``: the premise is true in the real world, so the logical label
  agrees with world knowledge about the hypothesis;
* ``violate``: the premise is false in the real world ("The elephant is
  smaller than the mouse."), so the logical label disagrees with it;
* ``nonsense``: made-up nouns, so world knowledge says nothing.

Labels come from template tables below and are cross-checked against
``nli_label``, which reasons only on the structured relations.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pacs.probes.stimuli import Stimulus, condition_rng, numbered_id

TASK = "nli"
CONDITIONS = ("consistent", "violate", "nonsense")
DEFAULT_N_PER_CONDITION = 78
LABELS = ("entailment", "contradiction")
OPTIONS = tuple(" " + label for label in LABELS)
QUESTION = "Does the premise entail or contradict the hypothesis?"

# relation word -> (dimension, +1 if the subject is higher on it, -1 if lower)
RELATIONS: dict[str, tuple[str, int]] = {
    "smaller": ("size", -1), "bigger": ("size", +1),
    "lighter": ("weight", -1), "heavier": ("weight", +1),
    "slower": ("speed", -1), "faster": ("speed", +1),
    "shorter": ("height", -1), "taller": ("height", +1),
}
# dimension -> (word for "lower", word for "higher")
DIMENSION_WORDS: dict[str, tuple[str, str]] = {
    "size": ("smaller", "bigger"),
    "weight": ("lighter", "heavier"),
    "speed": ("slower", "faster"),
    "height": ("shorter", "taller"),
}

# dimension -> (lower entity, higher entity) pairs with an uncontroversial real-world order.
WORLD_ORDER: dict[str, tuple[tuple[str, str], ...]] = {
    "size": (("mouse", "elephant"), ("ant", "horse"), ("pea", "pumpkin"), ("bee", "eagle"),
             ("grape", "watermelon"), ("marble", "basketball"), ("coin", "dinner table")),
    "weight": (("feather", "brick"), ("leaf", "anvil"), ("balloon", "piano"), ("paperclip", "car"),
               ("pencil", "refrigerator"), ("sparrow", "cow"), ("sock", "bowling ball")),
    "speed": (("snail", "cheetah"), ("tortoise", "hare"), ("sloth", "racehorse"), ("bicycle", "jet plane"),
              ("turtle", "rabbit"), ("slug", "falcon"), ("rowing boat", "speedboat")),
    "height": (("toddler", "giraffe"), ("bungalow", "skyscraper"), ("daisy", "sunflower"), ("shrub", "redwood"),
               ("hill", "mountain"), ("puppy", "basketball player"), ("stool", "lighthouse")),
}

NONSENSE_NOUNS: tuple[str, ...] = (
    "dax", "wug", "blicket", "fep", "zorb", "glorp", "tove", "kiv",
    "pime", "vonk", "murl", "quelt", "zib", "lorp",
)


@dataclass(frozen=True)
class Comparison:
    """``subject`` is ``relation`` (a word of ``RELATIONS``) than ``object``."""

    subject: str
    relation: str
    object: str

    def text(self) -> str:
        """English sentence, e.g. ``"The mouse is smaller than the elephant."``."""
        return f"The {self.subject} is {self.relation} than the {self.object}."


_SENTENCE = re.compile(r"^The (.+?) is (\w+) than the (.+)\.$")


def parse_comparison(sentence: str) -> Comparison:
    """Inverse of ``Comparison.text``; raises ``ValueError`` on anything else."""
    match = _SENTENCE.match(sentence.strip())
    if not match or match.group(2) not in RELATIONS:
        raise ValueError(f"not a comparative sentence: {sentence!r}")
    return Comparison(*match.groups())


def _ordered(comparison: Comparison) -> tuple[str, str, str]:
    """(dimension, lower entity, higher entity) stated by a comparison."""
    dimension, direction = RELATIONS[comparison.relation]
    if direction > 0:
        return dimension, comparison.object, comparison.subject
    return dimension, comparison.subject, comparison.object


def nli_label(premise: Comparison, hypothesis: Comparison) -> str:
    """"entailment" or "contradiction" of ``hypothesis`` given ``premise``.

    Both must compare the same two distinct entities on the same dimension
    (anything else would be neutral, which this two-way task does not use):
    the hypothesis is entailed iff it states the same order, converse
    relations included ("a smaller than b" = "b bigger than a").
    """
    p_dim, p_low, p_high = _ordered(premise)
    h_dim, h_low, h_high = _ordered(hypothesis)
    if p_dim != h_dim or {p_low, p_high} != {h_low, h_high} or p_low == p_high:
        raise ValueError(f"neither entailed nor contradicted: {premise} / {hypothesis}")
    return "entailment" if (p_low, p_high) == (h_low, h_high) else "contradiction"


def real_world_truth(comparison: Comparison) -> bool | None:
    """Whether a comparison is true of the real world per ``WORLD_ORDER``; None if unknown."""
    dimension, low, high = _ordered(comparison)
    pairs = WORLD_ORDER.get(dimension, ())
    if (low, high) in pairs:
        return True
    if (high, low) in pairs:
        return False
    return None


def _premises(low: str, high: str, dimension: str, true_in_world: bool) -> list[Comparison]:
    """The two phrasings of "low < high" (or, if not ``true_in_world``, of "high < low")."""
    lower_word, higher_word = DIMENSION_WORDS[dimension]
    if not true_in_world:
        low, high = high, low
    return [Comparison(low, lower_word, high), Comparison(high, higher_word, low)]


def _hypotheses(premise: Comparison) -> list[tuple[Comparison, str]]:
    """Hypotheses about the premise's two entities, with the label the template intends."""
    dimension, _ = RELATIONS[premise.relation]
    lower_word, higher_word = DIMENSION_WORDS[dimension]
    antonym = higher_word if premise.relation == lower_word else lower_word
    return [
        (Comparison(premise.object, antonym, premise.subject), "entailment"),            # converse
        (Comparison(premise.object, premise.relation, premise.subject), "contradiction"),  # swapped
        (Comparison(premise.subject, antonym, premise.object), "contradiction"),           # antonym
    ]


def _candidates(condition: str) -> list[tuple[Comparison, Comparison, str, str]]:
    """All (premise, hypothesis, intended label, dimension) for one condition."""
    if condition == "nonsense":
        pairs = [(dim, a, b) for dim in DIMENSION_WORDS for a in NONSENSE_NOUNS for b in NONSENSE_NOUNS if a != b]
        true_in_world = True  # orientation is arbitrary for made-up nouns
    else:
        pairs = [(dim, low, high) for dim, entries in WORLD_ORDER.items() for low, high in entries]
        true_in_world = condition == "consistent"
    out = []
    for dimension, low, high in pairs:
        for premise in _premises(low, high, dimension, true_in_world):
            for hypothesis, label in _hypotheses(premise):
                out.append((premise, hypothesis, label, dimension))
    return out


def _render(premise: Comparison, hypothesis: Comparison) -> str:
    return f"Premise: {premise.text()}\nHypothesis: {hypothesis.text()}\n{QUESTION}\nAnswer:"


def generate_nli(n_per_condition: int = DEFAULT_N_PER_CONDITION, seed: int = 0) -> list[Stimulus]:
    """``n_per_condition`` distinct items per condition, in ``CONDITIONS`` order.

    Within a condition, ceil(n/2) items are entailments and the rest
    contradictions. Deterministic in ``seed``; raises ``ValueError`` if the
    lexicon cannot supply that many distinct items.
    """
    stimuli = []
    for condition in CONDITIONS:
        rng = condition_rng(TASK, condition, seed)
        candidates = _candidates(condition)
        rng.shuffle(candidates)
        wanted = {"entailment": (n_per_condition + 1) // 2, "contradiction": n_per_condition // 2}
        chosen = {label: [c for c in candidates if c[2] == label][:k] for label, k in wanted.items()}
        if any(len(chosen[label]) < k for label, k in wanted.items()):
            raise ValueError(f"the {condition} lexicon has too few items for {n_per_condition} per condition")
        picked = chosen["entailment"] + chosen["contradiction"]
        rng.shuffle(picked)
        for premise, hypothesis, label, dimension in picked:
            # Templates state the label; the relation solver must agree.
            if nli_label(premise, hypothesis) != label:
                raise AssertionError(f"template label {label} is wrong for {premise} / {hypothesis}")
            metadata = {
                "entities": [premise.subject, premise.object],
                "dimension": dimension,
                "premise_relation": [premise.subject, premise.relation, premise.object],
                "hypothesis_relation": [hypothesis.subject, hypothesis.relation, hypothesis.object],
                "label": label,
                "premise_true_in_world": real_world_truth(premise),
                "hypothesis_true_in_world": real_world_truth(hypothesis),
            }
            stimuli.append(Stimulus(numbered_id(TASK, len(stimuli) + 1), TASK, condition,
                                    _render(premise, hypothesis), OPTIONS, " " + label, metadata))
    return stimuli
