"""Episode datasets on disk: tensors in safetensors files, with clear errors.

A ``TokenDataset`` is what the shared trainer consumes, whatever the experiment:
``tokens`` (N, L, D) float inputs, one ``labels[head]`` (N, L) long per output
head (``IGNORE`` where that head is not trained), an optional ``support[head]``
(N, L, C) bool marking every action the demonstrator could have taken (for
agreement metrics), and ``extras`` the experiment keeps alongside (targets,
actions, ...).

Every file ``save_tensors`` writes carries a SHA-256 of its tensors (names,
dtypes, shapes and bytes) in its metadata; ``load_tensors`` recomputes it and
refuses a file whose tensors changed since they were written.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file

IGNORE = -100  # the label of a position a head is not trained on (cross-entropy's ignore_index)
CHECKSUM_KEY = "tensor_sha256"


class DataFileError(RuntimeError):
    """A data or checkpoint file is missing, unreadable or lacks what it should hold."""


@dataclass
class TokenDataset:
    tokens: torch.Tensor
    labels: dict[str, torch.Tensor]
    support: dict[str, torch.Tensor] = field(default_factory=dict)
    extras: dict[str, torch.Tensor] = field(default_factory=dict)

    def __len__(self) -> int:
        return self.tokens.shape[0]

    def select(self, index: torch.Tensor) -> "TokenDataset":
        return TokenDataset(
            tokens=self.tokens[index],
            labels={k: v[index] for k, v in self.labels.items()},
            support={k: v[index] for k, v in self.support.items()},
            extras={k: v[index] for k, v in self.extras.items()},
        )

    def to(self, device: torch.device) -> "TokenDataset":
        return TokenDataset(
            tokens=self.tokens.to(device),
            labels={k: v.to(device) for k, v in self.labels.items()},
            support={k: v.to(device) for k, v in self.support.items()},
            extras={k: v.to(device) for k, v in self.extras.items()},
        )

    def to_tensors(self) -> dict[str, torch.Tensor]:
        tensors = {"tokens": self.tokens}
        for group in ("labels", "support", "extras"):
            for key, value in getattr(self, group).items():
                tensors[f"{group}.{key}"] = value
        return tensors

    @classmethod
    def from_tensors(cls, tensors: dict[str, torch.Tensor], source: str = "") -> "TokenDataset":
        if "tokens" not in tensors:
            raise DataFileError(f"{source}: no 'tokens' tensor; not a token dataset")
        groups: dict[str, dict[str, torch.Tensor]] = {"labels": {}, "support": {}, "extras": {}}
        for key, value in tensors.items():
            group, _, name = key.partition(".")
            if group in groups and name:
                groups[group][name] = value
        if not groups["labels"]:
            raise DataFileError(f"{source}: no 'labels.*' tensors; not a token dataset")
        return cls(tokens=tensors["tokens"], **groups)


def tensor_checksum(tensors: dict[str, torch.Tensor]) -> str:
    """SHA-256 over every tensor's name, dtype, shape and bytes, in name order."""
    digest = hashlib.sha256()
    for name in sorted(tensors):
        tensor = tensors[name].detach().cpu().contiguous()
        digest.update(json.dumps([name, str(tensor.dtype), list(tensor.shape)]).encode())
        digest.update(tensor.reshape(-1).view(torch.uint8).numpy().tobytes())
    return digest.hexdigest()


def save_tensors(path: str | Path, tensors: dict[str, torch.Tensor], metadata: dict | None = None):
    """Write tensors (contiguous copies), JSON-encoded metadata and the tensors'
    checksum to a safetensors file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tensors = {k: v.detach().contiguous() for k, v in tensors.items()}
    meta = {k: json.dumps(v) for k, v in (metadata or {}).items() if k != CHECKSUM_KEY}
    meta[CHECKSUM_KEY] = json.dumps(tensor_checksum(tensors))
    save_file(tensors, str(path), metadata=meta)


def load_tensors(path: str | Path) -> dict[str, torch.Tensor]:
    """Read a safetensors file and verify its checksum; a missing, corrupt or
    altered file raises a one-line DataFileError naming it."""
    path = Path(path)
    if not path.is_file():
        raise DataFileError(f"{path}: file not found")
    try:
        tensors = load_file(str(path))
    except (SafetensorError, OSError, ValueError) as error:
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise DataFileError(f"{path}: not a readable safetensors file ({reason})") from None
    expected = load_metadata(path).get(CHECKSUM_KEY)
    if expected is None:
        raise DataFileError(f"{path}: no {CHECKSUM_KEY} in its metadata; not written by pacs (regenerate it)")
    if tensor_checksum(tensors) != expected:
        raise DataFileError(f"{path}: tensor checksum mismatch; the file was altered or corrupted (regenerate it)")
    return tensors


def load_metadata(path: str | Path) -> dict:
    """The JSON metadata stored in a safetensors file's header."""
    from safetensors import safe_open

    path = Path(path)
    if not path.is_file():
        raise DataFileError(f"{path}: file not found")
    try:
        with safe_open(str(path), framework="pt") as handle:
            raw = handle.metadata() or {}
    except (SafetensorError, OSError, ValueError) as error:
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise DataFileError(f"{path}: not a readable safetensors file ({reason})") from None
    return {k: json.loads(v) for k, v in raw.items()}


def save_dataset(path: str | Path, dataset: TokenDataset, metadata: dict | None = None) -> None:
    save_tensors(path, dataset.to_tensors(), metadata)


def load_dataset(path: str | Path) -> TokenDataset:
    return TokenDataset.from_tensors(load_tensors(path), source=str(path))


def save_datasets(path: str | Path, datasets: dict[str, TokenDataset], metadata: dict | None = None) -> None:
    """Several named datasets in one file (tensor names prefixed ``name/``)."""
    tensors = {
        f"{name}/{key}": value for name, dataset in datasets.items() for key, value in dataset.to_tensors().items()
    }
    save_tensors(path, tensors, {**(metadata or {}), "datasets": sorted(datasets)})


def load_datasets(path: str | Path) -> dict[str, TokenDataset]:
    tensors = load_tensors(path)
    names = sorted({key.split("/", 1)[0] for key in tensors if "/" in key})
    if not names:
        raise DataFileError(f"{path}: no named datasets inside")
    return {
        name: TokenDataset.from_tensors(
            {k.split("/", 1)[1]: v for k, v in tensors.items() if k.startswith(f"{name}/")}, f"{path}[{name}]"
        )
        for name in names
    }
