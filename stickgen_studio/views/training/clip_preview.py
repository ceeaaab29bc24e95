"""A small looping preview of one imported clip: the canonical skeleton seen at a three-quarter
angle, the view following the pelvis, so a user can tell a good take from a broken one before
training on it."""
from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from engine.motion import Motion

YAW = math.radians(35)   # three-quarter view: depth shows, left and right do not overlap
HALF_WIDTH = 1.1         # metres either side of the pelvis


def project(positions: np.ndarray) -> np.ndarray:
    """positions (T, J, 3) metres -> (T, J, 2) screen x (metres, turned by YAW) and height."""
    c, s = math.cos(YAW), math.sin(YAW)
    x = positions[..., 0] * c - positions[..., 2] * s
    return np.stack([x, positions[..., 1]], -1)


class ClipPreview(QWidget):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        self.plot = pg.PlotWidget(background="#ffffff")
        self.plot.setFixedSize(210, 200)   # ~ the 2.2 m x 2.1 m view, so metres stay square
        item = self.plot.getPlotItem()
        item.hideAxis("bottom")
        item.hideAxis("left")
        item.setMenuEnabled(False)
        item.setMouseEnabled(False, False)
        item.setYRange(-0.1, 2.0, padding=0)
        self.ground = item.plot([], [], pen=pg.mkPen("#c9ced8", width=1))
        self.bones = item.plot([], [], pen=pg.mkPen("#1f2430", width=3), connect="pairs")
        self.head = pg.ScatterPlotItem(size=11, brush=pg.mkBrush("#1f2430"), pen=None)
        item.addItem(self.head)
        lay.addWidget(self.plot)
        self.caption = QLabel("Select a clip to preview it.", self)
        self.caption.setFixedWidth(210)
        self.caption.setObjectName("muted")
        self.caption.setWordWrap(True)
        lay.addWidget(self.caption)
        self.frames: np.ndarray | None = None
        self.pairs: list[tuple[int, int]] = []
        self.head_index = 0
        self.frame = 0
        self.timer = QTimer(self)
        self.timer.setInterval(40)
        self.timer.timeout.connect(self._advance)

    def set_motion(self, motion: Motion | None, text: str = "") -> None:
        self.timer.stop()
        if motion is None:
            self.frames = None
            self.bones.setData([], [])
            self.head.setData([], [])
            self.ground.setData([], [])
            self.caption.setText(text or "Select a clip to preview it.")
            return
        self.frames = project(motion.positions)
        self.pairs = [(j, p) for j, p in enumerate(motion.parents) if p >= 0]
        self.head_index = list(motion.joints).index("head") if "head" in motion.joints else 0
        pelvis = list(motion.joints).index("pelvis") if "pelvis" in motion.joints else 0
        self.centre = [float(x) for x in self.frames[:, pelvis, 0]]
        xs = self.frames[..., 0]
        self.ground.setData([float(xs.min()) - 3, float(xs.max()) + 3], [0.0, 0.0])
        self.caption.setText(text)
        self.frame = 0
        self._draw()
        if self.isVisible():
            self.timer.start()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self.frames is not None:
            self.timer.start()

    def hideEvent(self, event) -> None:
        self.timer.stop()
        super().hideEvent(event)

    def _advance(self) -> None:
        if self.frames is not None:
            self.frame = (self.frame + 1) % len(self.frames)
            self._draw()

    def _draw(self) -> None:
        f = self.frames[self.frame]
        idx = np.array(self.pairs, dtype=int).reshape(-1)
        self.bones.setData(f[idx, 0], f[idx, 1])
        self.head.setData([f[self.head_index, 0]], [f[self.head_index, 1]])
        c = self.centre[self.frame]
        self.plot.getPlotItem().setXRange(c - HALF_WIDTH, c + HALF_WIDTH, padding=0)
