"""Limits and defaults that every front end shares (the command line, the app, the planner and
the generator), so that none of them states its own: the longest clip, the sampler's steps and
guidance, how far a pose key reaches, and how a shipped checkpoint is named.
"""
from __future__ import annotations

from pathlib import Path

MAX_CLIP_SECONDS = 120.0   # the longest motion one prompt makes
DEFAULT_STEPS = 8          # denoising steps per generation
# Classifier-free guidance: how far a denoising step is pushed from the unconditioned prediction
# toward the text- and action-conditioned one; 1.0 turns it off. Without it, motions follow their
# action less (a turn came out ~15 degrees where the data turns ~80).
DEFAULT_GUIDANCE = 3.0
# Pose keys: how long the motion takes to ease into a key and out of it again (seconds each
# way), when the user has not said; and the most it may be.
DEFAULT_KEY_BLEND_S = 0.4
MAX_KEY_BLEND_S = 5.0

CHECKPOINT_PREFIX, CHECKPOINT_SUFFIX = "stickgen-", ".pt"
CHECKPOINT_GLOB = f"{CHECKPOINT_PREFIX}*{CHECKPOINT_SUFFIX}"


def checkpoint_name(variant: str) -> str:
    """The file name of the shipped checkpoint of ``variant`` ("small" -> stickgen-small.pt)."""
    return f"{CHECKPOINT_PREFIX}{variant}{CHECKPOINT_SUFFIX}"


def variant_of(path: str | Path) -> str | None:
    """The variant a checkpoint file is named after, or None when it is not named that way."""
    p = Path(path)
    if p.suffix == CHECKPOINT_SUFFIX and p.stem.startswith(CHECKPOINT_PREFIX):
        return p.stem.removeprefix(CHECKPOINT_PREFIX)
    return None
