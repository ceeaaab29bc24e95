"""Model settings: one dataclass, the shipped variants (tiny, small, medium, large) as YAML."""
from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, fields
from pathlib import Path

from engine.actions import ACTIONS
from engine.skeleton import NUM_JOINTS

from .features import feature_dim

VARIANTS = ("tiny", "small", "medium", "large")

# Allowed range of each numeric setting: generous for experiments, far below what would
# exhaust memory (the large variant is 512 wide and 10 deep).
LIMITS: dict[str, tuple[float, float]] = {
    "width": (8, 4096), "layers": (1, 64), "heads": (1, 64), "mlp_ratio": (0.25, 16.0),
    "frames_per_token": (1, 16), "max_frames": (2, 8192), "num_joints": (1, 256),
    "num_actions": (1, 4096), "text_dim": (1, 8192), "rope_base": (1.0, 1e9),
    "diffusion_steps": (1, 100_000), "norm_eps": (1e-12, 1.0)}
_FLOAT_FIELDS = ("mlp_ratio", "rope_base", "norm_eps")
MAX_PARAMETERS = 1e9   # about 4 GB of float32 weights


def configs_dir() -> Path:
    """The folder holding the shipped ``model_*.yaml`` and training preset files."""
    from resources import ROOT

    return ROOT / "configs"


@dataclass
class ModelConfig:
    """Everything needed to rebuild a motion transformer; stored in every checkpoint."""

    name: str = "small"
    """Variant name, for people: tiny, small, medium, large or a custom label."""
    width: int = 256
    """Token width (model dimension)."""
    layers: int = 6
    """Number of transformer blocks."""
    heads: int = 8
    """Attention heads per block; ``width`` must divide evenly."""
    mlp_ratio: float = 8 / 3
    """SwiGLU hidden width as a multiple of ``width`` (rounded up to a multiple of 16)."""
    frames_per_token: int = 2
    """Consecutive frames merged into one token (patchify); halves the sequence at 2."""
    max_frames: int = 128
    """Frames per training crop: the window the sampler uses for longer clips."""
    num_joints: int = NUM_JOINTS
    """Skeleton joints (the canonical skeleton has 16)."""
    num_actions: int = len(ACTIONS)
    """Size of the action vocabulary the action embedding and action head cover."""
    text_dim: int = 384
    """Sentence-embedding width of the text encoder the model is trained with."""
    rope_base: float = 10000.0
    """Base of the rotary position frequencies."""
    diffusion_steps: int = 1000
    """Noise levels of the training schedule (cosine)."""
    norm_eps: float = 1e-5
    """RMSNorm epsilon."""

    def __post_init__(self) -> None:
        # Checked before anything is allocated: a damaged or hostile checkpoint may say
        # layers=10**9, and building that model would eat all memory before failing.
        for name, (lo, hi) in LIMITS.items():
            value = getattr(self, name)
            is_int = name not in _FLOAT_FIELDS
            if isinstance(value, bool) or not isinstance(value, (int, float)) or (
                    is_int and not isinstance(value, int)) or not math.isfinite(value):
                raise ValueError(f"model setting {name} must be "
                                 f"{'a whole number' if is_int else 'a number'}, got {value!r}")
            if not lo <= value <= hi:
                raise ValueError(f"model setting {name} = {value!r} is out of range [{lo}, {hi}]")
        if 12 * self.width ** 2 * self.layers > MAX_PARAMETERS:
            raise ValueError(f"model of width {self.width} and {self.layers} layers would hold "
                             f"over {MAX_PARAMETERS:.0e} parameters; refused")
        if not isinstance(self.name, str):
            raise ValueError(f"model setting name must be text, got {self.name!r}")
        if self.width % self.heads or (self.width // self.heads) % 2:
            raise ValueError(f"width {self.width} must split into {self.heads} heads of even size")
        if self.frames_per_token < 1 or self.max_frames % self.frames_per_token:
            raise ValueError(f"max_frames {self.max_frames} must be a multiple of "
                             f"frames_per_token {self.frames_per_token}")

    @property
    def feature_dim(self) -> int:
        return feature_dim(self.num_joints)

    @property
    def mlp_hidden(self) -> int:
        return int(-(-int(self.width * self.mlp_ratio) // 16) * 16)

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    @staticmethod
    def from_dict(d: dict) -> "ModelConfig":
        if not isinstance(d, dict):
            raise ValueError(f"model settings must be a mapping, got {type(d).__name__}")
        known = {f.name for f in fields(ModelConfig)}
        unknown = sorted(set(d) - known)
        if unknown:
            raise ValueError(f"unknown model settings: {', '.join(unknown)}")
        return ModelConfig(**d)


def load_model_config(variant_or_path: str | Path, **overrides) -> ModelConfig:
    """A variant name (``small``) or a YAML file path -> ModelConfig, with overrides applied."""
    import yaml

    p = Path(variant_or_path)
    if not p.suffix:
        p = configs_dir() / f"model_{variant_or_path}.yaml"
        if not p.exists():
            raise ValueError(f"unknown model variant {variant_or_path!r}; "
                             f"known: {', '.join(VARIANTS)}")
    with open(p, encoding="utf-8") as fh:
        data = yaml.safe_load(fh) or {}
    data.update(overrides)
    return ModelConfig.from_dict(data)
