"""C4's corpus-size curve plans one pipeline LM per (size, seed) by the sized copies of
the main rules, and reuses the main LM where a size is the main corpus's (a dry run)."""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_corpus_size_curve_plans_its_lms_and_reuses_the_main_one():
    # smoke: seeds [0, 1], c4.pipeline.train_episodes 300
    result = subprocess.run(
        [str(Path(sys.executable).parent / "snakemake"), "results/c4/corpus_curve.csv", "-n", "-F",
         "--config", "preset=smoke", "c4={corpus_sizes: [150, 300, 600]}"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    counts = dict(re.findall(r"^(c4_\w+)\s+(\d+)$", result.stdout, re.MULTILINE))
    assert counts["c4_train"] == "4"  # the main LMs: 2 seeds x with, without explanations
    assert counts["c4_train_sized"] == counts["c4_pipeline_test_sized"] == counts["c4_corpus_sized"] == "4"
    trained = set(re.findall(r"results/c4/corpus\d+/seed\d/pipeline_lm_\w+\.safetensors", result.stdout))
    assert trained == {f"results/c4/corpus{n}/seed{s}/pipeline_lm_with.safetensors" for n in (150, 600) for s in (0, 1)}
    assert "corpus300" not in result.stdout  # the main corpus's size: its LM is the main one
