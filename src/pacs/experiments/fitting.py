"""The training step every experiment's rule shares: demonstrations on disk ->
imitation training to convergence -> checkpoint and training log on disk."""

from __future__ import annotations

import torch

from pacs.data import load_dataset, load_datasets
from pacs.models.transformer import CausalTransformer, save_checkpoint
from pacs.runtime import provenance
from pacs.tables import write_table
from pacs.train import TrainConfig, TrainJob, train


def fit_and_save(
    model: CausalTransformer,
    train_path,
    validation_path,
    settings: TrainConfig,
    seed: int,
    device: torch.device,
    model_path,
    log_path,
    meta_config: dict,
    monitor: str,
) -> None:
    """Train ``model`` on the demonstrations at ``train_path``, validating on every
    named set in ``validation_path`` (logged as ``val_<name>_*``) and stopping on
    the set named ``monitor`` (the training distribution's); write the best
    checkpoint (with provenance of ``meta_config``) and the training log table.
    An interrupted job resumes from its state beside ``model_path``."""
    validation = {f"val_{name}": dataset for name, dataset in load_datasets(validation_path).items()}
    job = TrainJob.for_checkpoint(model_path, train_path)
    training_log = train(model, load_dataset(train_path), validation, settings, seed, device,
                         monitor=f"val_{monitor}", job=job)
    save_checkpoint(model_path, model, provenance(meta_config, seed))
    training_log.insert(0, "seed", seed)
    write_table(training_log, log_path)
    job.discard_resume_state()
