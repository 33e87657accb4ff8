"""A made-up world for the pipeline LM of Experiment 5, and its training corpus.

Where do content effects come from? A pretrained model's beliefs come from text
we cannot control. Here a word-level LM learns everything it knows from a corpus
we generate, so we fix both what is believable and how belief relates to logic:

- The world is a taxonomy of made-up plural nouns: (subordinate, superordinate)
  pairs such as ("dakos", "mibulus"), neutral middle terms, and nonsense words
  that no fact mentions. Believable statements are the ones true of the pairs:
  a subordinate is part of its superordinate, and the subordinates of two
  different pairs exclude each other.
- The corpus has *fact* documents (one true statement each, as often about
  containment as about exclusion) and
  *reasoning* documents: syllogisms in exactly the test format, each followed by
  its logically correct answer. Labels are never wrong; what a corpus changes is
  the content of the problems: ``coupling`` in [0, 1] makes believable
  conclusions more common among valid problems (P(believable | valid) =
  (1 + coupling) / 2, and the reverse for invalid ones). With coupling 0, belief
  carries no information about the answer; with coupling near 1, it is a
  shortcut, as in text where people mostly argue for conclusions they believe.

The test items are ``generate_syllogisms`` on the same lexicon; training
problems never repeat a test prompt.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from pacs.probes import syllogisms
from pacs.probes.stimuli import Stimulus

CONSONANTS = "bdfgklmnprstvz"
VOWELS = "aeiou"


@dataclass(frozen=True)
class WorldSettings:
    n_pairs: int = 16
    n_middle_terms: int = 12
    n_nonsense_terms: int = 16
    seed: int = 0


def made_up_words(n: int, rng: random.Random) -> list[str]:
    """``n`` distinct plural nonsense nouns of two or three syllables (``"dakos"``)."""
    words: set[str] = set()
    ordered = []
    while len(ordered) < n:
        syllables = rng.choice((2, 2, 3))
        word = "".join(rng.choice(CONSONANTS) + rng.choice(VOWELS) for _ in range(syllables)) + "s"
        if word not in words:
            words.add(word)
            ordered.append(word)
    return ordered


def made_up_lexicon(settings: WorldSettings) -> syllogisms.Lexicon:
    """A world of ``n_pairs`` category pairs, middle terms and nonsense words, all
    different made-up words, fixed by ``settings.seed``."""
    rng = random.Random(f"world:{settings.seed}")
    words = made_up_words(2 * settings.n_pairs + settings.n_middle_terms + settings.n_nonsense_terms, rng)
    pairs = tuple(zip(words[0: 2 * settings.n_pairs: 2], words[1: 2 * settings.n_pairs: 2]))
    rest = words[2 * settings.n_pairs:]
    return syllogisms.Lexicon(pairs, tuple(rest[: settings.n_middle_terms]), tuple(rest[settings.n_middle_terms:]))


def _true_sentences(lexicon: syllogisms.Lexicon, statements) -> list[str]:
    sentences = []
    for statement in statements:
        if syllogisms.real_world_truth(statement.quantifier, statement.subject, statement.predicate,
                                       lexicon.category_pairs) is not True:
            raise AssertionError(f"{statement.text()} is not a fact of this world")
        sentences.append(statement.text())
    return sentences


def containment_facts(lexicon: syllogisms.Lexicon) -> list[str]:
    """Every true statement about a pair: the subordinate is a proper, non-empty part
    of the superordinate."""
    Statement = syllogisms.Statement
    return _true_sentences(lexicon, [s for sub, sup in lexicon.category_pairs for s in (
        Statement("A", sub, sup), Statement("I", sub, sup), Statement("I", sup, sub), Statement("O", sup, sub))])


def exclusion_facts(lexicon: syllogisms.Lexicon) -> list[str]:
    """Every true statement relating the subordinates of two different pairs: they exclude each other."""
    subordinates = [sub for sub, _ in lexicon.category_pairs]
    return _true_sentences(lexicon, [syllogisms.Statement(q, a, b) for a in subordinates for b in subordinates
                                     if a != b for q in ("E", "O")])


def fact_sentences(lexicon: syllogisms.Lexicon) -> list[str]:
    """Every true statement the world makes about its categories (containment, then exclusion)."""
    return containment_facts(lexicon) + exclusion_facts(lexicon)


def problem_counts(n_problems: int, coupling: float, nonsense_share: float) -> dict[str, int]:
    """How many training problems of each syllogism condition a corpus has."""
    if not 0.0 <= coupling <= 1.0:
        raise ValueError(f"coupling must be in [0, 1], got {coupling}")
    if not 0.0 <= nonsense_share < 1.0:
        raise ValueError(f"nonsense_share must be in [0, 1), got {nonsense_share}")
    n_nonsense = round(n_problems * nonsense_share)
    n_world = n_problems - n_nonsense
    agree = (1.0 + coupling) / 2  # P(believable | valid) = P(unbelievable | invalid)
    per_validity = {"valid": n_world // 2, "invalid": n_world - n_world // 2}
    counts = {}
    for validity, n in per_validity.items():
        congruent = round(n * agree)
        counts[f"{validity}-believable" if validity == "valid" else f"{validity}-unbelievable"] = congruent
        counts[f"{validity}-unbelievable" if validity == "valid" else f"{validity}-believable"] = n - congruent
    counts["valid-nonsense"] = n_nonsense // 2
    counts["invalid-nonsense"] = n_nonsense - n_nonsense // 2
    return counts


def training_documents(lexicon: syllogisms.Lexicon, n_problems: int, n_facts: int, coupling: float,
                       nonsense_share: float, seed, exclude_prompts: frozenset[str]) -> list[str]:
    """Fact and reasoning documents in a seeded random order. Facts are drawn with
    replacement, half from ``containment_facts`` and half from ``exclusion_facts``
    (there are many more of the latter); each problem is a test-format syllogism
    and its logically correct answer."""
    rng = random.Random(f"world-corpus:{seed}")
    kinds = (containment_facts(lexicon), exclusion_facts(lexicon))
    documents = [rng.choice(kinds[i % 2]) + "\n" for i in range(n_facts)]
    for condition, count in problem_counts(n_problems, coupling, nonsense_share).items():
        if count == 0:
            continue
        # a prompt fixes its condition, so only this condition's test prompts can collide
        exclude = frozenset(p for p in exclude_prompts if _condition_of(p, lexicon) == condition)
        items = syllogisms.condition_items(condition, count, f"train:{seed}", lexicon, exclude)
        documents += [prompt + syllogisms.answer_for(metadata) + "\n" for prompt, metadata in items]
    rng.shuffle(documents)
    return documents


def _condition_of(prompt: str, lexicon: syllogisms.Lexicon) -> str:
    """The syllogism condition of a test-format prompt about ``lexicon``."""
    premise1, premise2, conclusion = (syllogisms.parse_statement(line.split(": ", 1)[1])
                                      for line in prompt.splitlines()[:3])
    validity = "valid" if syllogisms.is_valid(premise1, premise2, conclusion) else "invalid"
    belief = syllogisms.real_world_truth(conclusion.quantifier, conclusion.subject, conclusion.predicate,
                                         lexicon.category_pairs)
    return f"{validity}-{'nonsense' if belief is None else 'believable' if belief else 'unbelievable'}"


def prompts_of(stimuli: list[Stimulus]) -> frozenset[str]:
    return frozenset(s.prompt for s in stimuli)
