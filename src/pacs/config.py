"""Configuration: presets overlaid on config.yaml, validated against the schema.

Order of precedence (later wins): config.yaml, the chosen preset's block,
values given on the command line (``snakemake --config ...``). The result is
validated against ``workflow/schemas/config.schema.yaml``; the first problem is
reported as one line naming the key.
"""

from __future__ import annotations

import copy
import math
from pathlib import Path

import jsonschema
import yaml

from pacs.probes.sources import extra_files_by_task
from pacs.probes.stimuli import ITEM_PLACE, StimulusFileError


class ConfigError(ValueError):
    """A configuration value is missing, unknown or of the wrong type."""


class OverrideError(ConfigError):
    """An override names a config key that does not exist."""


def lookup(config: dict, key: str):
    """The value at a dotted key path (``verdicts.c1_above_margin``); an unknown key is an
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


LEAVE_ONE_OUT = "leave_one_out"


def multiverse_alternatives(choice: dict, config: dict) -> list:
    """A multiverse choice's alternatives: its list; for ``seeds`` with ``leave_one_out``
    one subset per configured seed, without it (leave-one-seed-out universes; none for one
    seed); with ``{times: [f, ...]}`` the configured value times each f (rounded for a
    whole number, so a size scales with the preset's own)."""
    if isinstance(choice["alternatives"], dict):
        configured = lookup(config, choice["key"])
        scaled = [configured * factor for factor in choice["alternatives"]["times"]]
        return [round(value) for value in scaled] if isinstance(configured, int) else scaled
    if choice["alternatives"] == LEAVE_ONE_OUT:
        if choice["key"] != "seeds":
            raise ConfigError(f"config key 'multiverse': {LEAVE_ONE_OUT} is for key seeds, not {choice['key']}")
        seeds = config["seeds"]  # a single seed has no subset left to decide on
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


def check_relations(config: dict) -> None:
    """Constraints between values that the schema cannot state, checked before any
    job runs; the first one broken is a ConfigError of one line naming the key."""
    for check in (_check_held_out_links, _check_weight_values, _check_cued_subsets, _check_attention_heads,
                  _check_device, _check_batch_sizes, _check_few_shot_pool, _check_wordings, _check_lm_shots,
                  _check_regimes, _check_budget_widths, _check_sweep_widths, _check_c4_rows, _check_c3_sizes,
                  _check_verdict_choices, _check_multiverse):
        check(config)


def _fail(key: str, message: str) -> None:
    raise ConfigError(f"config key '{key}': {message}")


def _check_held_out_links(config: dict) -> None:
    """Every held-out link (A, B) names two different variables of the graph."""
    n_vars, links = config["c1"]["env"]["n_vars"], config["c1"]["env"]["held_out_links"]
    if not links:
        _fail("c1.env.held_out_links", "is empty, but the held-out test splits need at least one [A, B] link")
    for a, b in links:
        if max(a, b) >= n_vars:
            _fail("c1.env.held_out_links", f"[{a}, {b}] names a variable outside 0..{n_vars - 1} "
                                            f"(c1.env.n_vars is {n_vars})")
        if a == b:
            _fail("c1.env.held_out_links", f"[{a}, {b}] is a self-link; A and B must differ")


def _check_weight_values(config: dict) -> None:
    """Training graphs (no held-out path) and held-out graphs (a path A -> B) can both be
    drawn. A graph draws each (earlier, later) weight from ``weight_values``, so:
    without a nonzero weight no variable affects another (no held-out graph, no target
    with a cause); without 0 every graph is complete, so a training graph exists only
    if some variable order puts every B before its A (the links form no cycle); with
    0, one edge that is not a held-out link makes a training graph with a cause."""
    env = config["c1"]["env"]
    weights, links = env["weight_values"], {tuple(link) for link in env["held_out_links"]}
    if not any(w != 0 for w in weights):
        _fail("c1.env.weight_values", f"{weights} has no nonzero weight: no variable could affect another, "
                                       "so no held-out graph (a path A -> B) and no target with a cause exist")
    if 0 in weights:
        if len(links) >= env["n_vars"] * (env["n_vars"] - 1) and env["target_requires_cause"]:
            _fail("c1.env.held_out_links", "holds out every ordered pair: no training graph has a cause")
    elif _has_cycle(links):
        _fail("c1.env.weight_values", f"{weights} has no 0, so every graph is complete and the held-out links "
                                       f"{sorted(links)} (a cycle) leave no graph to train on")


def _has_cycle(links: set[tuple[int, int]]) -> bool:
    remaining = set(links)
    while remaining:
        sources = {a for a, _ in remaining} - {b for _, b in remaining}
        if not sources:
            return True
        remaining = {(a, b) for a, b in remaining if a not in sources}
    return False


def _check_cued_subsets(config: dict) -> None:
    """Experiment 2: a cued subset leaves a variable outside it for the target; every
    held-out subset has ``subset_size`` different variables; some subset is trained on."""
    n_vars, cued = config["c1"]["env"]["n_vars"], config["c2"]
    size = cued["subset_size"]
    if size >= n_vars:
        _fail("c2.subset_size", f"{size} must be below c1.env.n_vars ({n_vars}): the target lies outside the cue")
    seen = set()
    for subset in cued["held_out_subsets"]:
        if len(set(subset)) != len(subset) or len(subset) != size:
            _fail("c2.held_out_subsets", f"{subset} must hold {size} different variables (c2.subset_size)")
        if max(subset) >= n_vars:
            _fail("c2.held_out_subsets", f"{subset} names a variable outside 0..{n_vars - 1}")
        if frozenset(subset) in seen:
            _fail("c2.held_out_subsets", f"{subset} is listed twice")
        seen.add(frozenset(subset))
    if len(seen) >= math.comb(n_vars, size):
        _fail("c2.held_out_subsets", f"holds out all {math.comb(n_vars, size)} subsets of size {size}: "
                                       "none is left to train on")


def _check_attention_heads(config: dict) -> None:
    """Every model a job builds: each claim's (``CLAIM_MODELS``) and C5's world LM."""
    models = {key: claim_model(config, claim) for claim, key in CLAIM_MODELS.items()}
    models["c5.pipeline.model"] = {**config["model"], **config["c5"]["pipeline"]["model"]}
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


# the model each claim's learners use: the shared `model`, or it overlaid with this key's values
CLAIM_MODELS = {"c1": "model", "c3": "c3.model", "c4": "c4.pipeline.model", "c6": "c6.model"}


def claim_model(config: dict, claim: str) -> dict:
    """The model config a claim's learners use, which its budgets scale
    (``CLAIM_MODELS``): the shared model overlaid with the claim's own section, as
    its rule file builds it (C3's c3.model, the pipeline LM's c4.pipeline.model, C6's c6.model)."""
    overlay = config
    for key in CLAIM_MODELS[claim].split("."):
        overlay = overlay[key]
    return {**config["model"], **overlay}


SWEEP_AXES = ("lr_multipliers", "width_multipliers", "dropouts")


def sweep_axes(sweep: dict, experiment: str) -> dict:
    """The sweep's grid for one experiment: the shared axes, with those its
    ``per_experiment`` entry names replaced."""
    return {axis: sweep.get("per_experiment", {}).get(experiment, {}).get(axis, sweep[axis]) for axis in SWEEP_AXES}


def _check_scaled_widths(config: dict, key: str, claims, multipliers) -> None:
    """Every multiplier gives every named claim's model whole widths that n_heads divides."""
    for claim in claims:
        for multiplier in multipliers:
            try:
                scaled_model(claim_model(config, claim), multiplier)
            except ValueError as error:
                _fail(key, f"{error} (in {CLAIM_MODELS[claim]}, for {claim})")


def _check_budget_widths(config: dict) -> None:
    budgets = config["budgets"]
    _check_scaled_widths(config, "budgets.width_multipliers", budgets["claims"], budgets["width_multipliers"])


def _check_sweep_widths(config: dict) -> None:
    sweep = config["sweep"]
    for experiment in sweep["experiments"]:
        key = ("sweep.per_experiment." + experiment if "width_multipliers" in sweep["per_experiment"].get(experiment, {})
               else "sweep") + ".width_multipliers"
        _check_scaled_widths(config, key, [experiment], sweep_axes(sweep, experiment)["width_multipliers"])


def _check_device(config: dict) -> None:
    """The device rule is runtime.pick_device's; checked here so no job starts on a bad value."""
    if config["device"] == "cuda":
        from pacs.runtime import pick_device  # only here: most runs never pay for importing torch at start-up

        try:
            pick_device(config["device"])
        except RuntimeError as error:
            raise ConfigError(str(error)) from None


def _check_batch_sizes(config: dict) -> None:
    """No training batch is larger than the training set it samples from (a typo that
    would silently multiply the training time). DAgger's round-0 set is small by
    design and sampled with replacement, so it is not checked."""
    shared = config["train"]["batch_size"]
    regimes, pipeline = config["c6"], config["c5"]["pipeline"]

    def batch(section: str, overrides: dict) -> tuple[str, int]:
        if "batch_size" in overrides:
            return f"{section}.batch_size", overrides["batch_size"]
        return "train.batch_size", shared

    training_sets = [
        (("train.batch_size", shared), "c1.data.train_episodes", config["c1"]["data"]["train_episodes"]),
        (("train.batch_size", shared), "c2.data.train_episodes", config["c2"]["data"]["train_episodes"]),
        (batch("c3.train", config["c3"]["train"]), "c3.data.train_episodes",
         config["c3"]["data"]["train_episodes"]),
        (batch("c3.train", config["c3"]["train"]), "c3.feature_choice.data.train_episodes",
         config["c3"]["feature_choice"]["data"]["train_episodes"]),
        (batch("c4.pipeline.train", config["c4"]["pipeline"]["train"]), "c4.pipeline.train_episodes",
         config["c4"]["pipeline"]["train_episodes"]),
        (batch("c5.pipeline.train", pipeline["train"]), "c5.pipeline.train_problems + train_facts",
         pipeline["train_problems"] + pipeline["train_facts"]),
        (batch("c6.train", regimes["train"]), "c6.return_conditioning.train_episodes",
         regimes["return_conditioning"]["train_episodes"]),
        (batch("c6.train", regimes["train"]), "c6.fusion.train_episodes",
         regimes["fusion"]["train_episodes"]),
    ]
    for (key, size), set_key, n_train in training_sets:
        if size > n_train:
            _fail(key, f"{size} is larger than the training set it samples from ({set_key} = {n_train})")


def _check_c4_rows(config: dict) -> None:
    """The pipeline LM's strategy rows read splits it is tested on, and no corpus of its
    corpus-size curve is smaller than a training batch."""
    lm = config["c4"]
    for role, split in lm["strategy_splits"].items():
        if split not in lm["splits"]:
            _fail(f"c4.strategy_splits.{role}", f"{split!r} is not one of c4.splits {lm['splits']}")
    batch_size = lm["pipeline"]["train"].get("batch_size", config["train"]["batch_size"])
    for size in lm["corpus_sizes"]:
        if size < batch_size:
            _fail("c4.corpus_sizes", f"{size} is smaller than the pipeline LM's training batch ({batch_size})")


def _check_c3_sizes(config: dict) -> None:
    """No training set of C3a's data-efficiency curve is smaller than a C3 training batch."""
    batch_size = config["c3"]["train"].get("batch_size", config["train"]["batch_size"])
    for size in config["c3"]["efficiency"]["train_sizes"]:
        if size < batch_size:
            _fail("c3.efficiency.train_sizes", f"{size} is smaller than the C3 learners' training batch ({batch_size})")


def _check_few_shot_pool(config: dict) -> None:
    """k-shot probe prompts draw k solved items of the task from its example pool."""
    from pacs.probes import nli, syllogisms, wason

    probes = config["c5"]
    shots = max(probes["pretrained"]["shots"], default=0)
    for task, module in (("nli", nli), ("syllogism", syllogisms), ("wason", wason)):
        pool = probes["example_pool_per_condition"] * len(module.CONDITIONS)
        if shots > pool:
            _fail("c5.pretrained.shots", f"{shots}-shot prompts need {shots} {task} examples, but the pool has "
                                             f"{pool} (c5.example_pool_per_condition x {len(module.CONDITIONS)} "
                                             "conditions)")


def _check_wordings(config: dict) -> None:
    """Each zero-shot wording holds the item's place, ``{item}``, exactly once."""
    for index, wording in enumerate(config["c5"]["pretrained"]["zero_shot_wordings"]):
        if wording.count(ITEM_PLACE) != 1:
            _fail("c5.pretrained.zero_shot_wordings", f"wording {index} ({wording!r}) must contain "
                                                       f"{ITEM_PLACE} exactly once, found {wording.count(ITEM_PLACE)}")


def _check_lm_shots(config: dict) -> None:
    """C4's pretrained LM compares prompts with and without explanations in their expert
    episodes; a 0-shot prompt holds no episode, so its two arms would be one prompt."""
    if 0 in config["c4"]["pretrained"]["shots"]:
        _fail("c4.pretrained.shots", f"{config['c4']['pretrained']['shots']} holds 0: a prompt without expert "
                                     "episodes has no explanations to add or leave out (use k >= 1)")


def _check_regimes(config: dict) -> None:
    """Experiment 6's return-conditioning mix and quality edges, and the fusion budget."""
    mix = config["c6"]["return_conditioning"]["mix"]
    if abs(sum(mix.values()) - 1.0) > 1e-9:
        _fail("c6.return_conditioning.mix", f"shares sum to {sum(mix.values()):g}, not 1")
    edges = config["c6"]["return_conditioning"]["quality_edges"]
    if any(a >= b for a, b in zip(edges, edges[1:])):
        _fail("c6.return_conditioning.quality_edges", f"{edges} is not increasing")
    budget, env = config["c6"]["fusion"]["budget"], config["c1"]["env"]
    if budget >= env["n_vars"] or budget > env["explore_steps"]:
        _fail("c6.fusion.budget", f"{budget} must be below c1.env.n_vars ({env['n_vars']}) "
                                       f"and at most c1.env.explore_steps ({env['explore_steps']})")


def _check_picked(key: str, choice, values) -> None:
    if isinstance(choice, int) and choice not in values:
        _fail(key, f"{choice} is not among the conditions run ({sorted(values)})")


def _check_verdict_choices(config: dict) -> None:
    """Each rule's choices (``<claim>.verdict``) name rows its claim's run makes: splits
    and confoundings that are run, numbered conditions that exist, and a reference that is
    not also a baseline to beat."""
    for claim in ("c1", "c2", "c4"):
        rule = config[claim]["verdict"]
        if rule["reference"] in rule["must_beat"]:
            _fail(f"{claim}.verdict.must_beat", f"holds {rule['reference']!r}, the rule's reference "
                                                f"({claim}.verdict.reference)")
    lm = config["c4"]
    for split in [*lm["verdict"]["splits"], lm["verdict"]["explanation_split"]]:
        if split not in lm["splits"]:
            key = "splits" if split in lm["verdict"]["splits"] else "explanation_split"
            _fail(f"c4.verdict.{key}", f"{split!r} is not a tested split (c4.splits: {lm['splits']})")
    _check_picked("c4.verdict.prompted_shots", lm["verdict"]["prompted_shots"], lm["pretrained"]["shots"])
    for confounding in config["c3"]["verdict"]["confounding"]:
        if confounding not in config["c3"]["confounding"]:
            _fail("c3.verdict.confounding", f"{confounding!r} is not run (c3.confounding: {config['c3']['confounding']})")
    probes = config["c5"]
    _check_picked("c5.verdict.respondent_shots", probes["verdict"]["respondent_shots"], probes["pretrained"]["shots"])
    regimes = config["c6"]
    _check_picked("c6.verdict.dagger_round", regimes["verdict"]["dagger_round"],
                  range(1, regimes["dagger"]["rounds"] + 1))
    _check_picked("c6.verdict.fusion_samples", regimes["verdict"]["fusion_samples"],
                  [n for n in regimes["fusion"]["observational_samples"] if n != 0])


def _check_multiverse(config: dict) -> None:
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
            for value in multiverse_alternatives(choice, point):
                if choice["key"] == "seeds" and not (value and set(value) <= set(point["seeds"])):
                    _fail(f"{where}.alternatives", f"seeds {value} are not a subset of the configured seeds")
                try:
                    check_relations(override(point, {choice["key"]: value}))
                except ConfigError as error:
                    _fail(f"{where}.alternatives", f"{choice['key']}={value!r} breaks a relation ({error})")


def check_stimulus_files(config: dict) -> None:
    """Experiment 5's extra stimulus files exist and hold valid items (one line naming the file and line),
    and Experiment 5 has items to score."""
    try:
        by_task = extra_files_by_task(config["c5"]["extra_stimuli"])
    except StimulusFileError as error:
        raise ConfigError(f"config key 'c5.extra_stimuli': {error}") from None
    if not by_task and not any(config["c5"]["items_per_condition"].values()):
        raise ConfigError("config key 'c5.items_per_condition': 0 items for every task and no "
                          "c5.extra_stimuli leave Experiment 5 nothing to score")


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
