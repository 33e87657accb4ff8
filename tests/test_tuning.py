"""The tuning tier (pacs.tuning): the record of a sweep, its staleness against the code and config
of a run, the report's appendix built from it, and a default run that plans no sweep job."""

import subprocess
import sys
from pathlib import Path

import pandas as pd

from pacs import sweep, tuning
from pacs.claims.registry import REGISTRY
from pacs.code_inputs import CodeGraph, FingerprintStore

from conftest import one_line_error

ROOT = Path(__file__).resolve().parents[1]
SNAKEMAKE = str(Path(sys.executable).parent / "snakemake")
# each swept experiment's learner as its claim's spec names it (the rule sweep_appendix passes the same)
LABELS = {claim.id: claim.sweep_learner for claim in REGISTRY.values() if claim.sweep_learner}



def a_log(loss, stop="converged"):
    return pd.DataFrame({"step": [25], "val_in_distribution_loss": [loss], "monitor": "val_in_distribution",
                         "best_step": 25, "stop_reason": stop})


def a_sweep():
    """A two-experiment sweep: C1 prefers twice the configured lr, C6 the configured point."""
    table = sweep.choose(pd.DataFrame([
        sweep.sweep_row(experiment, lr, 1.0, 64, dropout, a_log(loss))
        for experiment, lr, dropout, loss in (("c1", 0.002, 0.0, 1.0), ("c1", 0.004, 0.0, 0.8),
                                              ("c6", 0.002, 0.2, 1.5), ("c6", 0.002, 0.0, 1.6))]))
    configured = {"c1": {"lr": 0.002, "d_model": 64, "dropout": 0.0}, "c6": {"lr": 0.002, "d_model": 64, "dropout": 0.2}}
    return table, sweep.agreement(table, configured, {"c1": 0.05})


def a_repository(root: Path) -> FingerprintStore:
    """A package with one learner module and a training script that imports it."""
    (root / "src" / "pacs").mkdir(parents=True)
    (root / "src" / "pacs" / "__init__.py").write_text("")
    (root / "src" / "pacs" / "learner.py").write_text('"""A learner."""\n\ndef step(x):\n    return x + 1\n')
    (root / "workflow" / "scripts").mkdir(parents=True)
    (root / "workflow" / "scripts" / "train.py").write_text("from pacs.learner import step\nstep(1)\n")
    return fingerprints_of(root)


def fingerprints_of(root: Path) -> FingerprintStore:
    return FingerprintStore(root, root / "store", CodeGraph(root / "src"))


def inputs_of(store: FingerprintStore, config: dict) -> dict:
    return {"config_hash": str(sorted(config.items())), "config": config,
            "fingerprints": store.digests(store.repository / "workflow" / "scripts" / "train.py")}


def test_a_record_keeps_each_experiments_sweep_beside_its_inputs_and_reads_back(tmp_path):
    table, agreement = a_sweep()
    inputs = {e: {"config_hash": f"h{e}", "config": {"train": {"lr": 0.002}}, "fingerprints": {"a.py": e}}
              for e in ("c1", "c6")}
    record = tuning.build_record(table, agreement, inputs, "smoke", "abc123", "2026-12-07 00:00 UTC")
    path = tuning.record_path(tmp_path, "smoke")
    tuning.write_record(record, path)
    again = tuning.read_record(path)
    assert again == record and sorted(again["experiments"]) == ["c1", "c6"]
    rows, choice = tuning.record_tables(again, ["c1", "c6"])
    pd.testing.assert_frame_equal(rows, table.reset_index(drop=True), check_dtype=False)
    assert choice.set_index("experiment").agrees.to_dict() == {"c1": False, "c6": True}
    assert choice.seed_sd.isna().tolist() == [False, True]  # NaN survives the JSON as missing
    assert tuning.status(again, inputs).status.tolist() == [tuning.CURRENT, tuning.CURRENT]
    # an experiment swept without recorded inputs cannot be recorded
    message = one_line_error(tuning.RecordError, lambda: tuning.build_record(
        table, agreement, {"c1": inputs["c1"]}, "smoke", "abc", "now"))
    assert "['c6']" in message


def test_installing_a_record_files_it_under_its_own_preset_and_bad_records_are_named(tmp_path):
    table, agreement = a_sweep()
    inputs = {e: {"config_hash": "h", "config": {}, "fingerprints": {}} for e in ("c1", "c6")}
    written = tmp_path / "results" / "record.json"
    tuning.write_record(tuning.build_record(table, agreement, inputs, "default", "abc", "now"), written)
    assert tuning.install(written, tmp_path / "tuning") == tmp_path / "tuning" / "default.json"
    assert tuning.read_record(tmp_path / "tuning" / "smoke.json") is None  # none for that preset
    (tmp_path / "bad.json").write_text('{"format": "other"}')
    assert "bad.json" in one_line_error(tuning.RecordError, lambda: tuning.read_record(tmp_path / "bad.json"))
    (tmp_path / "broken.json").write_text("{")
    assert "broken.json" in one_line_error(tuning.RecordError, lambda: tuning.read_record(tmp_path / "broken.json"))
    assert "not found" in one_line_error(tuning.RecordError, lambda: tuning.install(tmp_path / "none.json", tmp_path))


def test_editing_a_learners_code_marks_its_record_stale_in_the_appendix(tmp_path):
    store = a_repository(tmp_path)
    config = {"train": {"lr": 0.002}}
    table, agreement = a_sweep()
    recorded = {"c1": inputs_of(store, config), "c6": {"config_hash": "c6", "config": {}, "fingerprints": {}}}
    record = tuning.build_record(table, agreement, recorded, "default", "abc123", "2026-12-07 00:00 UTC")
    module = tmp_path / "src" / "pacs" / "learner.py"
    # a docstring or comment is not behaviour: the record stays current
    module.write_text('"""A learner, described again."""\n\n# why\ndef step(x):\n    return x + 1\n')
    now = {"c1": inputs_of(fingerprints_of(tmp_path), config), "c6": recorded["c6"]}
    assert tuning.status(record, now).status.tolist() == [tuning.CURRENT, tuning.CURRENT]
    # the learner's code changes: C1's entry is stale, naming the module; C6's is not
    module.write_text('"""A learner."""\n\ndef step(x):\n    return x + 2\n')
    now = {"c1": inputs_of(fingerprints_of(tmp_path), config), "c6": recorded["c6"]}
    states = tuning.status(record, now).set_index("experiment")
    assert states.status.to_dict() == {"c1": tuning.STALE, "c6": tuning.CURRENT}
    assert states.reason["c1"] == "code src/pacs/learner.py"
    tex = tuning.appendix_tex(record, tuning.status(record, now), "tuning/default.json", LABELS)
    assert "C1 agent (shared model, train) & \\textbf{stale} & code src/pacs/learner.py" in tex
    assert "C6 expert-only learner (C6 model, train) & current & none" in tex
    # every row of the stale experiment's sweep carries the mark; the current one's none
    sweep_table = tex.split("\\newcommand{\\SweepTable}")[1].split("\\newcommand{\\SweepChoiceTable}")[0]
    assert sweep_table.count("(STALE)") == 2 and "C6 expert-only learner (C6 model, train) &" in sweep_table
    assert "commit \\texttt{abc123}" in tex


def test_a_config_change_is_named_and_a_missing_record_is_said_not_used():
    table, agreement = a_sweep()
    old = {"config_hash": "1", "config": {"train": {"lr": 0.002, "steps": 100}}, "fingerprints": {"x.py": "a"}}
    record = tuning.build_record(table, agreement, {"c1": old, "c6": old}, "default", "abc", "now")
    moved = {**old, "config_hash": "2", "config": {"train": {"lr": 0.003, "steps": 100}}}
    states = tuning.status(record, {"c1": moved, "c3": old})
    assert states.values.tolist() == [["c1", tuning.STALE, "config train.lr"],
                                      ["c3", tuning.ABSENT, "no sweep of this experiment in the record"]]
    tex = tuning.appendix_tex(record, states, "tuning/default.json", LABELS)
    assert "C3 agent (deconfounded, with explanations) & \\textbf{no record}" in tex
    assert "C3 agent" not in tex.split("\\newcommand{\\SweepTable}")[1]  # nothing shown for it
    nothing = tuning.appendix_tex(None, tuning.status(None, {"c1": old}), "tuning/default.json", LABELS)
    assert "No tuning record is committed for this preset" in nothing and "no tuning record for this preset" in nothing
    assert "(no experiment of this run has a sweep in the tuning record)" in nothing


def planned_rules(*args: str) -> set[str]:
    """The rules with a job in a dry run that plans every job of the target (--forceall)."""
    result = subprocess.run([SNAKEMAKE, *args, "--dry-run", "--forceall", "--quiet", "rules"], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    rows = (result.stdout + result.stderr).split("Job stats:")[1].split("total")[0].splitlines()
    return {row.split()[0] for row in rows[3:] if len(row.split()) == 2}


def test_the_default_target_plans_no_sweep_job_and_tune_plans_the_sweep():
    reproduce = planned_rules()  # make reproduce: the default preset's default target
    assert "report_pdf" in reproduce and "sweep_appendix" in reproduce
    assert not {rule for rule in reproduce if rule.startswith("sweep_") and rule != "sweep_appendix"}
    assert not {"tuning_record", "tune"} & reproduce
    tune = planned_rules("tune")
    assert {"sweep_table", "tuning_record", "sweep_causal_train_agent", "sweep_c6_train_agent"} <= tune
    assert "report_pdf" not in tune
