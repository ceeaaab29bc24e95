"""Live loss curves of a training run: training loss per logged step and validation loss per
evaluation, on a log scale (losses fall by orders of magnitude early on)."""
from __future__ import annotations

import math

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

TRAIN_COLOR, VAL_COLOR = "#3b7ddd", "#e8590c"


class LossCurves(pg.PlotWidget):
    def __init__(self, parent=None) -> None:
        super().__init__(parent, background="#ffffff")
        self.setMinimumHeight(180)
        item = self.getPlotItem()
        item.setLogMode(False, True)
        item.showGrid(x=True, y=True, alpha=0.15)
        item.setLabel("bottom", "step")
        item.setLabel("left", "loss")
        item.setMenuEnabled(False)
        for axis in ("bottom", "left"):
            item.getAxis(axis).setTextPen(QColor("#4b5260"))
            item.getAxis(axis).setPen(QColor("#c9ced8"))
        self.legend = item.addLegend(offset=(-10, 10), labelTextColor="#1f2430",
                                     brush=pg.mkBrush(255, 255, 255, 220))
        self.train = item.plot([], [], name="train",
                               pen=pg.mkPen(TRAIN_COLOR, width=1.6))
        self.val = item.plot([], [], name="validation",
                             pen=pg.mkPen(VAL_COLOR, width=2, style=Qt.DashLine),
                             symbol="o", symbolSize=6, symbolBrush=VAL_COLOR,
                             symbolPen=pg.mkPen("#ffffff"))
        self.clear_data()

    def clear_data(self) -> None:
        self.train_x: list[int] = []
        self.train_y: list[float] = []
        self.val_x: list[int] = []
        self.val_y: list[float] = []
        self._redraw()

    def add_events(self, events: list[dict]) -> None:
        changed = False
        for e in events:
            kind = e.get("event")
            if kind == "start":
                self._truncate(int(e.get("step", 0)))   # a resumed run redoes later steps
                changed = True
            elif kind == "step" and _positive(e.get("loss")):
                self.train_x.append(int(e["step"]))
                self.train_y.append(float(e["loss"]))
                changed = True
            elif kind == "eval" and _positive(e.get("val_loss")):
                self.val_x.append(int(e["step"]))
                self.val_y.append(float(e["val_loss"]))
                changed = True
        if changed:
            self._redraw()

    def _truncate(self, step: int) -> None:
        keep = [i for i, x in enumerate(self.train_x) if x <= step]
        self.train_x = [self.train_x[i] for i in keep]
        self.train_y = [self.train_y[i] for i in keep]
        keep = [i for i, x in enumerate(self.val_x) if x <= step]
        self.val_x = [self.val_x[i] for i in keep]
        self.val_y = [self.val_y[i] for i in keep]

    def _redraw(self) -> None:
        self.train.setData(self.train_x, self.train_y)
        self.val.setData(self.val_x, self.val_y)

    @property
    def points(self) -> tuple[int, int]:
        """How many train and validation points are drawn."""
        return len(self.train_x), len(self.val_x)


def _positive(v) -> bool:
    return isinstance(v, (int, float)) and math.isfinite(v) and v > 0
