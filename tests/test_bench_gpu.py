"""The device benchmark runs end to end at toy sizes on the CPU and measures every row."""

import pandas as pd

from pacs import bench_gpu


def test_device_benchmark_runs_at_tiny_sizes_on_the_cpu(tmp_path, capsys):
    assert bench_gpu.main(["--tiny", "--device", "cpu", "--out", str(tmp_path / "bench.csv")]) == 0
    table = pd.read_csv(tmp_path / "bench.csv")
    assert table.measurement.tolist() == ["environment", "training batch 32", "training batch 64", "one seed, batch 32",
                                          "ensemble of 3 seeds, batch 32", "paper job"]
    assert not table.note.fillna("").str.startswith("failed").any(), table.note.tolist()
    assert (table.episodes_per_s > 0).all() and (table.seconds > 0).all()
    # batch x steps actually run (x members for the ensemble)
    assert table.episodes.tolist()[1:] == [32 * 3, 64 * 3, 32 * 3, 3 * 32 * 3, 32 * 4]
    assert table.note.iloc[4].endswith("x one seed at a time")
    assert "paper job" in capsys.readouterr().out
