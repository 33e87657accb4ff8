"""Verdicts know whether their learners finished learning."""

import pytest

from pacs.adequacy import UNDERTRAINED, Adequacy, assess, learner_states, qualify
from pacs.tables import TableError, write_table
from pacs.train import TrainConfig, train
from pacs.verdicts import NOT_SUPPORTED, Verdict

from test_train import CPU, argmax_task, tiny_model


def a_verdict(verdict=NOT_SUPPORTED) -> Verdict:
    return Verdict(claim="C1", test="t", effect_label="agent $-$ expert", effect=-0.1, ci_low=-0.2, ci_high=-0.05,
                   z=-3.0, p_holm=0.01, mde=0.05, verdict=verdict, reason="the expert is far better")


def training_log(tmp_path, name: str, settings: TrainConfig, seed: int = 0):
    log = train(tiny_model(seed), argmax_task(512, seed), {"val": argmax_task(128, 1)}, settings, seed, CPU,
                progress=False)
    log.insert(0, "seed", seed)
    path = tmp_path / f"{name}.csv"
    write_table(log, path)
    return path


def test_a_learner_capped_at_too_few_steps_makes_its_verdict_undertrained(tmp_path):
    converged = training_log(tmp_path, "converged", TrainConfig(
        steps=5000, batch_size=64, lr=0.01, warmup_steps=10, eval_every=25, patience=3, min_improvement=0.01))
    capped = training_log(tmp_path, "capped", TrainConfig(steps=20, batch_size=32, eval_every=10), seed=1)
    states = learner_states([converged, capped])
    assert states.stop_reason.tolist() == ["converged", "cap"]

    verdict = qualify(a_verdict(), assess([converged, capped]))
    assert verdict.verdict == UNDERTRAINED
    assert verdict.effect == -0.1 and verdict.ci_low == -0.2, "its numbers are kept"
    assert "1 of 2 learners hit the step cap still improving" in verdict.reason
    assert "would read not supported" in verdict.reason

    kept = qualify(a_verdict(), assess([converged]))
    assert kept.verdict == NOT_SUPPORTED and "all 1 learners converged" in kept.reason


def test_a_diverged_learner_also_makes_it_undertrained():
    adequacy = Adequacy(n_learners=3, n_converged=2, n_capped=0, n_diverged=1)
    assert not adequacy.converged and qualify(a_verdict(), adequacy).verdict == UNDERTRAINED
    assert adequacy.describe() == "1 of 3 diverged"


def test_a_log_without_stop_reason_is_a_one_line_error(tmp_path):
    path = tmp_path / "old_log.csv"
    path.write_text("seed,step,val_loss\n0,10,0.5\n")
    with pytest.raises(TableError, match="old_log.csv: missing columns"):
        learner_states([path])
