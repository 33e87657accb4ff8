"""Syllogism validity judgements with belief bias (after Evans, Barston & Pollard 1983).

A categorical statement relates two terms with one of four moods::

    A  "All X are Y"         E  "No X are Y"
    I  "Some X are Y"        O  "Some X are not Y"

A syllogism has a major premise (middle term M and predicate P), a minor
premise (subject S and M) and a conclusion about S and P. The figure fixes the
term order inside the premises:

    figure 1: M-P, S-M     figure 2: P-M, S-M
    figure 3: M-P, M-S     figure 4: P-M, M-S

Validity is decided by ``is_valid``, a model checker over the Venn diagram of
the three terms that does not look at moods or figures at all. With modern
(Boolean) semantics, "All X are Y" carries no existential import, so exactly
15 of the 256 mood-figure forms are valid.

Believability concerns the conclusion only: S and P are either a real-world
subordinate/superordinate pair (dogs, animals; either way round) or the
subordinates of two different pairs, which exclude each other (dogs, roses),
and the middle term is a neutral category (gifts, exhibits) whose relation to
both is unknown. Both kinds of content are needed to make every conclusion form
both believable and unbelievable ("Some dogs are animals" is always true, "Some
dogs are roses" always false). The four belief-by-validity cells are crossed,
plus a nonsense control (made-up words) for valid and invalid forms. Test items
(``generate_syllogisms``) give every condition the same conclusion forms in the
same proportions (All / No / Some / Some ... not in turn), so belief is not
confounded with the form of the conclusion.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import product
from typing import Iterable

from pacs.probes.stimuli import Stimulus, condition_rng, numbered_id

TASK = "syllogism"
CONDITIONS = (
    "valid-believable",
    "valid-unbelievable",
    "invalid-believable",
    "invalid-unbelievable",
    "valid-nonsense",
    "invalid-nonsense",
)
DEFAULT_N_PER_CONDITION = 48
OPTIONS = (" yes", " no")
QUESTION = "Does the conclusion follow logically from the premises?"

QUANTIFIERS = ("A", "E", "I", "O")
FIGURES = (1, 2, 3, 4)

# (subordinate, superordinate): every subordinate is a superordinate, but not
# the other way round, and the two overlap. Plural nouns that also read well
# after "Some ... are not".
CATEGORY_PAIRS: tuple[tuple[str, str], ...] = (
    ("dogs", "animals"),
    ("roses", "flowers"),
    ("trout", "fish"),
    ("hammers", "tools"),
    ("oaks", "trees"),
    ("sparrows", "birds"),
    ("apples", "fruits"),
    ("violins", "instruments"),
    ("carrots", "vegetables"),
    ("cars", "vehicles"),
    ("rubies", "gems"),
    ("novels", "books"),
    ("cobras", "snakes"),
    ("spoons", "utensils"),
    ("shirts", "garments"),
    ("nurses", "people"),
)

# Middle terms: real categories that plausibly overlap with anything above, so
# the premises themselves carry no strong belief either way.
MIDDLE_TERMS: tuple[str, ...] = (
    "gifts",
    "prize winners",
    "exhibits",
    "samples",
    "imports",
    "donations",
    "souvenirs",
    "items on the list",
    "things in the photograph",
    "props in the play",
)

NONSENSE_TERMS: tuple[str, ...] = (
    "blickets", "wugs", "daxes", "feps", "zorbs", "glorps", "toves", "kivs",
    "pimes", "vonks", "murls", "quelts", "zibs", "lorps", "brillens", "snerbs",
)


@dataclass(frozen=True)
class Lexicon:
    """The content a syllogism set draws on: which (subordinate, superordinate)
    pairs hold in its world, neutral middle terms, and nonsense words with no known
    relation. ``REAL_WORLD`` is everyday English; a pipeline LM's world is made up
    (``pacs.probes.world``)."""

    category_pairs: tuple[tuple[str, str], ...]
    middle_terms: tuple[str, ...]
    nonsense_terms: tuple[str, ...]


REAL_WORLD = Lexicon(CATEGORY_PAIRS, MIDDLE_TERMS, NONSENSE_TERMS)


@dataclass(frozen=True)
class Statement:
    """A categorical statement: quantifier in A/E/I/O, subject and predicate terms."""

    quantifier: str
    subject: str
    predicate: str

    def text(self) -> str:
        """English sentence, e.g. ``"Some dogs are not animals."``."""
        s, p = self.subject, self.predicate
        return {
            "A": f"All {s} are {p}.",
            "E": f"No {s} are {p}.",
            "I": f"Some {s} are {p}.",
            "O": f"Some {s} are not {p}.",
        }[self.quantifier]


_SENTENCE = re.compile(r"^(All|No|Some) (.+?) are (not )?(.+)\.$")


def parse_statement(sentence: str) -> Statement:
    """Inverse of ``Statement.text``; raises ``ValueError`` on anything else."""
    match = _SENTENCE.match(sentence.strip())
    if not match:
        raise ValueError(f"not a categorical statement: {sentence!r}")
    word, subject, negated, predicate = match.groups()
    if negated and word != "Some":
        raise ValueError(f"only 'Some ... are not' may be negated: {sentence!r}")
    quantifier = {"All": "A", "No": "E", "Some": "O" if negated else "I"}[word]
    return Statement(quantifier, subject, predicate)


# --- Independent solver --------------------------------------------------------
# A model says which of the 8 Venn regions (membership pattern in up to three
# terms) are non-empty. Each statement constrains one region set: A and E demand
# it be empty, I and O that it be inhabited. Nothing here refers to moods,
# figures or the tables above.


def _constraint(statement: Statement, index: dict[str, int]) -> tuple[int, bool]:
    """(bit mask of the regions a statement talks about, whether they must be empty)."""
    x, y = index[statement.subject], index[statement.predicate]
    in_x_in_y = in_x_out_y = 0
    for region in range(8):
        if region >> x & 1:
            if region >> y & 1:
                in_x_in_y |= 1 << region
            else:
                in_x_out_y |= 1 << region
    constraints = {
        "A": (in_x_out_y, True),   # no X outside Y
        "E": (in_x_in_y, True),    # no X inside Y
        "I": (in_x_in_y, False),   # some X inside Y
        "O": (in_x_out_y, False),  # some X outside Y
    }
    if statement.quantifier not in constraints:
        raise ValueError(f"unknown quantifier {statement.quantifier!r}")
    return constraints[statement.quantifier]


def _holds(constraint: tuple[int, bool], inhabited: int) -> bool:
    mask, must_be_empty = constraint
    return (inhabited & mask == 0) == must_be_empty


def is_valid(premise1: Statement, premise2: Statement, conclusion: Statement) -> bool:
    """True iff ``conclusion`` holds in every model (of 256) where both premises hold.

    Terms are identified by their text; at most three distinct terms are allowed.
    Semantics are Boolean: universal statements do not imply their subject exists.
    """
    statements = (premise1, premise2, conclusion)
    terms = list(dict.fromkeys(t for s in statements for t in (s.subject, s.predicate)))
    if len(terms) > 3:
        raise ValueError(f"a syllogism has at most three terms, got {terms}")
    index = {term: i for i, term in enumerate(terms)}
    first, second, claim = (_constraint(s, index) for s in statements)
    for inhabited in range(256):  # which of the 8 regions are non-empty
        if _holds(first, inhabited) and _holds(second, inhabited) and not _holds(claim, inhabited):
            return False
    return True


# --- Real-world believability --------------------------------------------------


def real_world_truth(
    quantifier: str, subject: str, predicate: str, lexicon: Iterable[tuple[str, str]] = CATEGORY_PAIRS
) -> bool | None:
    """Truth of a statement about a (subordinate, superordinate) pair in ``lexicon``.

    Uses that the subordinate is a proper, non-empty subset of the
    superordinate, and that the subordinates of two different pairs exclude each
    other (no dog is a rose). Returns None for any other two terms (nonsense
    words, middle terms, superordinates of different pairs): their real-world
    relation is unknown.
    """
    pairs = set(lexicon)
    if (subject, predicate) in pairs:  # e.g. dogs ... animals
        return {"A": True, "E": False, "I": True, "O": False}[quantifier]
    if (predicate, subject) in pairs:  # e.g. animals ... dogs
        return {"A": False, "E": False, "I": True, "O": True}[quantifier]
    subordinates = {sub for sub, _ in pairs}
    if subject != predicate and {subject, predicate} <= subordinates:  # e.g. dogs ... roses
        return {"A": False, "E": True, "I": False, "O": True}[quantifier]
    return None


# --- Templates -----------------------------------------------------------------


def build_form(
    mood: str, figure: int, subject: str, middle: str, predicate: str
) -> tuple[Statement, Statement, Statement]:
    """(major premise, minor premise, conclusion) of a mood such as ``"EIO"`` and a figure 1-4."""
    major_q, minor_q, conclusion_q = mood
    major = (middle, predicate) if figure in (1, 3) else (predicate, middle)
    minor = (subject, middle) if figure in (1, 2) else (middle, subject)
    return Statement(major_q, *major), Statement(minor_q, *minor), Statement(conclusion_q, subject, predicate)


ALL_FORMS: tuple[tuple[str, int], ...] = tuple(
    ("".join(mood), figure) for mood in product(QUANTIFIERS, repeat=3) for figure in FIGURES
)


@lru_cache(maxsize=None)
def form_is_valid(mood: str, figure: int) -> bool:
    """Validity of a mood-figure form, by the solver on placeholder terms."""
    return is_valid(*build_form(mood, figure, "S", "M", "P"))


# Conclusion terms of each kind of content, as placeholders of a two-pair lexicon.
PLACEHOLDER_PAIRS = (("sub", "sup"), ("other_sub", "other_sup"))
ORIENTATIONS = {"down": ("sub", "sup"), "up": ("sup", "sub"), "apart": ("sub", "other_sub")}


def _eligible_keys(condition: str) -> list[tuple]:
    """(mood, figure, orientation) keys whose validity and belief fit ``condition``.

    Orientation ``"down"`` puts the subordinate as conclusion subject
    (dogs ... animals), ``"up"`` the superordinate, ``"apart"`` relates the
    subordinates of two pairs (dogs ... roses); nonsense items use None.
    """
    validity, belief = condition.split("-")
    want_valid = validity == "valid"
    keys = []
    for mood, figure in ALL_FORMS:
        if form_is_valid(mood, figure) != want_valid:
            continue
        if belief == "nonsense":
            keys.append((mood, figure, None))
            continue
        for orientation, (s, p) in ORIENTATIONS.items():  # believability depends only on orientation
            truth = real_world_truth(mood[2], s, p, PLACEHOLDER_PAIRS)
            if truth == (belief == "believable"):
                keys.append((mood, figure, orientation))
    return keys


def _render(premise1: Statement, premise2: Statement, conclusion: Statement) -> str:
    return (
        f"Premise 1: {premise1.text()}\n"
        f"Premise 2: {premise2.text()}\n"
        f"Conclusion: {conclusion.text()}\n"
        f"{QUESTION}\nAnswer:"
    )


def _terms_for(key: tuple, rng, lexicon: Lexicon) -> tuple[str, str, str]:
    """(subject, middle, predicate) for one item with the key's orientation."""
    orientation = key[2]
    if orientation is None:
        subject, middle, predicate = rng.sample(lexicon.nonsense_terms, 3)
        return subject, middle, predicate
    if orientation == "apart":
        (sub, _), (other, _) = rng.sample(lexicon.category_pairs, 2)
        return sub, rng.choice(lexicon.middle_terms), other
    sub, sup = rng.choice(lexicon.category_pairs)
    middle = rng.choice(lexicon.middle_terms)
    return (sub, middle, sup) if orientation == "down" else (sup, middle, sub)


def _content_count(key: tuple, lexicon: Lexicon) -> int:
    """How many different term choices ``_terms_for`` can make for a key."""
    if key[2] is None:
        k = len(lexicon.nonsense_terms)
        return k * (k - 1) * (k - 2)
    pairs = len(lexicon.category_pairs)
    return (pairs * (pairs - 1) if key[2] == "apart" else pairs) * len(lexicon.middle_terms)


def conclusion_schedule(n: int) -> list[str]:
    """The conclusion quantifier of each of ``n`` balanced items: A, E, I, O in turn."""
    return [QUANTIFIERS[i % len(QUANTIFIERS)] for i in range(n)]


def condition_items(condition: str, n: int, seed, lexicon: Lexicon = REAL_WORLD,
                    exclude: frozenset[str] = frozenset(), balanced: bool = False) -> list[tuple[str, dict]]:
    """(prompt, metadata) for ``n`` distinct items of one condition, none of whose
    prompts is in ``exclude``.

    With ``balanced``, item i has the conclusion quantifier ``conclusion_schedule(n)[i]``,
    so all conditions of the same size share their conclusion forms; otherwise
    forms are drawn from every eligible one in turn (a training corpus, whose
    size may exceed what the rarest form can hold).
    """
    rng = condition_rng(TASK, condition, seed)
    keys = _eligible_keys(condition)
    rng.shuffle(keys)
    # A cycle of forms for each quantifier in the schedule (one shared cycle when not balanced).
    cycles = {q: [k for k in keys if k[0][2] == q] for q in QUANTIFIERS} if balanced else {None: keys}
    schedule = conclusion_schedule(n) if balanced else [None] * n
    for group, group_keys in cycles.items():
        # Each (key, content) pair gives a different prompt, so this is the most a group can hold.
        capacity = sum(_content_count(key, lexicon) for key in group_keys) - len(exclude)
        wanted = schedule.count(group)
        if wanted > capacity:
            what = f" with an {group} conclusion" if balanced else ""
            raise ValueError(f"{condition} syllogisms: asked for {wanted}{what}, at most {max(capacity, 0)} "
                             "distinct items exist")
    items, prompts = [], set()
    # Cycle through each group's shuffled forms so that consecutive items use different
    # mood-figure combinations; content is drawn at random for each.
    draws = dict.fromkeys(cycles, 0)
    failures, max_failures = 0, 2000
    while len(items) < n:
        if failures >= max_failures:
            raise ValueError(f"could not build {n} distinct {condition} syllogisms (got {len(items)})")
        group = schedule[len(items)]
        key = cycles[group][draws[group] % len(cycles[group])]
        draws[group] += 1
        mood, figure, orientation = key
        subject, middle, predicate = _terms_for(key, rng, lexicon)
        premise1, premise2, conclusion = build_form(mood, figure, subject, middle, predicate)
        prompt = _render(premise1, premise2, conclusion)
        if prompt in prompts or prompt in exclude:
            failures += 1
            continue
        failures = 0  # the limit is on consecutive duplicates, which signal a nearly exhausted pool
        prompts.add(prompt)
        items.append((prompt, {
            "mood": mood,
            "figure": figure,
            "valid": form_is_valid(mood, figure),
            "believable": real_world_truth(conclusion.quantifier, subject, predicate, lexicon.category_pairs),
            "content": orientation or "nonsense",
            "terms": {"subject": subject, "middle": middle, "predicate": predicate},
        }))
    return items


def answer_for(metadata: dict) -> str:
    """The correct option: " yes" iff the form is valid."""
    return OPTIONS[0] if metadata["valid"] else OPTIONS[1]


def generate_syllogisms(n_per_condition: int = DEFAULT_N_PER_CONDITION, seed=0,
                        lexicon: Lexicon = REAL_WORLD) -> list[Stimulus]:
    """``n_per_condition`` distinct items for each of ``CONDITIONS``, in condition order,
    with content from ``lexicon`` and the same conclusion forms in every condition
    (``conclusion_schedule``). Answer is " yes" iff the form is valid.
    Deterministic in ``seed``.
    """
    stimuli = []
    for condition in CONDITIONS:
        for prompt, metadata in condition_items(condition, n_per_condition, seed, lexicon, balanced=True):
            stimuli.append(Stimulus(numbered_id(TASK, len(stimuli) + 1), TASK, condition, prompt,
                                    OPTIONS, answer_for(metadata), metadata))
    return stimuli
