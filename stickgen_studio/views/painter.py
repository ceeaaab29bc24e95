"""Paint an engine draw list with QPainter: the same primitives the exporter rasterises, so
the viewport shows exactly what an export writes.

The floor and grid (``items[:static_count]``) only change with the camera, the size and the
style, so :class:`DrawListPainter` keeps them as a cached pixmap between frames.
"""
from __future__ import annotations

import logging

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPen, QPixmap, QPolygonF

from engine.drawlist import Circle, DrawList, Line, Polygon, Polyline

_NO_PEN = QPen(Qt.NoPen)
_log = logging.getLogger(__name__)


def paint_guarded(widget, paint) -> None:
    """Run ``paint(painter)`` for ``widget``'s paintEvent. Should the data it draws turn out
    bad, the widget says so in words instead: an exception escaping a paintEvent leaves the
    painter open, which Qt does not survive (the app crashed on every repaint)."""
    p = QPainter(widget)
    problem = None
    try:
        paint(p)
    except Exception as exc:   # noqa: BLE001 -- anything here would end the app
        problem = str(exc) or type(exc).__name__
        _log.exception("cannot paint %s", type(widget).__name__)
    finally:
        p.end()
    if problem is None:
        return
    p = QPainter(widget)
    p.fillRect(widget.rect(), QColor(246, 247, 249))
    p.setPen(QColor(201, 42, 42))
    p.drawText(QRectF(widget.rect()).adjusted(8, 4, -8, -4),
               Qt.AlignCenter | Qt.TextWordWrap, f"This cannot be drawn: {problem[:200]}")
    p.end()


def _color(c) -> QColor:
    return QColor(c[0], c[1], c[2], c[3] if len(c) > 3 else 255)


def _pen(color, width: float, round_cap: bool = True) -> QPen:
    pen = QPen(_color(color), max(width, 0.5))
    pen.setCapStyle(Qt.RoundCap if round_cap else Qt.FlatCap)
    pen.setJoinStyle(Qt.RoundJoin)
    return pen


def paint_items(p: QPainter, items) -> None:
    """Paint primitives in order (they come back to front)."""
    for it in items:
        if type(it) is Line:
            p.setPen(_pen(it.color, it.width, it.round_cap))
            p.drawLine(QPointF(*it.p0), QPointF(*it.p1))
        elif type(it) is Circle:
            p.setPen(_pen(it.color, it.width))
            p.setBrush(QBrush(_color(it.fill)) if it.fill is not None else Qt.NoBrush)
            r = it.radius
            p.drawEllipse(QRectF(it.center[0] - r, it.center[1] - r, 2 * r, 2 * r))
        elif type(it) is Polyline:
            p.setPen(_pen(it.color, it.width))
            p.setBrush(Qt.NoBrush)
            p.drawPolyline(QPolygonF([QPointF(x, y) for x, y in it.points]))
        elif type(it) is Polygon:
            p.setPen(_pen(it.outline, it.width) if it.outline is not None and it.width > 0
                     else _NO_PEN)
            p.setBrush(QBrush(_color(it.fill)))
            p.drawPolygon(QPolygonF([QPointF(x, y) for x, y in it.points]))


class DrawListPainter:
    """Paints whole draw lists, reusing the static background while it stays the same."""

    def __init__(self) -> None:
        self._bg_key: tuple | None = None
        self._bg: QPixmap | None = None

    def paint(self, p: QPainter, dl: DrawList, key: tuple | None = None) -> None:
        """Paint ``dl`` at the painter's origin; ``key`` identifies its static part (camera,
        style) so the cached background is reused while it is unchanged."""
        self.paint_static(p, dl, key)
        paint_items(p, dl.items[dl.static_count:])

    def paint_static(self, p: QPainter, dl: DrawList, key: tuple | None = None) -> None:
        """Only the background: fill, floor and grid."""
        if key is None:
            p.fillRect(QRectF(0, 0, dl.width, dl.height), _color(dl.background))
            paint_items(p, dl.items[:dl.static_count])
            return
        dpr = p.device().devicePixelRatioF() if p.device() is not None else 1.0
        full = (key, dl.width, dl.height, dpr)
        if full != self._bg_key or self._bg is None:
            pix = QPixmap(int(dl.width * dpr), int(dl.height * dpr))
            pix.setDevicePixelRatio(dpr)
            pix.fill(_color(dl.background))
            bp = QPainter(pix)
            bp.setRenderHint(QPainter.Antialiasing)
            paint_items(bp, dl.items[:dl.static_count])
            bp.end()
            self._bg, self._bg_key = pix, full
        p.drawPixmap(QPointF(0, 0), self._bg)
