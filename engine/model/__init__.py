"""The text-to-motion model: motion features, the transformer denoiser, diffusion sampling,
LoRA adapters and checkpoints. Importing this package is cheap: the names below load their
module (and torch, which takes a second or more) on first use, so code that needs only
``engine.model.features`` or ``engine.model.config``, such as the app's window, does not wait
for torch."""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

_EXPORTS = {"CheckpointError": "checkpoint", "ModelMeta": "checkpoint",
            "load_model": "checkpoint", "save_model": "checkpoint", "ModelConfig": "config",
            "load_model_config": "config", "Cancelled": "sampler", "Conditioning": "sampler",
            "Generated": "sampler", "regenerate": "sampler", "sample": "sampler",
            "MotionTransformer": "transformer"}
__all__ = list(_EXPORTS)

if TYPE_CHECKING:
    from .checkpoint import CheckpointError, ModelMeta, load_model, save_model  # noqa: F401
    from .config import ModelConfig, load_model_config  # noqa: F401
    from .sampler import Cancelled, Conditioning, Generated, regenerate, sample  # noqa: F401
    from .transformer import MotionTransformer  # noqa: F401


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value
