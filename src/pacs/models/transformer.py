"""The one causal transformer every agent in pacs uses.

Continuous step tokens in (one per environment step), one set of logits per named
output head out, at every position. Causal masking means the action at step k
depends only on steps 0..k, as when the agent acts in the environment.
Checkpoints are safetensors files with the config in their metadata.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

import torch
import torch.nn as nn
import torch.nn.functional as F

from pacs.data import DataFileError, load_metadata, load_tensors, save_tensors


@dataclass
class TransformerConfig:
    token_width: int  # size of each input token
    max_len: int  # longest sequence (episode length in steps)
    heads: dict[str, int] = field(default_factory=dict)  # output head name -> n classes
    n_layers: int = 3
    d_model: int = 128
    n_heads: int = 4
    d_mlp: int = 512
    dropout: float = 0.0


class CausalSelfAttention(nn.Module):
    def __init__(self, cfg: TransformerConfig):
        super().__init__()
        if cfg.d_model % cfg.n_heads:
            raise ValueError(f"d_model {cfg.d_model} is not divisible by n_heads {cfg.n_heads}")
        self.n_heads = cfg.n_heads
        self.qkv = nn.Linear(cfg.d_model, 3 * cfg.d_model)
        self.proj = nn.Linear(cfg.d_model, cfg.d_model)
        self.dropout = cfg.dropout

    def forward(self, x: torch.Tensor, cache: list[torch.Tensor] | None = None) -> torch.Tensor:
        """``cache``: this layer's [keys, values] of the earlier positions (empty at
        first), extended in place with those of ``x`` (key/value-cached decoding)."""
        n_batch, length, width = x.shape
        q, k, v = self.qkv(x).split(width, dim=2)
        shape = (n_batch, length, self.n_heads, width // self.n_heads)
        q, k, v = (t.view(shape).transpose(1, 2) for t in (q, k, v))
        mask, causal = None, True
        if cache is not None:
            if cache:
                k, v = torch.cat([cache[0], k], dim=2), torch.cat([cache[1], v], dim=2)
                # query i sits at position past + i and sees keys 0..past + i
                mask = torch.ones(length, k.shape[2], dtype=torch.bool, device=x.device).tril(k.shape[2] - length)
                causal = False
            cache[:] = [k, v]
        y = F.scaled_dot_product_attention(
            q, k, v, attn_mask=mask, is_causal=causal, dropout_p=self.dropout if self.training else 0.0
        )
        return self.proj(y.transpose(1, 2).reshape(n_batch, length, width))


class MLP(nn.Module):
    def __init__(self, cfg: TransformerConfig):
        super().__init__()
        self.up = nn.Linear(cfg.d_model, cfg.d_mlp)
        self.down = nn.Linear(cfg.d_mlp, cfg.d_model)
        self.dropout = nn.Dropout(cfg.dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.dropout(self.down(F.gelu(self.up(x))))


class Block(nn.Module):
    def __init__(self, cfg: TransformerConfig):
        super().__init__()
        self.norm_attention = nn.LayerNorm(cfg.d_model)
        self.attention = CausalSelfAttention(cfg)
        self.norm_mlp = nn.LayerNorm(cfg.d_model)
        self.mlp = MLP(cfg)

    def forward(self, x: torch.Tensor, cache: list[torch.Tensor] | None = None) -> torch.Tensor:
        x = x + self.attention(self.norm_attention(x), cache)
        return x + self.mlp(self.norm_mlp(x))


class CausalTransformer(nn.Module):
    """Tokens (B, L, token_width) -> {head: logits (B, L, n_classes)}."""

    def __init__(self, cfg: TransformerConfig):
        super().__init__()
        self.cfg = cfg
        self.embed = nn.Linear(cfg.token_width, cfg.d_model)
        self.position = nn.Embedding(cfg.max_len, cfg.d_model)
        self.blocks = nn.ModuleList(Block(cfg) for _ in range(cfg.n_layers))
        self.norm = nn.LayerNorm(cfg.d_model)
        self.heads = nn.ModuleDict({name: nn.Linear(cfg.d_model, n) for name, n in cfg.heads.items()})

    def forward(self, tokens: torch.Tensor, cache: list[list[torch.Tensor]] | None = None) -> dict[str, torch.Tensor]:
        """``cache`` (decoding): one list per block, from ``empty_cache``; ``tokens``
        then continue the cached positions, and the cache grows by them."""
        past = cache[0][0].shape[2] if cache and cache[0] else 0
        length = past + tokens.shape[1]
        if length > self.cfg.max_len:
            raise ValueError(f"sequence of {length} steps exceeds max_len {self.cfg.max_len}")
        positions = torch.arange(past, length, device=tokens.device)
        x = self.embed(tokens) + self.position(positions)
        for index, block in enumerate(self.blocks):
            x = block(x, None if cache is None else cache[index])
        x = self.norm(x)
        return {name: head(x) for name, head in self.heads.items()}


def empty_cache(model: CausalTransformer) -> list[list[torch.Tensor]]:
    """A key/value cache for ``model.forward(tokens, cache)``: nothing cached yet."""
    return [[] for _ in model.blocks]


def build_model(cfg: TransformerConfig, init_seed: int) -> CausalTransformer:
    """A freshly initialized model whose weights depend only on ``init_seed`` (the
    global torch RNG is left as it was)."""
    with torch.random.fork_rng():
        torch.manual_seed(init_seed)
        return CausalTransformer(cfg)


def save_checkpoint(path: str | Path, model: CausalTransformer, metadata: dict | None = None):
    """Weights as safetensors; the model config (and any metadata) in its header."""
    meta = {"model_config": asdict(model.cfg), **(metadata or {})}
    save_tensors(path, {k: v.detach().cpu() for k, v in model.state_dict().items()}, meta)


def load_checkpoint(path: str | Path, device: str | torch.device = "cpu") -> CausalTransformer:
    """Rebuild a model from a checkpoint; a corrupt or foreign file gives a one-line error."""
    meta = load_metadata(path)
    if "model_config" not in meta:
        raise DataFileError(f"{path}: no model_config in its metadata; not a pacs checkpoint")
    model = CausalTransformer(TransformerConfig(**meta["model_config"]))
    try:
        model.load_state_dict(load_tensors(path))
    except RuntimeError as error:
        raise DataFileError(f"{path}: weights do not match its model_config ({str(error).splitlines()[0]})") from None
    return model.to(device)
