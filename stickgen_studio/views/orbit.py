"""The editor camera: orbit, pan and zoom around a target, independent of the shot camera.

Angles are radians: ``yaw`` turns about the vertical axis (0 looks from +Z, the way a figure
faces at rest), ``pitch`` raises the eye above the target. No Qt.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from engine.projection import CameraState

ORBIT_RATE = 0.008     # radians per pixel dragged
MIN_PITCH, MAX_PITCH = math.radians(-15), math.radians(88)


@dataclass
class OrbitCamera:
    target: tuple[float, float, float] = (0.0, 0.9, 0.0)
    yaw: float = 0.45
    pitch: float = 0.22
    distance: float = 5.5
    fov: float = 40.0

    def state(self) -> CameraState:
        cp = math.cos(self.pitch)
        offset = np.array([math.sin(self.yaw) * cp, math.sin(self.pitch), math.cos(self.yaw) * cp])
        pos = np.asarray(self.target) + offset * self.distance
        return CameraState(tuple(float(x) for x in pos), tuple(float(x) for x in self.target),
                           self.fov)

    def orbit(self, dx: float, dy: float) -> None:
        self.yaw -= dx * ORBIT_RATE
        self.pitch = min(MAX_PITCH, max(MIN_PITCH, self.pitch + dy * ORBIT_RATE))

    def metres_per_pixel(self, height: int) -> float:
        return 2.0 * self.distance * math.tan(math.radians(self.fov) / 2) / max(height, 1)

    def pan(self, dx: float, dy: float, height: int) -> None:
        right, up, _ = self.state().basis()
        s = self.metres_per_pixel(height)
        t = np.asarray(self.target) - right * dx * s + up * dy * s
        self.target = tuple(float(x) for x in t)

    def zoom(self, steps: float) -> None:
        self.distance = min(200.0, max(0.5, self.distance * 0.87 ** steps))

    def frame(self, points: np.ndarray, aspect: float = 16 / 9, fill: float = 0.8) -> None:
        """Aim at the bounding box of ``points`` (N, 3) and move in as close as possible while
        all of it still fits within ``fill`` of the picture."""
        pts = np.asarray(points, dtype=np.float64).reshape(-1, 3)
        if not len(pts):
            return
        lo, hi = pts.min(axis=0), pts.max(axis=0)
        centre = (lo + hi) / 2
        corners = np.array([[x, y, z] for x in (lo[0], hi[0]) for y in (lo[1], hi[1])
                            for z in (lo[2], hi[2])]) - centre
        self.target = tuple(float(x) for x in centre)
        right, up, fwd = self.state().basis()   # the direction does not depend on distance
        ty = math.tan(math.radians(self.fov) / 2) * fill
        tx = ty * aspect
        # A corner at offset c is inside when |c.right| <= tx * depth (and likewise for up),
        # where depth = distance + c.fwd: solve for the distance each corner needs.
        need = np.maximum(np.abs(corners @ right) / tx, np.abs(corners @ up) / ty) - corners @ fwd
        self.distance = min(200.0, max(1.2, float(need.max())))

    def face(self, direction: np.ndarray, side: float = 0.75) -> None:
        """Look at a figure facing ``direction`` (3,) from its front, ``side`` radians round."""
        self.yaw = math.atan2(float(direction[0]), float(direction[2])) + side
