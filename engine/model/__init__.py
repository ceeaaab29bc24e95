"""The text-to-motion model: motion features, the transformer denoiser, diffusion sampling,
LoRA adapters and checkpoints. Importing this package is cheap (no text encoder is loaded)."""
from .checkpoint import CheckpointError, ModelMeta, load_model, save_model
from .config import ModelConfig, load_model_config
from .sampler import Cancelled, Conditioning, Generated, regenerate, sample
from .transformer import MotionTransformer

__all__ = ["CheckpointError", "ModelMeta", "load_model", "save_model", "ModelConfig",
           "load_model_config", "Cancelled", "Conditioning", "Generated", "regenerate", "sample",
           "MotionTransformer"]
