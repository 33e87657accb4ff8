"""The registry of claims: every claim module of ``pacs.claims`` (named ``c<number>``),
found by its name, in the order of its number. Importing this module imports every claim;
a claim module alone (``pacs.claims.c3``) imports only what that claim needs."""

import importlib
import pkgutil
import re

import pacs.claims
from pacs.claims.spec import Claim

CLAIM_MODULE = re.compile(r"c(\d+)")


def discover() -> dict[str, Claim]:
    """Every claim module of ``pacs.claims``, in the order of its number."""
    numbers = sorted(int(match[1]) for info in pkgutil.iter_modules(pacs.claims.__path__)
                     if (match := CLAIM_MODULE.fullmatch(info.name)))
    specs = [importlib.import_module(f"pacs.claims.c{number}").SPEC for number in numbers]
    for number, spec in zip(numbers, specs):
        if spec.id != f"c{number}":
            raise ValueError(f"pacs.claims.c{number} exports the spec of claim {spec.id!r}")
    return {spec.id: spec for spec in specs}


def rule_files(registry) -> list[str]:
    """The claims' rule files (workflow/rules/<file>), each once, in the registry's order."""
    return list(dict.fromkeys(claim.rule_file for claim in registry.values()))


REGISTRY: dict[str, Claim] = discover()
