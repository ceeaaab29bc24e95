"""How the real mocap clips enter a dataset: which split a recording goes to, how many training
windows each clip gives, and what its windows are called.

Real clips are few (62 shipped, about 8 minutes) next to tens of thousands of procedural
samples, so a fixed number of windows per clip leaves them at about 1.5 % of the training
frames, too little to pull the model toward real motion. ``windows_per_clip`` instead aims at
a share of the training frames (``mocap_weight``), spread over the training clips in
proportion to their length, so a long take gives more (and more different) windows than a
three-second one.
"""
from __future__ import annotations

import re
import zlib

import numpy as np

from .captions import compose, segment_text

# Boilerplate in the catalogue's descriptions that says where a clip came from, not what the
# figure does.
_SOURCE_WORDS = re.compile(r"^(amp reference motion|deepmimic reference clip):\s*|"
                           r"\s*\((retargeted )?cmu mocap\)|\s*\(retargeted[^)]*\)", re.I)

_SIDE_WORDS = re.compile(r"\b(left|right)\b", re.I)


def real_split(key: str) -> str:
    """The split of a recording (its CMU trial id, or the clip id where there is none): a fixed
    hash, so one trial on two skeletons lands on one side of the split."""
    u = (zlib.crc32(f"real:{key}".encode()) % 1000) / 1000.0
    return "test" if u < 0.12 else "val" if u < 0.2 else "train"


def windows_per_clip(clips, target_frames: float, window_s: float) -> dict[str, int]:
    """Training windows per training clip so that their frames add up to about
    ``target_frames``, each clip's share in proportion to its length (at least one window).

    clips: iterable of (clip_id, trial, Motion, caption) as the builder gets them."""
    sizes = {}
    for clip_id, trial, motion, _ in clips:
        if real_split(trial or clip_id) == "train":
            sizes[clip_id] = (motion.num_frames, min(motion.num_frames, int(window_s * motion.fps)))
    total = sum(n for n, _ in sizes.values())
    if not total:
        return {}
    return {cid: max(1, int(round(target_frames * n / total / max(win, 1))))
            for cid, (n, win) in sizes.items()}


def real_target_frames(procedural_train_frames: int, weight: float) -> float:
    """Real training frames that make up ``weight`` (0..1) of all training frames."""
    if not 0.0 <= weight < 1.0:
        raise ValueError(f"mocap weight must be in [0, 1), got {weight}")
    return procedural_train_frames * weight / (1.0 - weight)


def window_texts(description: str, action: str, rng: np.random.Generator,
                 split: str) -> tuple[str, str]:
    """(caption, segment text) for a window of a real clip labelled ``action``.

    The segment text is one of the action's own training phrasings, like a procedural
    segment's; the caption is the recording's description without its source boilerplate,
    or a sentence built from the phrasing when the description is only a word or two."""
    # which hand or leg a recording uses is not known: a phrasing that names one would teach
    # the model a side the motion may not show
    for _ in range(8):
        text = segment_text(action, rng, split)
        if not _SIDE_WORDS.search(text):
            break
    else:
        text = _SIDE_WORDS.sub("", text).replace("  ", " ").strip()
    clean = _SOURCE_WORDS.sub("", description).strip().strip(".")
    if len(clean.split()) <= 2:
        return compose([text], rng), text
    return clean.lower(), text
