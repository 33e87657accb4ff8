"""Config validation: presets, wrong types and unknown keys give one-line errors naming the key."""

import copy
import subprocess
import sys
from itertools import combinations
from pathlib import Path

import pytest

import torch

from pacs.claims.config_checks import ClaimConfig
from pacs.claims.registry import CLAIM_CONFIGS, REGISTRY, claim_model, load_config as load
from pacs.config import ConfigError, check_relations, learner_model, load_yaml, lookup
from pacs.config import load as shared_load
from pacs.envs.causal_dag import SPLITS, DagEnvConfig, sample_episodes

ROOT = Path(__file__).resolve().parents[1]
CONFIG, SCHEMA = ROOT / "config.yaml", ROOT / "workflow" / "schemas" / "config.schema.yaml"


def test_every_preset_validates():
    for preset in ("smoke", "default", "extended", "paper"):
        config = load(CONFIG, SCHEMA, {"preset": preset})
        assert config["preset"] == preset


@pytest.mark.parametrize("preset", ["smoke", "default", "extended", "paper"])
def test_every_presets_design_universes_are_universes_of_its_own_multiverse(preset):
    """multiverse_design names universes as `key=value` at the preset's own values (a relative
    alternative such as C1's quarter of the training set differs between presets)."""
    from pacs.claims import multiverse

    config = load(CONFIG, SCHEMA, {"preset": preset})
    planned = multiverse.plan_design(config["multiverse"], config, config["multiverse_design"])
    if preset == "default":  # issue 33: at least one design universe of C1, C3 and C6
        assert all(planned[claim] for claim in ("c1", "c3", "c6")), {k: len(v) for k, v in planned.items()}


def test_the_default_asks_zero_shot_items_in_at_least_three_wordings():
    assert len(load(CONFIG, SCHEMA, {})["c5"]["pretrained"]["zero_shot_wordings"]) >= 3
    assert len(load(CONFIG, SCHEMA, {"preset": "smoke"})["c5"]["pretrained"]["zero_shot_wordings"]) >= 2


def test_preset_overlays_and_command_line_wins():
    smoke = load(CONFIG, SCHEMA, {"preset": "smoke"})
    default = load(CONFIG, SCHEMA)
    assert smoke["train"]["steps"] < default["train"]["steps"]
    assert smoke["c1"]["env"] == default["c1"]["env"], "a partial overlay keeps the other keys"
    assert load(CONFIG, SCHEMA, {"preset": "smoke", "seeds": [7]})["seeds"] == [7]
    # Snakemake hands nested --config values over as strings; they are typed again
    nested = load(CONFIG, SCHEMA, {"c1": {"eval": {"episodes_per_split": "150"}}, "seeds": ["1", "2"]})
    assert nested["c1"]["eval"] == {"episodes_per_split": 150, "eval_seed": default["c1"]["eval"]["eval_seed"]}
    assert nested["seeds"] == [1, 2]


@pytest.mark.parametrize(
    "override, key",
    [
        ({"c1": {"env": {"n_vars": "five"}}}, "c1.env.n_vars"),
        ({"train": {"lr": "fast"}}, "train.lr"),
        ({"seeds": 3}, "seeds"),
        ({"c1": {"eval": {"episodes_per_splitt": 10}}}, "c1.eval.episodes_per_splitt"),
        ({"statz": {}}, "statz"),
        ({"preset": "huge"}, "preset"),
        ({"c6": {"return_conditioning": {"mix": {"expert": 0.5}}}}, "c6.return_conditioning.mix"),
        ({"c6": {"return_conditioning": {"quality_edges": [0.9, 0.5]}}},
         "c6.return_conditioning.quality_edges"),
        ({"c6": {"fusion": {"budget": 5}}}, "c6.fusion.budget"),
        ({"c6": {"fusion": {"observational_samples": [5, 10]}}}, "c6.fusion.observational_samples"),
        # relations between keys that jobs rely on, checked before any job runs
        ({"c1": {"env": {"held_out_links": [[0, 9]]}}}, "c1.env.held_out_links"),
        ({"c1": {"env": {"held_out_links": [[1, 1]]}}}, "c1.env.held_out_links"),
        ({"c1": {"env": {"held_out_links": []}}}, "c1.env.held_out_links"),
        ({"c1": {"env": {"weight_values": [0.0]}}}, "c1.env.weight_values"),
        ({"c1": {"env": {"weight_values": [1.0], "held_out_links": [[0, 1], [1, 0]]}}}, "c1.env.weight_values"),
        ({"c1": {"env": {"n_vars": 3, "held_out_links": [[a, b] for a in range(3) for b in range(3) if a != b]}},
          "c6": {"fusion": {"budget": 1}}, "c2": {"held_out_subsets": [[0, 1]], "subset_size": 2}},
         "c1.env.held_out_links"),
        ({"model": {"n_heads": 3}}, "model.n_heads"),
        ({"c4": {"pipeline": {"model": {"n_heads": 3}}}}, "c4.pipeline.model.n_heads"),
        ({"c5": {"pipeline": {"model": {"n_heads": 5}}}}, "c5.pipeline.model.n_heads"),
        ({"preset": "smoke", "train": {"batch_size": 100000}}, "train.batch_size"),
        ({"preset": "smoke", "c3": {"train": {"batch_size": 5000}}}, "c3.train.batch_size"),
        ({"preset": "smoke", "c4": {"pipeline": {"train": {"batch_size": 500}}}}, "c4.pipeline.train.batch_size"),
        ({"preset": "smoke", "c5": {"pipeline": {"train": {"batch_size": 500}}}},
         "c5.pipeline.train.batch_size"),
        ({"preset": "smoke", "c6": {"train": {"batch_size": 3500}}}, "c6.train.batch_size"),
        ({"preset": "smoke", "c3": {"efficiency": {"train_sizes": [8, 3000]}}}, "c3.efficiency.train_sizes"),
        ({"c2": {"subset_size": 5}}, "c2.subset_size"),
        ({"c2": {"held_out_subsets": [[0, 1]]}}, "c2.held_out_subsets"),
        ({"c2": {"held_out_subsets": [[0, 1, 9]]}}, "c2.held_out_subsets"),
        ({"c2": {"held_out_subsets": [[0, 1, 1]]}}, "c2.held_out_subsets"),
        ({"c2": {"held_out_subsets": [[0, 1, 2], [2, 1, 0]]}}, "c2.held_out_subsets"),
        ({"c2": {"held_out_subsets": [list(s) for s in combinations(range(5), 3)]}}, "c2.held_out_subsets"),
        ({"c5": {"pretrained": {"shots": [13]}}}, "c5.pretrained.shots"),
        ({"c5": {"pretrained": {"zero_shot_wordings": ["Question: the item"]}}}, "c5.pretrained.zero_shot_wordings"),
        ({"c5": {"pretrained": {"zero_shot_wordings": ["{item} {item}"]}}}, "c5.pretrained.zero_shot_wordings"),
        ({"c5": {"pretrained": {"zero_shot_wordings": []}}}, "c5.pretrained.zero_shot_wordings"),
        ({"c4": {"splits": ["in_distribution"]}}, "c4.strategy_splits.generalizes"),
        ({"preset": "smoke", "c4": {"corpus_sizes": [10, 300]}}, "c4.corpus_sizes"),
        ({"c4": {"floor": 0}}, "c4.floor"),
        ({"c4": {"pipeline": {"enabled": "sometimes"}}}, "c4.pipeline.enabled"),
        # a 0-shot prompt holds no episode, so "with" and "without explanations" would be one prompt
        ({"c4": {"pretrained": {"shots": [0, 2]}}}, "c4.pretrained.shots"),
        # each rule's choices name rows the run makes
        ({"c1": {"verdict": {"must_beat": ["random", "expert"]}}}, "c1.verdict.must_beat"),
        ({"c1": {"verdict": {"splits": ["held_out", "nowhere"]}}}, "c1.verdict.splits.1"),
        ({"c2": {"verdict": {"must_beat": ["prior"]}}}, "c2.verdict.must_beat.0"),
        ({"c3": {"confounding": ["confounded"]}}, "c3.verdict.confounding"),
        ({"c4": {"verdict": {"splits": ["held_out"]}}}, "c4.verdict.splits"),
        ({"c4": {"verdict": {"explanation_split": "held_out"}}}, "c4.verdict.explanation_split"),
        ({"c4": {"verdict": {"prompted_shots": 5}}}, "c4.verdict.prompted_shots"),
        ({"c5": {"verdict": {"respondent_shots": 3}}}, "c5.verdict.respondent_shots"),
        ({"c6": {"verdict": {"dagger_round": 0}}}, "c6.verdict.dagger_round"),
        ({"c6": {"verdict": {"fusion_samples": 0}}}, "c6.verdict.fusion_samples"),
        ({"c6": {"verdict": {"fusion_samples": "all"}}}, "c6.verdict.fusion_samples"),
    ],
)
def test_bad_values_name_the_key_in_one_line(override, key):
    with pytest.raises(ConfigError) as error:
        load(CONFIG, SCHEMA, override)
    message = str(error.value)
    assert f"'{key}'" in message
    assert "\n" not in message


def test_c4s_budget_sensitivity_without_its_pipeline_lm_names_both_keys_in_one_line():
    with pytest.raises(ConfigError) as error:
        load(CONFIG, SCHEMA, {"c4": {"pipeline": {"enabled": False}}, "budgets": {"claims": ["c1", "c4"]}})
    message = str(error.value)
    assert message.startswith("config key 'budgets.claims': names c4") and "c4.pipeline.enabled is false" in message
    assert "\n" not in message
    # without C4 in the budget analysis the pipeline LM may be off (the other tiers' choice)
    assert not load(CONFIG, SCHEMA, {"c4": {"pipeline": {"enabled": False}},
                                     "budgets": {"claims": ["c1", "c3"]}})["c4"]["pipeline"]["enabled"]


@pytest.mark.parametrize("set_key", ["c1.data.train_episodes", "c2.data.train_episodes", "c3.data.train_episodes",
                                     "c3.feature_choice.data.train_episodes", "c6.return_conditioning.train_episodes",
                                     "c6.fusion.train_episodes"])
def test_a_training_set_smaller_than_its_batch_names_the_batch_and_the_set(set_key):
    *parents, leaf = set_key.split(".")
    override = {leaf: 10}
    for part in reversed(parents):
        override = {part: override}
    batch = load(CONFIG, SCHEMA, {"preset": "smoke"})["train"]["batch_size"]
    with pytest.raises(ConfigError) as error:
        load(CONFIG, SCHEMA, {"preset": "smoke", **override})
    assert str(error.value) == (f"config key 'train.batch_size': {batch} is larger than the training set it samples "
                                f"from ({set_key} = 10)")


def test_snakemake_stops_with_the_one_line_error(tmp_path):
    result = subprocess.run(
        [str(Path(sys.executable).parent / "snakemake"), "-n", "--config", "c1={env: {n_vars: five}}"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.startswith("pacs:")]
    assert lines == ["pacs: config key 'c1.env.n_vars': 'five' is not of type 'integer' (Variables per graph.)"]


def test_cuda_without_a_gpu_names_the_device_key(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(ConfigError, match=r"^config key 'device': 'cuda', but no CUDA GPU"):
        load(CONFIG, SCHEMA, {"device": "cuda"})
    assert load(CONFIG, SCHEMA, {"device": "cpu"})["device"] == "cpu"


@pytest.mark.parametrize("weight_values, links", [([1.0], [[0, 1]]), ([-1.0, 1.0], [[0, 1], [1, 2]]),
                                                  ([0.0, 1.0], [[0, 1], [1, 0], [2, 3]])])
def test_accepted_graph_settings_can_draw_every_split(weight_values, links):
    """The start-up check's reasoning holds: what it accepts, the sampler can draw."""
    config = load(CONFIG, SCHEMA, {"c1": {"env": {"weight_values": weight_values, "held_out_links": links}}})
    env = DagEnvConfig.from_dict(config["c1"]["env"])
    for split in SPLITS:
        episodes = sample_episodes(20, env, split, torch.Generator().manual_seed(0))
        assert len(episodes.targets) == 20
def test_device_auto_is_the_default_and_resolves_to_what_is_visible(monkeypatch):
    import torch

    from pacs.runtime import pick_device

    assert load_yaml(ROOT / "config.yaml")["device"] == "auto"
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert pick_device("auto") == torch.device("cpu") and pick_device("cpu") == torch.device("cpu")
    with pytest.raises(RuntimeError, match="no CUDA GPU is visible"):
        pick_device("cuda")
    with pytest.raises(ValueError, match="'tpu' is not one of auto, cpu, cuda"):
        pick_device("tpu")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert pick_device("auto") == torch.device("cuda")


# --- each claim's checks live in its own module (its spec's ClaimConfig); pacs.config runs them ----------


def test_a_claims_own_check_reports_its_first_problem_naming_the_key():
    config = load(CONFIG, SCHEMA, {"preset": "smoke"})
    seen = []

    def check(config):
        seen.append("ran")
        yield "c9.size", "is too small"
        seen.append("went on past its first problem")
        yield "c9.other", "never reported"

    claims = {**CLAIM_CONFIGS, "c9": ClaimConfig(relations=(check,))}
    with pytest.raises(ConfigError) as error:
        check_relations(config, claims)
    assert str(error.value) == "config key 'c9.size': is too small"
    assert seen == ["ran"]
    check_relations(config, CLAIM_CONFIGS)  # the registry's own checks pass the smoke preset


def test_without_the_claims_only_the_shared_keys_are_checked():
    """The benchmarks read the committed presets below the claims' layer: a claim's relation is then unchecked."""
    bad = {"c2": {"subset_size": 5}}
    with pytest.raises(ConfigError, match="'c2.subset_size'"):
        load(CONFIG, SCHEMA, bad)
    assert shared_load(CONFIG, SCHEMA, bad, claims=None)["c2"]["subset_size"] == 5
    with pytest.raises(ConfigError, match="'c1.env.n_vars'"):  # the schema holds for every caller
        shared_load(CONFIG, SCHEMA, {"c1": {"env": {"n_vars": "five"}}}, claims=None)


def test_every_learner_model_a_claim_declares_is_checked_and_overlays_the_shared_model():
    config = load(CONFIG, SCHEMA, {"preset": "smoke"})
    declared = {claim: spec.config.model for claim, spec in REGISTRY.items() if spec.config.model}
    assert set(declared) == set(REGISTRY), "every claim of the registry trains learners"
    for claim, key in declared.items():
        assert claim_model(config, claim) == {**config["model"], **lookup(config, key)}
        broken = copy.deepcopy(config)
        lookup(broken, key)["n_heads"] = 3  # divides none of the presets' widths
        with pytest.raises(ConfigError, match=f"^config key '{key}.n_heads': 3 does not divide"):
            check_relations(broken, CLAIM_CONFIGS)
    with pytest.raises(ConfigError, match="claim 'c9' declares no learners' model"):
        learner_model(config, {"c9": ClaimConfig()}, "c9")


def test_a_claim_sets_its_own_seeds_and_the_others_keep_the_global_ones():
    from pacs.config import claim_seeds

    config = load(CONFIG, SCHEMA, {"preset": "smoke", "c3": {"seeds": [4, 2, 9]}})
    assert claim_seeds(config, "c3") == [4, 2, 9]
    assert claim_seeds(config, "c1") == claim_seeds(config, "c6") == config["seeds"] == [0, 1]
    # a preset sets it like any other key of a claim's section, keeping the section's other keys
    preset = load(CONFIG, SCHEMA, {"preset": "smoke", "presets": {"smoke": {"c2": {"seeds": [5]}}}})
    assert claim_seeds(preset, "c2") == [5] and claim_seeds(preset, "c3") == [0, 1]
    assert preset["c2"]["subset_size"] == load(CONFIG, SCHEMA, {"preset": "smoke"})["c2"]["subset_size"]


@pytest.mark.parametrize("seeds, problem", [
    ([], "should be non-empty"),
    ([1, 1], "has non-unique elements"),
    (["a"], "'a' is not of type 'integer'"),
    ([-1], "-1 is less than the minimum of 0"),
    (3, "3 is not of type 'array'"),
])
def test_a_bad_claim_seeds_value_is_one_line_naming_the_key(seeds, problem):
    with pytest.raises(ConfigError) as error:
        load(CONFIG, SCHEMA, {"c3": {"seeds": seeds}})
    message = str(error.value)
    assert message.startswith("config key 'c3.seeds") and problem in message and "\n" not in message


@pytest.mark.parametrize("seeds, problem", [
    ([], "an empty list"),
    ([2, 0, 2], "[2] listed more than once"),
    ([1, "2"], "is not a list of whole numbers"),
    ([True], "is not a list of whole numbers"),
    ([-3, 1], "-3 is negative"),
])
def test_a_claim_section_the_schema_does_not_list_has_its_seeds_checked_too(seeds, problem):
    """A claim whose module declares its section (c<number> beyond the schema's) gets the same
    checks of its ``seeds``, from pacs.config."""
    config = {**load(CONFIG, SCHEMA, {"preset": "smoke"}), "c9": {"seeds": seeds}}
    with pytest.raises(ConfigError) as error:
        check_relations(config, None)
    assert str(error.value).startswith("config key 'c9.seeds': ") and problem in str(error.value)


def test_every_preset_that_sets_the_seeds_also_sets_the_seeds_of_every_claim_the_base_sizes():
    """A claim's own seeds in config.yaml's base win over a preset's global `seeds`, so a
    preset that resizes the seeds (smoke, extended, paper) must resize those claims' too."""
    raw = load_yaml(CONFIG)
    own = [claim for claim, section in raw.items() if isinstance(section, dict) and "seeds" in section]
    assert own, "the default sizes no claim's seeds: this test would check nothing"
    for name, preset in raw["presets"].items():
        if "seeds" in preset:
            missing = [claim for claim in own if "seeds" not in preset.get(claim, {})]
            assert not missing, f"preset {name} sets seeds but not {missing}'s"
