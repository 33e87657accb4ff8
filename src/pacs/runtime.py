"""Process-level set-up shared by every pipeline step: logging, threads, device,
derived seeds and provenance."""

from __future__ import annotations

import hashlib
import json
import logging
import platform
import subprocess
import sys
import traceback
from importlib import metadata
from pathlib import Path

PACKAGES = ("torch", "numpy", "pandas", "statsmodels", "seaborn", "snakemake", "safetensors")


def configure_logging(log_path: str | Path | None) -> None:
    """Log to the rule's log file (and stderr, which Snakemake also captures); an
    uncaught error is logged there too (see log_uncaught_error)."""
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if log_path:
        Path(log_path).parent.mkdir(parents=True, exist_ok=True)
        handlers.append(logging.FileHandler(log_path, mode="w"))
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s", handlers=handlers, force=True
    )
    sys.excepthook = log_uncaught_error


def one_line_error(error: BaseException) -> str:
    """``TypeName: first line of the message`` (what a user reads first)."""
    message = str(error).strip().splitlines()
    return f"{type(error).__name__}: {message[0]}" if message else type(error).__name__


def log_uncaught_error(kind, error, trace) -> None:
    """The hook a job's uncaught error goes through: its traceback, then its one-line
    error, into the rule log (and stderr), since Snakemake points the user at the log.
    Python still exits with status 1 after the hook returns."""
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, error, trace)
        return
    logger = logging.getLogger("pacs")
    logger.error("job failed, traceback:\n%s", "".join(traceback.format_exception(kind, error, trace)).rstrip())
    logger.error("job failed: %s", one_line_error(error))


def set_threads(n_threads: int) -> None:
    import torch  # here, not at the top: jobs that never touch a model never pay for importing torch

    torch.set_num_threads(max(1, int(n_threads)))


def pick_device(preference: str = "auto") -> torch.device:
    """The one place the config's ``device`` is resolved: ``auto`` takes a CUDA GPU
    when one is visible, else the CPU; ``cuda`` without a visible GPU is an error."""
    import torch

    if preference == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if preference not in ("cpu", "cuda"):
        raise ValueError(f"config key 'device': {preference!r} is not one of auto, cpu, cuda")
    if preference == "cuda" and not torch.cuda.is_available():
        raise RuntimeError("config key 'device': 'cuda', but no CUDA GPU is visible here (use auto or cpu)")
    return torch.device(preference)


def derive_seed(*parts) -> int:
    """A stable 63-bit seed from any printable parts (e.g. base seed, seed, split)."""
    digest = hashlib.sha256(json.dumps(parts, default=str).encode()).digest()
    return int.from_bytes(digest[:8], "little") & (2**63 - 1)


def config_hash(config: dict) -> str:
    return hashlib.sha256(json.dumps(config, sort_keys=True, default=str).encode()).hexdigest()[:12]


def git_commit(cwd: str | Path = ".") -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"], cwd=cwd, capture_output=True, text=True, check=True
        )
        dirty = subprocess.run(["git", "status", "--porcelain"], cwd=cwd, capture_output=True, text=True)
        return out.stdout.strip() + ("-dirty" if dirty.stdout.strip() else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def package_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "absent"
    return versions


def provenance(config: dict | None = None, seed: int | None = None) -> dict:
    """What sits beside every result: config hash, seed, versions, commit, machine."""
    import torch

    return {
        "config_hash": config_hash(config or {}),
        "seed": seed,
        "git_commit": git_commit(),
        "versions": package_versions(),
        "machine": f"{platform.machine()} {platform.processor() or ''}".strip(),
        "device": "cuda" if torch.cuda.is_available() else "cpu",
    }
