"""The registry of claims: every claim module of ``pacs.claims`` (named ``c<number>``),
found by its name, in the order of its number. Importing this module imports every claim;
a claim module alone (``pacs.claims.c3``) imports only what that claim needs.

It also hands the claims' parts of the config checks to ``pacs.config`` (which sits below
the claims and never imports them): ``load_config`` and ``resolve_config`` are the config as
the workflow reads it, every claim's checks included; ``claim_model`` is a claim's learners' model."""

import importlib
import pkgutil
import re
from pathlib import Path

import pacs.claims
from pacs import config as configuration
from pacs.claims.config_checks import ClaimConfig
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


CLAIM_CONFIGS: dict[str, ClaimConfig] = {claim.id: claim.config for claim in REGISTRY.values()}


def resolve_config(config: dict, schema_path: str | Path, command_line: dict | None = None) -> dict:
    """``pacs.config.resolve`` with every claim's checks."""
    return configuration.resolve(config, schema_path, command_line, claims=CLAIM_CONFIGS)


def load_config(path: str | Path, schema_path: str | Path, command_line: dict | None = None) -> dict:
    """``pacs.config.load`` with every claim's checks: config.yaml (plus command-line values) ->
    the resolved, validated config every rule reads."""
    return configuration.load(path, schema_path, command_line, claims=CLAIM_CONFIGS)


def claim_model(config: dict, claim: str) -> dict:
    """The model config a claim's learners use, which its budgets and sweeps scale: the
    shared ``model`` overlaid with the section its spec names (``ClaimConfig.model``)."""
    return configuration.learner_model(config, CLAIM_CONFIGS, claim)
