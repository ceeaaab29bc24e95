"""Variation previews: each candidate motion plays in a small tile; click one to use it."""
from __future__ import annotations

from PySide6.QtCore import QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QGridLayout, QSizePolicy, QWidget

import math

from engine.camera import facing, follow_anchor
from engine.drawlist import build_drawlist

from .orbit import OrbitCamera
from .painter import DrawListPainter, paint_items

ACCENT = QColor(66, 133, 244)


class PreviewTile(QWidget):
    clicked = Signal(int)

    def __init__(self, index: int, motion, style, label: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.index, self.motion, self.style, self.label = index, motion, style, label
        self.frame = 0
        self.selected = False
        self.hover = False
        # A camera that travels with the figure, close enough for the figure to fill the tile.
        self._view = OrbitCamera(pitch=0.12, fov=35.0)
        self._view.face(facing(motion, 0), 0.6)
        self._view.distance = 1.05 / math.tan(math.radians(self._view.fov) / 2) / 0.8
        self._painter = DrawListPainter()
        self.setMinimumSize(130, 96)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Preferred)
        self.setCursor(Qt.PointingHandCursor)
        self.setToolTip(f"{label}: click to use this take")

    def heightForWidth(self, w: int) -> int:
        return int(w * 10 / 16)

    def hasHeightForWidth(self) -> bool:
        return True

    def paintEvent(self, e) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.Antialiasing)
        w, h = self.width(), self.height()
        anchor = follow_anchor(self.motion, self.frame)
        self._view.target = (float(anchor[0]), 0.9, float(anchor[2]))
        cam = self._view.state()
        dl = build_drawlist([self.motion], cam, self.frame, w, h, self.style)
        self._painter.paint_static(p, dl, (cam, self.style.name))
        paint_items(p, dl.items[dl.static_count:])
        p.setPen(QColor(60, 66, 80))
        p.drawText(QRectF(8, 4, w - 16, 18), Qt.AlignLeft | Qt.AlignVCenter, self.label)
        pen = QPen(ACCENT if self.selected or self.hover else QColor(210, 214, 222),
                   3.0 if self.selected else 1.5)
        p.setPen(pen)
        p.setBrush(Qt.NoBrush)
        p.drawRoundedRect(QRectF(1, 1, w - 2, h - 2), 6, 6)
        p.end()

    def enterEvent(self, e) -> None:
        self.hover = True
        self.update()

    def leaveEvent(self, e) -> None:
        self.hover = False
        self.update()

    def mousePressEvent(self, e) -> None:
        if e.button() == Qt.LeftButton:
            self.clicked.emit(self.index)


class VariationsView(QWidget):
    """A grid of playing previews; ``picked(i)`` when one is clicked."""
    picked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tiles: list[PreviewTile] = []
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setSpacing(6)
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._tick)
        self._frame = 0

    def set_variations(self, variations, style) -> None:
        for t in self.tiles:
            t.deleteLater()
        self.tiles = []
        for i, v in enumerate(variations):
            tile = PreviewTile(i, v.motion, style, f"Seed {v.seed}", self)
            tile.clicked.connect(self._clicked)
            self._grid.addWidget(tile, i // 2, i % 2)
            self.tiles.append(tile)
        self._frame = 0
        if variations:
            self._timer.start(int(1000 / variations[0].motion.fps))
        else:
            self._timer.stop()
        self.setVisible(bool(variations))

    def _clicked(self, i: int) -> None:
        for t in self.tiles:
            t.selected = t.index == i
            t.update()
        self.picked.emit(i)

    def _tick(self) -> None:
        if not self.isVisible():
            return
        self._frame += 1
        for t in self.tiles:
            t.frame = self._frame % t.motion.num_frames
            t.update()
