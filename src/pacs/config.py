"""Configuration: presets overlaid on config.yaml, validated against the schema.

Order of precedence (later wins): config.yaml, the chosen preset's block,
values given on the command line (``snakemake --config ...``). The result is
validated against ``workflow/schemas/config.schema.yaml``; the first problem is
reported as one line naming the key.

The relations the schema cannot state are checked next: the shared ones here, and each
claim's own, which its module declares (``pacs.claims.config_checks.ClaimConfig``, with the
model its learners use). The schema takes a section for a claim it does not list (a key
``c<number>``, whose defaults the claim's module holds): that claim's checks read its keys.
This module sits below the claims and never imports them: the callers hand the claims'
parts in (``pacs.claims.registry.load_config`` and ``resolve_config`` pass every claim of
the registry, and merge the sections their modules declare under config.yaml).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from pathlib import Path

import jsonschema
import yaml


class ConfigError(ValueError):
    """A configuration value is missing, unknown or of the wrong type."""


class OverrideError(ConfigError):
    """An override names a config key that does not exist."""


def lookup(config: dict, key: str):
    """The value at a dotted key path (``verdicts.alpha``); an unknown key is an
    ``OverrideError`` naming it."""
    node = config
    for depth, part in enumerate(key.split(".")):
        if not isinstance(node, dict) or part not in node:
            raise OverrideError(f"unknown config key {'.'.join(key.split('.')[:depth + 1])!r} (in {key!r})")
        node = node[part]
    return node


def override(config: dict, overrides: dict) -> dict:
    """A copy of ``config`` with each dotted key of ``overrides`` set to its value (a
    multiverse universe, ``pacs.claims.multiverse``); every key must exist already (an
    unknown one is an ``OverrideError`` naming it)."""
    changed = copy.deepcopy(config)
    for key, value in overrides.items():
        lookup(changed, key)
        *parents, leaf = key.split(".")
        node = changed
        for part in parents:
            node = node[part]
        node[leaf] = copy.deepcopy(value)
    return changed


def claim_seeds(config: dict, claim: str) -> list[int]:
    """A claim's training seeds: its section's ``seeds`` where it sets them (each claim's are
    sized by the power its verdicts need), else the global ``seeds``."""
    return list(config.get(claim, {}).get("seeds", config["seeds"]))


def claim_seeds_key(config: dict, claim: str) -> str:
    """The dotted config key that holds a claim's seeds (``claim_seeds``): ``<claim>.seeds``
    where its section sets them, else ``seeds``."""
    return f"{claim}.seeds" if "seeds" in config.get(claim, {}) else "seeds"


def choice_value(config: dict, claim: str, key: str):
    """The configured value of a multiverse choice of ``claim``: its key's value, where the
    key ``seeds`` means the claim's own seeds (``claim_seeds``)."""
    return claim_seeds(config, claim) if key == "seeds" else lookup(config, key)


LEAVE_ONE_OUT = "leave_one_out"


def multiverse_alternatives(choice: dict, config: dict, claim: str) -> list:
    """A multiverse choice's alternatives, for the claim whose block lists it: its list; for
    ``seeds`` (the claim's, ``claim_seeds``) with ``leave_one_out`` one subset per seed,
    without it (leave-one-seed-out universes; none for one seed); with ``{times: [f, ...]}``
    the configured value times each f (rounded for a whole number, so a size scales with the
    preset's own)."""
    if isinstance(choice["alternatives"], dict):
        configured = choice_value(config, claim, choice["key"])
        scaled = [configured * factor for factor in choice["alternatives"]["times"]]
        return [round(value) for value in scaled] if isinstance(configured, int) else scaled
    if choice["alternatives"] == LEAVE_ONE_OUT:
        if choice["key"] != "seeds":
            raise ConfigError(f"config key 'multiverse': {LEAVE_ONE_OUT} is for key seeds, not {choice['key']}")
        seeds = claim_seeds(config, claim)  # a single seed has no subset left to decide on
        return [[seed for seed in seeds if seed != dropped] for dropped in seeds] if len(seeds) > 1 else []
    return list(choice["alternatives"])


def deep_merge(base: dict, override: dict) -> dict:
    """A copy of ``base`` with ``override`` merged in, recursively for nested dicts."""
    merged = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def load_yaml(path: str | Path) -> dict:
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"{path}: file not found")
    try:
        loaded = yaml.safe_load(path.read_text())
    except yaml.YAMLError as error:
        raise ConfigError(f"{path}: not valid YAML ({str(error).splitlines()[0]})") from None
    if not isinstance(loaded, dict):
        raise ConfigError(f"{path}: expected a mapping at the top level")
    return loaded


def typed_command_line(values):
    """Snakemake reads nested ``--config`` values with YAML's BaseLoader, so every
    leaf arrives as a string (``dag={eval: {episodes_per_split: 150}}`` gives
    '150'). Re-read string leaves as YAML scalars so numbers and booleans get
    their types; anything else stays a string."""
    if isinstance(values, dict):
        return {key: typed_command_line(value) for key, value in values.items()}
    if isinstance(values, list):
        return [typed_command_line(value) for value in values]
    if isinstance(values, str):
        try:
            parsed = yaml.safe_load(values)
        except yaml.YAMLError:
            return values
        return parsed if isinstance(parsed, (int, float, bool)) else values
    return values


def apply_preset(config: dict, command_line: dict | None = None) -> dict:
    """Overlay ``presets[preset]`` on ``config``, then the command-line values again
    (so they win over the preset)."""
    preset = config.get("preset", "default")
    presets = config.get("presets") or {}
    if not isinstance(presets, dict) or preset not in presets:
        known = sorted(presets) if isinstance(presets, dict) else []
        raise ConfigError(f"config key 'preset': unknown preset {preset!r} (known: {known})")
    overlay = presets[preset] or {}
    if not isinstance(overlay, dict):
        raise ConfigError(f"config key 'presets.{preset}': expected a mapping")
    return deep_merge(deep_merge(config, overlay), command_line or {})


def _key_path(error: jsonschema.ValidationError) -> str:
    return ".".join(str(part) for part in error.absolute_path)


def describe(error: jsonschema.ValidationError) -> str:
    """One line naming the offending key."""
    where = _key_path(error)
    if error.validator == "additionalProperties":
        allowed = set(error.schema.get("properties", {}))
        extra = sorted(set(error.instance) - allowed)
        key = ".".join(filter(None, [where, str(extra[0]) if extra else ""]))
        return f"config key '{key}': unknown key (allowed here: {', '.join(sorted(allowed))})"
    if error.validator == "required":
        return f"config key '{where or '<top level>'}': {error.message}"
    expected = error.schema.get("description", "")
    hint = f" ({expected})" if expected else ""
    return f"config key '{where}': {error.message}{hint}"


def validate(config: dict, schema_path: str | Path) -> None:
    """Raise ConfigError describing the first schema violation, if any."""
    schema = load_yaml(schema_path)
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(config), key=lambda e: (len(e.absolute_path), _key_path(e)))
    if errors:
        # the most specific error is the most useful one
        deepest = max(errors, key=lambda e: len(e.absolute_path))
        raise ConfigError(describe(deepest))


def check_relations(config: dict, claims: Mapping | None) -> None:
    """Constraints between values that the schema cannot state, checked before any
    job runs; the first one broken is a ConfigError of one line naming the key.

    ``claims``: each claim's id -> its part of the checks (``pacs.claims.config_checks.ClaimConfig``:
    the key of its learners' model and its relation checks, each yielding ``(key, problem)``),
    as ``pacs.claims.registry`` hands them over; None checks the shared keys only."""
    _check_claim_seeds(config)
    if claims is not None:
        _check_claim_ids(config, claims)
        for claim in claims.values():
            for check in claim.relations:
                _report_first(check(config))
        _check_attention_heads(config, claims)
    _check_device(config)
    if claims is not None:
        _check_budget_widths(config, claims)
        _check_sweep_widths(config, claims)
    _check_multiverse(config, claims)


def check_inputs(config: dict, claims: Mapping | None) -> None:
    """The files the config names exist and hold what they must (each claim's ``inputs``
    checks; see ``check_relations``), checked once before any job runs."""
    for claim in (claims or {}).values():
        for check in claim.inputs:
            _report_first(check(config))


def _fail(key: str, message: str) -> None:
    raise ConfigError(f"config key '{key}': {message}")


def _report_first(problems) -> None:
    """The first ``(key, problem)`` a check yields, as a ConfigError naming the key."""
    for key, message in problems:
        _fail(key, message)


# a claim's config section (the schema takes any such section; its claim's checks read it)
CLAIM_SECTION = re.compile(r"c[0-9]+")


def _check_claim_seeds(config: dict) -> None:
    """Each claim section's own ``seeds`` (optional; ``claim_seeds``) is a non-empty list of
    distinct whole numbers >= 0, as the global ``seeds`` are (the schema lists the sections
    of config.yaml; this holds for a claim whose module declares its section too)."""
    for section, values in config.items():
        if not (CLAIM_SECTION.fullmatch(section) and isinstance(values, dict) and "seeds" in values):
            continue
        seeds, key = values["seeds"], f"{section}.seeds"
        if not isinstance(seeds, list) or not all(isinstance(s, int) and not isinstance(s, bool) for s in seeds):
            _fail(key, f"{seeds!r} is not a list of whole numbers")
        if not seeds:
            _fail(key, "an empty list (leave the key out to use the global seeds)")
        if any(seed < 0 for seed in seeds):
            _fail(key, f"{min(seeds)} is negative (seeds are whole numbers >= 0)")
        if len(set(seeds)) < len(seeds):
            _fail(key, f"{sorted({s for s in seeds if seeds.count(s) > 1})} listed more than once")


def _check_claim_ids(config: dict, claims: Mapping) -> None:
    """Every claim the config names is one of ``claims``: a section named like a claim, and
    each claim that ``budgets.claims``, ``sweep.experiments`` and ``sweep.per_experiment`` list
    (whether it takes part in them, its rule file's wiring checks)."""
    known = ", ".join(claims)
    for key in config:
        if CLAIM_SECTION.fullmatch(key) and key not in claims:
            _fail(key, f"not a claim of the registry (pacs.claims: {known})")
    for key in ("budgets.claims", "sweep.experiments", "sweep.per_experiment"):
        for name in lookup(config, key):
            if name not in claims:
                _fail(key, f"{name} is not a claim of the registry (pacs.claims: {known})")


def _check_attention_heads(config: dict, claims: Mapping) -> None:
    """Every learner's model (each claim's ``model`` overlay): its heads divide its width."""
    models = {claim.model: overlaid_model(config, claim.model) for claim in claims.values() if claim.model}
    for key, model in models.items():
        if model["d_model"] % model["n_heads"]:
            _fail(f"{key}.n_heads", f"{model['n_heads']} does not divide {key}.d_model ({model['d_model']})")


def scaled_model(model: dict, multiplier: float) -> dict:
    """``model`` with ``d_model`` and ``d_mlp`` times ``multiplier`` (a budget of
    pacs.budget). A width that is not a whole number >= 1, or a ``d_model`` that
    ``n_heads`` does not divide, is a one-line ValueError."""
    scaled = dict(model)
    for key in ("d_model", "d_mlp"):
        width = model[key] * multiplier
        if width != int(width) or width < 1:
            raise ValueError(f"width multiplier {multiplier:g} makes {key} {width:g}, not a whole number >= 1")
        scaled[key] = int(width)
    if scaled["d_model"] % model["n_heads"]:
        raise ValueError(f"width multiplier {multiplier:g} makes d_model {scaled['d_model']}, "
                         f"which n_heads ({model['n_heads']}) does not divide")
    return scaled


def overlaid_model(config: dict, key: str) -> dict:
    """The shared ``model`` overlaid with the values at dotted ``key`` (a claim's own
    model section; ``"model"`` gives the shared model itself), as the rule files build it."""
    return {**config["model"], **lookup(config, key)}


def learner_model(config: dict, claims: Mapping, claim: str) -> dict:
    """The model config a claim's learners use (its ``model`` overlay), which its budgets
    and sweeps scale; a claim without learners is a ConfigError."""
    if claim not in claims or not claims[claim].model:
        raise ConfigError(f"claim {claim!r} declares no learners' model (its spec's config.model)")
    return overlaid_model(config, claims[claim].model)


SWEEP_AXES = ("lr_multipliers", "width_multipliers", "dropouts")


def sweep_axes(sweep: dict, experiment: str) -> dict:
    """The sweep's grid for one experiment: the shared axes, with those its
    ``per_experiment`` entry names replaced."""
    return {axis: sweep.get("per_experiment", {}).get(experiment, {}).get(axis, sweep[axis]) for axis in SWEEP_AXES}


def _check_scaled_widths(config: dict, claims: Mapping, key: str, names, multipliers) -> None:
    """Every multiplier gives every named claim's model whole widths that n_heads divides."""
    for claim in names:
        model = learner_model(config, claims, claim)
        for multiplier in multipliers:
            try:
                scaled_model(model, multiplier)
            except ValueError as error:
                _fail(key, f"{error} (in {claims[claim].model}, for {claim})")


def _check_budget_widths(config: dict, claims: Mapping) -> None:
    budgets = config["budgets"]
    _check_scaled_widths(config, claims, "budgets.width_multipliers", budgets["claims"],
                         budgets["width_multipliers"])


def _check_sweep_widths(config: dict, claims: Mapping) -> None:
    sweep = config["sweep"]
    for experiment in sweep["experiments"]:
        key = ("sweep.per_experiment." + experiment if "width_multipliers" in sweep["per_experiment"].get(experiment, {})
               else "sweep") + ".width_multipliers"
        _check_scaled_widths(config, claims, key, [experiment], sweep_axes(sweep, experiment)["width_multipliers"])


def _check_device(config: dict) -> None:
    """The device rule is runtime.pick_device's; checked here so no job starts on a bad value."""
    if config["device"] == "cuda":
        from pacs.runtime import pick_device  # only here: most runs never pay for importing torch at start-up

        try:
            pick_device(config["device"])
        except RuntimeError as error:
            raise ConfigError(str(error)) from None


def _check_multiverse(config: dict, claims: Mapping | None) -> None:
    """Every multiverse choice names a config key that exists, and each alternative gives a
    config whose relations hold (the universe's run would be a valid run)."""
    point = {key: value for key, value in config.items() if key not in ("multiverse", "multiverse_design")}
    for claim, choices in config.get("multiverse", {}).items():
        for index, choice in enumerate(choices):
            where = f"multiverse.{claim}[{index}]"
            try:
                lookup(point, choice["key"])
            except OverrideError as error:
                _fail(f"{where}.key", str(error))
            for value in multiverse_alternatives(choice, point, claim):
                if choice["key"] == "seeds" and not (value and set(value) <= set(claim_seeds(point, claim))):
                    _fail(f"{where}.alternatives", f"seeds {value} are not a subset of {claim}'s seeds "
                          f"({claim_seeds_key(point, claim)}: {claim_seeds(point, claim)})")
                try:
                    key = claim_seeds_key(point, claim) if choice["key"] == "seeds" else choice["key"]
                    check_relations(override(point, {key: value}), claims)
                except ConfigError as error:
                    _fail(f"{where}.alternatives", f"{choice['key']}={value!r} breaks a relation ({error})")


def resolve(config: dict, schema_path: str | Path, command_line: dict | None = None, *,
            claims: Mapping | None) -> dict:
    """Apply the preset, validate, check the relations and input files (``claims``: each
    claim's part of the checks, see ``check_relations``), and return the config every rule reads."""
    command_line = typed_command_line(dict(command_line or {}))
    resolved = apply_preset(deep_merge(config, command_line), command_line)
    validate(resolved, schema_path)
    check_relations(resolved, claims)
    check_inputs(resolved, claims)
    return resolved


def load(path: str | Path, schema_path: str | Path, command_line: dict | None = None, *,
         claims: Mapping | None) -> dict:
    """config.yaml (plus command-line values) -> resolved, validated config (see ``resolve``)."""
    return resolve(load_yaml(path), schema_path, command_line, claims=claims)
