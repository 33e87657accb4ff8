"""The claim is the unit of locality: the shared modules hold machinery and reach the claims
generically (through ``pacs.claims.registry`` or what a claim passes in), so they name no claim
id. What is about one claim (its verdict rules and claim text, analysis plans, margins, labels,
figure specifics, budget and sweep participation) lives in ``pacs.claims.<claim>``."""

import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "pacs"
# the modules that must stay claim-agnostic (issue 35)
SHARED = ("analysis", "verdicts", "budget", "sweep", "figures", "config", "labels", "adequacy", "report")
# a claim id (c1..c6, C1..C6, with a part letter such as C3a) or a claim's macro prefix (COne..CSix), in
# code, strings and comments alike; a longer word or identifier that merely contains one does not count
CLAIM_ID = re.compile(r"(?<![A-Za-z0-9])(?:[cC][1-6](?![0-9])|C(?:One|Two|Three|Four|Five|Six)(?![a-z]))")
MOST = 10  # mentions allowed over all the shared modules together


def claim_mentions(text: str) -> list[str]:
    """The claim ids and macro prefixes ``text`` names, in order."""
    return CLAIM_ID.findall(text)


@pytest.mark.parametrize("text, found", [
    ("C1's margin; c3.verdict; COneNear; C3a and C3b", ["C1", "c3", "COne", "C3", "C3"]),
    ("verdicts.c1_above_margin = 0.1", ["c1"]),
    ("CONE, c12, sc1, abc3, COnes, x1, C7", []),
])
def test_the_count_finds_claim_ids_in_code_strings_and_comments(text, found):
    assert claim_mentions(text) == found


def test_the_shared_modules_name_at_most_a_handful_of_claims():
    counts = {module: len(claim_mentions((PACKAGE / f"{module}.py").read_text(encoding="utf-8")))
              for module in SHARED}
    total = sum(counts.values())
    per_module = ", ".join(f"{module} {count}" for module, count in counts.items())
    assert total <= MOST, (f"{total} claim-id mentions in the shared modules (at most {MOST}): {per_module}; "
                           "move what is about one claim into pacs.claims.<claim>")
