"""The primitives of a draw list (engine.drawlist): lines, circles, polylines and polygons in
pixels with RGBA colours, and the list itself; plain frozen data, painted by the viewport and
rasterised by the exporter."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Union

import numpy as np

from .style import RGB

Color = tuple[int, int, int, int]   # RGBA, 0..255
Point = tuple[float, float]         # pixels


@dataclass(frozen=True, slots=True)
class Line:
    p0: Point
    p1: Point
    width: float
    color: Color
    round_cap: bool = True


@dataclass(frozen=True, slots=True)
class Circle:
    center: Point
    radius: float
    width: float
    color: Color
    fill: Color | None = None


@dataclass(frozen=True, slots=True)
class Polyline:
    points: tuple[Point, ...]
    width: float
    color: Color


@dataclass(frozen=True, slots=True)
class Polygon:
    points: tuple[Point, ...]
    fill: Color
    outline: Color | None = None
    width: float = 0.0


Primitive = Union[Line, Circle, Polyline, Polygon]


@dataclass
class DrawList:
    width: int
    height: int
    background: RGB
    items: list[Primitive]
    # items[:static_count] (floor and grid) depend only on camera and style, so a painter may
    # keep them as a cached background picture for as long as they compare equal.
    static_count: int = 0

    def to_dict(self) -> dict:
        """Plain data (for golden tests and debugging): every item with its type name."""
        return {"width": self.width, "height": self.height, "background": list(self.background),
                "static_count": self.static_count,
                "items": [{"type": type(it).__name__, **asdict(it)} for it in self.items]}


def _rgba(c: RGB, alpha: float = 1.0) -> Color:
    return (int(c[0]), int(c[1]), int(c[2]), int(round(255 * min(1.0, max(0.0, alpha)))))


# Coordinates are rounded to 1/1000 px so draw lists compare equal across platforms.
def _pt(p: np.ndarray) -> Point:
    x, y = np.round(p, 3).tolist()
    return (x, y)


def _pts(a: np.ndarray) -> tuple[Point, ...]:
    return tuple(map(tuple, np.round(a, 3).tolist()))
