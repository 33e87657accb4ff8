"""The benchmark's per-stage table: jobs of one stage (seeds) summed, CPU time read
from Snakemake's benchmark files, stages ordered by CPU time."""

from pacs import bench
from pacs.tables import benchmark_table, stage_summary

HEADER = "s\th:m:s\tmax_rss\tmax_vms\tmax_uss\tmax_pss\tio_in\tio_out\tmean_load\tcpu_time\n"


def write_benchmark(path, wall, cpu, rss):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HEADER + f"{wall}\t0:00:01\t{rss}\t1\t1\t1\t0\t0\t50\t{cpu}\n")


def test_stage_summary_sums_the_seeds_of_a_stage_and_orders_by_cpu(tmp_path):
    write_benchmark(tmp_path / "dag/train_agent_seed0.tsv", 10.0, 8.0, 500)
    write_benchmark(tmp_path / "dag/train_agent_seed1.tsv", 12.0, 9.0, 520)
    write_benchmark(tmp_path / "regimes/train_rc_plain_seed0.tsv", 30.0, 25.0, 400)
    write_benchmark(tmp_path / "dag/statistics.tsv", 2.0, 1.5, 300)
    times = benchmark_table(sorted(tmp_path.rglob("*.tsv")), root=tmp_path)
    summary = stage_summary(times)
    assert list(summary.stage) == ["regimes/train_rc_plain", "dag/train_agent", "dag/statistics"]
    agent = summary.set_index("stage").loc["dag/train_agent"]
    assert (agent.jobs, agent.seconds, agent.cpu_s, agent.max_rss_mb) == (2, 22.0, 17.0, 520.0)


def test_summarize_prints_the_stage_table_of_an_existing_run(tmp_path, capsys):
    write_benchmark(tmp_path / "dag/train_agent_seed0.tsv", 60.0, 30.0, 500)
    write_benchmark(tmp_path / "dag/train_agent_seed1.tsv", 60.0, 30.0, 500)
    assert bench.main(["--summarize", str(tmp_path)]) == 0
    printed = capsys.readouterr().out
    assert "dag/train_agent" in printed
    assert "2 jobs: CPU 1.0 min, wall summed over jobs 2.0 min" in printed
