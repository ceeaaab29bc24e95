"""Shared pieces of the procedural action library: parameters, the clip type, the registry and
the finishing pass that plants feet and keeps the body above the floor.

An action generator is ``fn(p: ActionParams, rng: np.random.Generator) -> Clip`` registered with
``@action("name")``. It builds a root path, a heading and local joint angles (see ``rig``), marks
which feet are planted on which frames, and calls ``finish`` to get exact, grounded positions.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Callable

import numpy as np

from engine.actions import ACTION_INDEX
from engine.skeleton import NUM_JOINTS

from .rig import (J, Body, ground, lower_to_reach, pose, rotate_y,  # noqa: F401
                  solve_arms, solve_legs)

MOODS = ("neutral", "tired", "happy", "angry", "proud")
HANDS = ("right", "left", "both")
SIDES = ("left", "right")
# How a mood changes energy: (tempo/speed multiplier, movement size multiplier).
MOOD_ENERGY = {"neutral": (1.0, 1.0), "tired": (0.82, 0.7), "happy": (1.06, 1.15),
               "angry": (1.1, 1.12), "proud": (0.95, 1.05)}


@dataclass(frozen=True)
class ActionParams:
    """Everything that makes one sample of an action differ from another."""
    duration: float = 3.0          # seconds
    fps: float = 25.0
    speed: float = 1.0             # tempo multiplier, ~0.6 (slowly) .. 1.5 (quickly)
    amplitude: float = 1.0         # size of the movement, ~0.6 .. 1.3
    mood: str = "neutral"          # one of MOODS; changes posture and energy
    hand: str = "right"            # one of HANDS, for one-handed actions
    direction: float = 0.0        # initial heading, radians (0 faces +Z)
    repeats: int | None = None     # how many times to do a countable action, None = natural
    body: Body = field(default_factory=Body)
    side: str = ""                 # "left"/"right" for sided actions (hop leg, sidestep way,
                                   # kneeling knee); "" = the generator picks and records it
    variant: str = ""              # action-specific style, e.g. "chair"/"floor" for sit_down,
                                   # "start"/"stop" for gaits; "" = the generator picks
    style: str | None = None       # a named motion style (engine.motion_styles), None = neutral;
                                   # gaits, turns, idle and gestures honour it (see ``styles``)

    @property
    def frames(self) -> int:
        return max(2, int(round(self.duration * self.fps)))

    def time(self) -> np.ndarray:
        """(T,) seconds since the start of the clip."""
        return np.arange(self.frames) / self.fps

    def pick_side(self, rng: np.random.Generator) -> str:
        """``side`` if set, else a random one (record it with ``dataclasses.replace``)."""
        return self.side if self.side in SIDES else str(rng.choice(SIDES))


@dataclass
class Clip:
    """One generated action: positions (T, J, 3) float32 metres, feet planted (T, 2) bool
    for (left, right), and the action label of every frame."""
    positions: np.ndarray
    contacts: np.ndarray
    actions: list[str]
    params: ActionParams
    heading: np.ndarray | None = None   # (T,) facing yaw in radians (0 faces +Z), if known
    # for joined sequences: (first frame, end frame, params) of each action, in order
    segments: list[tuple[int, int, ActionParams]] | None = None

    @property
    def num_frames(self) -> int:
        return int(self.positions.shape[0])


Generator = Callable[[ActionParams, np.random.Generator], Clip]
REGISTRY: dict[str, Generator] = {}


def action(name: str) -> Callable[[Generator], Generator]:
    """Register a generator for the vocabulary action ``name``."""
    if name not in ACTION_INDEX:
        raise ValueError(f"{name!r} is not in the action vocabulary (engine.actions)")

    def deco(fn: Generator) -> Generator:
        REGISTRY[name] = fn
        return fn
    return deco


def sample_params(rng: np.random.Generator, duration: float | None = None, **fixed) -> ActionParams:
    """Random parameters for one sample; keyword arguments pin any field."""
    p = ActionParams(
        duration=float(duration if duration is not None else rng.uniform(2.0, 5.0)),
        speed=float(np.exp(rng.normal(0.0, 0.18))),
        amplitude=float(np.clip(rng.normal(1.0, 0.15), 0.6, 1.35)),
        mood=str(rng.choice(MOODS, p=[0.4, 0.15, 0.15, 0.15, 0.15])),
        hand=str(rng.choice(HANDS, p=[0.45, 0.35, 0.2])),
        direction=0.0,
        body=Body.random(rng),
    )
    return replace(p, **fixed)


def mood_posture(angles: np.ndarray, mood: str, amount: float = 1.0) -> None:
    """Add the mood's posture to (T, J, 3) angles in place: tired slumps, proud lifts the chest,
    angry leans forward with raised shoulders, happy is upright and loose."""
    if mood == "tired":
        angles[:, J["spine"], 0] += 0.18 * amount
        angles[:, J["neck"], 0] += 0.25 * amount
    elif mood == "proud":
        angles[:, J["spine"], 0] -= 0.10 * amount
        angles[:, J["neck"], 0] -= 0.12 * amount
    elif mood == "angry":
        angles[:, J["spine"], 0] += 0.12 * amount
        angles[:, J["neck"], 0] -= 0.05 * amount
    elif mood == "happy":
        angles[:, J["neck"], 0] -= 0.06 * amount


def idle_arms(angles: np.ndarray, t: np.ndarray, rng: np.random.Generator) -> None:
    """Relaxed hanging arms with slight breathing sway, in place on (T, J, 3) angles."""
    phase = rng.uniform(0, 2 * np.pi)
    sway = 0.03 * np.sin(2 * np.pi * 0.25 * t + phase)
    angles[:, J["l_shoulder"], 2] += 0.12 + sway
    angles[:, J["r_shoulder"], 2] -= 0.12 + sway
    angles[:, J["l_elbow"], 0] -= 0.15
    angles[:, J["r_elbow"], 0] -= 0.15


def mood_energy(mood: str) -> tuple[float, float]:
    """(tempo multiplier, movement size multiplier) for a mood; tired is slow and small."""
    return MOOD_ENERGY.get(mood, (1.0, 1.0))


def contact_runs(contact: np.ndarray) -> list[tuple[int, int]]:
    """[start, stop) frame ranges where a (T,) bool track is True."""
    c = np.concatenate([[False], np.asarray(contact, bool), [False]])
    edges = np.flatnonzero(np.diff(c.astype(np.int8)))
    return list(zip(edges[::2], edges[1::2]))


def plant_feet(positions: np.ndarray, contacts: np.ndarray, body: Body) -> np.ndarray:
    """Lock each planted foot where its contact run starts (on the floor) and re-solve the knee.

    positions: (T, J, 3); contacts: (T, 2) bool (left, right). Feet in the air are left alone,
    except that a foot leaving or landing eases over 3 frames from/to its locked spot so that the
    lock does not pop. Returns new positions with exact bone lengths.
    """
    out = np.array(positions, dtype=np.float64, copy=True)
    T = len(out)
    targets = {}
    for k, side in enumerate(("l", "r")):
        foot = out[:, J[f"{side}_foot"]].copy()
        target = foot.copy()
        for a, b in contact_runs(contacts[:, k]):
            lock = foot[a].copy()
            lock[1] = 0.0
            target[a:b] = lock
            for i in range(1, 4):  # ease out of the lock after lift-off, into it before landing
                w = i / 4.0
                if b - 1 + i < T and not contacts[b - 1 + i, k]:
                    target[b - 1 + i] = lock * (1 - w) + foot[b - 1 + i] * w
                if a - i >= 0 and not contacts[a - i, k]:
                    target[a - i] = lock * (1 - w) + foot[a - i] * w
        targets[side] = target
    return solve_legs(lower_to_reach(out, targets, body), targets, body)


def finish(p: ActionParams, root: np.ndarray, yaw: np.ndarray, angles: np.ndarray,
           contacts: np.ndarray, label: str | list[str]) -> Clip:
    """Angles -> positions, plant the feet, keep everything above the floor.

    root: (T, 3) pelvis path; yaw: (T,) heading (p.direction is added here); angles (T, J, 3);
    contacts (T, 2) bool. ``label`` is one action for every frame or a list of T labels.
    Where a planted foot would be out of reach, the whole body is lowered smoothly.
    """
    assert angles.shape[1:] == (NUM_JOINTS, 3)
    positions = pose(p.body, root, yaw, angles)
    positions = plant_feet(positions, contacts, p.body)
    return _clip(p, positions, yaw, contacts, label)


def finish_targets(p: ActionParams, root: np.ndarray, yaw: np.ndarray, angles: np.ndarray,
                   feet: dict[str, np.ndarray], contacts: np.ndarray, label: str | list[str], *,
                   knee_poles: dict[str, np.ndarray] | None = None,
                   hands: dict[str, np.ndarray] | None = None,
                   elbow_poles: dict[str, np.ndarray] | None = None,
                   reach: bool = True, root_rotation: np.ndarray | None = None,
                   support: np.ndarray | None = None) -> Clip:
    """Footstep-driven finishing: the feet go exactly where the plan puts them.

    root: (T, 3) pelvis path; yaw: (T,); angles: (T, J, 3) for everything the IK does not set;
    feet: 'l'/'r' -> (T, 3) world targets (y = 0 while planted); contacts: (T, 2) bool.
    knee_poles / elbow_poles: 'l'/'r' -> (T, 3) or (3,) bend directions (default: knees bend
    toward the facing direction); hands: optional 'l'/'r' -> (T, 3) hand targets.
    reach: lower the body just enough, smoothly, that every foot target is reachable;
    support: optional (T, 2) bool, the frames where each foot bears weight and must be reached
    (default: every frame).
    All inputs are in the clip's own frame; p.direction turns the finished clip.
    """
    assert angles.shape[1:] == (NUM_JOINTS, 3)
    positions = pose(p.body, root, yaw, angles, root_rotation)
    if reach:
        mask = None if support is None else {"l": support[:, 0], "r": support[:, 1]}
        positions = lower_to_reach(positions, feet, p.body, fps=p.fps, mask=mask)
    positions = solve_legs(positions, feet, p.body, knee_poles)
    if hands:
        positions = solve_arms(positions, hands, p.body, elbow_poles or {})
    return _clip(p, positions, yaw, contacts, label)


def _clip(p: ActionParams, positions: np.ndarray, yaw: np.ndarray, contacts: np.ndarray,
          label: str | list[str]) -> Clip:
    positions = ground(positions, p.fps)
    T = len(positions)
    if p.direction:
        positions = rotate_y(positions, p.direction)
    heading = np.broadcast_to(np.asarray(yaw, dtype=np.float64), (T,)) + p.direction
    labels = [label] * T if isinstance(label, str) else list(label)
    return Clip(np.asarray(positions, dtype=np.float32), np.asarray(contacts, bool), labels, p,
                heading.astype(np.float32))
