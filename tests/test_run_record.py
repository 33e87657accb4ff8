"""The timed-run record (pacs.run_record): GNU time's log read, the per-claim table summed
from benchmark files, the verdict against the target, one-line errors for bad input."""

import pytest

from pacs import run_record
from pacs.tables import benchmark_table

HEADER = "s\th:m:s\tmax_rss\tmax_vms\tmax_uss\tmax_pss\tio_in\tio_out\tmean_load\tcpu_time\n"


def write_benchmark(path, wall, cpu):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HEADER + f"{wall}\t0:00:01\t500\t1\t1\t1\t0\t0\t50\t{cpu}\n")


def time_log(elapsed, status=0):
    return (f'\tCommand being timed: "make reproduce"\n\tUser time (seconds): 100.50\n'
            f"\tSystem time (seconds): 9.50\n\tPercent of CPU this job got: 190%\n"
            f"\tElapsed (wall clock) time (h:mm:ss or m:ss): {elapsed}\n\tExit status: {status}\n")


@pytest.mark.parametrize("text, seconds", [("1:02:03", 3723.0), ("4:05.50", 245.5)])
def test_clock_seconds_reads_both_forms_of_gnu_time(text, seconds):
    assert run_record.clock_seconds(text) == seconds


def test_record_sums_parts_and_judges_the_target(tmp_path):
    write_benchmark(tmp_path / "b/c1/train_agent_seed0.tsv", 100.0, 90.0)
    write_benchmark(tmp_path / "b/c1/train_agent_seed1.tsv", 110.0, 100.0)
    write_benchmark(tmp_path / "b/c3/statistics.tsv", 5.0, 10.0)
    times = benchmark_table(sorted((tmp_path / "b").rglob("*.tsv")), root=tmp_path / "b")
    claims = run_record.claim_summary(times)
    assert list(claims.part) == ["c1", "c3"] and list(claims.cpu_s) == [190.0, 10.0]
    (tmp_path / "t.log").write_text(time_log("1:00:00"))
    timing = run_record.read_time_log(tmp_path / "t.log")
    assert timing == {"command": "make reproduce", "wall_s": 3600.0, "cpu_s": 110.0, "exit_status": 0}
    within = run_record.record(timing, times, cores=2, target_minutes=90, title="t", commit="abc")
    assert "**60.0 min**" in within and "within the target (ratio 0.67)" in within
    assert "the other -90 CPU-s" in within  # the command's 110 CPU-s less the jobs' 200 (a made-up log)
    over = run_record.record({**timing, "wall_s": 6000.0}, times, cores=2, target_minutes=90, title="t", commit="abc")
    assert "NOT within the target" in over
    failed = run_record.record({**timing, "exit_status": 1}, times, cores=2, target_minutes=90, title="t", commit="abc")
    assert "NOT within the target" in failed


def test_a_log_that_is_not_gnu_time_is_a_one_line_error(tmp_path, capsys):
    (tmp_path / "t.log").write_text("real 1m0s\n")
    (tmp_path / "b").mkdir()
    with pytest.raises(SystemExit):
        run_record.main(["--time-log", str(tmp_path / "t.log"), "--benchmarks", str(tmp_path / "b"), "--cores", "2",
                         "--target-minutes", "90", "--title", "t", "--commit", "abc", "--out", str(tmp_path / "o.md")])
    err = capsys.readouterr().err.strip()
    assert err.startswith("run_record: ") and "t.log" in err and "\n" not in err
    assert not (tmp_path / "o.md").exists()
