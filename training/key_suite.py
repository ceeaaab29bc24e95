"""The pose-key suite: an animator's edits, judged by what the motion does around them.

Each line is ``prompt<TAB>keys<TAB>checks``. Keys are ``;``-separated edits of the motion the
prompt gives without keys, as a user would drag them: ``FRAME raise SIDE ANGLE`` swings that
arm forward and up about its shoulder by ANGLE degrees, ``FRAME spread SIDE ANGLE`` out to the
side. Every key must be met on its frame (within 1 cm), must not pop (the largest pose step
next to it at most 1.6 times the motion's ordinary fast step, ``engine.model.keyblend.key_pop``)
and must shape its neighbourhood (the hand 4 frames either side has moved at least a quarter of
the way toward the key); a pop the motion without keys already has there is not the key's.
Edits on frames within two of each other are made on top of each other, as when an animator
drags on neighbouring frames. The checks column, as in ``training.open_suites``, judges the whole
motion, so a key still combines with the prompt ("the walk still travels").
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from engine.model.features import headings
from engine.skeleton import JOINT_INDEX

from .open_suites import Check, Judged, judge, parse_checks

POP_RATIO = 1.6
MET_M = 0.01
NEAR = 4
SAME_DRAG = 2       # frames: edits this close are made on top of each other
_KEY = re.compile(r"^\s*(\d+)\s+(raise|spread)\s+([lr])\s+(-?[\d.]+)\s*$")


@dataclass(frozen=True)
class KeyEdit:
    frame: int
    how: str
    side: str
    degrees: float


@dataclass
class KeyPrompt:
    prompt: str
    keys: list[KeyEdit]
    checks: list[Check]


def read_key_suite(path: str | Path) -> list[KeyPrompt]:
    rows = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 3:
            raise ValueError(f"{path}:{n}: expected 'prompt<TAB>keys<TAB>checks'")
        keys = []
        for k in filter(None, (p.strip() for p in parts[1].split(";"))):
            m = _KEY.match(k)
            if not m:
                raise ValueError(f"{path}:{n}: cannot read the key {k!r}")
            keys.append(KeyEdit(int(m[1]), m[2], m[3], float(m[4])))
        rows.append(KeyPrompt(parts[0].strip(), keys, parse_checks(parts[2])))
    return rows


def _rotate(v: np.ndarray, axis: np.ndarray, angle: float) -> np.ndarray:
    """Rodrigues rotation of vectors v (..., 3) about a unit axis (3,)."""
    c, s = np.cos(angle), np.sin(angle)
    return v * c + np.cross(axis, v) * s + axis * (v @ axis)[..., None] * (1 - c)


def key_pose(pose: np.ndarray, edit: KeyEdit) -> np.ndarray:
    """(J, 3) the pose with one arm swung about its shoulder (bone lengths kept)."""
    out = np.asarray(pose, np.float64).copy()
    h = float(headings(out[None], along_time=False)[0])
    forward = np.array([np.sin(h), 0.0, np.cos(h)])
    left = np.array([np.cos(h), 0.0, -np.sin(h)])
    sign = 1.0 if edit.side == "l" else -1.0
    # raise: about the left axis, hand goes forward and up; spread: about the forward axis,
    # the hand goes out to its own side and up
    axis, angle = (left, -np.radians(edit.degrees)) if edit.how == "raise" else (
        forward, sign * np.radians(edit.degrees))
    sh = out[JOINT_INDEX[f"{edit.side}_shoulder"]]
    for j in (f"{edit.side}_elbow", f"{edit.side}_hand"):
        out[JOINT_INDEX[j]] = sh + _rotate(out[JOINT_INDEX[j]] - sh, axis, angle)
    return out.astype(np.float32)


def judge_keys(positions: np.ndarray, free: np.ndarray, keys: dict[int, np.ndarray],
               edits: list[KeyEdit]) -> list[str]:
    """What is wrong with how ``positions`` honours ``keys`` ([] when nothing is)."""
    from engine.model.keyblend import key_pop

    failed = []
    for e in edits:
        f = e.frame
        miss = float(np.linalg.norm(positions[f] - keys[f], axis=1).max())
        if miss > MET_M:
            failed.append(f"key at {f} missed by {100 * miss:.1f} cm")
        hand = JOINT_INDEX[f"{e.side}_hand"]
        want = keys[f][hand] - free[f][hand]
        for g in (f - NEAR, f + NEAR):
            if 0 <= g < len(positions) and np.linalg.norm(want) > 0.05:
                moved = float((positions[g][hand] - free[g][hand]) @ want / (want @ want))
                if moved < 0.25:
                    failed.append(f"frame {g} barely follows the key at {f} ({moved:.2f})")
    near, ordinary = key_pop(positions, sorted(keys))
    free_near, free_ordinary = key_pop(free, sorted(keys))
    # a key must not add a pop: the motion without keys may already step hard there
    allowed = max(POP_RATIO, 1.1 * free_near / max(free_ordinary, 1e-9))
    if near > allowed * ordinary:
        failed.append(f"pops: {100 * near:.1f} cm step next to a key, ordinary {100 * ordinary:.1f}")
    return failed


def build_keys(free: np.ndarray, edits: list[KeyEdit]) -> dict[int, np.ndarray]:
    """{frame: key pose}: each key is its frame's pose with every edit made within SAME_DRAG
    frames of it, as an animator who drags on neighbouring frames keeps the earlier drag."""
    keys = {}
    for f in sorted({e.frame for e in edits}):
        if not 0 <= f < len(free):
            raise ValueError(f"key frame {f} outside the {len(free)}-frame clip")
        pose = free[f]
        for e in edits:
            if abs(e.frame - f) <= SAME_DRAG:
                pose = key_pose(pose, e)
        keys[f] = pose
    return keys


def run_key_suite(generator, suite: list[KeyPrompt], seeds: list[int]) -> list[Judged]:
    out = []
    for row in suite:
        for seed in seeds:
            free = generator.generate(row.prompt, seed=seed).motion.positions
            keys = build_keys(free, row.keys)
            res = generator.generate(row.prompt, seed=seed, keyposes=keys)
            pos = res.motion.positions
            ok, values, failed = judge(pos, res.motion.fps, row.checks)
            failed = judge_keys(pos, free, keys, row.keys) + failed
            out.append(Judged(row.prompt, seed, not failed, values, failed,
                              [s.action for s in res.plan.segments]))
    return out
