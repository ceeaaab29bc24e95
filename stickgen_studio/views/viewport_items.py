"""The viewport's graphics items: the engine's picture and the editor marks painted over it.

:class:`DrawListItem` paints the draw list of the current frame (and the onion-skin ghosts)
with the same painter code the exporter's pictures are checked against, so what the viewport
shows is what an export writes. :class:`OverlayItem` paints what is not in an export: pose
handles, the shot camera's frustum or frame outline, and the caption. Both cover the whole
view; the scene is in widget pixels (pyqtgraph's GraphicsView with its automatic pixel range).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtGui import QPainter

from engine.drawlist import DrawList
from engine.projection import CameraState

from .painter import DrawListPainter, Layer, paint_items, paint_safely


@dataclass
class Picture:
    """One frame as the viewport shows it: ``drawlist``, seen by ``camera``, painted into
    ``rect`` (widget pixels), with onion-skin ``ghosts`` (opacity, painted layer) under its
    figures; ``key`` names the static part (floor and grid)."""
    camera: CameraState
    rect: QRectF
    drawlist: DrawList
    key: tuple
    ghosts: list[tuple[float, Layer]] = field(default_factory=list)


class _ViewItem(pg.GraphicsObject):
    """An item as large as the view; painting asks the view for what to draw at that moment,
    so nothing is built for frames that are never shown."""

    def __init__(self) -> None:
        super().__init__()
        self._bounds = QRectF(0, 0, 1, 1)
        self.paint_count = 0   # tests and the benchmark check that painting happened

    def set_size(self, width: float, height: float) -> None:
        if (width, height) != (self._bounds.width(), self._bounds.height()):
            self.prepareGeometryChange()
            self._bounds = QRectF(0, 0, width, height)

    def boundingRect(self) -> QRectF:
        return self._bounds


class DrawListItem(_ViewItem):
    """Paints the :class:`Picture` that ``compose()`` returns."""

    def __init__(self, compose: Callable[[], Picture]) -> None:
        super().__init__()
        self._compose = compose
        self._painter = DrawListPainter()
        self.picture: Picture | None = None

    def paint(self, p: QPainter, option=None, widget=None) -> None:
        self.paint_count += 1
        paint_safely(p, self._bounds, self._paint, "the viewport")

    def _paint(self, p: QPainter) -> None:
        pic = self.picture = self._compose()
        dl = pic.drawlist
        p.setRenderHint(QPainter.Antialiasing)
        p.translate(pic.rect.topLeft())
        p.setClipRect(QRectF(0, 0, dl.width, dl.height))
        self._painter.paint_static(p, dl, pic.key)
        for opacity, ghost in pic.ghosts:
            ghost.paint(p, opacity)
        paint_items(p, dl.items[dl.static_count:])


class OverlayItem(_ViewItem):
    """Paints with ``paint_fn(painter)`` over the picture."""

    def __init__(self, paint_fn: Callable[[QPainter], None]) -> None:
        super().__init__()
        self._paint_fn = paint_fn
        self.setZValue(1)

    def paint(self, p: QPainter, option=None, widget=None) -> None:
        self.paint_count += 1
        p.setRenderHint(QPainter.Antialiasing)
        paint_safely(p, self._bounds, self._paint_fn, "the viewport's marks")

