"""Reader and writer for the canonical ``.motion.json`` format (DESIGN.md §3).

{"format": "stickgen.motion", "version": 1, "fps": 25, "prompt": "...", "seed": 0,
 "joints": [...], "parents": [...],
 "actors": [{"name": "A", "positions": [T][J][3], "actions": [T], "expressions": [T],
             "speech": [T], "head_yaw": [T]}],
 "camera": [{"frame": 0, "move": "static", ...}]}
"""
from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..actions import EXPRESSIONS, SPEECH_STYLES
from ..atomic import write_text_atomic
from ..motion import MAX_HEAD_YAW, Motion
from .errors import FormatError, read_json
from .limits import (camera_problem, check_writable, fps_problem, joints_problem,
                     parents_problem, positions_problem)

FORMAT_TAG = "stickgen.motion"
VERSION = 1


@dataclass
class Actor:
    name: str
    motion: Motion


@dataclass
class MotionFile:
    """Everything a .motion.json holds: one or more actors sharing fps and skeleton."""
    actors: list[Actor]
    prompt: str = ""
    seed: int | None = None
    camera: list[dict[str, Any]] = field(default_factory=list)

    @property
    def fps(self) -> float:
        return self.actors[0].motion.fps

    @property
    def motion(self) -> Motion:
        """The first actor's motion, for the common one-actor case."""
        return self.actors[0].motion


def to_dict(doc: MotionFile) -> dict[str, Any]:
    if not doc.actors:
        raise ValueError("a motion file needs at least one actor")
    first = doc.actors[0].motion
    actors = []
    for actor in doc.actors:
        m = actor.motion
        check_writable(m, f"motion (actor {actor.name!r})")
        if m.joints != first.joints or abs(m.fps - first.fps) > 1e-9:
            raise ValueError(f"actor {actor.name!r} differs in joints or fps from the first actor")
        actors.append({
            "name": actor.name,
            "positions": np.round(m.positions.astype(np.float64), 5).tolist(),
            "actions": list(m.actions),
            "expressions": list(m.expressions),
            "speech": list(m.speech),
            "head_yaw": np.round(m.head_yaw.astype(np.float64), 5).tolist(),
        })
    return {"format": FORMAT_TAG, "version": VERSION, "fps": first.fps, "prompt": doc.prompt,
            "seed": doc.seed, "joints": list(first.joints), "parents": list(first.parents),
            "actors": actors, "camera": list(doc.camera)}


def write_motion_json(path: str | os.PathLike, doc: MotionFile) -> None:
    """Write ``doc`` atomically (temp file + rename)."""
    write_text_atomic(path, json.dumps(to_dict(doc), separators=(",", ":")))


def read_motion_json(path: str | os.PathLike) -> MotionFile:
    """Read and validate a .motion.json; raise FormatError saying what is wrong and where."""
    return from_dict(read_json(path, ".motion.json file"), path)


def _fail(path: object, msg: str) -> FormatError:
    return FormatError(path, msg)


def from_dict(data: Any, path: object = "<motion>") -> MotionFile:
    if not isinstance(data, dict):
        raise _fail(path, "top level must be a JSON object")
    if data.get("format") != FORMAT_TAG:
        raise _fail(path, f"format tag is {data.get('format')!r}, expected {FORMAT_TAG!r}")
    version = data.get("version")
    if not isinstance(version, int) or version < 1:
        raise _fail(path, f"'version' must be a positive integer, got {version!r}")
    if version > VERSION:
        raise _fail(path, f"version {version} is newer than this program reads ({VERSION}); "
                          "update Stick-Gen to open it")
    for key in ("fps", "joints", "parents", "actors"):
        if key not in data:
            raise _fail(path, f"missing key {key!r}")
    fps = data["fps"]
    if fps_problem(fps):
        raise _fail(path, f"'fps' {fps_problem(fps)}")
    joints = data["joints"]
    if joints_problem(joints):
        raise _fail(path, f"'joints' {joints_problem(joints)}")
    parents = data["parents"]
    J = len(joints)
    if not isinstance(parents, list):
        raise _fail(path, f"'parents' must be a list of {J} integers")
    if parents_problem(parents, J):
        raise _fail(path, f"'parents' {parents_problem(parents, J)}")
    actors_raw = data["actors"]
    if not isinstance(actors_raw, list) or not actors_raw:
        raise _fail(path, "'actors' must be a non-empty list")
    actors = [_read_actor(a, i, fps, tuple(joints), tuple(parents), path)
              for i, a in enumerate(actors_raw)]
    camera = data.get("camera", [])
    if camera_problem(camera, len(actors)):
        raise _fail(path, f"'camera' {camera_problem(camera, len(actors))}")
    seed = data.get("seed")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)
                             or not 0 <= seed < 2 ** 63):
        raise _fail(path, f"'seed' must be a whole number in [0, 2**63) or null, got "
                          f"{str(seed)[:40]}")
    prompt = data.get("prompt", "")
    if not isinstance(prompt, str):
        raise _fail(path, "'prompt' must be a string")
    return MotionFile(actors=actors, prompt=prompt, seed=seed, camera=camera)


def _read_actor(raw: Any, i: int, fps: float, joints: tuple[str, ...], parents: tuple[int, ...],
                path: object) -> Actor:
    where = f"actors[{i}]"
    if not isinstance(raw, dict):
        raise _fail(path, f"{where} must be an object")
    if "positions" not in raw:
        raise _fail(path, f"{where} is missing 'positions'")
    try:
        pos = np.asarray(raw["positions"], dtype=np.float64)
    except (ValueError, TypeError):
        raise _fail(path, f"{where}.positions is ragged or not numeric") from None
    if pos.ndim != 3 or pos.shape[1:] != (len(joints), 3) or pos.shape[0] < 1:
        raise _fail(path, f"{where}.positions has shape {pos.shape}, expected "
                          f"(frames, {len(joints)}, 3)")
    if positions_problem(pos, joints):
        raise _fail(path, f"{where}.positions: {positions_problem(pos, joints)}")
    T = pos.shape[0]
    tracks = {}
    for key, default, allowed in (("actions", "idle", None), ("expressions", "neutral", EXPRESSIONS),
                                  ("speech", None, SPEECH_STYLES)):
        track = raw.get(key, [default] * T)
        if not isinstance(track, list) or len(track) != T:
            raise _fail(path, f"{where}.{key} must be a list of {T} entries (one per frame)")
        for t, v in enumerate(track):
            ok = (v is None and key == "speech") or isinstance(v, str)
            if not ok or (allowed is not None and v is not None and v not in allowed):
                raise _fail(path, f"{where}.{key}[{t}] is {v!r}"
                                  + (f"; expected one of {', '.join(allowed)}" if allowed else ""))
        tracks[key] = track
    head_yaw = _read_head_yaw(raw.get("head_yaw"), T, where, path)
    name = raw.get("name", f"actor{i + 1}")
    if not isinstance(name, str):
        raise _fail(path, f"{where}.name must be a string")
    motion = Motion(pos.astype(np.float32), float(fps), tracks["actions"], tracks["expressions"],
                    tracks["speech"], joints, parents, head_yaw)
    return Actor(name, motion)


def _read_head_yaw(raw: Any, T: int, where: str, path: object) -> np.ndarray | None:
    """An actor's "head_yaw" (T numbers, radians), or None (facing ahead) when it is absent:
    files written before the head could turn have none."""
    if raw is None:
        return None
    if not isinstance(raw, list) or len(raw) != T:
        raise _fail(path, f"{where}.head_yaw must be a list of {T} numbers (radians, one per "
                          "frame)")
    for t, v in enumerate(raw):
        number = isinstance(v, int) and not isinstance(v, bool)
        if not (number or isinstance(v, float) and math.isfinite(v)):
            raise _fail(path, f"{where}.head_yaw[{t}] is {str(v)[:40]!r}; expected a finite "
                              "number of radians")
        if abs(v) > MAX_HEAD_YAW + 1e-5:
            raise _fail(path, f"{where}.head_yaw[{t}] is {v:g}; a head turns at most "
                              f"{MAX_HEAD_YAW:.4f} rad (90 degrees) either way")
    return np.asarray(raw, np.float32)
