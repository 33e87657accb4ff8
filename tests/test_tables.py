"""Reading tables between stages: a missing or incomplete required column is one line
naming the file and the column, never a silent NaN summary."""

import numpy as np
import pandas as pd
import pytest

from pacs import analysis
from pacs.claims import c3
from pacs.tables import TableError, read_table, read_training_log, write_table
from conftest import one_line_error


def training_log(**changes) -> pd.DataFrame:
    frame = pd.DataFrame({"seed": [0, 0], "step": [75, 150], "train_loss": [1.2, 0.8], "lr": [0.002, 0.0002],
                          "val_in_distribution_loss": [1.1, 0.7], "val_in_distribution_agreement": [0.6, 0.9]})
    for column, values in changes.items():
        if values is None:
            frame = frame.drop(columns=column)
        else:
            frame[column] = values
    return frame


def episode_table(n=4, **changes) -> pd.DataFrame:
    frame = pd.DataFrame({
        "experiment": "dag", "seed": 0, "split": "in_distribution", "policy": "agent", "episode": range(n),
        "target": 1, "goal_variable": 0, "goal_sign": 1, "reward": 4.9, "expected_reward": 5.0,
        "optimal_reward": 5.0, "reward_over_optimal": 0.98, "optimal_choice": 1.0,
    })
    for column, values in changes.items():
        frame = frame.drop(columns=column) if values is None else frame.assign(**{column: values})
    return frame


def test_a_complete_training_log_reads_and_summarizes(tmp_path):
    path = tmp_path / "training_log.csv"
    write_table(training_log(), path)
    assert len(read_training_log(path)) == 2


@pytest.mark.parametrize("changes, column", [
    ({"val_in_distribution_loss": None, "val_in_distribution_agreement": None}, "val_*_loss"),
    ({"seed": None}, "seed"),
    ({"train_loss": [1.0, np.nan]}, "train_loss"),
    ({"val_in_distribution_agreement": [np.nan, np.nan]}, "val_in_distribution_agreement"),
    ({"step": [75, np.nan]}, "step"),
])
def test_a_training_log_without_or_with_nan_in_a_needed_column_names_file_and_column(tmp_path, changes, column):
    path = tmp_path / "seed0" / "training_log.csv"
    write_table(training_log(**changes), path)
    message = one_line_error(TableError, lambda: read_training_log(path))
    assert message.startswith(str(path)) and f"'{column}'" in message


def test_episode_tables_refuse_missing_keys_and_outcomes_but_allow_undefined_ratios(tmp_path):
    good, undefined, broken, missing = (tmp_path / f"{name}.parquet" for name in ("good", "undef", "nan", "missing"))
    write_table(episode_table(), good)
    # reward / optimal is undefined (NaN) where no intervention moves the target: allowed
    write_table(episode_table(reward_over_optimal=[0.5, np.nan, 1.0, 0.9]), undefined)
    assert len(analysis.read_episode_tables([good, undefined])) == 8
    write_table(episode_table(reward=[4.9, np.nan, 1.0, 2.0]), broken)
    message = one_line_error(TableError, lambda: analysis.read_episode_tables([good, broken]))
    assert message == f"{broken}: column 'reward' has 1 missing (NaN) values of 4"
    write_table(episode_table(optimal_choice=None), missing)
    assert one_line_error(TableError, lambda: analysis.read_episode_tables([missing])) == (
        f"{missing}: missing columns ['optimal_choice']")


def test_odd_one_out_tables_need_their_outcome(tmp_path):
    path = tmp_path / "ooo.parquet"
    frame = episode_table(n=2).assign(confounding="confounded", explanations=True, test_correct=[1.0, np.nan],
                                      follows_other=0.0)
    write_table(frame, path)
    message = one_line_error(TableError, lambda: analysis.read_episode_tables([path], c3.EPISODE_COLUMNS))
    assert "'test_correct'" in message


def test_read_table_names_an_unreadable_or_absent_file(tmp_path):
    bad = tmp_path / "bad.parquet"
    bad.write_bytes(b"not parquet at all")
    assert one_line_error(TableError, lambda: read_table(bad)).startswith(f"{bad}: unreadable")
    assert one_line_error(TableError, lambda: read_table(tmp_path / "none.csv")) == f"{tmp_path / 'none.csv'}: file not found"


def test_write_tables_writes_each_named_table_and_refuses_a_mismatch(tmp_path):
    from pacs.tables import write_tables

    tables = {"summary": pd.DataFrame({"a": [1]}), "training": pd.DataFrame({"b": [2.0]})}
    outputs = {"summary": tmp_path / "summary.csv", "training": tmp_path / "training.csv"}
    write_tables(tables, outputs)
    assert pd.read_csv(outputs["training"]).b.tolist() == [2.0]
    with pytest.raises(ValueError, match=r"\['summary'\] do not match the outputs \['summary', 'training'\]"):
        write_tables({"summary": tables["summary"]}, outputs)
