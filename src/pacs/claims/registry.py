"""The registry of claims: every claim module of ``pacs.claims`` (named ``c<number>``),
found by its name, in the order of its number. Importing this module imports every claim;
a claim module alone (``pacs.claims.c3``) imports only what that claim needs.

It also hands the claims' parts of the config to ``pacs.config`` (which sits below the claims
and never imports them): ``load_config`` and ``resolve_config`` are the config as the workflow
reads it, with the sections a claim's module declares (``Claim.config_defaults``) merged under
it and every claim's checks included; ``claim_model`` is a claim's learners' model."""

import copy
import importlib
import pkgutil
import re
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

import pacs.claims
from pacs import config as configuration
from pacs.claims.config_checks import ClaimConfig, matches_defaults
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


def config_sections(registry: Mapping[str, Claim]) -> dict:
    """The config sections the claims' modules declare (``Claim.config_defaults``), by claim id."""
    return {claim.id: copy.deepcopy(dict(claim.config_defaults)) for claim in registry.values()
            if claim.config_defaults}


def claim_configs(registry: Mapping[str, Claim]) -> dict[str, ClaimConfig]:
    """Each claim's part of the config checks (``Claim.config``); a claim whose module declares
    its section has that section's keys and types checked against it first."""
    return {claim.id: replace(claim.config, relations=(matches_defaults(claim.id, claim.config_defaults),
                                                       *claim.config.relations))
            if claim.config_defaults else claim.config for claim in registry.values()}


CLAIM_CONFIGS: dict[str, ClaimConfig] = claim_configs(REGISTRY)


def resolve_config(config: dict, schema_path: str | Path, command_line: dict | None = None, *,
                   registry: Mapping[str, Claim] | None = None) -> dict:
    """``pacs.config.resolve`` over the claims' own sections and with every claim's checks: the
    sections the claims' modules declare lie under ``config`` (config.yaml), which lies under
    the preset, under the command line. ``registry``: the claims (default ``REGISTRY``)."""
    registry = REGISTRY if registry is None else registry
    resolved = configuration.resolve(configuration.deep_merge(config_sections(registry), config), schema_path,
                                     command_line, claims=claim_configs(registry))
    check_participation(resolved, registry)
    return resolved


def check_participation(config: dict, registry: Mapping[str, Claim]) -> None:
    """``budgets.claims`` names only claims whose spec declares a budget analysis, and
    ``sweep.experiments`` only claims that name a sweep learner (a ConfigError of one line
    naming the key otherwise; the rule files check their wiring against the specs)."""
    for key, names, takes_part, what in (
            ("budgets.claims", config["budgets"]["claims"], lambda claim: claim.budget is not None,
             "declares no budget analysis"),
            ("sweep.experiments", config["sweep"]["experiments"], lambda claim: bool(claim.sweep_learner),
             "has no sweep learner")):
        declared = [claim.id for claim in registry.values() if takes_part(claim)]
        for name in names:
            if name not in declared:
                raise configuration.ConfigError(f"config key '{key}': {name} {what} "
                                                f"(claims that do: {', '.join(sorted(declared))})")


def load_config(path: str | Path, schema_path: str | Path, command_line: dict | None = None) -> dict:
    """``pacs.config.load`` as ``resolve_config`` reads it: config.yaml (plus command-line values)
    -> the resolved, validated config every rule reads."""
    return resolve_config(configuration.load_yaml(path), schema_path, command_line)


def claim_model(config: dict, claim: str) -> dict:
    """The model config a claim's learners use, which its budgets and sweeps scale: the
    shared ``model`` overlaid with the section its spec names (``ClaimConfig.model``)."""
    return configuration.learner_model(config, CLAIM_CONFIGS, claim)
