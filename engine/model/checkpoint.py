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
import math
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
    """Write ``payload`` atomically (temp file beside the target, then rename). Weights holding
    NaN or infinity (a diverged model) are refused: ``read_checkpoint`` would refuse them."""
    for name, tensor in (payload.get("model") or {}).items():
        if isinstance(tensor, torch.Tensor) and tensor.is_floating_point() \
                and not bool(torch.isfinite(tensor).all()):
            raise CheckpointError(f"{path}: not written: weight {name} holds NaN or infinity "
                                  "(the model diverged)")
    with atomic_path(path, suffix=".pt") as tmp:
        with open(tmp, "wb") as fh:
            try:
                torch.save(payload, fh)
            except RuntimeError as exc:
                # A full disk surfaces from torch's zip writer as a RuntimeError about file
                # positions; the OSError underneath says what happened ("No space left").
                if isinstance(exc.__context__, OSError):
                    raise exc.__context__ from None
                raise
            fh.flush()
            os.fsync(fh.fileno())


def save_model(path: str | os.PathLike, model: MotionTransformer, encoder_name: str,
               encoder_dim: int, step: int = 0, extra: dict | None = None) -> None:
    """An inference checkpoint: the header and the full weights."""
    payload = describe(model, encoder_name, encoder_dim, step, "model")
    payload["model"] = {k: v.detach().clone() for k, v in model.state_dict().items()}
    payload["extra"] = dict(extra or {})
    save_checkpoint(path, payload)


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return (lines[0][:200] if lines else "") or type(exc).__name__


def _load_failure(exc: BaseException) -> str:
    """torch.load's refusal in a few words (its own messages run to paragraphs)."""
    text = str(exc)
    if "WeightsUnpickler" in text or "Weights only load failed" in text:
        return "it is damaged, or holds code or objects other than plain data, which are never run"
    if "zip archive" in text or "central directory" in text:
        return "the file is damaged or truncated"
    return f"unreadable: {_first_line(exc)}"


def read_checkpoint(path: str | os.PathLike) -> dict:
    """Load and validate a checkpoint's header and weights; raises CheckpointError with the
    reason. Nothing is built from the file before its settings have passed the range checks."""
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"{path}: no such checkpoint file")
    if path.stat().st_size == 0:
        raise CheckpointError(f"{path}: not a Stick-Gen checkpoint (the file is empty)")
    try:
        ck = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:
        raise CheckpointError(f"{path}: not a Stick-Gen checkpoint ({_load_failure(exc)})") \
            from None
    if not isinstance(ck, dict) or ck.get("format") != FORMAT:
        raise CheckpointError(f"{path}: not a Stick-Gen checkpoint")
    version = ck.get("version", 0)
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise CheckpointError(f"{path}: field 'version' must be a positive whole number, "
                              f"got {version!r}")
    if version > VERSION:
        raise CheckpointError(f"{path}: checkpoint format version {ck['version']} is newer "
                              f"than this build supports ({VERSION}); update Stick-Gen")
    actions = ck.get("actions", [])
    actions = list(actions) if isinstance(actions, (list, tuple)) else [actions]
    if actions != list(ACTIONS):
        gone = [a for a in actions if a not in ACTIONS]
        new = [a for a in ACTIONS if a not in actions]
        detail = (f"checkpoint has {len(actions)} actions, this build {len(ACTIONS)}; "
                  f"only in checkpoint: {gone[:8]}, only here: {new[:8]}"
                  if gone or new else "same actions in a different order")
        raise CheckpointError(f"{path}: action vocabulary differs: {detail}")
    joints = ck.get("joints")
    if not isinstance(joints, (list, tuple)) or list(joints) != list(JOINT_NAMES):
        raise CheckpointError(f"{path}: skeleton differs: checkpoint joints "
                              f"{str(joints)[:200]}")
    _check_header(ck, path)
    return ck


def _check_header(ck: dict, path: Path) -> None:
    """Types, ranges and finite numbers of everything ``load_model`` reads."""
    def bad(field: str, what: str) -> CheckpointError:
        return CheckpointError(f"{path}: field '{field}' {what}")

    if ck.get("kind", "model") not in ("model", "lora"):
        raise bad("kind", f"must be 'model' or 'lora', got {str(ck.get('kind'))[:40]!r}")
    step = ck.get("step", 0)
    if isinstance(step, bool) or not isinstance(step, int) or not 0 <= step < 2 ** 62:
        raise bad("step", f"must be a whole number >= 0, got {str(step)[:40]}")
    enc = ck.get("encoder")
    if not isinstance(enc, dict) or "name" not in enc or "dim" not in enc:
        raise bad("encoder", "is missing or lacks the text encoder's name and dim")
    dim = enc["dim"]
    if not isinstance(enc["name"], str) or isinstance(dim, bool) or not isinstance(dim, int) \
            or not 1 <= dim <= 8192:
        raise bad("encoder", f"must name a text encoder and its width in [1, 8192], got "
                             f"{str(enc)[:80]}")
    raw_cfg = ck.get("model_config")
    try:
        cfg = ModelConfig.from_dict(dict(raw_cfg) if isinstance(raw_cfg, dict) else raw_cfg)
    except (TypeError, ValueError) as exc:
        raise bad("model_config", f"is invalid: {_first_line(exc)}") from None
    sizes = {"feature_mean": cfg.feature_dim, "feature_std": cfg.feature_dim, "motion_scale": 2}
    for field, size in sizes.items():
        values = ck.get(field)
        if not isinstance(values, (list, tuple)) or len(values) != size or not all(
                isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
                for v in values):
            raise bad(field, f"must be {size} finite numbers")
    weights = ck.get("model")
    if not isinstance(weights, dict) or not weights or not all(
            isinstance(k, str) and isinstance(v, torch.Tensor) for k, v in weights.items()):
        raise bad("model", "must hold the weights as named tensors")
    for name, tensor in weights.items():
        if tensor.is_floating_point() and not bool(torch.isfinite(tensor).all()):
            raise bad("model", f"weight {name} holds NaN or infinity (a diverged or damaged "
                               "model)")


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
                     ck["extra"] if isinstance(ck.get("extra"), dict) else {})
    if encoder is not None:
        check_encoder(meta, *encoder)
    if kind == "lora":
        base_info, lora = ck.get("base"), ck.get("lora")
        if not (isinstance(base_info, dict) and isinstance(base_info.get("path"), str)
                and isinstance(lora, dict) and {"rank", "alpha", "targets"} <= set(lora)):
            raise CheckpointError(f"{path}: LoRA adapters lack their 'base' or 'lora' settings")
        base_path = Path(base or base_info["path"])
        model, _ = load_model(base_path, device=device)
        fp = weights_fingerprint(model.state_dict())
        if fp != base_info.get("fingerprint"):
            raise CheckpointError(f"{path}: adapters were trained on different base weights "
                                  f"than {base_path}")
        apply_lora(model, int(lora["rank"]), float(lora["alpha"]), tuple(lora["targets"]))
        load_lora_state_dict(model, ck["model"])
        return model.to(device).eval(), meta
    model = build_model(ck)
    problem = _state_mismatch(model.state_dict(), ck["model"])
    if problem:
        raise CheckpointError(f"{path}: weights do not match the stored model config: "
                              f"{problem}")
    model.load_state_dict(ck["model"])
    return model.to(device).eval(), meta


def _state_mismatch(expected: dict[str, torch.Tensor], found: dict[str, torch.Tensor]) -> str:
    """One sentence on how ``found`` differs from ``expected`` (missing, extra or reshaped
    tensors), or "" when it fits; torch's own message spans many lines."""
    missing = sorted(set(expected) - set(found))
    extra = sorted(set(found) - set(expected))
    shapes = [f"{k} is {tuple(found[k].shape)}, expected {tuple(v.shape)}"
              for k, v in expected.items() if k in found and found[k].shape != v.shape]
    parts = []
    if missing:
        parts.append(f"{len(missing)} missing ({', '.join(missing[:3])})")
    if extra:
        parts.append(f"{len(extra)} unexpected ({', '.join(extra[:3])})")
    if shapes:
        parts.append(f"{len(shapes)} of another shape ({'; '.join(shapes[:2])})")
    return "; ".join(parts)
