"""A pinhole camera at one instant, and true perspective projection of 3D points to pixels.

World space is the skeleton's: metres, right-handed, Y up. Pixel space has x to the right and
y down, origin at the top-left corner of a ``width`` x ``height`` image. The vertical field of
view is fixed by ``fov``; the focal length in pixels is ``(height / 2) / tan(fov / 2)``, so a
point one metre right of the target, at depth ``d``, lands ``f / d`` pixels right of centre.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

import numpy as np

NEAR = 0.05  # metres; geometry nearer than this to the camera plane is clipped away


@dataclass(frozen=True)
class CameraState:
    """Where the camera is and what it looks at: position/target (3,) metres, vertical field
    of view ``fov`` and ``roll`` in degrees (a positive roll turns the camera clockwise about
    its view axis, so the picture turns anticlockwise)."""
    position: tuple[float, float, float]
    target: tuple[float, float, float]
    fov: float = 38.0
    roll: float = 0.0

    def basis(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Unit (right, up, forward) vectors, each (3,) float64; forward points at the target."""
        m = self._rotation
        return m[0], m[1], m[2]

    @cached_property
    def _rotation(self) -> np.ndarray:
        """(3, 3) rows right, up, forward; computed once per state (drawing asks many times)."""
        px, py, pz = self.position
        tx, ty, tz = self.target
        fx, fy, fz = tx - px, ty - py, tz - pz
        n = math.sqrt(fx * fx + fy * fy + fz * fz)
        fx, fy, fz = (fx / n, fy / n, fz / n) if n > 1e-9 else (0.0, 0.0, -1.0)
        # Looking straight up or down leaves "up" undefined; borrow a horizontal axis instead.
        rx, ry, rz = (0.0, 1.0, 0.0) if abs(fy) < 0.999 else (0.0, 0.0, -math.copysign(1.0, fy))
        # right = forward x ref, up = right x forward
        ax, ay, az = fy * rz - fz * ry, fz * rx - fx * rz, fx * ry - fy * rx
        n = math.sqrt(ax * ax + ay * ay + az * az)
        ax, ay, az = ax / n, ay / n, az / n
        ux, uy, uz = ay * fz - az * fy, az * fx - ax * fz, ax * fy - ay * fx
        right = np.array([ax, ay, az])
        up = np.array([ux, uy, uz])
        if self.roll:
            c, s = math.cos(math.radians(self.roll)), math.sin(math.radians(self.roll))
            right, up = right * c - up * s, right * s + up * c
        return np.stack([right, up, np.array([fx, fy, fz])])

    def focal_px(self, height: int) -> float:
        """Focal length in pixels for an image ``height`` pixels tall."""
        return 0.5 * height / math.tan(math.radians(min(max(self.fov, 1.0), 170.0)) * 0.5)

    def to_camera(self, points: np.ndarray) -> np.ndarray:
        """World points (..., 3) -> camera space (..., 3) float64: (right, up, depth)."""
        rel = np.asarray(points, dtype=np.float64) - np.asarray(self.position, dtype=np.float64)
        return rel @ self._rotation.T

    def project(self, points: np.ndarray, width: int, height: int
                ) -> tuple[np.ndarray, np.ndarray]:
        """World points (..., 3) -> (pixels (..., 2) float64, depth (...,) float64 metres).

        Depth is the distance along the view axis; points with depth < NEAR come back with
        coordinates computed from NEAR and must be clipped by the caller.
        """
        cam = self.to_camera(points)
        return self.project_camera(cam, width, height)

    def project_camera(self, cam: np.ndarray, width: int, height: int
                       ) -> tuple[np.ndarray, np.ndarray]:
        """Camera-space points (..., 3) -> (pixels (..., 2), depth (...,))."""
        f = self.focal_px(height)
        depth = cam[..., 2]
        z = np.maximum(depth, NEAR)
        px = np.stack([0.5 * width + f * cam[..., 0] / z, 0.5 * height - f * cam[..., 1] / z],
                      axis=-1)
        return px, depth

    def distance(self) -> float:
        return float(np.linalg.norm(np.subtract(self.target, self.position)))


def view_planes(cam: CameraState, width: int, height: int, margin: float = 1.15,
                near: float = NEAR) -> np.ndarray:
    """The view frustum's five planes in camera space as (5, 4) rows (a, b, c, d): a point p is
    inside when a*x + b*y + c*z + d >= 0. ``margin`` widens the sides so thick lines that end
    just outside still reach the edge. Clipping to these keeps pixel coordinates small (the
    rasteriser works in fixed point and overflows on far-off points)."""
    ty = math.tan(math.radians(min(max(cam.fov, 1.0), 170.0)) / 2) * margin
    tx = ty * width / max(height, 1)
    return np.array([[0, 0, 1, -near], [-1, 0, tx, 0], [1, 0, tx, 0],
                     [0, -1, ty, 0], [0, 1, ty, 0]], dtype=np.float64)


def clip_segments(a: np.ndarray, b: np.ndarray, planes: np.ndarray
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Clip camera-space segments a[i]-b[i] (N, 3) to the inside of ``planes`` (P, 4).

    Returns (a', b', keep): keep (N,) bool marks segments with any part inside.
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    t0 = np.zeros(len(a))
    t1 = np.ones(len(a))
    for pl in planes:
        da = a @ pl[:3] + pl[3]
        db = b @ pl[:3] + pl[3]
        with np.errstate(divide="ignore", invalid="ignore"):
            t = np.where(da != db, da / (da - db), 0.0)
        t1 = np.where((da < 0) & (db < 0), -1.0, t1)
        t0 = np.where((da < 0) & (db >= 0), np.maximum(t0, t), t0)
        t1 = np.where((da >= 0) & (db < 0), np.minimum(t1, t), t1)
    keep = t0 < t1
    d = b - a
    return a + d * t0[:, None], a + d * t1[:, None], keep


def clip_polygon(poly: np.ndarray, planes: np.ndarray) -> np.ndarray:
    """Clip one convex camera-space polygon (N, 3) to the inside of ``planes`` -> (M, 3)."""
    pts = [np.asarray(p, dtype=np.float64) for p in poly]
    for pl in planes:
        out = []
        n = len(pts)
        for i in range(n):
            p, q = pts[i], pts[(i + 1) % n]
            dp, dq = p @ pl[:3] + pl[3], q @ pl[:3] + pl[3]
            if dp >= 0:
                out.append(p)
            if (dp >= 0) != (dq >= 0):
                out.append(p + (q - p) * (dp / (dp - dq)))
        pts = out
        if not pts:
            break
    return np.array(pts, dtype=np.float64).reshape(-1, 3)
