"""Data and checkpoint files carry a checksum of their tensors, verified on load."""

import pytest
import torch
from safetensors.torch import save_file

from pacs.data import DataFileError, load_tensors, save_tensors
from pacs.models.transformer import TransformerConfig, build_model, load_checkpoint, save_checkpoint


def flip_last_byte(path):
    """Change one byte of the tensor data (stored at the end of a safetensors file)."""
    raw = bytearray(path.read_bytes())
    raw[-1] ^= 0xFF
    path.write_bytes(bytes(raw))


def test_data_round_trip_and_corruption_is_refused(tmp_path):
    path = tmp_path / "train.safetensors"
    tensors = {"tokens": torch.randn(4, 3), "labels.act": torch.arange(4)}
    save_tensors(path, tensors, {"split": "train"})
    loaded = load_tensors(path)
    assert all(torch.equal(loaded[k], v) for k, v in tensors.items())
    flip_last_byte(path)
    with pytest.raises(DataFileError, match=r"train\.safetensors: tensor checksum mismatch") as raised:
        load_tensors(path)
    assert "\n" not in str(raised.value)


def test_corrupted_checkpoint_is_refused(tmp_path):
    path = tmp_path / "agent.safetensors"
    model = build_model(TransformerConfig(token_width=3, max_len=2, heads={"act": 2}, n_layers=1, d_model=8,
                                          n_heads=2, d_mlp=8), 0)
    save_checkpoint(path, model)
    assert torch.equal(load_checkpoint(path).embed.weight, model.embed.weight)
    flip_last_byte(path)
    with pytest.raises(DataFileError, match="agent.safetensors: tensor checksum mismatch"):
        load_checkpoint(path)


def test_a_file_without_checksum_is_refused(tmp_path):
    path = tmp_path / "foreign.safetensors"
    save_file({"tokens": torch.zeros(2)}, str(path))
    with pytest.raises(DataFileError, match="foreign.safetensors: no tensor_sha256"):
        load_tensors(path)
