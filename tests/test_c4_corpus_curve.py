"""C4's corpus-size curve plans one pipeline LM per (size, seed) by the sized copies of
the main rules, and reuses the main LM where a size is the main corpus's; with the pipeline
LM switched off (c4.pipeline.enabled: false) no pipeline LM job is planned at all (dry runs)."""

import re

from conftest import dry_run


def test_the_corpus_size_curve_plans_its_lms_and_reuses_the_main_one():
    # smoke: seeds [0, 1], c4.pipeline.train_episodes 300
    plan = dry_run("results/c4/corpus_curve.csv", "-F", "--config", "preset=smoke",
                   "c4={corpus_sizes: [150, 300, 600]}")
    counts = dict(re.findall(r"^(c4_\w+)\s+(\d+)$", plan, re.MULTILINE))
    assert counts["c4_train"] == "4"  # the main LMs: 2 seeds x with, without explanations
    assert counts["c4_train_sized"] == counts["c4_pipeline_test_sized"] == counts["c4_corpus_sized"] == "4"
    trained = set(re.findall(r"results/c4/corpus\d+/seed\d/pipeline_lm_\w+\.safetensors", plan))
    assert trained == {f"results/c4/corpus{n}/seed{s}/pipeline_lm_with.safetensors" for n in (150, 600) for s in (0, 1)}
    assert "corpus300" not in plan  # the main corpus's size: its LM is the main one


def test_with_the_pipeline_lm_off_the_default_plans_no_pipeline_lm_job_and_still_decides_c4():
    # the default preset; C4 leaves the budget analysis (its budget is the pipeline LM's)
    plan = dry_run("--config", "c4={pipeline: {enabled: false}}", "budgets={claims: [c1, c3]}")
    counts = dict(re.findall(r"^(\w+)\s+(\d+)$", plan, re.MULTILINE))
    for rule in ("c4_corpus", "c4_train", "c4_pipeline_test", "c4_corpus_sized", "c4_train_sized",
                 "c4_pipeline_test_sized", "budget_c4_train", "budget_c4_pipeline_test"):
        assert rule not in counts, rule
    assert counts["c4_statistics"] == "1" and counts["c4_pretrained_test"] != "0"
    assert counts["c4_expert_replay"] == counts["c4_baselines"] == "5"  # the default's five seeds
    for output in ("results/verdicts/c4.csv", "results/multiverse/c4/robustness.csv", "paper/build/figures/c4.pdf",
                   "paper/build/figures/c4_corpus.pdf", "paper/build/figures/learning_c4.pdf",
                   "paper/build/report.pdf"):
        assert f"output: {output}" in plan or f", {output}" in plan, output
    assert "pipeline_lm_" not in plan  # no pipeline LM's weights, transcripts or test episodes
    assert not re.search(r"results/c4/corpus\d", plan)  # nor a corpus-size curve LM
