"""Draw list -> antialiased RGB frame, without Qt.

Backed by aggdraw (the Anti-Grain Geometry scanline rasteriser with exact per-pixel coverage):
faster than Pillow's ImageDraw, which also needs supersampling for antialiased edges;
benchmarks/export.py measures both. The floor and grid are reused while the camera holds still.

aggdraw strokes have flat caps, so a round-capped limb is drawn as one filled capsule polygon:
a single coverage pass, so there are no seams or double-blended ends.
"""
from __future__ import annotations

import math

import aggdraw
import numpy as np

from .drawlist import Circle, Color, DrawList, Line, Polygon, Polyline

# Unit half-circle, for capsule ends; 10 steps keep a 20 px wide limb's cap round.
_HALF = [(math.cos(a), math.sin(a)) for a in np.linspace(-math.pi / 2, math.pi / 2, 11)]


def _capsule(x0: float, y0: float, x1: float, y1: float, r: float) -> list[float]:
    """Outline of a stadium around the segment, as a flat [x, y, x, y, ...] list."""
    dx, dy = x1 - x0, y1 - y0
    n = math.hypot(dx, dy)
    ux, uy = (dx / n, dy / n) if n > 1e-9 else (1.0, 0.0)
    vx, vy = -uy, ux  # normal
    pts: list[float] = []
    for c, s in _HALF:       # cap around p1: from -normal through the tip to +normal
        pts += [x1 + r * (ux * c + vx * s), y1 + r * (uy * c + vy * s)]
    for c, s in _HALF:       # cap around p0, facing the other way
        pts += [x0 - r * (ux * c + vx * s), y0 - r * (uy * c + vy * s)]
    return pts


class Rasterizer:
    """Reusable canvas of one size; ``render`` returns packed RGB24 bytes (H*W*3)."""

    def __init__(self, width: int, height: int):
        if width <= 0 or height <= 0:
            raise ValueError(f"picture size must be positive, got {width}x{height}")
        self.width, self.height = int(width), int(height)
        self._draw = aggdraw.Draw("RGB", (self.width, self.height), (0, 0, 0))
        self._clear: tuple[tuple[int, int, int], bytes] | None = None
        self._static: tuple[tuple, bytes] | None = None   # (floor+grid items, their picture)
        self._last_key: tuple | None = None
        self._pens: dict[tuple, aggdraw.Pen] = {}
        self._brushes: dict[Color, aggdraw.Brush] = {}

    def _pen(self, color: Color, width: float) -> aggdraw.Pen:
        key = (color, round(width, 2))
        pen = self._pens.get(key)
        if pen is None:
            if len(self._pens) > 512:
                self._pens.clear()
            pen = self._pens[key] = aggdraw.Pen(color[:3], key[1], color[3])
        return pen

    def _brush(self, color: Color) -> aggdraw.Brush:
        brush = self._brushes.get(color)
        if brush is None:
            if len(self._brushes) > 512:
                self._brushes.clear()
            brush = self._brushes[color] = aggdraw.Brush(color[:3], color[3])
        return brush

    def render(self, dl: DrawList) -> bytes:
        if (dl.width, dl.height) != (self.width, self.height):
            raise ValueError(f"draw list is {dl.width}x{dl.height}, canvas {self.width}x"
                             f"{self.height}")
        bg = tuple(int(c) for c in dl.background)
        if self._clear is None or self._clear[0] != bg:
            self._clear = (bg, bytes(bg) * (self.width * self.height))  # type: ignore[arg-type]
            self._static = None
        d = self._draw
        n = dl.static_count
        key = tuple(dl.items[:n])
        if self._static is not None and self._static[0] == key:
            d.frombytes(self._static[1])  # the camera held still: floor and grid are as before
        else:
            d.frombytes(self._clear[1])
            self._paint(dl.items[:n])
            # Keep a copy only once the same background shows twice running, so a moving
            # camera does not pay for copies it never reuses.
            if n and key == self._last_key:
                d.flush()
                self._static = (key, d.tobytes())
            self._last_key = key
        self._paint(dl.items[n:])
        d.flush()
        return d.tobytes()

    def _paint(self, items) -> None:
        d = self._draw
        for it in items:
            if isinstance(it, Line):
                (x0, y0), (x1, y1) = it.p0, it.p1
                if it.round_cap:
                    d.polygon(_capsule(x0, y0, x1, y1, it.width / 2), self._brush(it.color))
                else:
                    d.line((x0, y0, x1, y1), self._pen(it.color, it.width))
            elif isinstance(it, Polygon):
                flat = [v for p in it.points for v in p]
                if it.outline is not None and it.width > 0:
                    d.polygon(flat, self._pen(it.outline, it.width), self._brush(it.fill))
                else:
                    d.polygon(flat, self._brush(it.fill))
            elif isinstance(it, Circle):
                (cx, cy), r = it.center, it.radius
                box = (cx - r, cy - r, cx + r, cy + r)
                if it.fill is not None:
                    d.ellipse(box, self._pen(it.color, it.width), self._brush(it.fill))
                else:
                    d.ellipse(box, self._pen(it.color, it.width))
            elif isinstance(it, Polyline):
                d.line([v for p in it.points for v in p], self._pen(it.color, it.width))
                r = it.width / 2
                brush = self._brush(it.color)
                for x, y in (it.points[0], it.points[-1]):  # round caps
                    d.ellipse((x - r, y - r, x + r, y + r), brush)
            else:
                raise TypeError(f"cannot rasterise {type(it).__name__}")

    def render_array(self, dl: DrawList) -> np.ndarray:
        """The frame as (H, W, 3) uint8."""
        return np.frombuffer(self.render(dl), dtype=np.uint8).reshape(self.height, self.width, 3)


def rasterize(dl: DrawList) -> np.ndarray:
    """One-off: draw list -> (H, W, 3) uint8 RGB."""
    return Rasterizer(dl.width, dl.height).render_array(dl)
