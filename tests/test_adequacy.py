"""Verdicts know whether their learners finished learning."""

import pandas as pd
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
    adequacy = Adequacy(states=("converged", "converged", "diverged"))
    assert not adequacy.converged and qualify(a_verdict(), adequacy).verdict == UNDERTRAINED
    assert adequacy.describe() == "1 of 3 diverged"


def test_a_log_without_stop_reason_is_a_one_line_error(tmp_path):
    path = tmp_path / "old_log.csv"
    path.write_text("seed,step,val_loss\n0,10,0.5\n")
    with pytest.raises(TableError, match="old_log.csv: missing columns"):
        learner_states([path])


def test_an_expert_imitator_that_converged_on_a_plateau_below_the_agreement_floor_is_stalled(tmp_path):
    # a learning rate too small to learn, and a patience rule that sees its tiny
    # improvements as none: the log says "converged" though the learner never learned
    plateau = training_log(tmp_path, "plateau", TrainConfig(
        steps=5000, batch_size=32, lr=1e-7, warmup_steps=1, eval_every=10, patience=2, min_improvement=0.05))
    learned = training_log(tmp_path, "learned", TrainConfig(
        steps=5000, batch_size=64, lr=0.01, warmup_steps=10, eval_every=25, patience=3, min_improvement=0.01), seed=1)
    states = learner_states([plateau, learned], [plateau, learned], 0.95)
    assert states.stop_reason.tolist() == ["converged", "converged"]
    assert states.state.tolist() == ["stalled", "converged"]
    assert states.agreement.iloc[0] < 0.95 <= states.agreement.iloc[1]

    verdict = qualify(a_verdict(), assess([plateau, learned], [plateau, learned], 0.95))
    assert verdict.verdict == UNDERTRAINED and verdict.effect == -0.1
    assert f"1 of 2 stalled (converged at agreement {states.agreement.iloc[0]:.3f}" in verdict.reason
    assert "below the floor 0.95" in verdict.reason

    # the floor binds only the learners named as expert imitators
    not_held = assess([plateau, learned], [learned], 0.95)
    assert not_held.converged and qualify(a_verdict(), not_held).verdict == NOT_SUPPORTED
    assert not_held.describe() == "all 2 learners converged, the 1 expert imitators at or above the " \
                                  "expert-agreement floor 0.95"
    assert assess([learned], [learned], 0.95).describe() == \
        "all 1 learners converged, all at or above the expert-agreement floor 0.95"


def test_a_capped_imitator_stays_capped_and_an_imitator_log_without_agreement_is_a_one_line_error(tmp_path):
    rows = {"seed": [0, 0], "step": [10, 20], "best_step": [20, 20], "stop_reason": ["cap", "cap"],
            "monitor": ["val", "val"], "val_loss": [2.0, 1.0], "val_agreement": [0.2, 0.4]}
    capped = tmp_path / "capped.csv"
    write_table(pd.DataFrame(rows), capped)
    assert learner_states([capped], [capped], 0.995).state.tolist() == ["cap"]

    no_agreement = tmp_path / "no_agreement.csv"
    write_table(pd.DataFrame(rows).drop(columns="val_agreement"), no_agreement)
    assert learner_states([no_agreement]).state.tolist() == ["cap"], "only imitators need the column"
    with pytest.raises(ValueError, match="no_agreement.csv: missing column 'val_agreement'"):
        learner_states([no_agreement], [no_agreement], 0.995)
    with pytest.raises(ValueError, match="no expert_agreement_floor"):
        learner_states([capped], [capped])
