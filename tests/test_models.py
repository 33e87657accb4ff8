"""The shared transformer, checkpoints and data files."""

import pytest
import torch

from pacs.data import DataFileError, TokenDataset, load_dataset, save_dataset
from pacs.models.transformer import CausalTransformer, TransformerConfig, build_model, load_checkpoint, save_checkpoint


def tiny_model(seed=0) -> CausalTransformer:
    torch.manual_seed(seed)
    return CausalTransformer(TransformerConfig(token_width=7, max_len=6, heads={"a": 3, "b": 4},
                                               n_layers=2, d_model=16, n_heads=2, d_mlp=32))


def test_outputs_at_a_step_do_not_see_later_steps():
    model = tiny_model().eval()
    tokens = torch.randn(2, 6, 7)
    changed = tokens.clone()
    changed[:, 4:] = torch.randn(2, 2, 7)
    a, b = model(tokens), model(changed)
    assert torch.allclose(a["a"][:, :4], b["a"][:, :4], atol=1e-6)
    assert not torch.allclose(a["a"][:, 4:], b["a"][:, 4:])
    assert a["b"].shape == (2, 6, 4)


def test_checkpoint_round_trip(tmp_path):
    model = tiny_model().eval()
    save_checkpoint(tmp_path / "m.safetensors", model, {"seed": 3})
    loaded = load_checkpoint(tmp_path / "m.safetensors").eval()
    tokens = torch.randn(3, 5, 7)
    assert torch.equal(model(tokens)["a"], loaded(tokens)["a"])


def test_corrupt_or_missing_checkpoint_gives_one_line_error(tmp_path):
    path = tmp_path / "agent.safetensors"
    save_checkpoint(path, tiny_model())
    path.write_bytes(path.read_bytes()[:50])
    with pytest.raises(DataFileError) as error:
        load_checkpoint(path)
    assert str(path) in str(error.value) and "\n" not in str(error.value)
    with pytest.raises(DataFileError, match="file not found"):
        load_checkpoint(tmp_path / "missing.safetensors")


def test_dataset_round_trip_and_foreign_file(tmp_path):
    dataset = TokenDataset(torch.randn(4, 3, 2), {"a": torch.zeros(4, 3, dtype=torch.long)},
                           {"a": torch.ones(4, 3, 2, dtype=torch.bool)}, {"targets": torch.arange(4)})
    save_dataset(tmp_path / "d.safetensors", dataset)
    loaded = load_dataset(tmp_path / "d.safetensors")
    assert torch.equal(loaded.tokens, dataset.tokens) and torch.equal(loaded.extras["targets"], torch.arange(4))
    save_checkpoint(tmp_path / "m.safetensors", tiny_model())
    with pytest.raises(DataFileError, match="not a token dataset"):
        load_dataset(tmp_path / "m.safetensors")


def test_cached_decoding_gives_the_logits_of_one_full_pass():
    """Feeding a sequence in pieces through the key/value cache (a multi-token piece
    after cached positions too) equals one causal pass over all of it."""
    from pacs.models.transformer import empty_cache

    model = build_model(TransformerConfig(token_width=3, max_len=10, heads={"a": 4}, n_layers=2, d_model=16,
                                          n_heads=2, d_mlp=32), init_seed=0)
    tokens = torch.randn(2, 9, 3)
    with torch.no_grad():
        full = model(tokens)["a"]
        cache = empty_cache(model)
        pieces = [model(tokens[:, a:b], cache)["a"] for a, b in ((0, 4), (4, 5), (5, 9))]
    torch.testing.assert_close(torch.cat(pieces, dim=1), full, rtol=1e-5, atol=1e-5)
    with pytest.raises(ValueError, match="exceeds max_len"):
        model(torch.randn(2, 2, 3), cache)
