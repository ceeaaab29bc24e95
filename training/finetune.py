"""Fine-tuning from an existing checkpoint: supervised (all weights) or LoRA adapters, and
merging adapters back into a plain model checkpoint.

Fine-tuning keeps the base checkpoint's model config and feature normalisation, so the tuned
model reads and writes motion exactly like its base.
"""
from __future__ import annotations

from pathlib import Path

from engine.model.checkpoint import (CheckpointError, build_model, load_model, read_checkpoint,
                                     save_model, weights_fingerprint)
from engine.model.lora import apply_lora, has_lora, merge_lora
from engine.model.transformer import MotionTransformer
from engine.text import canonical_encoder_name

from .config import LoRASettings


def load_base(path: str | Path, encoder: str, encoder_dim: int) -> tuple[MotionTransformer, str]:
    """The model of checkpoint ``path`` with its weights, checked against the run's text
    encoder. Returns the model and its weights' fingerprint."""
    ck = read_checkpoint(path)
    if ck.get("kind") == "lora":
        raise CheckpointError(f"{path}: holds LoRA adapters only; merge them first "
                              "(python -m training merge) to fine-tune from it")
    name, dim = str(ck["encoder"]["name"]), int(ck["encoder"]["dim"])
    if name != canonical_encoder_name(encoder) or dim != int(encoder_dim):
        raise CheckpointError(f"{path}: model was trained with text encoder {name} ({dim}-d) "
                              f"but this run uses {canonical_encoder_name(encoder)} "
                              f"({encoder_dim}-d)")
    model = build_model(ck)
    model.load_state_dict(ck["model"])
    return model, weights_fingerprint(model.state_dict())


def setup_lora(model: MotionTransformer, settings: LoRASettings) -> list[str]:
    """Freeze the model and add adapters; returns the adapted layer names."""
    return apply_lora(model, settings.rank, settings.alpha, tuple(settings.targets))


def lora_header(settings: LoRASettings, base_path: str | Path, fingerprint: str) -> dict:
    return {"lora": {"rank": int(settings.rank), "alpha": float(settings.alpha),
                     "targets": list(settings.targets)},
            "base": {"path": str(Path(base_path).resolve()), "fingerprint": fingerprint}}


def merge_adapters(adapters: str | Path, out: str | Path, base: str | Path | None = None) -> Path:
    """Fold a LoRA adapter checkpoint into its base and write a plain model checkpoint."""
    model, meta = load_model(adapters, base=base)
    if not has_lora(model):
        raise CheckpointError(f"{adapters}: has no LoRA adapters to merge")
    merge_lora(model)
    save_model(out, model, meta.encoder, meta.encoder_dim, meta.step,
               extra={"merged_from": str(adapters)})
    return Path(out)
