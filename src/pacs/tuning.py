"""The tuning record: the hyperparameter sweep's tables and what produced them (json, pandas only).

``make tune`` runs the sweep (``pacs.sweep``, ``workflow/rules/sweep.smk``) and
writes one record per preset, ``tuning/<preset>.json``, committed to the
repository. A record holds, per swept experiment, the sweep's rows and its
choice against the configured values, and the *inputs* of that experiment's
learners: the config values they were trained with (and their hash) and the
behaviour fingerprint of every module their scripts may run
(``pacs.code_inputs``). A reproduction does not run the sweep; its report's
appendix reads the committed record and says per experiment whether the record
is still *current* (same config hash, same fingerprints), *stale* (and what
moved), or absent. A stale entry is printed as stale, never used as if current.

Layout of a record (JSON)::

    {"format": "pacs-tuning-record-1", "preset": ..., "git_commit": ..., "written": ...,
     "experiments": {"c1": {"config_hash": ..., "config": {...}, "fingerprints": {path: sha256},
                            "sweep": [row, ...], "choice": {...}}, ...}}

``sweep`` rows have the columns of ``pacs.sweep.SWEEP_ROW_COLUMNS`` and ``chosen``;
``choice`` is the experiment's row of ``pacs.sweep.agreement``.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import pandas as pd

from pacs import report, sweep

FORMAT = "pacs-tuning-record-1"
CURRENT, STALE, ABSENT = "current", "stale", "no record"
STATUS_COLUMNS = ("experiment", "status", "reason")


class RecordError(ValueError):
    """A tuning record that cannot be read or does not have the record's layout."""


def record_path(directory: str | Path, preset: str) -> Path:
    """Where the committed record of ``preset`` lives: ``<directory>/<preset>.json``."""
    return Path(directory) / f"{preset}.json"


def _plain(value):
    """``value`` as JSON gives it back (tuples as lists, NaN as None), so a recorded and a
    current value compare equal when they are the same."""
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, float) and math.isnan(value):
        return None
    return json.loads(json.dumps(value, default=str))


def _records(frame: pd.DataFrame) -> list[dict]:
    return _plain(json.loads(frame.to_json(orient="records")))


def build_record(table: pd.DataFrame, agreement: pd.DataFrame, inputs: dict[str, dict], preset: str,
                 git_commit: str, written: str) -> dict:
    """The record of one sweep: ``table`` (``pacs.sweep.choose``'s rows) and ``agreement``
    (``pacs.sweep.agreement``'s rows) split by experiment, each beside its ``inputs[experiment]``
    (``config_hash``, ``config``, ``fingerprints``); ``written``: a UTC time stamp."""
    missing = sorted(set(table.experiment) - set(inputs))
    if missing:
        raise RecordError(f"sweep experiment(s) {missing} have no recorded inputs (config hash, fingerprints)")
    experiments = {}
    for experiment in dict.fromkeys(table.experiment):
        choice = agreement[agreement.experiment == experiment]
        if len(choice) != 1:
            raise RecordError(f"sweep experiment {experiment!r}: {len(choice)} rows in the agreement table, not 1")
        experiments[experiment] = {
            **{key: _plain(inputs[experiment][key]) for key in ("config_hash", "config", "fingerprints")},
            "sweep": _records(table[table.experiment == experiment]),
            "choice": _records(choice)[0],
        }
    return {"format": FORMAT, "preset": preset, "git_commit": git_commit, "written": written,
            "experiments": experiments}


def write_record(record: dict, path: str | Path) -> None:
    """Write ``record`` as indented JSON with sorted keys (a small, readable diff when it changes)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record, indent=1, sort_keys=True) + "\n")


def read_record(path: str | Path) -> dict | None:
    """The record at ``path``; None when there is no such file; a one-line RecordError
    naming the file when it is not a record."""
    path = Path(path)
    if not path.is_file():
        return None
    try:
        record = json.loads(path.read_text())
    except (OSError, ValueError) as error:
        raise RecordError(f"{path}: not a readable tuning record ({error})") from None
    if not isinstance(record, dict) or record.get("format") != FORMAT:
        raise RecordError(f"{path}: not a tuning record of format {FORMAT!r}")
    for experiment, entry in (record.get("experiments") or {}).items():
        absent = [key for key in ("config_hash", "config", "fingerprints", "sweep", "choice")
                  if key not in entry]
        if absent:
            raise RecordError(f"{path}: experiment {experiment!r} lacks {', '.join(absent)}")
    return record


def _flat(values, prefix: str = "") -> dict:
    if isinstance(values, dict):
        flat = {}
        for key, value in values.items():
            flat.update(_flat(value, f"{prefix}.{key}" if prefix else str(key)))
        return flat
    return {prefix: values}


def changes(recorded: dict, current: dict) -> list[str]:
    """What moved between a recorded and a current experiment's inputs: the config keys
    (dotted) whose values differ, and the code files whose fingerprints differ, appeared
    or disappeared; [] when both hashes and every fingerprint are the same."""
    moved = []
    if recorded["config_hash"] != current["config_hash"]:
        old, new = _flat(_plain(recorded["config"])), _flat(_plain(current["config"]))
        keys = sorted(key for key in old.keys() | new.keys() if old.get(key) != new.get(key))
        moved.append("config " + (", ".join(keys) if keys else "hash"))
    old, new = recorded["fingerprints"], current["fingerprints"]
    code = sorted(path for path in old.keys() | new.keys() if old.get(path) != new.get(path))
    if code:
        moved.append("code " + ", ".join(code))
    return moved


def status(record: dict | None, current: dict[str, dict]) -> pd.DataFrame:
    """Per experiment of ``current`` (experiment -> its inputs now: ``config_hash``, ``config``,
    ``fingerprints``), in its order: ``current`` when the record holds it with the same
    inputs, ``stale`` (``reason``: what moved, ``changes``) when they differ, ``no record``
    when the record (or its experiment) is missing."""
    rows = []
    for experiment, inputs in current.items():
        entry = (record or {}).get("experiments", {}).get(experiment)
        if entry is None:
            rows.append((experiment, ABSENT, "no sweep of this experiment in the record" if record
                         else "no tuning record for this preset"))
            continue
        moved = changes(entry, inputs)
        rows.append((experiment, STALE, "; ".join(moved)) if moved else (experiment, CURRENT, ""))
    return pd.DataFrame(rows, columns=STATUS_COLUMNS)


def record_tables(record: dict, experiments) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The sweep rows and the agreement rows of ``experiments`` that the record holds."""
    entries = [record["experiments"][e] for e in experiments if e in record["experiments"]]
    table = pd.DataFrame([row for entry in entries for row in entry["sweep"]],
                         columns=[*sweep.SWEEP_ROW_COLUMNS, "chosen"])
    choice = pd.DataFrame([entry["choice"] for entry in entries])
    if len(choice):
        choice = choice.astype({"margin": float, "seed_sd": float})
        choice["caveat"] = choice["caveat"].fillna("")
    return table, choice


def appendix_tex(record: dict | None, states: pd.DataFrame, where: str, names: dict | None = None) -> str:
    """The report's sweep appendix from a committed record: macros ``SweepRecordSource`` (the
    record's file ``where``, preset, commit and date, or that there is none), ``SweepStatusTable``
    (``states``, from ``status``), and ``SweepTable``/``SweepChoiceTable`` (``pacs.sweep.sweep_tex``)
    of the experiments the record holds, a stale one labelled stale in every row. ``names``: each
    experiment's learner as the tables name it (its claim's ``sweep_label``; by default its own name)."""
    name = f"\\texttt{{{report.tex_escape(where)}}}"
    if record is None:
        source = f"No tuning record is committed for this preset ({name} is absent): run \\texttt{{make tune}}."
    else:
        source = (f"Tuning record {name}: preset {report.tex_escape(record['preset'])}, commit "
                  f"\\texttt{{{report.tex_escape(record['git_commit'])}}}, written {report.tex_escape(record['written'])}.")
    names = names or {}
    labels = {r.experiment: names.get(r.experiment, r.experiment) for r in states.itertuples()}
    status_body = [[labels[r.experiment], f"\\textbf{{{r.status}}}" if r.status != CURRENT else r.status,
                    report.tex_escape(r.reason) or "none"] for r in states.itertuples()]
    status_table = report.tabular(["learner", "record", "what moved since it was written"], status_body,
                                  "ll>{\\raggedright\\arraybackslash}p{7cm}")
    shown = [e for e in states.experiment if record is not None and e in record["experiments"]]
    stale = {r.experiment: f"{labels[r.experiment]} (STALE)" for r in states.itertuples() if r.status == STALE}
    if shown:
        table, choice = record_tables(record, shown)
        tables = sweep.sweep_tex(table, choice, {**names, **stale})
    else:
        empty = "(no experiment of this run has a sweep in the tuning record)"
        tables = "\n".join([report.macro("SweepTable", empty), report.macro("SweepChoiceTable", empty)])
    return "\n".join([report.macro("SweepRecordSource", source), report.macro("SweepStatusTable", status_table),
                      tables])


def install(record_file: str | Path, directory: str | Path) -> Path:
    """Copy a record written by the workflow to ``<directory>/<its preset>.json`` (where a
    reproduction of that preset reads it); returns that path."""
    record = read_record(record_file)
    if record is None:
        raise RecordError(f"{record_file}: file not found (run the workflow's target `tune` first)")
    target = record_path(directory, record["preset"])
    write_record(record, target)
    return target


if __name__ == "__main__":  # python -m pacs.tuning <record written by the workflow> <directory>
    if len(sys.argv) != 3:
        sys.exit("usage: python -m pacs.tuning <results/tuning/record.json> <directory of committed records>")
    try:
        print(f"pacs: tuning record written to {install(sys.argv[1], sys.argv[2])}; commit it")
    except RecordError as error:
        sys.exit(f"pacs: {error}")
