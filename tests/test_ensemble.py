"""Ensemble training (pacs.ensemble): the same numbers per member as training one by one."""

import pandas as pd
import pytest
import torch

from pacs.ensemble import train_ensemble, use_ensemble
from pacs.models.transformer import TransformerConfig, build_model
from pacs.train import CAP, CONVERGED, TrainConfig, TrainingError, train
from conftest import one_line_error
from test_train import argmax_task

CPU = torch.device("cpu")
SEEDS = [0, 1, 2]
SETTINGS = TrainConfig(steps=150, batch_size=32, lr=0.01, warmup_steps=10, eval_every=10, patience=2,
                       min_improvement=0.05)


@pytest.fixture(autouse=True)
def one_thread():
    """Models this small gain nothing from a second thread, and on a shared machine its
    waiting costs minutes."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def tiny_model(seed: int):
    cfg = TransformerConfig(token_width=6, max_len=4, heads={"act": 3}, n_layers=2, d_model=16, n_heads=2, d_mlp=32)
    return build_model(cfg, seed)


def member_data(seed: int):
    return argmax_task(256, 10 + seed), {"val": argmax_task(128, 100 + seed)}


def comparable_weights(model) -> dict[str, torch.Tensor]:
    """The weights, without the attention's key biases: softmax ignores them (a key bias adds
    the same number to every score of a query), so their gradient is rounding noise, which
    AdamW scales up to steps of the learning rate's size; they differ between two summation
    orders and change no output."""
    weights = dict(model.state_dict())
    for name in [n for n in weights if n.endswith("attention.qkv.bias")]:
        width = weights[name].shape[0] // 3
        weights[name] = torch.cat([weights[name][:width], weights[name][2 * width:]])
    return weights


def one_by_one(settings: TrainConfig):
    results = []
    for seed in SEEDS:
        model = tiny_model(seed)
        train_set, val_sets = member_data(seed)
        results.append((model, train(model, train_set, val_sets, settings, seed, CPU, progress=False)))
    return results


def together(settings: TrainConfig):
    models = [tiny_model(seed) for seed in SEEDS]
    data = [member_data(seed) for seed in SEEDS]
    logs = train_ensemble(models, [d[0] for d in data], [d[1] for d in data], settings, SEEDS, CPU)
    return list(zip(models, logs))


@pytest.mark.parametrize("settings", [SETTINGS, TrainConfig(steps=40, batch_size=32, eval_every=20, patience=5)],
                         ids=["members converge at different steps", "all reach the cap"])
def test_each_member_trains_as_it_would_alone(settings):
    alone, batched = one_by_one(settings), together(settings)
    for (model, log), (member, member_log) in zip(alone, batched):
        # same evaluations, same stop: step, reason, kept step
        assert member_log.step.tolist() == log.step.tolist()
        assert member_log.stop_reason.iloc[0] == log.stop_reason.iloc[0]
        assert member_log.best_step.iloc[0] == log.best_step.iloc[0]
        numbers = [c for c in log.columns if c not in ("elapsed_s", "monitor", "stop_reason")]
        assert list(member_log.columns) == list(log.columns)
        torch.testing.assert_close(torch.tensor(member_log[numbers].to_numpy()), torch.tensor(log[numbers].to_numpy()),
                                   rtol=1e-4, atol=1e-5)
        for name, weights in comparable_weights(model).items():
            torch.testing.assert_close(comparable_weights(member)[name], weights, rtol=1e-4, atol=1e-5)
        tokens = member_data(0)[1]["val"].tokens
        torch.testing.assert_close(member(tokens)["act"], model(tokens)["act"], rtol=1e-4, atol=1e-4)
    if settings is SETTINGS:  # the case that tests masking: members stop at different steps, before the cap
        stops = [int(log.step.max()) for _, log in alone]
        assert {log.stop_reason.iloc[0] for _, log in alone} == {CONVERGED} and len(set(stops)) > 1, stops
    else:
        assert {log.stop_reason.iloc[0] for _, log in batched} == {CAP}


def test_a_member_with_non_finite_data_stops_the_ensemble_naming_it():
    models = [tiny_model(seed) for seed in SEEDS]
    data = [member_data(seed) for seed in SEEDS]
    data[1][0].tokens[:] = float("nan")
    message = one_line_error(TrainingError, lambda: train_ensemble(
        models, [d[0] for d in data], [d[1] for d in data], TrainConfig(steps=20, batch_size=8, eval_every=10),
        SEEDS, CPU))
    assert message.startswith("member 1 (seed 1): non-finite training loss at step 1")


def test_the_ensemble_is_chosen_on_cuda_without_dropout_or_when_asked():
    cuda = torch.device("cuda")
    assert use_ensemble("auto", cuda) and not use_ensemble("auto", CPU)
    assert not use_ensemble("auto", cuda, dropout=0.2)  # dropout masks would differ: one by one
    assert use_ensemble("always", CPU) and not use_ensemble("never", cuda)
    with pytest.raises(ValueError, match="'always' needs model dropout 0, not 0.2"):
        use_ensemble("always", CPU, dropout=0.2)
    with pytest.raises(ValueError, match="'on' is not one of auto, always, never"):
        use_ensemble("on", CPU)


def test_the_ensemble_job_writes_for_each_seed_what_its_one_by_one_job_writes(tmp_path):
    """pacs.experiments.ensemble_fitting against pacs.experiments.fitting, on files: same
    checkpoints and training logs per seed (up to reassociation), and a one-by-one job's
    leftover resumable state removed."""
    from pacs.data import save_dataset, save_datasets
    from pacs.experiments.ensemble_fitting import fit_and_save_ensemble
    from pacs.experiments.fitting import fit_and_save
    from pacs.data import load_metadata
    from pacs.models.transformer import load_checkpoint
    from pacs.tables import read_table

    for seed in SEEDS:
        train_set, val_sets = member_data(seed)
        save_dataset(tmp_path / f"train{seed}.safetensors", train_set)
        save_datasets(tmp_path / f"val{seed}.safetensors", {"own": val_sets["val"], "other": argmax_task(64, seed)})
    paths = {kind: [tmp_path / f"{kind}{seed}.safetensors" for seed in SEEDS] for kind in ("train", "val")}
    meta = {"model": {"d_model": 16}}
    for seed, train_path, val_path in zip(SEEDS, paths["train"], paths["val"]):
        fit_and_save(tiny_model(seed), train_path, val_path, SETTINGS, seed, CPU, tmp_path / f"alone{seed}.safetensors",
                     tmp_path / f"alone{seed}.csv", meta, monitor="own")
    together_models = [tmp_path / f"together{seed}.safetensors" for seed in SEEDS]
    together_logs = [tmp_path / f"together{seed}.csv" for seed in SEEDS]
    leftover = tmp_path / "together1.safetensors.resume"
    leftover.write_bytes(b"state of an interrupted one-by-one job")
    fit_and_save_ensemble([tiny_model(seed) for seed in SEEDS], paths["train"], paths["val"], SETTINGS, SEEDS, CPU,
                          together_models, together_logs, meta, monitor="own")
    assert not leftover.exists() and not (tmp_path / "together0.safetensors.ensemble.resume").exists()
    for seed, model_path, log_path in zip(SEEDS, together_models, together_logs):
        alone, batched = read_table(tmp_path / f"alone{seed}.csv"), read_table(log_path)
        assert list(batched.columns) == list(alone.columns) and set(batched.seed) == {seed}
        assert batched.step.tolist() == alone.step.tolist() and set(batched.monitor) == {"val_own"}
        assert batched.stop_reason.iloc[0] == alone.stop_reason.iloc[0] == CONVERGED
        numbers = ["train_loss", "val_own_loss", "val_own_agreement", "val_other_loss"]
        torch.testing.assert_close(torch.tensor(batched[numbers].to_numpy()), torch.tensor(alone[numbers].to_numpy()),
                                   rtol=1e-4, atol=1e-5)
        reference = load_checkpoint(tmp_path / f"alone{seed}.safetensors")
        for name, weights in comparable_weights(reference).items():
            torch.testing.assert_close(comparable_weights(load_checkpoint(model_path))[name], weights,
                                       rtol=1e-4, atol=1e-5)
        assert load_metadata(model_path)["seed"] == seed


def test_an_interrupted_ensemble_resumes_to_the_numbers_of_an_uninterrupted_one(tmp_path, monkeypatch):
    """Killed between two saves, after one member has converged: the rerun resumes from
    the last saved state and ends exactly as a run that was never interrupted."""
    import pacs.ensemble as ensemble

    settings = TrainConfig(steps=150, batch_size=32, lr=0.01, warmup_steps=10, eval_every=10, patience=2,
                           min_improvement=0.05, resume_every=20)
    reference = together(settings)
    first_stop = min(int(log.step.max()) for _, log in reference)
    kill_at = first_stop + 15  # after the first member left the batch, between two saves
    assert kill_at < max(int(log.step.max()) for _, log in reference)

    resume_path = tmp_path / "ensemble.resume"
    real_clip, calls = ensemble._clip_per_member, {"n": 0}

    def interrupted(*args):
        calls["n"] += 1
        if calls["n"] >= kill_at:
            raise KeyboardInterrupt
        return real_clip(*args)

    data = [member_data(seed) for seed in SEEDS]
    monkeypatch.setattr(ensemble, "_clip_per_member", interrupted)
    with pytest.raises(KeyboardInterrupt):
        train_ensemble([tiny_model(seed) for seed in SEEDS], [d[0] for d in data], [d[1] for d in data], settings,
                       SEEDS, CPU, progress=False, resume_path=resume_path)
    monkeypatch.setattr(ensemble, "_clip_per_member", real_clip)
    saved = torch.load(resume_path, weights_only=True)
    assert saved["step"] == (kill_at - 1) // 20 * 20 and len(saved["active"]) < len(SEEDS)

    models = [tiny_model(seed) for seed in SEEDS]
    logs = train_ensemble(models, [d[0] for d in data], [d[1] for d in data], settings, SEEDS, CPU, progress=False,
                          resume_path=resume_path)
    for (reference_model, reference_log), model, log in zip(reference, models, logs):
        pd.testing.assert_frame_equal(log.drop(columns="elapsed_s"), reference_log.drop(columns="elapsed_s"))
        for name, tensor in reference_model.state_dict().items():
            assert torch.equal(model.state_dict()[name], tensor), name
