"""The benchmark's per-stage table (jobs of one stage summed, CPU time read from Snakemake's benchmark
files, stages ordered by CPU time) and the learners' GFLOP/s table against the matmul peaks."""

from pacs import bench
from pacs.models.transformer import TransformerConfig
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


# --- the learners' GFLOP/s table -----------------------------------------------------------------------------


def test_training_flops_count_the_matmuls_of_a_step_three_times_the_forward():
    cfg = TransformerConfig(token_width=10, max_len=8, heads={"a": 3, "b": 5}, n_layers=2, d_model=4, n_heads=2,
                            d_mlp=16)
    # per token: per layer qkv 2*4*12, proj 2*4*4, attention 2*2*8*4 over 8 keys, MLP 2*2*4*16; heads 2*4*(3+5)
    forward = 2 * (96 + 32 + 128 + 256) + 64
    assert bench.training_flops(cfg, batch=5, length=8, embedding_lookup=True) == 5 * 8 * 3 * forward
    # a linear input embedding adds its forward and its weight gradient (2 * 2 * 10 * 4 per token)
    assert bench.training_flops(cfg, 5, 8, embedding_lookup=False) == 5 * 8 * (3 * forward + 160)


def test_the_learner_table_times_every_learner_type_against_both_peaks(capsys):
    config = bench.load(bench.ROOT / "config.yaml", bench.ROOT / "workflow/schemas/config.schema.yaml",
                        {"preset": "smoke"}, claims=None)
    config["train"]["batch_size"] = 16  # quick: C1's, C3's and C6's steps
    table, peaks = bench.learner_table(config, seconds=0.01, autocast=True, peak_size=128, pool=32, min_steps=2)
    assert table.learner.tolist() == ["C1 agent", "C3 learner", "C4 LM", "C5 world LM", "C6 learner"]
    assert peaks["fp32"] > 0 and peaks["bf16"] > 0
    assert (table["GFLOP/s"] > 0).all() and (table["bf16 speed-up"] > 0).all() and (table.steps >= 2).all()
    assert (table["of fp32 peak"] == table["GFLOP/s"] / peaks["fp32"]).all()
    # the smoke preset's widths and batch sizes reach the rows (C4's LM: batch 32, d_model 32, one layer)
    assert table.set_index("learner").loc["C4 LM", ["d_model", "layers", "batch"]].tolist() == [32, 1, 32]
    assert table.set_index("learner").loc["C1 agent", "batch"] == 16
    assert "matmul peak" in capsys.readouterr().out
