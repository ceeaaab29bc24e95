"""Self-describing model checkpoints: what they hold, and loading them for inference.

A checkpoint is a ``torch.save``d dict of plain data (loadable with ``weights_only=True``):
  format, version, kind ("model" | "lora"), model_config (dict), encoder {name, dim},
  actions (list), joints (list), feature_mean / feature_std / motion_scale (lists), step,
  model (the state dict; for "lora" only the adapter tensors, with base {path, fingerprint} and
  lora {rank, alpha, targets}), and in checkpoints written during training a "training" dict
  (optimiser, schedule, RNG and data state; see training.checkpointing).
``load_model`` checks all of it and says exactly what does not match.
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

import torch

from engine.actions import ACTIONS
from engine.atomic import atomic_path
from engine.skeleton import JOINT_NAMES

from .config import ModelConfig
from .lora import apply_lora, load_lora_state_dict
from .transformer import MotionTransformer

FORMAT = "stickgen.checkpoint"
VERSION = 1


class CheckpointError(ValueError):
    """A file that is not a usable Stick-Gen checkpoint, or one that does not fit."""


@dataclass
class ModelMeta:
    config: ModelConfig
    encoder: str
    encoder_dim: int
    step: int = 0
    kind: str = "model"
    path: str = ""
    extra: dict = field(default_factory=dict)


def weights_fingerprint(state: dict[str, torch.Tensor]) -> str:
    """Short hash of a state dict's tensors (to tie adapters to their base weights)."""
    h = hashlib.sha256()
    for k in sorted(state):
        h.update(k.encode())
        h.update(state[k].detach().float().contiguous().numpy().tobytes())
    return h.hexdigest()[:16]


def describe(model: MotionTransformer, encoder_name: str, encoder_dim: int,
             step: int = 0, kind: str = "model") -> dict:
    """The self-describing header every checkpoint starts with."""
    return {
        "format": FORMAT, "version": VERSION, "kind": kind,
        "model_config": model.cfg.to_dict(),
        "encoder": {"name": encoder_name, "dim": int(encoder_dim)},
        "actions": list(ACTIONS), "joints": list(JOINT_NAMES),
        "feature_mean": model.feature_mean.tolist(), "feature_std": model.feature_std.tolist(),
        "motion_scale": model.motion_scale.tolist(), "step": int(step),
    }


def save_checkpoint(path: str | os.PathLike, payload: dict) -> None:
    """Write ``payload`` atomically (temp file beside the target, then rename)."""
    with atomic_path(path, suffix=".pt") as tmp:
        with open(tmp, "wb") as fh:
            torch.save(payload, fh)
            fh.flush()
            os.fsync(fh.fileno())


def save_model(path: str | os.PathLike, model: MotionTransformer, encoder_name: str,
               encoder_dim: int, step: int = 0, extra: dict | None = None) -> None:
    """An inference checkpoint: the header and the full weights."""
    payload = describe(model, encoder_name, encoder_dim, step, "model")
    payload["model"] = {k: v.detach().clone() for k, v in model.state_dict().items()}
    payload["extra"] = dict(extra or {})
    save_checkpoint(path, payload)


def read_checkpoint(path: str | os.PathLike) -> dict:
    """Load and validate a checkpoint's header; raises CheckpointError with the reason."""
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"{path}: no such checkpoint file")
    try:
        ck = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:
        raise CheckpointError(f"{path}: not a Stick-Gen checkpoint (unreadable: "
                              f"{str(exc).splitlines()[0][:200]})") from None
    if not isinstance(ck, dict) or ck.get("format") != FORMAT:
        raise CheckpointError(f"{path}: not a Stick-Gen checkpoint")
    if int(ck.get("version", 0)) > VERSION:
        raise CheckpointError(f"{path}: checkpoint format version {ck['version']} is newer "
                              f"than this build supports ({VERSION}); update Stick-Gen")
    actions = list(ck.get("actions", []))
    if actions != list(ACTIONS):
        gone = [a for a in actions if a not in ACTIONS]
        new = [a for a in ACTIONS if a not in actions]
        detail = (f"checkpoint has {len(actions)} actions, this build {len(ACTIONS)}; "
                  f"only in checkpoint: {gone[:8]}, only here: {new[:8]}"
                  if gone or new else "same actions in a different order")
        raise CheckpointError(f"{path}: action vocabulary differs: {detail}")
    if list(ck.get("joints", [])) != list(JOINT_NAMES):
        raise CheckpointError(f"{path}: skeleton differs: checkpoint joints {ck.get('joints')}")
    return ck


def check_encoder(meta: ModelMeta, name: str, dim: int) -> None:
    """Raise CheckpointError unless text encoder ``name`` (``dim``-d) is the trained one."""
    if name != meta.encoder or int(dim) != meta.encoder_dim:
        raise CheckpointError(
            f"model was trained with text encoder {meta.encoder} ({meta.encoder_dim}-d) "
            f"but {name} is {dim}-d; use the same encoder or retrain")


def build_model(ck: dict) -> MotionTransformer:
    """A model with the checkpoint's config and normalisation (weights not yet loaded)."""
    cfg = ModelConfig.from_dict(dict(ck["model_config"]))
    if cfg.text_dim != int(ck["encoder"]["dim"]):
        raise CheckpointError(f"model text width {cfg.text_dim} does not match encoder "
                              f"dimension {ck['encoder']['dim']}")
    model = MotionTransformer(cfg)
    with torch.no_grad():
        model.feature_mean.copy_(torch.tensor(ck["feature_mean"]))
        model.feature_std.copy_(torch.tensor(ck["feature_std"]))
        model.motion_scale.copy_(torch.tensor(ck["motion_scale"]))
    return model


def load_model(path: str | os.PathLike, base: str | os.PathLike | None = None,
               encoder: tuple[str, int] | None = None,
               device: str | torch.device = "cpu") -> tuple[MotionTransformer, ModelMeta]:
    """Load any Stick-Gen checkpoint (model, training or LoRA adapters) for inference.

    base: the base checkpoint of a LoRA adapter file (defaults to the path it recorded).
    encoder: (name, dim) of the text encoder that will feed the model; checked if given.
    Returns the model in eval mode and its metadata.
    """
    ck = read_checkpoint(path)
    kind = ck.get("kind", "model")
    meta = ModelMeta(ModelConfig.from_dict(dict(ck["model_config"])), str(ck["encoder"]["name"]),
                     int(ck["encoder"]["dim"]), int(ck.get("step", 0)), kind, str(path),
                     dict(ck.get("extra", {})))
    if encoder is not None:
        check_encoder(meta, *encoder)
    if kind == "lora":
        base_path = Path(base or ck["base"]["path"])
        model, _ = load_model(base_path, device=device)
        fp = weights_fingerprint(model.state_dict())
        if fp != ck["base"]["fingerprint"]:
            raise CheckpointError(f"{path}: adapters were trained on different base weights "
                                  f"than {base_path}")
        lora = ck["lora"]
        apply_lora(model, int(lora["rank"]), float(lora["alpha"]), tuple(lora["targets"]))
        load_lora_state_dict(model, ck["model"])
        return model.to(device).eval(), meta
    model = build_model(ck)
    try:
        model.load_state_dict(ck["model"])
    except (RuntimeError, KeyError) as exc:
        raise CheckpointError(f"{path}: weights do not match the stored model config: "
                              f"{str(exc).splitlines()[0][:200]}") from None
    return model.to(device).eval(), meta
