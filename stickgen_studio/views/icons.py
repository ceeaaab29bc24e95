"""Small monochrome icons drawn with QPainter, so the app ships no image files for them."""
from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap, QPolygonF

INK = QColor(52, 58, 70)
SIZE = 32  # drawn on a 32-px grid, scaled by Qt


def _poly(p: QPainter, pts) -> None:
    p.drawPolygon(QPolygonF([QPointF(x, y) for x, y in pts]))


def _draw(p: QPainter, name: str) -> None:
    pen = QPen(INK, 2.6, Qt.SolidLine, Qt.RoundCap, Qt.RoundJoin)
    p.setPen(pen)
    p.setBrush(Qt.NoBrush)
    fill = lambda: (p.setBrush(INK), p.setPen(Qt.NoPen))  # noqa: E731
    if name == "play":
        fill(); _poly(p, [(10, 7), (25, 16), (10, 25)])
    elif name == "pause":
        fill(); p.drawRoundedRect(QRectF(9, 7, 5, 18), 1, 1); p.drawRoundedRect(QRectF(18, 7, 5, 18), 1, 1)
    elif name in ("start", "end"):
        fill()
        if name == "start":
            p.drawRect(QRectF(8, 8, 3, 16)); _poly(p, [(24, 8), (12, 16), (24, 24)])
        else:
            p.drawRect(QRectF(21, 8, 3, 16)); _poly(p, [(8, 8), (20, 16), (8, 24)])
    elif name in ("step_back", "step_forward"):
        if name == "step_back":
            p.drawPolyline(QPolygonF([QPointF(19, 8), QPointF(11, 16), QPointF(19, 24)]))
        else:
            p.drawPolyline(QPolygonF([QPointF(13, 8), QPointF(21, 16), QPointF(13, 24)]))
    elif name == "loop":
        path = QPainterPath()
        path.moveTo(9, 19); path.arcTo(QRectF(7, 9, 18, 14), 180, -180 - 20)
        p.drawPath(path)
        fill(); _poly(p, [(20, 18), (27, 17), (25, 24)])
    elif name in ("zoom_in", "zoom_out", "fit"):
        if name == "fit":
            for (x, y), (dx, dy) in (((7, 7), (1, 1)), ((25, 7), (-1, 1)), ((7, 25), (1, -1)),
                                     ((25, 25), (-1, -1))):
                p.drawPolyline(QPolygonF([QPointF(x, y + 6 * dy), QPointF(x, y),
                                          QPointF(x + 6 * dx, y)]))
        else:
            p.drawEllipse(QRectF(7, 7, 14, 14)); p.drawLine(QPointF(19, 19), QPointF(25, 25))
            p.drawLine(QPointF(10.5, 14), QPointF(17.5, 14))
            if name == "zoom_in":
                p.drawLine(QPointF(14, 10.5), QPointF(14, 17.5))
    elif name == "camera":
        p.drawRoundedRect(QRectF(5, 10, 16, 13), 2, 2); _poly(p, [(21, 14), (27, 11), (27, 22), (21, 19)])
    elif name == "onion":
        for k, a in ((0, 80), (5, 150), (10, 255)):
            c = QColor(INK); c.setAlpha(a); p.setPen(QPen(c, 2.4))
            p.drawEllipse(QRectF(5 + k, 9, 12, 12))
    elif name == "pose":
        p.drawEllipse(QRectF(13, 4, 6, 6)); p.drawLine(QPointF(16, 10), QPointF(16, 19))
        p.drawPolyline(QPolygonF([QPointF(8, 9), QPointF(16, 13), QPointF(25, 8)]))
        p.drawPolyline(QPolygonF([QPointF(10, 28), QPointF(16, 19), QPointF(22, 28)]))
        fill(); p.setBrush(QColor(66, 133, 244)); p.drawEllipse(QPointF(25, 8), 3.2, 3.2)
    elif name == "frame":
        p.drawRect(QRectF(7, 7, 18, 18)); fill(); p.drawEllipse(QPointF(16, 16), 3, 3)
    elif name == "plus":
        p.drawLine(QPointF(16, 8), QPointF(16, 24)); p.drawLine(QPointF(8, 16), QPointF(24, 16))
    elif name == "minus":
        p.drawLine(QPointF(8, 16), QPointF(24, 16))
    elif name == "dice":
        p.drawRoundedRect(QRectF(7, 7, 18, 18), 4, 4); fill()
        for x, y in ((12, 12), (20, 20), (16, 16)):
            p.drawEllipse(QPointF(x, y), 1.8, 1.8)
    elif name == "key":
        fill(); _poly(p, [(16, 6), (26, 16), (16, 26), (6, 16)])
    elif name == "stop":
        fill(); p.drawRoundedRect(QRectF(9, 9, 14, 14), 2, 2)
    elif name == "trash":
        p.drawLine(QPointF(8, 10), QPointF(24, 10)); p.drawLine(QPointF(13, 7), QPointF(19, 7))
        p.drawPolyline(QPolygonF([QPointF(10, 10), QPointF(11.5, 25), QPointF(20.5, 25), QPointF(22, 10)]))


@lru_cache(maxsize=None)
def icon(name: str) -> QIcon:
    out = QIcon()
    for scale in (1, 2):
        pix = QPixmap(SIZE * scale, SIZE * scale)
        pix.setDevicePixelRatio(scale)
        pix.fill(Qt.transparent)
        p = QPainter(pix)
        p.setRenderHint(QPainter.Antialiasing)
        _draw(p, name)
        p.end()
        out.addPixmap(pix)
    return out
