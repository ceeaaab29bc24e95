"""Open and save any motion file the project knows, and the shipped mocap catalogue.

- ``load_any(path)`` -> ``MotionFile``: .motion.json, .bvh / .bvh.gz (any rig ``engine.rigs``
  knows), DeepMimic .txt clips and joint-position .npz archives; mocap is retargeted onto the
  canonical skeleton (``engine.retarget``).
- ``save_any(path, doc)``: .motion.json, or .bvh / .bvh.gz for the first (only) actor.
- ``load_mocap_catalogue(root)``: every clip listed in ``root/INDEX.tsv`` as a canonical
  ``Motion`` (25 fps by default) with its caption, licence and one action label.
"""
from __future__ import annotations

import csv
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from ..actions import ACTIONS
from ..motion import Motion
from ..progress import report
from ..retarget import retarget
from ..rigs import fps_override
from .bvh import read_bvh, write_bvh
from .errors import FormatError
from .mocap_clips import looks_like_deepmimic, read_deepmimic, read_positions_npz
from .motion_json import Actor, MotionFile, read_motion_json, write_motion_json

MOCAP_SUFFIXES = (".bvh", ".bvh.gz", ".txt", ".npz", ".npy")


def _kind(path: str | os.PathLike) -> str:
    name = Path(path).name.lower()
    for kind, ends in (("json", (".motion.json", ".json")), ("bvh", (".bvh", ".bvh.gz")),
                       ("npz", (".npz", ".npy")), ("deepmimic", (".txt",))):
        if name.endswith(ends):
            return kind
    raise FormatError(path, "unknown file type; expected .motion.json, .bvh, .bvh.gz, "
                            "a DeepMimic .txt clip or a *_positions.npz")


def _stem(path: str | os.PathLike) -> str:
    name = Path(path).name
    return re.sub(r"(\.bvh)?(\.gz)?$|\.(txt|npz|npy)$", "", name)


def load_mocap(path: str | os.PathLike, *, fps: float | None = None, action: str = "idle",
               **retarget_options) -> Motion:
    """A mocap file as a canonical ``Motion`` at its own rate (or resampled to ``fps``).

    Known wrong header rates (``engine.rigs.FPS_OVERRIDES``) are corrected first. An .npy
    clip is read from the pickle-free ``<name>_positions.npz`` beside it.
    """
    kind = _kind(path)
    if kind == "bvh":
        bvh = read_bvh(path)
        names, positions, rate = bvh.names, bvh.positions, bvh.fps
        extra: dict = {}
    elif kind == "npz":
        p = Path(path)
        if p.suffix.lower() == ".npy":
            p = p.with_name(p.stem + "_positions.npz")
            if not p.exists():
                raise FormatError(path, "pickled .npy clips are not read; expected the "
                                        f"pickle-free {p.name} beside it")
        clip = read_positions_npz(p)
        names, positions, rate = clip.names, clip.positions, clip.fps
        extra = {"units": clip.units, "up_axis": clip.up_axis}
    elif kind == "deepmimic":
        if not looks_like_deepmimic(path):
            raise FormatError(path, "a .txt file is read as a DeepMimic clip, but this one has "
                                    "no 'Frames'")
        clip = read_deepmimic(path)
        names, positions, rate = clip.names, clip.positions, clip.fps
        extra = {}
    else:
        raise FormatError(path, "not a mocap file")
    rate = fps_override(_stem(path)) or rate
    try:
        return retarget(names, positions, rate, action=action, resample_fps=fps,
                        **{**extra, **retarget_options})
    except ValueError as exc:
        raise FormatError(path, str(exc)) from None


def load_any(path: str | os.PathLike) -> MotionFile:
    """Any supported motion file as a ``MotionFile`` (mocap keeps its own frame rate)."""
    if _kind(path) == "json":
        return read_motion_json(path)
    return MotionFile(actors=[Actor("A", load_mocap(path))], prompt=f"imported from "
                                                                    f"{Path(path).name}")


def save_any(path: str | os.PathLike, doc: MotionFile) -> None:
    """Save as .motion.json or .bvh / .bvh.gz (BVH holds one skeleton: one actor only)."""
    kind = _kind(path)
    if kind == "json":
        write_motion_json(path, doc)
    elif kind == "bvh":
        if len(doc.actors) != 1:
            raise ValueError(f"a BVH file holds one figure; this file has {len(doc.actors)} "
                             "actors: save it as .motion.json or export one actor")
        write_bvh(path, doc.motion)
    else:
        raise ValueError(f"cannot save {Path(path).name}: choose .motion.json or .bvh")


# ---------------------------------------------------------------------------------------------
# The mocap catalogue

# Tag (before any "(detail)") -> action. A clip gets the first of its tags found here, except
# that dance and basketball tags win, because they describe the whole clip.
TAG_ACTIONS: dict[str, str] = {
    "walk": "walk", "walk-backward": "walk_backward", "run": "run", "jog": "jog",
    "jump": "jump", "jump-down": "jump", "hop": "hop", "leap": "jump_forward",
    "sidestep": "sidestep", "turn": "turn_around", "turn-left": "turn_left",
    "turn-right": "turn_right", "spin": "spin", "cartwheel": "cartwheel",
    "backflip": "backflip", "acrobatics": "backflip", "roll": "roll", "crawl": "crawl",
    "climb": "climb", "sit": "sit_down", "lower-to-ground": "lie_down", "get-up": "get_up",
    "kick": "kick", "punch": "punch", "swordplay": "block", "throw": "throw",
    "bend-over": "pick_up", "pick-up": "pick_up", "raise-arm": "stretch", "balance": "idle",
    "gesture": "idle", "start": "idle", "stop": "idle",
}
_BALLET_WORDS = ("pirouette", "jete", "arabesque", "coupe", "dance -")


def action_for_tags(tags: str, description: str = "") -> str:
    """One action from engine.actions for a clip's ``;``-separated tags."""
    parts = [t.strip() for t in tags.split(";") if t.strip()]
    base = [re.sub(r"\(.*\)$", "", t) for t in parts]
    for tag, full in zip(base, parts):
        if tag == "dance":
            if "salsa" in full:
                return "dance_salsa"
            if any(w in description.lower() for w in _BALLET_WORDS):
                return "dance_ballet"
            return "dance_disco"
        if tag == "sport" and "basketball" in full:
            return "dribble"
    for tag in base:
        if tag in TAG_ACTIONS:
            return TAG_ACTIONS[tag]
    return "idle"


@dataclass
class MocapClip:
    """One catalogue entry; unpacks as ``clip_id, motion, caption, licence``."""
    clip_id: str            # the file's path under the root without its extension
    motion: Motion
    caption: str
    licence: str
    trial: str = ""         # CMU trial id ("02_01"): the same trial can appear in two sets
    tags: str = ""
    file: str = ""
    dropped_frames: int = 0
    source_fps: float = 0.0
    source_frames: int = 0  # frames imported at the source rate, after any drop
    extra: dict = field(default_factory=dict, repr=False)

    def __iter__(self) -> Iterator:
        return iter((self.clip_id, self.motion, self.caption, self.licence))


def default_mocap_root() -> Path:
    import resources
    return Path(resources.__file__).resolve().parent / "mocap"


def read_index(root: str | os.PathLike) -> list[dict[str, str]]:
    path = Path(root) / "INDEX.tsv"
    try:
        with open(path, encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh, delimiter="\t"))
    except OSError as exc:
        raise FormatError(path, f"cannot read the mocap index: {exc.strerror or exc}") from None
    if rows and not {"file", "description", "licence", "action_tags"} <= set(rows[0]):
        raise FormatError(path, "INDEX.tsv lacks the columns file, description, licence, "
                                "action_tags")
    return rows


def load_mocap_catalogue(root: str | os.PathLike | None = None, fps: float | None = 25.0, *,
                         include=None, progress=None, cancel=None,
                         **retarget_options) -> list[MocapClip]:
    """Every clip in ``root/INDEX.tsv`` (default: the shipped resources/mocap) as a MocapClip.

    fps: resample to this rate (None keeps each clip's own). include: optional predicate on
    the index row (a dict) choosing clips. ``progress`` and ``cancel`` follow engine.progress and
    are consulted between clips; a cancel ends the list early (the clips read so far).
    """
    root = Path(root) if root is not None else default_mocap_root()
    rows = [r for r in read_index(root) if include is None or include(r)]
    out: list[MocapClip] = []
    for n, row in enumerate(rows):
        if cancel is not None and cancel.cancelled:
            break
        action = action_for_tags(row.get("action_tags", ""), row.get("description", ""))
        assert action in ACTIONS, action
        info: dict = {}
        motion = load_mocap(root / row["file"], fps=fps, action=action, info=info,
                            **retarget_options)
        clip_id = re.sub(r"(\.bvh)?(\.gz)?$|(_positions)?\.(txt|npz|npy)$", "", row["file"])
        out.append(MocapClip(
            clip_id, motion, row.get("description", ""), row.get("licence", ""),
            row.get("subject_clip_id", ""), row.get("action_tags", ""), row["file"],
            info["dropped_frames"], info["source_fps"], info["source_frames"], info))
        report(progress, (n + 1) / len(rows), f"{n + 1} of {len(rows)} clips")
    return out
