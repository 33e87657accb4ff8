"""Wason selection task with realistic, arbitrary and nonsense content.

A rule "If P, then Q" is checked against four cards; each card shows one side
(about P or about Q) and hides the other. The four visible sides are P,
not-P, Q and not-Q, listed in a seeded random order. The correct choice is the
pair of cards that could reveal a violation: P (its back might be not-Q) and
not-Q (its back might be P).

Conditions (Lampinen, Dasgupta et al. 2024, after Wason 1968 and Cosmides 1989):

* ``realistic``: familiar social rules (drinking age, bike helmets, tickets);
* ``arbitrary``: everyday words in an arbitrary relation ("If a card has a
  bird on one side, then it has red on the other side.");
* ``nonsense``: made-up words ("If a card has dax on one side, then it has wug
  on the other side.").

Every unordered pair of the four cards is an option, so a chosen pair can be
classified with ``error_category``.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

from pacs.probes.stimuli import Stimulus, condition_rng, numbered_id

TASK = "wason"
CONDITIONS = ("realistic", "arbitrary", "nonsense")
DEFAULT_N_PER_CONDITION = 72
ROLES = ("p", "not_p", "q", "not_q")
QUESTION = "Which two cards must be turned over to check whether the rule is being followed?"

# Chosen pair of roles -> name. Only "correct" can expose every violation.
ERROR_CATEGORIES: dict[frozenset, str] = {
    frozenset({"p", "not_q"}): "correct",      # the falsifying cards
    frozenset({"p", "q"}): "matching",         # cards that match the rule's terms (matching bias)
    frozenset({"not_p", "not_q"}): "denial",   # the two negated cards
    frozenset({"q", "not_q"}): "consequent",   # both consequent cards
    frozenset({"p", "not_p"}): "antecedent",   # both antecedent cards
    frozenset({"not_p", "q"}): "inverse",      # the exact opposite of the correct pair
}


@dataclass(frozen=True)
class Rule:
    """A conditional rule; ``text`` is its English wording."""

    text: str
    antecedent: str
    consequent: str


@dataclass(frozen=True)
class Card:
    """A card's visible side: which clause of the rule it bears on, and whether it satisfies it."""

    face: str
    shows: str  # "antecedent" or "consequent"
    holds: bool


def falsifying_cards(rule: Rule, cards: list[Card]) -> set[str]:
    """Faces of the cards whose hidden side could reveal a violation of ``rule``.

    For each card, tries both truth values of the clause on its hidden side and
    keeps the card if some combination makes the antecedent true and the
    consequent false (the only way an "if ... then" rule is broken).
    """
    out = set()
    for card in cards:
        if card.shows not in ("antecedent", "consequent"):
            raise ValueError(f"card {card.face!r} shows neither clause of {rule.text!r}")
        for hidden in (True, False):
            antecedent, consequent = (card.holds, hidden) if card.shows == "antecedent" else (hidden, card.holds)
            if antecedent and not consequent:
                out.add(card.face)
    return out


def error_category(pair, roles: dict[str, str]) -> str:
    """Name of the choice of two card faces ``pair``, given face -> role (see ``ERROR_CATEGORIES``)."""
    chosen = frozenset(roles[face] for face in pair)
    if len(chosen) != 2:
        raise ValueError(f"a choice is two different cards, got {pair!r}")
    return ERROR_CATEGORIES[chosen]


def pair_option(first: str, second: str) -> str:
    """Option text for choosing two cards, e.g. ``" the dax card and the wug card"``."""
    return f" the {first} card and the {second} card"


# --- Content -------------------------------------------------------------------


@dataclass(frozen=True)
class RealisticTemplate:
    """A social rule and the alternative faces for each role's card."""

    context: str
    rule: str
    antecedent: str
    consequent: str
    p: tuple[str, ...]
    not_p: tuple[str, ...]
    q: tuple[str, ...]
    not_q: tuple[str, ...]


REALISTIC: tuple[RealisticTemplate, ...] = (
    RealisticTemplate(
        context="You are checking people in a bar."
        " Each card is one person: what they are drinking on one side and their age on the other.",
        rule="If a person is drinking beer, then they must be over 18.",
        antecedent="drinking beer", consequent="over 18",
        p=("drinking beer",), not_p=("drinking soda", "drinking water", "drinking juice"),
        q=("age 25", "age 34", "age 41"), not_q=("age 16", "age 15"),
    ),
    RealisticTemplate(
        context="You are a park warden."
        " Each card is one person: how they are travelling on one side and their headwear on the other.",
        rule="If a person is riding a bike, then they must be wearing a helmet.",
        antecedent="riding a bike", consequent="wearing a helmet",
        p=("riding a bike",), not_p=("walking", "jogging"),
        q=("wearing a helmet",), not_q=("wearing a cap", "bareheaded"),
    ),
    RealisticTemplate(
        context="You are an usher at a cinema."
        " Each card is one person: where they are going on one side and whether they hold a ticket on the other.",
        rule="If a person enters the screening room, then they must have a ticket.",
        antecedent="entering the screening room", consequent="with a ticket",
        p=("entering the screening room",), not_p=("leaving the lobby", "buying popcorn"),
        q=("with a ticket",), not_q=("without a ticket",),
    ),
    RealisticTemplate(
        context="You are a police officer."
        " Each card is one person: what they are doing on one side"
        " and whether they hold a driving licence on the other.",
        rule="If a person is driving a car, then they must have a driving licence.",
        antecedent="driving a car", consequent="with a licence",
        p=("driving a car",), not_p=("riding the bus", "walking home"),
        q=("with a licence",), not_q=("without a licence",),
    ),
    RealisticTemplate(
        context="You are a site inspector."
        " Each card is one worker: where they are working on one side and their headwear on the other.",
        rule="If a worker is on the building site, then they must wear a hard hat.",
        antecedent="on the building site", consequent="wearing a hard hat",
        p=("on the building site",), not_p=("in the office", "in the canteen"),
        q=("wearing a hard hat",), not_q=("wearing no hat", "wearing a beanie"),
    ),
    RealisticTemplate(
        context="You are a safety officer."
        " Each card is one person: which room they are in on one side and their eyewear on the other.",
        rule="If a person is in the laboratory, then they must wear safety goggles.",
        antecedent="in the laboratory", consequent="wearing goggles",
        p=("in the laboratory",), not_p=("in the library", "in the corridor"),
        q=("wearing goggles",), not_q=("wearing no goggles", "wearing sunglasses"),
    ),
    RealisticTemplate(
        context="You are a lifeguard."
        " Each card is one child: where they are swimming on one side and their swimming badge on the other.",
        rule="If a child swims in the deep end, then they must have a swimming certificate.",
        antecedent="in the deep end", consequent="with a certificate",
        p=("in the deep end",), not_p=("in the shallow end", "in the paddling pool"),
        q=("with a certificate",), not_q=("without a certificate",),
    ),
    RealisticTemplate(
        context="You work at the post office."
        " Each card is one letter: its class of post on one side and its stamp on the other.",
        rule="If a letter is sent first class, then it must have a 90-cent stamp.",
        antecedent="sent first class", consequent="90-cent stamp",
        p=("sent first class",), not_p=("sent second class",),
        q=("90-cent stamp",), not_q=("40-cent stamp", "20-cent stamp"),
    ),
    RealisticTemplate(
        context="You are an election official."
        " Each card is one person: whether they voted on one side and their age on the other.",
        rule="If a person votes in the election, then they must be at least 18 years old.",
        antecedent="voted", consequent="at least 18",
        p=("voted",), not_p=("did not vote",),
        q=("age 40", "age 22", "age 67"), not_q=("age 14", "age 12"),
    ),
    RealisticTemplate(
        context="You are a gate agent at an airport."
        " Each card is one passenger: where they are on one side and whether they have a boarding pass on the other.",
        rule="If a passenger boards the plane, then they must show a boarding pass.",
        antecedent="boarding the plane", consequent="with a boarding pass",
        p=("boarding the plane",), not_p=("waiting in the lounge", "shopping in duty free"),
        q=("with a boarding pass",), not_q=("without a boarding pass",),
    ),
    RealisticTemplate(
        context="You are checking passengers in cars."
        " Each card is one passenger: where they sit on one side and whether they wear a seatbelt on the other.",
        rule="If a person sits in the front seat, then they must wear a seatbelt.",
        antecedent="in the front seat", consequent="wearing a seatbelt",
        p=("in the front seat",), not_p=("standing on the pavement",),
        q=("wearing a seatbelt",), not_q=("not wearing a seatbelt",),
    ),
    RealisticTemplate(
        context="You are a librarian."
        " Each card is one student: what they did on one side and whether they have a library card on the other.",
        rule="If a student borrows a book, then they must have a library card.",
        antecedent="borrowing a book", consequent="with a library card",
        p=("borrowing a book",), not_p=("reading a magazine", "using a computer"),
        q=("with a library card",), not_q=("without a library card",),
    ),
    RealisticTemplate(
        context="You are a nurse on a hospital ward."
        " Each card is one visitor: where they are going on one side and whether they washed their hands on the other.",
        rule="If a visitor enters the intensive care ward, then they must wash their hands.",
        antecedent="entering intensive care", consequent="washed hands",
        p=("entering intensive care",), not_p=("going to the cafe", "leaving the hospital"),
        q=("washed hands",), not_q=("unwashed hands",),
    ),
    RealisticTemplate(
        context="You are a shop manager."
        " Each card is one customer: what they are doing on one side and whether they have a receipt on the other.",
        rule="If a customer gets a refund, then they must show a receipt.",
        antecedent="getting a refund", consequent="with a receipt",
        p=("getting a refund",), not_p=("buying a gift", "browsing"),
        q=("with a receipt",), not_q=("without a receipt",),
    ),
    RealisticTemplate(
        context="You are a ticket inspector on a train."
        " Each card is one passenger: which carriage they sit in on one side and their ticket on the other.",
        rule="If a passenger sits in first class, then they must have a first-class ticket.",
        antecedent="in first class", consequent="first-class ticket",
        p=("in first class",), not_p=("in standard class",),
        q=("first-class ticket",), not_q=("standard ticket",),
    ),
)

# Kinds of thing a card side can show in the arbitrary condition: (kind with
# article, (value as written in the rule, value as written on the card) ...).
ARBITRARY_KINDS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    ("an animal", (("a bird", "bird"), ("a horse", "horse"), ("a fish", "fish"), ("a rabbit", "rabbit"),
                   ("a frog", "frog"))),
    ("a colour", (("red", "red"), ("blue", "blue"), ("green", "green"), ("yellow", "yellow"), ("purple", "purple"))),
    ("a city", (("Paris", "Paris"), ("Tokyo", "Tokyo"), ("Cairo", "Cairo"), ("Lima", "Lima"), ("Oslo", "Oslo"))),
    ("a fruit", (("a mango", "mango"), ("a lemon", "lemon"), ("a plum", "plum"), ("a banana", "banana"),
                 ("a pear", "pear"))),
    ("a vehicle", (("a tractor", "tractor"), ("a canoe", "canoe"), ("a bus", "bus"), ("a scooter", "scooter"),
                   ("a tram", "tram"))),
    ("a day of the week", (("Monday", "Monday"), ("Tuesday", "Tuesday"), ("Friday", "Friday"), ("Sunday", "Sunday"))),
    ("a musical instrument", (("a violin", "violin"), ("a drum", "drum"), ("a flute", "flute"), ("a harp", "harp"))),
)

NONSENSE_WORDS: tuple[str, ...] = (
    "dax", "wug", "blick", "fep", "zorb", "glorp", "tove", "kiv",
    "pime", "vonk", "murl", "quelt", "zib", "lorp", "snerb", "brill",
)


# Content builders: (index of the item being built, rng) -> (context sentence, rule,
# role -> card face). Only the realistic builder uses the index, to rotate
# through its templates evenly; the others draw everything from the rng.


def _realistic_content(index: int, rng) -> tuple[str, Rule, dict[str, str]]:
    template = REALISTIC[index % len(REALISTIC)]
    faces = {role: rng.choice(getattr(template, role)) for role in ROLES}
    return template.context, Rule(template.rule, template.antecedent, template.consequent), faces


def _arbitrary_content(index: int, rng) -> tuple[str, Rule, dict[str, str]]:
    (kind_a, values_a), (kind_b, values_b) = rng.sample(ARBITRARY_KINDS, 2)
    (p_rule, p_face), (_, not_p_face) = rng.sample(values_a, 2)
    (q_rule, q_face), (_, not_q_face) = rng.sample(values_b, 2)
    context = f"Each card has {kind_a} on one side and {kind_b} on the other side."
    rule = Rule(f"If a card has {p_rule} on one side, then it has {q_rule} on the other side.", p_rule, q_rule)
    return context, rule, {"p": p_face, "not_p": not_p_face, "q": q_face, "not_q": not_q_face}


def _nonsense_content(index: int, rng) -> tuple[str, Rule, dict[str, str]]:
    p, not_p, q, not_q = rng.sample(NONSENSE_WORDS, 4)
    # Name each side's words in random order, so the context does not give away which is P or Q.
    side_a, side_b = rng.sample([p, not_p], 2), rng.sample([q, not_q], 2)
    context = (f"Each card has one of the words {side_a[0]} or {side_a[1]} on one side "
               f"and one of the words {side_b[0]} or {side_b[1]} on the other side.")
    rule = Rule(f"If a card has {p} on one side, then it has {q} on the other side.", p, q)
    return context, rule, {"p": p, "not_p": not_p, "q": q, "not_q": not_q}


CONTENT = {"realistic": _realistic_content, "arbitrary": _arbitrary_content, "nonsense": _nonsense_content}

_CARD_ORDERS = 24  # 4! orders in which the cards can be listed


def _realistic_capacity() -> int:
    faces = sum(len(t.p) * len(t.not_p) * len(t.q) * len(t.not_q) for t in REALISTIC)
    return faces * _CARD_ORDERS


def _arbitrary_capacity() -> int:
    def ordered_pairs(values) -> int:
        return len(values) * (len(values) - 1)
    rules = sum(ordered_pairs(a) * ordered_pairs(b)
                for (_, a), (_, b) in combinations(ARBITRARY_KINDS, 2)) * 2  # either kind can be P
    return rules * _CARD_ORDERS


def _nonsense_capacity() -> int:
    k = len(NONSENSE_WORDS)
    return k * (k - 1) * (k - 2) * (k - 3) * 4 * _CARD_ORDERS  # x4: word order within the context sentence


# Upper bounds on distinct prompts per condition, checked before searching.
CAPACITY = {"realistic": _realistic_capacity, "arbitrary": _arbitrary_capacity, "nonsense": _nonsense_capacity}

# role -> how the card's visible side relates to the rule; used to build Card records.
_ROLE_SIDES = {"p": ("antecedent", True), "not_p": ("antecedent", False),
               "q": ("consequent", True), "not_q": ("consequent", False)}


def _render(context: str, rule: Rule, shown: list[str]) -> str:
    return (f"{context}\nRule: {rule.text}\n"
            f"The visible sides of the four cards show: {', '.join(shown)}.\n{QUESTION}\nAnswer:")


def generate_wason(n_per_condition: int = DEFAULT_N_PER_CONDITION, seed: int = 0) -> list[Stimulus]:
    """``n_per_condition`` distinct items per condition, in ``CONDITIONS`` order.

    Options are the 6 unordered card pairs, each written in prompt order; the
    answer is the pair {P, not-Q}. Deterministic in ``seed``; raises
    ``ValueError`` if the content cannot supply enough distinct prompts.
    """
    stimuli = []
    for condition in CONDITIONS:
        rng = condition_rng(TASK, condition, seed)
        # Rotate realistic templates from a seeded starting point so all are used evenly.
        offset = rng.randrange(len(REALISTIC))
        capacity = CAPACITY[condition]()
        if n_per_condition > capacity:
            raise ValueError(f"{condition} Wason items: asked for {n_per_condition}, at most {capacity} exist")
        prompts, made, failures = set(), 0, 0
        while made < n_per_condition:
            # The limit is on consecutive duplicates, which signal a nearly exhausted pool.
            if failures > 2000:
                raise ValueError(f"could not build {n_per_condition} distinct {condition} Wason items (got {made})")
            context, rule, faces = CONTENT[condition](offset + made + failures, rng)
            order = list(ROLES)
            rng.shuffle(order)
            shown = [faces[role] for role in order]
            prompt = _render(context, rule, shown)
            if prompt in prompts or len(set(shown)) != 4:
                failures += 1
                continue
            prompts.add(prompt)
            made, failures = made + 1, 0
            roles = {faces[role]: role for role in ROLES}
            options = tuple(pair_option(a, b) for a, b in combinations(shown, 2))
            answer = pair_option(*[face for face in shown if roles[face] in ("p", "not_q")])
            metadata = {
                "rule": rule.text,
                "antecedent": rule.antecedent,
                "consequent": rule.consequent,
                "context": context,
                "roles": roles,
                "cards": [{"face": face, "shows": _ROLE_SIDES[roles[face]][0], "holds": _ROLE_SIDES[roles[face]][1]}
                          for face in shown],
                "option_categories": {pair_option(a, b): error_category((a, b), roles)
                                      for a, b in combinations(shown, 2)},
                "condition": condition,
            }
            stimuli.append(Stimulus(numbered_id(TASK, len(stimuli) + 1), TASK, condition, prompt,
                                    options, answer, metadata))
    return stimuli
