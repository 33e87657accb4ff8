"""C5's world LMs as a tier choice (c5.pipeline.enabled): switched off, the default plans no
world LM job (dry run) and still decides C5 and builds its report."""

import re

from conftest import dry_run


def planned(*config):
    plan = dry_run("--config", *config)
    return dict(re.findall(r"^(\w+)\s+(\d+)$", plan, re.MULTILINE)), plan


def test_with_the_world_lms_off_no_world_lm_job_is_planned_and_c5_is_still_decided():
    on, _ = planned("c5={pipeline: {enabled: true}}")
    assert int(on["c5_world_train"]) > 0 and int(on["c5_world_score"]) > 0
    off, plan = planned("c5={pipeline: {enabled: false}}")
    for rule in ("c5_world_stimuli", "c5_world_corpus", "c5_world_train", "c5_world_score"):
        assert rule not in off, rule
    assert off["c5_statistics"] == "1" and int(off["c5_pretrained_score"]) > 0
    for output in ("results/verdicts/c5.csv", "paper/build/report.pdf"):
        assert f"output: {output}" in plan or f", {output}" in plan, output
    assert "world_lm_" not in plan
