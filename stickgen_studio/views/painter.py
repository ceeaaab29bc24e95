"""Paint an engine draw list with QPainter: the same primitives the exporter rasterises, so
the viewport shows exactly what an export writes.

The floor and grid (``items[:static_count]``) only change with the camera, the size and the
style, so :class:`DrawListPainter` keeps them as a cached pixmap between frames. Pens and
colours are cached too: a frame of ten actors paints a few hundred primitives, and building a
QPen per primitive was a third of the painting time.
"""
from __future__ import annotations

import logging
import math

import pyqtgraph.functions as pg_functions
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QImage, QPainter, QPen, QPixmap, QPolygonF

from engine.drawlist import Circle, DrawList, Line, Polygon, Polyline

_NO_PEN = QPen(Qt.NoPen)
_NO_BRUSH = QBrush(Qt.NoBrush)
_log = logging.getLogger(__name__)
_CACHE_LIMIT = 4096
FAINT_ALPHA = 16    # fills this transparent (out of 255) are painted without antialiasing
_colors: dict[tuple, QColor] = {}
_pens: dict[tuple, QPen] = {}
_brushes: dict[tuple, QBrush] = {}


def paint_guarded(widget, paint) -> None:
    """Run ``paint(painter)`` for ``widget``'s paintEvent (see :func:`paint_safely`)."""
    p = QPainter(widget)
    try:
        paint_safely(p, QRectF(widget.rect()), paint, type(widget).__name__)
    finally:
        p.end()


def paint_safely(p: QPainter, rect: QRectF, paint, what: str) -> None:
    """Run ``paint(p)``; should the data it draws turn out bad, say so in words over ``rect``
    instead: an exception escaping a paintEvent (or a graphics item's paint) leaves the
    painter open, which Qt does not survive (the app crashed on every repaint)."""
    p.save()
    try:
        paint(p)
        return
    except Exception as exc:   # noqa: BLE001 -- anything here would end the app
        problem = str(exc) or type(exc).__name__
        _log.exception("cannot paint %s", what)
    finally:
        p.restore()
    p.save()
    p.setOpacity(1.0)
    p.fillRect(rect, QColor(246, 247, 249))
    p.setPen(QColor(201, 42, 42))
    p.drawText(rect.adjusted(8, 4, -8, -4), Qt.AlignCenter | Qt.TextWordWrap,
               f"This cannot be drawn: {problem[:200]}")
    p.restore()


def _color(c) -> QColor:
    col = _colors.get(c)
    if col is None:
        if len(_colors) > _CACHE_LIMIT:
            _colors.clear()
        col = _colors[c] = QColor(c[0], c[1], c[2], c[3] if len(c) > 3 else 255)
    return col


def _pen(color, width: float, round_cap: bool = True) -> QPen:
    # Widths to 1/100 px, as the exporter's rasteriser keeps its pens: the same picture, and
    # the ghosts and figures of one playback share most pens.
    key = (color, round(width, 2), round_cap)
    pen = _pens.get(key)
    if pen is None:
        if len(_pens) > _CACHE_LIMIT:
            _pens.clear()
        pen = _pens[key] = QPen(QBrush(_color(color)), max(key[1], 0.5), Qt.SolidLine,
                                Qt.RoundCap if round_cap else Qt.FlatCap, Qt.RoundJoin)
    return pen


def _brush(color) -> QBrush:
    brush = _brushes.get(color)
    if brush is None:
        if len(_brushes) > _CACHE_LIMIT:
            _brushes.clear()
        brush = _brushes[color] = QBrush(_color(color))
    return brush


def _polygon(points) -> QPolygonF:
    # Filled through numpy in pyqtgraph's way: half the time of a QPointF per point, and a
    # frame of ten actors has a hundred shadow rings and face shapes.
    poly = pg_functions.create_qpolygonf(len(points))
    pg_functions.ndarray_from_qpolygonf(poly)[:] = points
    return poly


def paint_items(p: QPainter, items) -> None:
    """Paint primitives in order (they come back to front)."""
    set_pen, set_brush = p.setPen, p.setBrush
    pen_now = brush_now = None   # QPainter copies state on every set: skip repeats
    aa = aa_now = p.testRenderHint(QPainter.Antialiasing)
    for it in items:
        kind = type(it)
        # A faint fill (the stacked rings of a floor shadow) shows no stair steps on its
        # edge, and antialiasing it was most of a frame's painting time.
        faint = kind is Polygon and it.fill[3] <= FAINT_ALPHA and it.outline is None
        if aa and faint == aa_now:
            aa_now = not faint
            p.setRenderHint(QPainter.Antialiasing, aa_now)
        if kind is Line:
            pen = _pen(it.color, it.width, it.round_cap)
            if pen is not pen_now:
                set_pen(pen)
                pen_now = pen
            (x0, y0), (x1, y1) = it.p0, it.p1
            p.drawLine(QLineF(x0, y0, x1, y1))
            continue
        if kind is Circle:
            pen = _pen(it.color, it.width)
            brush = _brush(it.fill) if it.fill is not None else _NO_BRUSH
        elif kind is Polyline:
            pen, brush = _pen(it.color, it.width), _NO_BRUSH
        elif kind is Polygon:
            pen = (_pen(it.outline, it.width) if it.outline is not None and it.width > 0
                   else _NO_PEN)
            brush = _brush(it.fill)
        else:
            continue
        if pen is not pen_now:
            set_pen(pen)
            pen_now = pen
        if brush is not brush_now:
            set_brush(brush)
            brush_now = brush
        if kind is Circle:
            r = it.radius
            p.drawEllipse(QRectF(it.center[0] - r, it.center[1] - r, 2 * r, 2 * r))
        elif kind is Polyline:
            p.drawPolyline(_polygon(it.points))
        else:
            p.drawPolygon(_polygon(it.points))
    if aa and not aa_now:
        p.setRenderHint(QPainter.Antialiasing, True)


def items_bounds(items, width: int, height: int) -> QRectF | None:
    """Whole pixels covering ``items`` (strokes included), within a width x height picture."""
    xs, ys, pad = [], [], 1.0
    for it in items:
        kind = type(it)
        if kind is Line:
            xs += (it.p0[0], it.p1[0])
            ys += (it.p0[1], it.p1[1])
            pad = max(pad, it.width)
        elif kind is Circle:
            r = it.radius + it.width
            xs += (it.center[0] - r, it.center[0] + r)
            ys += (it.center[1] - r, it.center[1] + r)
        else:
            xs += [x for x, _ in it.points]
            ys += [y for _, y in it.points]
            pad = max(pad, getattr(it, "width", 0.0))
    if not xs:
        return None
    x0, y0 = max(0, math.floor(min(xs) - pad)), max(0, math.floor(min(ys) - pad))
    x1, y1 = min(width, math.ceil(max(xs) + pad)), min(height, math.ceil(max(ys) + pad))
    return QRectF(x0, y0, x1 - x0, y1 - y0) if x1 > x0 and y1 > y0 else None


class Layer:
    """Primitives painted once into a transparent image and then drawn with any opacity.

    Onion-skin ghosts come round again for several played frames at different fades; as a
    layer each costs one image blit instead of painting all its primitives anew. The layer
    fades as a whole, so a ghost's overlapping limbs do not darken where they meet."""

    def __init__(self, items, width: int, height: int) -> None:
        self._items = items
        self._bounds = items_bounds(items, width, height)
        self._image: QImage | None = None
        self._dpr = 0.0

    def paint(self, p: QPainter, opacity: float) -> None:
        if self._bounds is None:
            return
        dpr = p.device().devicePixelRatioF() if p.device() is not None else 1.0
        if self._image is None or self._dpr != dpr:
            b = self._bounds
            img = QImage(math.ceil(b.width() * dpr), math.ceil(b.height() * dpr),
                         QImage.Format_ARGB32_Premultiplied)
            img.setDevicePixelRatio(dpr)
            img.fill(Qt.transparent)
            ip = QPainter(img)
            ip.setRenderHint(QPainter.Antialiasing)
            ip.translate(-b.left(), -b.top())
            paint_items(ip, self._items)
            ip.end()
            self._image, self._dpr = img, dpr
        p.setOpacity(opacity)
        p.drawImage(self._bounds.topLeft(), self._image)
        p.setOpacity(1.0)


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
            p.fillRect(QRectF(0, 0, dl.width, dl.height), _color(tuple(dl.background)))
            paint_items(p, dl.items[:dl.static_count])
            return
        dpr = p.device().devicePixelRatioF() if p.device() is not None else 1.0
        full = (key, dl.width, dl.height, dpr)
        if full != self._bg_key or self._bg is None:
            pix = QPixmap(int(dl.width * dpr), int(dl.height * dpr))
            pix.setDevicePixelRatio(dpr)
            pix.fill(_color(tuple(dl.background)))
            bp = QPainter(pix)
            bp.setRenderHint(QPainter.Antialiasing)
            paint_items(bp, dl.items[:dl.static_count])
            bp.end()
            self._bg, self._bg_key = pix, full
        p.drawPixmap(QPointF(0, 0), self._bg)
