"""Samples and the shard files the dataset builder writes and training reads.

A shard is one ``.npz`` holding many samples back to back:
  positions   (F, J, 3) float32  all samples' frames concatenated, metres, canonical skeleton
  action_ids  (F,) int16         per-frame action id (engine.actions.ACTIONS)
  offsets     (N + 1,) int64     sample i is frames offsets[i]:offsets[i+1]
  meta        ()  str            JSON list of N objects: caption, segments, source, fps
                                 (a segment is [start, stop, action, text] or, with a motion
                                 style, [start, stop, action, text, style])
A split folder (train/, val/, test/) holds shards named shard_00000.npz, ...
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from engine.actions import ACTIONS, action_id
from engine.atomic import atomic_path


@dataclass
class Segment:
    """One action inside a sample: frames [start, stop), its action and its own text, and the
    named motion style it is performed in (engine.motion_styles; None = neutral)."""
    start: int
    stop: int
    action: str
    text: str
    style: str | None = None


@dataclass
class Sample:
    positions: np.ndarray          # (T, J, 3) float32, metres
    action_ids: np.ndarray         # (T,) int16
    caption: str                   # the whole-sample caption
    segments: list[Segment] = field(default_factory=list)
    source: str = "procedural"     # "procedural" or "mocap:<clip id>"
    fps: float = 25.0

    @property
    def num_frames(self) -> int:
        return int(self.positions.shape[0])

    @staticmethod
    def from_labels(positions: np.ndarray, labels: list[str], caption: str,
                    segments: list[Segment], source: str = "procedural",
                    fps: float = 25.0) -> "Sample":
        ids = np.array([action_id(a) for a in labels], dtype=np.int16)
        return Sample(np.asarray(positions, np.float32), ids, caption, segments, source, fps)


def write_shard(path: str | os.PathLike, samples: list[Sample]) -> None:
    """Write ``samples`` to one shard atomically. Bytes are deterministic for equal input."""
    if not samples:
        raise ValueError("a shard needs at least one sample")
    offsets = np.zeros(len(samples) + 1, dtype=np.int64)
    offsets[1:] = np.cumsum([s.num_frames for s in samples])
    meta = [{"caption": s.caption, "source": s.source, "fps": s.fps,
             "segments": [[g.start, g.stop, g.action, g.text] + ([g.style] if g.style else [])
                          for g in s.segments]}
            for s in samples]
    arrays = {
        "positions": np.concatenate([s.positions for s in samples]).astype(np.float32),
        "action_ids": np.concatenate([s.action_ids for s in samples]).astype(np.int16),
        "offsets": offsets,
        "meta": np.array(json.dumps(meta, separators=(",", ":"))),
        "actions": np.array(json.dumps(list(ACTIONS))),
    }
    with atomic_path(path, suffix=".npz") as tmp:
        # np.savez (uncompressed) writes fixed zip timestamps, so equal input -> equal bytes.
        with open(tmp, "wb") as fh:
            np.savez(fh, **arrays)


def read_shard(path: str | os.PathLike) -> list[Sample]:
    """Read every sample of one shard. Raises ValueError if its action vocabulary differs."""
    with np.load(path, allow_pickle=False) as z:
        vocab = json.loads(str(z["actions"]))
        if tuple(vocab) != ACTIONS:
            raise ValueError(f"{path}: shard was built with a different action vocabulary; "
                             "rebuild the dataset")
        pos, ids, off = z["positions"], z["action_ids"], z["offsets"]
        meta = json.loads(str(z["meta"]))
    out = []
    for i, m in enumerate(meta):
        a, b = int(off[i]), int(off[i + 1])
        # shards from before styles have four fields per segment
        segs = [Segment(int(s[0]), int(s[1]), str(s[2]), str(s[3]),
                        str(s[4]) if len(s) > 4 and s[4] else None) for s in m["segments"]]
        out.append(Sample(pos[a:b], ids[a:b], m["caption"], segs, m["source"], float(m["fps"])))
    return out


def read_split(folder: str | os.PathLike) -> list[Sample]:
    """All samples of a split folder, shards in name order."""
    shards = sorted(Path(folder).glob("shard_*.npz"))
    if not shards:
        raise FileNotFoundError(f"no shard_*.npz files in {folder}")
    return [s for p in shards for s in read_shard(p)]
