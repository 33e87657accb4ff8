"""Configuration: presets overlaid on config.yaml, validated against the schema.

Order of precedence (later wins): config.yaml, the chosen preset's block,
values given on the command line (``snakemake --config ...``). The result is
validated against ``workflow/schemas/config.schema.yaml``; the first problem is
reported as one line naming the key.
"""

from __future__ import annotations

import copy
from pathlib import Path

import jsonschema
import yaml

from pacs.probes.sources import extra_files_by_task
from pacs.probes.stimuli import StimulusFileError


class ConfigError(ValueError):
    """A configuration value is missing, unknown or of the wrong type."""


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


def check_relations(config: dict) -> None:
    """Constraints between values that the schema cannot state; one line naming the key."""
    mix = config["regimes"]["return_conditioning"]["mix"]
    if abs(sum(mix.values()) - 1.0) > 1e-9:
        raise ConfigError(f"config key 'regimes.return_conditioning.mix': shares sum to {sum(mix.values()):g}, not 1")
    edges = config["regimes"]["return_conditioning"]["quality_edges"]
    if any(a >= b for a, b in zip(edges, edges[1:])):
        raise ConfigError(f"config key 'regimes.return_conditioning.quality_edges': {edges} is not increasing")
    budget, env = config["regimes"]["fusion"]["budget"], config["dag"]["env"]
    if budget >= env["n_vars"] or budget > env["explore_steps"]:
        raise ConfigError(f"config key 'regimes.fusion.budget': {budget} must be below dag.env.n_vars "
                          f"({env['n_vars']}) and at most dag.env.explore_steps ({env['explore_steps']})")


def check_stimulus_files(config: dict) -> None:
    """Experiment 5's extra stimulus files exist and hold valid items (one line naming the file and line),
    and Experiment 5 has items to score."""
    try:
        by_task = extra_files_by_task(config["probes"]["extra_stimuli"])
    except StimulusFileError as error:
        raise ConfigError(f"config key 'probes.extra_stimuli': {error}") from None
    if not by_task and not any(config["probes"]["items_per_condition"].values()):
        raise ConfigError("config key 'probes.items_per_condition': 0 items for every task and no "
                          "probes.extra_stimuli leave Experiment 5 nothing to score")


def resolve(config: dict, schema_path: str | Path, command_line: dict | None = None) -> dict:
    """Apply the preset, validate, and return the config every rule reads."""
    command_line = typed_command_line(dict(command_line or {}))
    resolved = apply_preset(deep_merge(config, command_line), command_line)
    validate(resolved, schema_path)
    check_relations(resolved)
    check_stimulus_files(resolved)
    return resolved


def load(path: str | Path, schema_path: str | Path, command_line: dict | None = None) -> dict:
    """config.yaml (plus command-line values) -> resolved, validated config."""
    return resolve(load_yaml(path), schema_path, command_line)
