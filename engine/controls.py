"""What the generator fixes before the model fills in the rest: the standing start pose and
the planned root path, as known feature values (physical units) with a per-channel mask."""
from __future__ import annotations

import numpy as np

from .model.features import PATH_CHANNELS, feature_dim, local_slice, to_features
from .paths import plan_root_path
from .planner.plan import Plan
from .start_pose import standing_pose, starts_standing


def plan_controls(plan: Plan, bounds: list[tuple[int, int]], n_frames: int, num_joints: int,
                  fps: float = 25.0, start_pose: bool = True
                  ) -> tuple[np.ndarray, np.ndarray] | None:
    """(values (T, C) float32, known (T, C) bool) for a plan spanning ``bounds``, or None when
    nothing is fixed. The first frame gets the standing pose (height and local joints) unless
    the plan opens with an action that starts elsewhere; frames on a planned path get its
    velocity and turn channels."""
    C = feature_dim(num_joints)
    values = np.zeros((n_frames, C), np.float32)
    known = np.zeros((n_frames, C), bool)
    if start_pose and plan.segments and starts_standing(plan.segments[0].action):
        pose = to_features(standing_pose()[None])[0]
        channels = np.zeros(C, bool)
        channels[0] = True
        channels[local_slice(num_joints)] = True
        values[0, channels] = pose[channels]
        known[0, channels] = True
    path = plan_root_path(plan.segments, bounds, n_frames, fps)
    values[:, PATH_CHANNELS] = np.where(path.known, path.values, values[:, PATH_CHANNELS])
    known[:, PATH_CHANNELS] |= path.known
    return (values, known) if known.any() else None
