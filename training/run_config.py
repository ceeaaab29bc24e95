"""Reading a training run config file for ``python -m training --config``: the file is found
(a preset name, even when a folder of that name sits in the working directory), decoded,
parsed and checked for types, ranges and finite numbers before ``TrainConfig`` sees it.

``read_run_config(name_or_path, overrides)`` raises ValueError with one line naming the file
and the field, or FileNotFoundError when there is no such file or preset.
"""
from __future__ import annotations

import dataclasses
import math
from pathlib import Path

from .config import DistilSettings, LoRASettings, TrainConfig, apply_overrides

# Ranges of the numeric settings: generous, but each stops a typo from running for a year or
# allocating without bound. Settings not listed need only be finite and of the right type.
RANGES: dict[str, tuple[float, float]] = {
    "crop_frames": (2, 100_000), "min_crop_frames": (1, 100_000), "batch_size": (1, 100_000),
    "steps": (0, 1_000_000_000), "lr": (0.0, 10.0), "weight_decay": (0.0, 10.0),
    "warmup_steps": (0, 1_000_000_000), "min_lr_ratio": (0.0, 1.0), "grad_clip": (0.0, 1e6),
    "inpaint_prob": (0.0, 1.0), "cond_drop": (0.0, 1.0), "path_prob": (0.0, 1.0),
    "start_prob": (0.0, 1.0), "eval_interval": (0, 1_000_000_000),
    "eval_batches": (0, 1_000_000), "ckpt_interval": (0, 1_000_000_000),
    "keep_checkpoints": (0, 100_000), "log_interval": (0, 1_000_000_000),
    "seed": (0, 2 ** 63 - 1), "threads": (0, 4096), "rank": (0, 4096), "alpha": (0.0, 1e6)}


def find_config(name_or_path: str | Path) -> Path:
    """The file a ``--config`` argument means: an existing file, else a shipped preset."""
    p = Path(name_or_path)
    if p.is_file():
        return p
    if not p.suffix and len(p.parts) == 1:   # a bare name, not a path to something else
        from engine.model.config import configs_dir

        for name in (f"train_{p.name}.yaml", f"{p.name}.yaml"):
            if (configs_dir() / name).is_file():
                return configs_dir() / name
    if p.is_dir():
        raise FileNotFoundError(f"{p} is a folder, not a training config (and no preset has "
                                "that name)")
    raise FileNotFoundError(f"no training config {name_or_path}")


def _load_yaml(path: Path) -> dict:
    import yaml

    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ValueError(f"{path}: cannot read the training config "
                         f"({exc.strerror or exc})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError(f"{path}: not a training config (not UTF-8 text)") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "malformed YAML"
        raise ValueError(f"{path}: not valid YAML{where} ({problem})") from None
    except RecursionError:
        raise ValueError(f"{path}: not a training config (nested too deeply)") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: a training config must be a mapping of settings, "
                         f"not a {type(data).__name__}")
    return data


def _check_numbers(d: dict, cls: type, where: str) -> None:
    """Type, finiteness and range of every number setting of ``cls`` present in ``d``."""
    for f in dataclasses.fields(cls):
        kind = f.type if isinstance(f.type, str) else getattr(f.type, "__name__", "")
        if f.name not in d or kind not in ("int", "float"):
            continue
        value = d[f.name]
        if isinstance(value, str):
            continue   # TrainConfig reads numbers written as text (YAML's 3e-4) itself
        if isinstance(value, bool) or not isinstance(value, (int, float)) or (
                kind == "int" and isinstance(value, float) and not value.is_integer()):
            what = "a whole number" if kind == "int" else "a number"
            raise ValueError(f"{where}{f.name} must be {what}, got {str(value)[:40]!r}")
        if not math.isfinite(value):
            raise ValueError(f"{where}{f.name} must be finite, got {value}")
        lo, hi = RANGES.get(f.name, (-math.inf, math.inf))
        if not lo <= value <= hi:
            raise ValueError(f"{where}{f.name} = {value:g} is out of range [{lo:g}, {hi:g}]")


def read_run_config(name_or_path: str | Path | None, overrides: list[str] = ()) -> TrainConfig:
    """A checked TrainConfig from a YAML file or preset name (None: the defaults)."""
    path = find_config(name_or_path) if name_or_path is not None else None
    label = f"{path}: " if path is not None else ""
    data = _load_yaml(path) if path is not None else {}
    try:
        data = apply_overrides(data, list(overrides))
    except (TypeError, AttributeError, ValueError) as exc:
        raise ValueError(f"{label}bad --set override: {exc}") from None
    _check_numbers(data, TrainConfig, label)
    for name, cls in (("lora", LoRASettings), ("distil", DistilSettings)):
        block = data.get(name)
        if block is not None and not isinstance(block, dict):
            raise ValueError(f"{label}{name} must be a mapping of settings")
        _check_numbers(block or {}, cls, f"{label}{name}.")
    try:
        return TrainConfig.from_dict(data)
    except (TypeError, ValueError, AttributeError, OverflowError) as exc:
        text = str(exc).splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ValueError(f"{label}{text}") from None
