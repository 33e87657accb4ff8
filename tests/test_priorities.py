"""Snakemake priorities (workflow/rules/common.smk, PRIORITY_*): in the default's plan the
longest learners start first, and the data they wait for is not held back behind shorter
jobs; light jobs keep priority 0."""

import re

from conftest import dry_run


def planned_priorities():
    """{rule: set of priorities of its planned jobs} from a dry run of the default preset."""
    priorities = {}
    for block in re.split(r"\n(?=(?:local)?rule \w+:)", dry_run()):
        header = re.match(r"(?:local)?rule (\w+):", block)
        if header:
            found = re.search(r"^\s+priority: (\d+)$", block, re.MULTILINE)
            priorities.setdefault(header.group(1), set()).add(int(found.group(1)) if found else 0)
    return priorities


def test_the_longest_learners_and_their_data_come_first_and_light_jobs_last():
    plan = planned_priorities()
    top = max(max(values) for values in plan.values())
    # C3's main learners were the longest jobs of the one-piece default run (C3b's, as long, are
    # the same rule through `use rule` and not planned at the default: c3.feature_choice.enabled)
    for rule in ("c3_train_agent", "c3_training_data"):
        assert plan[rule] == {top}, (rule, plan[rule])
    assert "feature_choice_c3_train_agent" not in plan
    # a learner's data job is ranked with it, so that it is not held back behind shorter jobs
    assert plan["causal_training_data"] == plan["causal_train_agent"]
    assert plan["efficiency_c3_training_data"] == plan["efficiency_c3_train_agent"]
    learners = {"causal_train_agent", "efficiency_c3_train_agent", "c6_train_agent", "c4_pretrained_test",
                "c5_pretrained_score"}
    for rule in learners:
        assert min(plan[rule]) >= 1, rule
    for light in ("causal_active_test", "c3_statistics", "figure", "report_pdf", "verdict_table"):
        assert plan[light] == {0}, light
