"""What the generator fixes before the model fills in the rest: the standing start pose and
the planned root path, as known feature values (physical units) with a per-channel mask."""
from __future__ import annotations

import re

import numpy as np

from .model.features import PATH_CHANNELS, feature_dim, local_slice, to_features
from .paths import plan_root_path
from .planner.plan import Plan
from .skeleton import JOINT_NAMES
from .control_channels import PELVIS_H, STANDING, fix_height, joint_cols
from .gesture_controls import apply_gesture_controls
from .style_controls import apply_style_controls
from .start_pose import seated_chair_pose, standing_pose, starts_standing


# Pelvis heights (m) an opening action starts from, as in the training data: seated on a
# chair or on the floor, lying, on all fours; held for the first START_HOLD frames.
START_HEIGHTS = {"stand_up": 0.50, "stand_up_floor": 0.13, "get_up": 0.12, "crawl": 0.55}
START_HOLD = 3


def start_height(segment) -> float | None:
    """The pelvis height a clip that opens with ``segment`` starts at (None: standing)."""
    if segment.action == "stand_up" and re.search(r"\b(floor|ground)\b", segment.text, re.I):
        return START_HEIGHTS["stand_up_floor"]
    return START_HEIGHTS.get(segment.action)


# Where a sit ends: the model's captions never said chair or floor (it sat at either height for
# any wording), so a clause that names the seat fixes the pelvis height once the body is down.
SEAT_HEIGHTS = {"chair": 0.512, "floor": 0.13}
SIT_DOWN_S = 1.6      # seconds the sitting-down movement takes before the seat's height holds
_FLOOR_SEAT = re.compile(r"\b(floor|ground|grass|mat|rug|carpet|sand|cross-?legged)\b", re.I)
_CHAIR_SEAT = re.compile(r"\b(chairs?|bench|sofa|couch|stool|seat|armchair|box|bed|steps?|"
                         r"ledge|table|desk|throne)\b", re.I)


def seat_of(segment, prompt: str = "") -> str | None:
    """"floor" or "chair" where a sit_down clause names what it sits on, else where the whole
    prompt does ("wanders over to a chair and sits down on it"), else None."""
    if segment.action != "sit_down":
        return None
    for text in (segment.text, prompt):
        if _FLOOR_SEAT.search(text):
            return "floor"
        if _CHAIR_SEAT.search(text):
            return "chair"
    return None


def _fix_seat(values: np.ndarray, known: np.ndarray, seg, a: int, b: int, fps: float,
              prompt: str = "") -> None:
    """Lower the pelvis to the named seat's height over the time the body takes to get down
    (eased, from the height it starts at) and hold it there for the rest of a sit_down segment;
    a segment shorter than that gets down over all but its first fifth. Fixing the whole way
    down, not only the seat, keeps the model from passing through the other seat's height."""
    seat = seat_of(seg, prompt)
    if seat is None or b - a < 4:
        return
    lead = max(1, (b - a) // 5) if b - a <= int(round(SIT_DOWN_S * fps)) + 5 else \
        int(round(0.2 * fps))
    down = min(int(round(SIT_DOWN_S * fps)), b - a - lead - 1)
    top = float(values[a - 1, 0]) if a > 0 and known[a - 1, 0] else PELVIS_H
    u = np.clip(np.arange(1, down + 1) / down, 0.0, 1.0)
    ease = u * u * (3 - 2 * u)
    fix_height(values, known, slice(a + lead, a + lead + down),
               top + (SEAT_HEIGHTS[seat] - top) * ease)
    fix_height(values, known, slice(a + lead + down, b), SEAT_HEIGHTS[seat])
    if seat == "chair":   # the model's own sit is on the floor: trunk and legs as on a chair
        pose = to_features(seated_chair_pose()[None])[0]
        values[a + lead + down:b, _BODY] = pose[_BODY]
        known[a + lead + down:b, _BODY] = True


def plan_controls(plan: Plan, bounds: list[tuple[int, int]], n_frames: int, num_joints: int,
                  fps: float = 25.0, start_pose: bool = True, styles: bool = True
                  ) -> tuple[np.ndarray, np.ndarray] | None:
    """(values (T, C) float32, known (T, C) bool) for a plan spanning ``bounds``, or None when
    nothing is fixed. The first frame gets the standing pose (height and local joints) unless
    the plan opens with an action that starts elsewhere; frames on a planned path get its
    velocity and turn channels; with ``styles``, styled segments get their style's controls
    and gestures and dances theirs (engine.style_controls, engine.gesture_controls)."""
    C = feature_dim(num_joints)
    values = np.zeros((n_frames, C), np.float32)
    known = np.zeros((n_frames, C), bool)
    pose = to_features(standing_pose()[None])[0]
    channels = np.zeros(C, bool)
    channels[0] = True
    channels[local_slice(num_joints)] = True
    if start_pose and plan.segments and starts_standing(plan.segments[0].action):
        values[0, channels] = pose[channels]
        known[0, channels] = True
    elif start_pose and plan.segments:
        height = start_height(plan.segments[0])
        if height is not None:          # the model places the body; the height says where
            fix_height(values, known, slice(0, START_HOLD), height)
    for seg, (a, b) in zip(plan.segments, bounds):
        _fix_seat(values, known, seg, a, min(b, n_frames), fps, plan.prompt)
        if seg.action in ENDS_UPRIGHT and 0 < b <= n_frames:
            # ends fully upright, and stands there for a moment
            k = max(1, min(int(round(UPRIGHT_S * fps)), (b - a) // 4))
            values[b - k:b, channels] = pose[channels]
            known[b - k:b, channels] = True
    path = plan_root_path(plan.segments, bounds, n_frames, fps)
    values[:, PATH_CHANNELS] = np.where(path.known, path.values, values[:, PATH_CHANNELS])
    known[:, PATH_CHANNELS] |= path.known
    if styles:
        apply_style_controls(plan.segments, bounds, values, known, fps)
        apply_gesture_controls(plan.segments, bounds, values, known, fps)
    return (values, known) if known.any() else None


# actions that end upright whatever the model makes of their middle, standing for UPRIGHT_S
ENDS_UPRIGHT = frozenset({"stand_up", "get_up"})
UPRIGHT_S = 0.4
# local channels of every joint but the arms (what a held posture keeps)
_IS_ARM = [name.endswith(("shoulder", "elbow", "hand")) for name in JOINT_NAMES]
_BODY = [c for j, arm in enumerate(_IS_ARM) if not arm
         for c in range(joint_cols(j).start, joint_cols(j).stop)]
_ARM_JOINTS = [joint_cols(j) for j, arm in enumerate(_IS_ARM) if arm]
_NECK = JOINT_NAMES.index("neck")


# Actions that leave the body low, and what may go on while it stays there.
LOWERING = frozenset({"sit_down", "crouch", "kneel", "lie_down", "fall_down"})
HELD_FAMILIES = frozenset({"gesture"})


def posture_holds(plan: Plan, bounds: list[tuple[int, int]]
                  ) -> list[tuple[int, int, tuple[int, int]]]:
    """Spans (start, stop, (source start, source stop)) where a posture reached earlier must
    be kept: a gesture or idle after sitting, kneeling, crouching or lying ("sits down, then
    waves" waves seated). The source is the second half of the action that lowered the body."""
    from .actions import ACTION_INFO

    holds, low_at = [], None
    for seg, (a, b) in zip(plan.segments, bounds):
        if seg.action in LOWERING:
            low_at = ((a + b) // 2, b)
        elif low_at is not None and (seg.action == "idle"
                                     or ACTION_INFO[seg.action].family in HELD_FAMILIES):
            holds.append((a, b, low_at))
        else:
            low_at = None
    return holds


def hold_postures(controls: tuple[np.ndarray, np.ndarray] | None, first_pass: np.ndarray,
                  holds: list[tuple[int, int, int]], num_joints: int
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Controls for a second pass that keeps the pelvis at the lowest height the first pass
    (features (T, C), physical units) reached in each hold's source frames."""
    T = len(first_pass)
    values, known = controls if controls is not None else (
        np.zeros((T, feature_dim(num_joints)), np.float32),
        np.zeros((T, feature_dim(num_joints)), bool))
    values, known = values.copy(), known.copy()
    for a, b, src in holds:
        low = src[0] + int(np.argmin(first_pass[src[0]:src[1], 0]))
        fix_height(values, known, slice(a, b), float(first_pass[low, 0]))
        # the seat itself: trunk, head and legs as the first pass left them; the arms are free,
        # but an arm the gesture fixes (a wave) moves with the seated shoulders
        values[a:b, _BODY] = first_pass[low, _BODY]
        known[a:b, _BODY] = True
        shift = first_pass[low, joint_cols(_NECK)] - STANDING[_NECK]
        for c in _ARM_JOINTS:
            values[a:b, c] += np.where(known[a:b, c], shift, 0.0).astype(values.dtype)
    return values, known
