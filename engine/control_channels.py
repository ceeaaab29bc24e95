"""Where the generator's controls sit among the model's feature channels
(``engine.model.features``), and the standing pose they are stated from; shared by
``engine.controls``, ``engine.style_controls`` and ``engine.gesture_controls``."""
from __future__ import annotations

import numpy as np

from .start_pose import standing_pose

STANDING = standing_pose().astype(np.float64)   # (J, 3) metres, pelvis over the origin
PELVIS_H = float(STANDING[0, 1])                 # standing pelvis height, metres
PELVIS_Y = 4 + 1                                 # the pelvis's own height among the local channels


def joint_cols(j: int) -> slice:
    """The three local-position channels of joint ``j``."""
    return slice(4 + 3 * j, 7 + 3 * j)


def fix_height(values: np.ndarray, known: np.ndarray, frames, height) -> None:
    """Fix the pelvis height on ``frames``: the root height and the pelvis's local height,
    which is the one that places the body. ``height``: a number or one per frame."""
    for c in (0, PELVIS_Y):
        values[frames, c] = height
        known[frames, c] = True
