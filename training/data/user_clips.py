"""A dataset from the user's own motion clips (BVH and the other mocap files ``engine.formats``
reads), each with a caption, optionally mixed with procedural samples.

Captions live beside the clips in ``captions.json``::

  {"format": "stickgen.captions", "version": 1,
   "clips": {"jump_01.bvh": {"caption": "a person does a star jump"},
             "bad_take.bvh": {"caption": "...", "skip": true}}}

Few clips is the usual case, so validation is not a whole held-out clip (one clip out of three
would starve training) but the last fifth of every clip, which training never sees. Training
windows of each clip's first part are drawn ``repeats`` times, every other one mirrored (with
left/right swapped in its caption). Every frame gets the action the planner reads in the caption,
so at generation time the same sentence conditions the model the same way.

  python -m training.data build-user --clips DIR [--captions FILE] --out DIR [--procedural N]
"""
from __future__ import annotations

import json
import os
import re
import zlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from engine.atomic import write_text_atomic
from engine.formats.errors import FormatError
from engine.formats.loader import MOCAP_SUFFIXES, load_mocap
from engine.motion import Motion
from engine.progress import check_cancel, report

from .build import REAL_WINDOW_S, SHARD_SIZE, mirror_sample, procedural_sample, segments_from_labels
from .shards import Sample, write_shard

CAPTIONS_NAME = "captions.json"
FPS = 25.0
MIN_FRAMES = 25           # one second: shorter clips hold no learnable motion
VAL_SHARE = 0.2           # the tail of each clip kept for validation
MIN_VAL_FRAMES = 25
# words in clip file names that name the recording, not the motion
_NOT_MOTION_WORDS = {"take", "clip", "mocap", "capture", "motion", "final", "new", "old", "copy",
                     "scaled", "broken", "test", "v", "bvh"}


@dataclass
class UserClip:
    """One clip of the user's folder: its file, caption, and (after loading) motion or error."""
    path: Path
    caption: str = ""
    skip: bool = False
    motion: Motion | None = None
    error: str = ""

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def ok(self) -> bool:
        return self.motion is not None and not self.error


def is_clip(path: Path) -> bool:
    name = path.name.lower()
    # DeepMimic clips are .txt, but so are notes: only a .txt that names Frames is a clip
    return path.is_file() and name.endswith(MOCAP_SUFFIXES) and not name.endswith(".npy") and \
        not name.startswith(".") and (not name.endswith(".txt") or _mentions_frames(path))


def _mentions_frames(path: Path) -> bool:
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            return '"Frames"' in fh.read(4096)
    except OSError:
        return False


def scan_folder(folder: str | os.PathLike) -> list[Path]:
    """The motion clips directly inside ``folder``, in name order."""
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"no folder {folder}")
    return sorted((p for p in folder.iterdir() if is_clip(p)), key=lambda p: p.name.lower())


def default_caption(path: str | os.PathLike) -> str:
    """A first guess from the file name ("jump_high_02.bvh" -> "a person jump high"), to be
    edited by the user; "" when the name has no words ("02_01.bvh")."""
    stem = re.sub(r"(\.bvh)?(\.gz)?$|\.(txt|npz)$", "", Path(path).name, flags=re.I)
    words = [w for w in re.split(r"[_\-\s.]+", stem.lower())
             if w.isalpha() and w not in _NOT_MOTION_WORDS]
    return "a person " + " ".join(words) if words else ""


def read_captions(path: str | os.PathLike) -> dict[str, dict]:
    """``{file name: {"caption": str, "skip": bool}}`` from a captions file (empty if none)."""
    path = Path(path)
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise FormatError(path, f"cannot read captions: {exc}") from None
    if not isinstance(data, dict) or data.get("format") != "stickgen.captions":
        raise FormatError(path, "not a Stick-Gen captions file (format stickgen.captions)")
    clips = data.get("clips") or {}
    out = {}
    for name, entry in clips.items():
        entry = {"caption": entry} if isinstance(entry, str) else dict(entry)
        out[str(name)] = {"caption": str(entry.get("caption", "")),
                          "skip": bool(entry.get("skip", False))}
    return out


def write_captions(path: str | os.PathLike, clips: list[UserClip]) -> None:
    data = {"format": "stickgen.captions", "version": 1,
            "clips": {c.name: ({"caption": c.caption, "skip": True} if c.skip
                               else {"caption": c.caption}) for c in clips}}
    write_text_atomic(path, json.dumps(data, indent=1, ensure_ascii=False) + "\n")


def load_clip(clip: UserClip) -> UserClip:
    """Import the clip's motion at 25 fps; a problem becomes ``clip.error`` (with file and line
    where the importer knows them), never an exception."""
    try:
        motion = load_mocap(clip.path, fps=FPS)
    except FormatError as exc:
        clip.motion, clip.error = None, str(exc.reason if exc.line is None
                                            else f"line {exc.line}: {exc.reason}")
        return clip
    except (OSError, ValueError, EOFError, IndexError, KeyError) as exc:
        clip.motion, clip.error = None, f"{type(exc).__name__}: {exc}"
        return clip
    if motion.num_frames < MIN_FRAMES:
        clip.motion, clip.error = None, (f"too short: {motion.num_frames} frames at 25 fps "
                                         f"(at least {MIN_FRAMES})")
        return clip
    clip.motion, clip.error = motion, ""
    return clip


def open_folder(folder: str | os.PathLike, captions: str | os.PathLike | None = None,
                load: bool = True, progress=None, cancel=None) -> list[UserClip]:
    """The folder's clips with their saved captions (or a guess), each loaded unless ``load``
    is False."""
    folder = Path(folder)
    saved = read_captions(captions or folder / CAPTIONS_NAME)
    paths = scan_folder(folder)
    clips = []
    for i, p in enumerate(paths):
        check_cancel(cancel)
        entry = saved.get(p.name, {})
        clip = UserClip(p, entry.get("caption") or default_caption(p), entry.get("skip", False))
        clips.append(load_clip(clip) if load else clip)
        report(progress, (i + 1) / max(1, len(paths)), f"read {p.name}")
    return clips


def action_of(caption: str) -> str:
    """The action the planner hears in ``caption`` ("idle" when it knows none)."""
    from engine.planner import match_action

    return match_action(caption) or "idle"


def clip_samples(clip: UserClip, seed: int, repeats: int) -> dict[str, list[Sample]]:
    """Training windows of the clip's head and one validation sample of its tail."""
    m = clip.motion
    action = action_of(clip.caption)
    n = m.num_frames
    n_val = max(MIN_VAL_FRAMES, int(round(n * VAL_SHARE)))
    cut = n - n_val if n - n_val >= MIN_FRAMES else n        # too short to split: train only
    rng = np.random.default_rng([seed, zlib.crc32(clip.name.encode())])
    win = int(REAL_WINDOW_S * FPS)
    out: dict[str, list[Sample]] = {"train": [], "val": []}

    def sample(a: int, b: int) -> Sample:
        labels = [action] * (b - a)
        return Sample.from_labels(m.positions[a:b], labels, clip.caption,
                                  segments_from_labels(labels, [clip.caption]),
                                  f"user:{clip.name}", FPS)

    for k in range(max(1, repeats)):
        start = int(rng.integers(0, max(1, cut - win + 1)))
        s = sample(start, min(cut, start + win))
        out["train"].append(mirror_sample(s) if k % 2 == 1 else s)
    if cut < n:
        out["val"].append(sample(cut, n))
    return out


def build_user_dataset(clips: list[UserClip], out: str | os.PathLike, *, procedural: int = 0,
                       seed: int = 0, repeats: int = 8, progress=None, cancel=None) -> dict:
    """Write train/val (and, with procedural samples, test) shards for the usable clips.

    Clips that are skipped or failed to load are left out and listed in the summary. Raises
    ValueError when nothing usable remains.
    """
    out = Path(out)
    if out.exists() and any(out.glob("*/shard_*.npz")):
        raise ValueError(f"{out} already holds a dataset; choose another folder")
    use = [c for c in clips if not c.skip and c.ok]
    empty = [c.name for c in use if not c.caption.strip()]
    if empty:
        raise ValueError(f"clips without a caption: {', '.join(empty)}")
    if not use and procedural <= 0:
        raise ValueError("no usable clips: every clip was removed or could not be read")
    splits: dict[str, list[Sample]] = {"train": [], "val": [], "test": []}
    for i, clip in enumerate(use):
        check_cancel(cancel)
        for split, samples in clip_samples(clip, seed, repeats).items():
            splits[split].extend(samples)
        report(progress, 0.3 * (i + 1) / max(1, len(use)), f"windows of {clip.name}")
    for i in range(procedural):
        if i % 10 == 0:
            check_cancel(cancel)
            report(progress, 0.3 + 0.6 * i / procedural, f"procedural sample {i}/{procedural}")
        split, s = procedural_sample(seed, i)
        splits[split].append(s)
    for split, samples in splits.items():
        for k in range(0, len(samples), SHARD_SIZE):
            write_shard(out / split / f"shard_{k // SHARD_SIZE:05d}.npz",
                        samples[k:k + SHARD_SIZE])
    actions = Counter(action_of(c.caption) for c in use)
    summary = {
        "format": "stickgen.dataset", "version": 1, "seed": seed, "kind": "user",
        "procedural_samples": procedural,
        "user_clips": [{"file": str(c.path), "caption": c.caption, "action": action_of(c.caption),
                        "frames": c.motion.num_frames} for c in use],
        "left_out": [{"file": str(c.path), "reason": "removed" if c.skip else c.error}
                     for c in clips if c not in use],
        "splits": {k: len(v) for k, v in splits.items()},
        "total_frames": int(sum(s.num_frames for v in splits.values() for s in v)),
        "actions": dict(sorted(actions.items())),
    }
    write_text_atomic(out / "manifest.json", json.dumps(summary, indent=1) + "\n")
    report(progress, 1.0, "dataset written")
    return summary
