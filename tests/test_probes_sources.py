"""Extra stimulus files of Experiment 5: checked at config resolution with one-line
errors naming the file and line, and mapped to the tasks they feed."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pacs.claims.registry import load_config as load
from pacs.config import ConfigError
from pacs.experiments import content_effects
from pacs.probes.sources import extra_files_by_task, source_name
from pacs.probes.stimuli import StimulusFileError, write_stimuli

ROOT = Path(__file__).resolve().parents[1]
CONFIG, SCHEMA = ROOT / "config.yaml", ROOT / "workflow" / "schemas" / "config.schema.yaml"


def own_items(tasks, prefix="mine"):
    """Generated items of ``tasks`` (1 per condition) renamed as an outside set would name them."""
    stimuli = content_effects.generated_stimuli({t: (1 if t in tasks else 0) for t in ("nli", "syllogism", "wason")}, 4)
    return [s.__class__(**{**s.__dict__, "item_id": f"{prefix}-{i}"}) for i, s in enumerate(stimuli)]


def record_lines(stimuli):
    return [json.dumps({**s.__dict__, "options": list(s.options)}) for s in stimuli]


def with_extra(*paths):
    return load(CONFIG, SCHEMA, {"preset": "smoke", "c5": {"extra_stimuli": [str(p) for p in paths]}})


def config_error(*paths) -> str:
    with pytest.raises(ConfigError) as error:
        with_extra(*paths)
    message = str(error.value)
    assert message.startswith("config key 'c5.extra_stimuli': ") and "\n" not in message
    return message


def test_a_file_for_one_task_feeds_only_that_task(tmp_path):
    syllogisms, mixed = tmp_path / "syllogisms.jsonl", tmp_path / "mixed.jsonl"
    write_stimuli(syllogisms, own_items({"syllogism"}))
    write_stimuli(mixed, own_items({"nli", "wason"}, prefix="other"))
    assert extra_files_by_task([str(syllogisms)]) == {"syllogism": [str(syllogisms)]}
    assert extra_files_by_task([str(syllogisms), str(mixed)]) == {
        "syllogism": [str(syllogisms)], "nli": [str(mixed)], "wason": [str(mixed)]}
    assert with_extra(syllogisms, mixed)["c5"]["extra_stimuli"] == [str(syllogisms), str(mixed)]
    assert source_name(str(syllogisms)) == "syllogisms.jsonl"


def test_a_missing_file_stops_config_resolution(tmp_path):
    assert config_error(tmp_path / "typo.jsonl").endswith(f"{tmp_path / 'typo.jsonl'}: file not found")


@pytest.mark.parametrize("layout", ["one line", "indented"])
def test_a_json_array_gets_a_hint(tmp_path, layout):
    path = tmp_path / "array.json"
    records = [json.loads(line) for line in record_lines(own_items({"nli"}))]
    path.write_text(json.dumps(records, indent=2 if layout == "indented" else None))
    message = config_error(path)
    assert f"{path}:1: " in message and "JSON array" in message and "JSONL" in message


def test_a_pretty_printed_object_gets_a_hint(tmp_path):
    path = tmp_path / "pretty.jsonl"
    path.write_text(json.dumps(json.loads(record_lines(own_items({"nli"}))[0]), indent=2))
    message = config_error(path)
    assert f"{path}:1: invalid JSON" in message and "a whole JSON object on one line" in message


def test_an_option_without_its_leading_space_names_the_line(tmp_path):
    path = tmp_path / "unspaced.jsonl"
    lines = record_lines(own_items({"syllogism"}))
    record = json.loads(lines[2])
    lines[2] = json.dumps({**record, "options": ["yes", "no"], "answer": record["answer"].strip()})
    path.write_text("\n".join(lines) + "\n")
    message = config_error(path)
    assert f"{path}:3: option 'yes' must be one space then the answer" in message


def test_an_unknown_condition_of_its_task_names_the_line_and_the_known_ones(tmp_path):
    path = tmp_path / "typo_condition.jsonl"
    lines = record_lines(own_items({"syllogism"}))
    lines[1] = json.dumps({**json.loads(lines[1]), "condition": "valid_believable"})
    path.write_text("\n".join(lines) + "\n")
    message = config_error(path)
    assert f"{path}:2: unknown condition 'valid_believable' for task syllogism" in message
    assert "valid-believable" in message
    # a condition of another task is unknown too
    lines[1] = json.dumps({**json.loads(lines[1]), "condition": "realistic"})
    path.write_text("\n".join(lines) + "\n")
    assert f"{path}:2: unknown condition 'realistic' for task syllogism" in config_error(path)


def test_empty_files_clashing_names_and_generated_ids_are_refused(tmp_path):
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n")
    assert config_error(empty).endswith(f"{empty}: no stimulus items")
    (tmp_path / "a").mkdir(), (tmp_path / "b").mkdir()
    write_stimuli(tmp_path / "a" / "set.jsonl", own_items({"nli"}))
    write_stimuli(tmp_path / "b" / "set.jsonl", own_items({"nli"}, prefix="b"))
    assert "same file name as" in config_error(tmp_path / "a" / "set.jsonl", tmp_path / "b" / "set.jsonl")
    write_stimuli(tmp_path / "b" / "again.jsonl", own_items({"nli"}))
    assert "item_id 'mine-0' is already used by" in config_error(tmp_path / "a" / "set.jsonl",
                                                                 tmp_path / "b" / "again.jsonl")
    generated = tmp_path / "copied.jsonl"
    write_stimuli(generated, content_effects.generated_stimuli({"nli": 1, "syllogism": 0, "wason": 0}, 0))
    assert "item_id 'nli-0001' has the form of a generated item's id" in config_error(generated)


def test_snakemake_stops_at_start_up_on_a_mistyped_stimulus_file(tmp_path):
    missing = tmp_path / "mistyped.jsonl"
    result = subprocess.run(
        [str(Path(sys.executable).parent / "snakemake"), "-n", "--config", "preset=smoke",
         f"c5={{extra_stimuli: [{missing}]}}"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.startswith("pacs:")]
    assert lines == [f"pacs: config key 'c5.extra_stimuli': {missing}: file not found"]


def test_the_report_says_where_items_came_from():
    import pandas as pd

    from pacs.probes.sources import ordered_sources, sources_text

    items = pd.DataFrame({"source": ["b.jsonl", "generated", "generated", "generated", "a_b.jsonl", "generated"],
                          "task": ["wason", "nli", "nli", "syllogism", "nli", "nli"],
                          "item_id": ["w", "n1", "n2", "s1", "x", "n1"]})  # n1 answered twice
    assert ordered_sources(items.source) == ["generated", "a_b.jsonl", "b.jsonl"]
    assert sources_text(items, lambda name: name.replace("_", "\\_")) == (
        "generated items (nli 2, syllogism 1), items from the extra file a\\_b.jsonl (nli 1) and "
        "items from the extra file b.jsonl (wason 1)")
    assert sources_text(items[items.source == "generated"]) == "generated items (nli 2, syllogism 1)"


def test_the_readme_example_is_a_valid_file_whose_items_are_what_they_claim(tmp_path):
    from pacs.probes import syllogisms

    readme = (ROOT / "README.md").read_text()
    block = readme.split("`my_syllogisms.jsonl`, with two syllogisms")[1].split("```json\n")[1].split("```")[0]
    path = tmp_path / "my_syllogisms.jsonl"
    path.write_text(block)
    assert extra_files_by_task([str(path)]) == {"syllogism": [str(path)]}
    for line in block.splitlines():
        item = json.loads(line)
        premise1, premise2, conclusion = (syllogisms.parse_statement(row.split(": ", 1)[1])
                                          for row in item["prompt"].splitlines()[:3])
        valid = syllogisms.is_valid(premise1, premise2, conclusion)
        belief = syllogisms.real_world_truth(conclusion.quantifier, conclusion.subject, conclusion.predicate)
        assert item["condition"] == f"{'valid' if valid else 'invalid'}-{'believable' if belief else 'unbelievable'}"
        assert item["answer"] == (" yes" if valid else " no")
    # the README's error example is the error the check gives
    message = readme.split("one line such as\n`")[1].split("`")[0]
    bad = path.read_text().replace('"invalid-believable"', '"invalid_believable"')
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "my_syllogisms.jsonl").write_text(bad)
    with pytest.raises(ConfigError) as error:
        with_extra(tmp_path / "bad" / "my_syllogisms.jsonl")
    expected = message.removeprefix("pacs: ").split(" (expected")[0].replace(
        "my_syllogisms.jsonl", str(tmp_path / "bad" / "my_syllogisms.jsonl"))
    assert str(error.value).startswith(expected)


def test_no_items_at_all_is_refused_but_extra_items_alone_are_enough(tmp_path):
    nothing = {"nli": 0, "syllogism": 0, "wason": 0}
    with pytest.raises(ConfigError, match=r"^config key 'c5.items_per_condition': 0 items for every task"):
        load(CONFIG, SCHEMA, {"preset": "smoke", "c5": {"items_per_condition": nothing}})
    path = tmp_path / "only.jsonl"
    write_stimuli(path, own_items({"wason"}))
    config = load(CONFIG, SCHEMA, {"preset": "smoke", "c5": {"items_per_condition": nothing,
                                                                 "extra_stimuli": [str(path)]}})
    assert config["c5"]["extra_stimuli"] == [str(path)]
