"""``fit_and_save`` for the seeds of one experiment condition trained together.

When the config's ``ensemble`` setting chooses it (``pacs.ensemble.use_ensemble``),
one job trains the learners of every seed as one batched ensemble
(``pacs.ensemble.train_ensemble``) and writes, for each, the checkpoint and training
log ``pacs.experiments.fitting.fit_and_save`` would have written, up to
floating-point reassociation in the batched kernels. It lives in its own module so
that the one-by-one jobs' code inputs (``pacs.code_inputs``) do not include it: a
change here reruns only ensemble jobs.
"""

from __future__ import annotations

from pathlib import Path

import torch

from pacs.data import load_dataset, load_datasets
from pacs.ensemble import train_ensemble
from pacs.models.transformer import CausalTransformer, save_checkpoint
from pacs.runtime import provenance
from pacs.tables import write_table
from pacs.train import TrainConfig, TrainJob


def fit_and_save_ensemble(
    models: list[CausalTransformer],
    train_paths: list,
    validation_paths: list,
    settings: TrainConfig,
    seeds: list[int],
    device: torch.device,
    model_paths: list,
    log_paths: list,
    meta_config: dict,
    monitor: str,
) -> None:
    """Train ``models`` (one per seed; every list is aligned with ``seeds``) together on
    their demonstrations, validating each on every named set in its validation file
    (logged as ``val_<name>_*``) and stopping each on its set named ``monitor``; write
    each best checkpoint (with provenance of ``meta_config``) and training log table.
    An interrupted job resumes from the ensemble's state beside the first checkpoint
    (``<checkpoint>.ensemble.resume``); it, and any state a one-by-one job left for
    the same checkpoints, is removed once every output is written."""
    lengths = {len(models), len(train_paths), len(validation_paths), len(seeds), len(model_paths), len(log_paths)}
    if len(lengths) != 1:
        raise ValueError("one model, training set, validation file, seed, checkpoint and log path per learner")
    jobs = [TrainJob.for_checkpoint(path, data) for path, data in zip(model_paths, train_paths)]
    validation = [{f"val_{name}": dataset for name, dataset in load_datasets(path).items()}
                  for path in validation_paths]
    resume_path = Path(f"{model_paths[0]}.ensemble.resume")
    training_logs = train_ensemble(models, [load_dataset(path) for path in train_paths], validation, settings,
                                   seeds, device, monitor=f"val_{monitor}", jobs=jobs, resume_path=resume_path)
    for model, training_log, seed, model_path, log_path, job in zip(models, training_logs, seeds, model_paths,
                                                                     log_paths, jobs):
        save_checkpoint(model_path, model, provenance(meta_config, seed))
        training_log.insert(0, "seed", seed)
        write_table(training_log, log_path)
        job.discard_resume_state()
    resume_path.unlink(missing_ok=True)
