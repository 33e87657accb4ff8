"""The experiment registry: one spec per claim, ``c1``...``c6`` (``pacs.claims.spec.Claim``).

Each claim module exports ``SPEC``: its statistics tables, the functions that write
its report numbers and decide its verdicts, its figures and learning curves. The
workflow derives from ``REGISTRY`` the wildcard values of its generic rules
(``report_numbers``, ``figure``, ``learning_curves``) and every input of the PDF.
A new claim is a module here (``c7.py``: found by its name, no list to extend), its
rule file (the experiment's own stages, which registers the inputs of its report
numbers and figures; included by the Snakefile from ``Claim.rule_file``) and its
report section.

(The registry is a package of its own, above ``pacs.experiments``: every training
job imports ``pacs.experiments``, and a registry there would make them rerun
whenever a report or figure function changed.)
"""

import importlib
import pkgutil
import re

from pacs.claims.spec import Claim, Decision, ReportNumbers, assess_training, load_tables

CLAIM_MODULE = re.compile(r"c(\d+)")


def discover() -> dict[str, Claim]:
    """Every claim module of this package (named ``c<number>``), in the order of its number."""
    numbers = sorted(int(match[1]) for info in pkgutil.iter_modules(__path__)
                     if (match := CLAIM_MODULE.fullmatch(info.name)))
    specs = [importlib.import_module(f"{__name__}.c{number}").SPEC for number in numbers]
    for number, spec in zip(numbers, specs):
        if spec.id != f"c{number}":
            raise ValueError(f"pacs.claims.c{number} exports the spec of claim {spec.id!r}")
    return {spec.id: spec for spec in specs}


def rule_files(registry) -> list[str]:
    """The claims' rule files (workflow/rules/<file>), each once, in the registry's order."""
    return list(dict.fromkeys(claim.rule_file for claim in registry.values()))


REGISTRY: dict[str, Claim] = discover()

__all__ = ["REGISTRY", "Claim", "Decision", "ReportNumbers", "assess_training", "discover", "load_tables", "rule_files"]
