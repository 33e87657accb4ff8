"""The shared trainer: early stopping, divergence, non-finite numbers, resuming."""

import math

import pytest
import torch

import pacs.train as trainer
from pacs.data import TokenDataset
from pacs.models.transformer import TransformerConfig, build_model
from pacs.train import CAP, CONVERGED, DIVERGED, StoppingState, TrainConfig, TrainingError, TrainJob, train
from conftest import one_line_error

CPU = torch.device("cpu")


def argmax_task(n: int, seed: int) -> TokenDataset:
    """A trivially learnable task: the label at each step is the largest of the
    token's first three features."""
    tokens = torch.randn(n, 4, 6, generator=torch.Generator().manual_seed(seed))
    return TokenDataset(tokens=tokens, labels={"act": tokens[..., :3].argmax(dim=-1)})


def tiny_model(seed: int = 0):
    cfg = TransformerConfig(token_width=6, max_len=4, heads={"act": 3}, n_layers=1, d_model=16, n_heads=2, d_mlp=32)
    return build_model(cfg, seed)


def fit(settings: TrainConfig, job: TrainJob | None = None, train_set: TokenDataset | None = None):
    model = tiny_model()
    log = train(model, train_set or argmax_task(512, 0), {"val": argmax_task(128, 1)}, settings, 0, CPU,
                progress=False, job=job)
    return model, log


def test_a_learnable_task_stops_early_as_converged_and_keeps_its_best_weights():
    settings = TrainConfig(steps=5000, batch_size=64, lr=0.01, warmup_steps=10, eval_every=25, patience=3,
                           min_improvement=0.01)
    model, log = fit(settings)
    assert set(log.stop_reason) == {CONVERGED}
    last = int(log.step.max())
    assert last < settings.steps, "stopped before the cap"
    best = int(log.best_step.iloc[0])
    assert last - best == settings.patience * settings.eval_every
    assert log.loc[log.step == best, "val_agreement"].item() > 0.9
    # the model holds the best evaluation's weights, not the last one's
    again = trainer.evaluate(model, argmax_task(128, 1), settings)
    assert again["loss"] == pytest.approx(log.loc[log.step == best, "val_loss"].item())


def test_a_learner_capped_too_early_says_so():
    _, log = fit(TrainConfig(steps=20, batch_size=32, eval_every=10, patience=3))
    assert set(log.stop_reason) == {CAP} and int(log.step.max()) == 20


def test_stopping_rule_counts_evaluations_without_improvement_and_above_the_best():
    settings = TrainConfig(patience=2, min_improvement=0.1, divergence_factor=3.0, divergence_evals=2)
    model = tiny_model()
    state = StoppingState()
    assert state.update(1.0, 10, model, settings) is None
    assert state.update(0.95, 20, model, settings) is None  # too small an improvement
    assert state.update(0.5, 30, model, settings) is None and state.best_step == 30
    assert state.update(1.6, 40, model, settings) is None  # above 3x the best once
    assert state.update(1.7, 50, model, settings) == DIVERGED
    state = StoppingState()
    for step, loss in enumerate([1.0, 0.99, 0.98]):
        reason = state.update(loss, step, model, settings)
    assert reason == CONVERGED and state.best_step == 0


def test_non_finite_training_data_stops_the_job_naming_job_step_and_file():
    broken = argmax_task(256, 0)
    broken.tokens[:, 0, 0] = math.nan
    job = TrainJob(name="results/x/agent.safetensors", data="results/x/train.safetensors")
    message = one_line_error(TrainingError, lambda: fit(TrainConfig(steps=20, batch_size=32, eval_every=10), job, broken))
    assert "results/x/agent.safetensors" in message and "results/x/train.safetensors" in message
    assert "non-finite training loss at step 1 " in message


def test_a_diverging_loss_stops_the_job_with_one_line(monkeypatch):
    # validation losses that rise far above their best: diverged
    losses = iter([1.0, 0.2, 0.9, 1.0, 1.1])
    real = trainer.evaluate

    def rising(model, dataset, cfg):
        return {**real(model, dataset, cfg), "loss": next(losses)}

    monkeypatch.setattr(trainer, "evaluate", rising)
    job = TrainJob(name="agent.safetensors", data="train.safetensors")
    settings = TrainConfig(steps=100, batch_size=32, eval_every=10, patience=10, divergence_factor=3.0,
                           divergence_evals=3)
    message = one_line_error(TrainingError, lambda: fit(settings, job))
    assert message.startswith("agent.safetensors: training diverged") and "at step 50" in message


def test_a_resumed_job_ends_exactly_like_an_uninterrupted_one(tmp_path, monkeypatch):
    settings = TrainConfig(steps=60, batch_size=32, eval_every=10, resume_every=20, patience=100)
    reference_model, reference_log = fit(settings)

    job = TrainJob(name="agent", data="train", resume_path=tmp_path / "agent.safetensors.resume")
    real_step = trainer.optimizer_step
    calls = {"n": 0}

    def interrupted(*args):
        calls["n"] += 1
        if calls["n"] > 47:  # killed during step 48: the state saved at step 40 survives
            raise KeyboardInterrupt
        return real_step(*args)

    monkeypatch.setattr(trainer, "optimizer_step", interrupted)
    with pytest.raises(KeyboardInterrupt):
        fit(settings, job)
    monkeypatch.setattr(trainer, "optimizer_step", real_step)
    assert torch.load(job.resume_path, weights_only=True)["step"] == 40

    resumed_model, resumed_log = fit(settings, job)
    for name, tensor in reference_model.state_dict().items():
        assert torch.equal(tensor, resumed_model.state_dict()[name]), name
    timing = ["elapsed_s"]
    assert resumed_log.drop(columns=timing).equals(reference_log.drop(columns=timing))


def test_a_resume_state_from_other_settings_is_ignored(tmp_path):
    job = TrainJob(name="agent", data="train", resume_path=tmp_path / "agent.resume")
    fit(TrainConfig(steps=30, batch_size=32, eval_every=10, resume_every=10), job)
    assert job.resume_path.is_file()  # train() leaves it; the job removes it once its outputs are written
    other = TrainConfig(steps=30, batch_size=16, eval_every=10, resume_every=10)
    _, log = fit(other, job)
    _, fresh = fit(other)
    assert log.drop(columns="elapsed_s").equals(fresh.drop(columns="elapsed_s"))


def test_fit_and_save_writes_the_best_checkpoint_and_log_and_removes_the_resume_state(tmp_path):
    from pacs.data import save_dataset, save_datasets
    from pacs.experiments.fitting import fit_and_save
    from pacs.models.transformer import load_checkpoint
    from pacs.tables import read_table

    save_dataset(tmp_path / "train.safetensors", argmax_task(256, 0))
    save_datasets(tmp_path / "val.safetensors", {"own": argmax_task(64, 1), "other": argmax_task(64, 2)})
    model_path = tmp_path / "agent.safetensors"
    settings = TrainConfig(steps=30, batch_size=32, eval_every=10, resume_every=10)
    fit_and_save(tiny_model(), tmp_path / "train.safetensors", tmp_path / "val.safetensors", settings, 0, CPU,
                 model_path, tmp_path / "log.csv", {}, monitor="own")
    log = read_table(tmp_path / "log.csv")
    assert set(log.monitor) == {"val_own"} and {"val_other_loss", "val_own_agreement"} <= set(log.columns)
    assert load_checkpoint(model_path) is not None
    assert not (tmp_path / "agent.safetensors.resume").exists()
