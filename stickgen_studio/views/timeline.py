"""The timeline: a ruler in seconds and frames, the playhead, and one row per track.

Click or drag in the ruler to scrub (throttled); drag on an empty part of the tracks to select a
frame range; click a key to select it (Ctrl adds), drag it to move it (the whole drag is one
undo step), Delete removes the selected keys. Ctrl+wheel zooms around the mouse, the wheel
scrolls. Speech ranges move by their body and resize by their ends.
"""
from __future__ import annotations

import itertools
import math

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPen, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from ..document import edits
from .painter import paint_guarded
from .throttle import Throttle
from .timeline_items import TRACK_TITLES, TRACKS, Item, build_items

HEADER_W, RULER_H, TRACK_H = 84, 30, 26
KEY_R = 6.0
EDGE_GRAB = 5.0
COLORS = {"action": QColor(92, 124, 250), "expression": QColor(240, 140, 0),
          "speech": QColor(18, 184, 134), "pose": QColor(230, 73, 128),
          "camera": QColor(132, 94, 247)}
BG, ROW_A, ROW_B = QColor(250, 250, 252), QColor(255, 255, 255), QColor(246, 247, 250)
GRID, TEXT, MUTED = QColor(226, 229, 235), QColor(40, 44, 52), QColor(120, 126, 138)
PLAYHEAD, RANGE = QColor(232, 62, 62), QColor(66, 133, 244, 40)
_drags = itertools.count(1)


class Timeline(QWidget):
    view_changed = Signal()     # zoom or scroll changed (for the scroll bar)

    def __init__(self, doc, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc = doc
        self.ppf = 6.0          # pixels per frame
        self.scroll = 0.0       # first visible frame
        self._items: dict[str, list[Item]] | None = None
        self._drag: dict | None = None
        self._scrub = Throttle(doc.playhead.set_frame, 16, self)
        self.setMinimumHeight(RULER_H + len(TRACKS) * TRACK_H + 4)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Fixed)
        self.setFocusPolicy(Qt.StrongFocus)
        self.setMouseTracking(True)
        for sig in (doc.motion_changed, doc.expressions_changed, doc.speech_changed,
                    doc.poses_changed):
            sig.connect(self._changed)
        for sig in (doc.actors_changed, doc.camera_changed, doc.project_replaced,
                    doc.selection.actor_changed):
            sig.connect(self._changed)
        doc.project_replaced.connect(self.fit)
        doc.playhead.frame_changed.connect(self._follow)
        doc.selection.keys_changed.connect(self.update)
        doc.selection.range_changed.connect(self.update)

    def sizeHint(self) -> QSize:
        return QSize(800, RULER_H + len(TRACKS) * TRACK_H + 4)

    def _changed(self, *_) -> None:
        self._items = None
        self.update()

    def items(self) -> dict[str, list[Item]]:
        if self._items is None:
            self._items = build_items(self.doc, self.doc.selection.actor)
        return self._items

    # -- mapping ------------------------------------------------------------------------------
    def num_frames(self) -> int:
        return max(1, self.doc.project.num_frames)

    def x_of(self, frame: float) -> float:
        return HEADER_W + 8 + (frame - self.scroll) * self.ppf

    def frame_at(self, x: float) -> int:
        return int(round((x - HEADER_W - 8) / self.ppf + self.scroll))

    def row_rect(self, track: str) -> QRectF:
        return QRectF(0, RULER_H + TRACKS.index(track) * TRACK_H, self.width(), TRACK_H)

    def track_at(self, y: float) -> str | None:
        i = int((y - RULER_H) // TRACK_H)
        return TRACKS[i] if y >= RULER_H and 0 <= i < len(TRACKS) else None

    def visible_frames(self) -> float:
        return max(1.0, (self.width() - HEADER_W - 16) / self.ppf)

    def set_zoom(self, ppf: float, anchor_x: float | None = None) -> None:
        anchor_x = self.x_of(self.doc.playhead.frame) if anchor_x is None else anchor_x
        f = (anchor_x - HEADER_W - 8) / self.ppf + self.scroll
        self.ppf = min(48.0, max(0.5, ppf))
        self.set_scroll(f - (anchor_x - HEADER_W - 8) / self.ppf)

    def set_scroll(self, first: float) -> None:
        self.scroll = max(0.0, min(first, self.num_frames() - self.visible_frames() * 0.5))
        self.update()
        self.view_changed.emit()

    def fit(self) -> None:
        self.ppf = min(48.0, max(0.5, (self.width() - HEADER_W - 24) / self.num_frames()))
        self.set_scroll(0.0)

    def _follow(self, frame: int) -> None:
        x = self.x_of(frame)
        if x > self.width() - 20 or x < HEADER_W:
            self.set_scroll(frame - 2)
        self.update()

    def resizeEvent(self, e) -> None:
        if self.doc.project.num_frames and self.ppf * self.num_frames() < 50:
            self.fit()
        super().resizeEvent(e)

    # -- painting -----------------------------------------------------------------------------
    def paintEvent(self, e) -> None:
        paint_guarded(self, self._paint)

    def _paint(self, p: QPainter) -> None:
        p.setRenderHint(QPainter.Antialiasing)
        p.fillRect(self.rect(), BG)
        font = QFont(self.font())
        font.setPointSizeF(max(7.5, font.pointSizeF() * 0.85))
        p.setFont(font)
        for k, track in enumerate(TRACKS):
            p.fillRect(self.row_rect(track), ROW_A if k % 2 == 0 else ROW_B)
        self._paint_ruler(p)
        p.save()
        p.setClipRect(QRectF(HEADER_W, 0, self.width() - HEADER_W, self.height()))
        rng = self.doc.selection.range
        if rng:
            x0, x1 = self.x_of(rng[0]), self.x_of(rng[1])
            p.fillRect(QRectF(x0, 0, x1 - x0, self.height()), RANGE)
        end = self.x_of(self.num_frames())
        p.fillRect(QRectF(end, RULER_H, self.width(), self.height()), QColor(0, 0, 0, 10))
        selected = self.doc.selection.keys
        for track, items in self.items().items():
            row = self.row_rect(track)
            for it in items:
                self._paint_item(p, row, it, it.ref in selected)
        x = self.x_of(self.doc.playhead.frame)
        p.setPen(QPen(PLAYHEAD, 1.5))
        p.drawLine(QPointF(x, 2), QPointF(x, self.height()))
        p.setBrush(PLAYHEAD)
        p.setPen(Qt.NoPen)
        p.drawPolygon(QPolygonF([QPointF(x - 6, 2), QPointF(x + 6, 2), QPointF(x + 6, 10),
                                 QPointF(x, 16), QPointF(x - 6, 10)]))
        p.restore()
        p.fillRect(QRectF(0, 0, HEADER_W, self.height()), QColor(241, 243, 246))
        p.setPen(QPen(GRID, 1))
        p.drawLine(QPointF(HEADER_W, 0), QPointF(HEADER_W, self.height()))
        for track in TRACKS:
            r = self.row_rect(track)
            p.setBrush(COLORS[track])
            p.setPen(Qt.NoPen)
            p.drawRoundedRect(QRectF(8, r.center().y() - 4, 8, 8), 2, 2)
            p.setPen(TEXT)
            p.drawText(QRectF(22, r.top(), HEADER_W - 24, r.height()),
                       Qt.AlignVCenter | Qt.AlignLeft, TRACK_TITLES[track])
        fps = self.doc.fps
        f = self.doc.playhead.frame
        p.setPen(MUTED)
        p.drawText(QRectF(8, 0, HEADER_W - 10, RULER_H), Qt.AlignVCenter | Qt.AlignLeft,
                   f"{f / fps:5.2f}s")

    def _paint_ruler(self, p: QPainter) -> None:
        fps = self.doc.fps
        p.fillRect(QRectF(0, 0, self.width(), RULER_H), QColor(241, 243, 246))
        p.setPen(QPen(GRID, 1))
        p.drawLine(QPointF(0, RULER_H - 0.5), QPointF(self.width(), RULER_H - 0.5))
        # Choose tick spacings so labels never crowd: seconds steps and frame steps.
        sec_step = next(s for s in (0.2, 0.5, 1, 2, 5, 10, 30, 60, 300) if s * fps * self.ppf >= 60)
        frame_step = next(s for s in (1, 2, 5, 10, 25, 50, 100, 250, 500)
                          if s * self.ppf >= 7)
        first, last = int(self.scroll), int(self.scroll + self.visible_frames()) + 2
        for fr in range((first // frame_step) * frame_step, last, frame_step):
            x = self.x_of(fr)
            if x < HEADER_W:
                continue
            p.setPen(QPen(GRID.darker(115), 1))
            p.drawLine(QPointF(x, RULER_H - 5), QPointF(x, RULER_H - 1))
        n = math.ceil(last / fps / sec_step) + 1
        for k in range(int(self.scroll / fps / sec_step), n):
            t = k * sec_step
            x = self.x_of(t * fps)
            if x < HEADER_W - 1:
                continue
            p.setPen(QPen(GRID.darker(140), 1))
            p.drawLine(QPointF(x, RULER_H - 12), QPointF(x, RULER_H - 1))
            p.setPen(QPen(GRID, 1))
            p.drawLine(QPointF(x, RULER_H), QPointF(x, self.height()))
            p.setPen(TEXT)
            label = f"{t:g}s" if sec_step >= 1 else f"{t:.1f}s"
            p.drawText(QPointF(x + 3, 11), label)
            p.setPen(MUTED)
            p.drawText(QPointF(x + 3, RULER_H - 6), f"{int(round(t * fps))}")

    def _paint_item(self, p: QPainter, row: QRectF, it: Item, selected: bool) -> None:
        color = QColor(COLORS[it.track])
        cy = row.center().y()
        if it.kind == "key":
            x = self.x_of(it.start)
            r = KEY_R + (1 if selected else 0)
            p.setBrush(color if not selected else color.darker(130))
            p.setPen(QPen(QColor(255, 255, 255) if not selected else TEXT, 1.5))
            p.drawPolygon(QPolygonF([QPointF(x, cy - r), QPointF(x + r, cy), QPointF(x, cy + r),
                                     QPointF(x - r, cy)]))
            if it.track == "camera" and it.label and self.ppf * 10 > 40:
                p.setPen(MUTED)
                p.drawText(QPointF(x + r + 3, cy + 4), it.label)
            return
        x0, x1 = self.x_of(it.start), self.x_of(it.stop)
        rect = QRectF(x0 + 1, row.top() + 4, max(2.0, x1 - x0 - 2), row.height() - 8)
        if it.kind == "band":
            color.setAlpha(38)
            p.setBrush(color)
            p.setPen(Qt.NoPen)
            p.drawRoundedRect(rect, 3, 3)
            text = MUTED
        else:
            color.setAlpha(230 if it.track != "action" else 200)
            p.setBrush(color if not selected else color.darker(125))
            p.setPen(QPen(TEXT, 1.5) if selected else Qt.NoPen)
            p.drawRoundedRect(rect, 4, 4)
            text = QColor(255, 255, 255)
        if rect.width() > 28:
            p.setPen(text)
            p.drawText(rect.adjusted(5, 0, -3, 0), Qt.AlignVCenter | Qt.AlignLeft,
                       p.fontMetrics().elidedText(it.label, Qt.ElideRight, int(rect.width()) - 8))

    # -- interaction --------------------------------------------------------------------------
    def item_at(self, pos: QPointF) -> tuple[Item, str] | None:
        """The editable item under ``pos`` and which part of it (key, body, start, stop)."""
        track = self.track_at(pos.y())
        if track is None or pos.x() < HEADER_W:
            return None
        best = None
        for it in reversed(self.items()[track]):
            if it.ref is None:
                continue
            if it.kind == "key":
                d = abs(self.x_of(it.start) - pos.x())
                if d <= KEY_R + 2 and (best is None or d < best[2]):
                    best = (it, "key", d)
            else:
                x0, x1 = self.x_of(it.start), self.x_of(it.stop)
                if it.track == "speech" and abs(pos.x() - x0) <= EDGE_GRAB:
                    return it, "start"
                if it.track == "speech" and abs(pos.x() - x1) <= EDGE_GRAB:
                    return it, "stop"
                if x0 <= pos.x() <= x1 and best is None:
                    best = (it, "body", 0.0)
        return (best[0], best[1]) if best else None

    def mousePressEvent(self, e) -> None:
        pos = e.position()
        self.setFocus()
        if e.button() != Qt.LeftButton:
            return
        sel = self.doc.selection
        if pos.y() < RULER_H and pos.x() >= HEADER_W:
            if e.modifiers() & Qt.ShiftModifier:
                self._drag = {"mode": "range", "from": self.frame_at(pos.x())}
            else:
                self._drag = {"mode": "scrub"}
                self._scrub.push(self.frame_at(pos.x()))
            return
        hit = self.item_at(pos)
        if hit is None:
            if pos.x() >= HEADER_W:
                sel.clear_keys()
                self._drag = {"mode": "range", "from": self.frame_at(pos.x()), "moved": False}
            return
        it, part = hit
        if e.modifiers() & Qt.ControlModifier:
            sel.set_keys(sel.keys ^ {it.ref})
            return
        if it.ref not in sel.keys:
            sel.set_keys({it.ref})
        if it.track == "action":
            sel.set_range(it.start, it.stop)
            return
        lists = edits.key_lists(self.doc, sel.actor)
        self._drag = {"mode": part if part in ("start", "stop") else "move", "track": it.track,
                      "original": lists[it.track], "moving": sel.keys_on(it.track),
                      "index": it.ref[1], "x0": pos.x(), "delta": 0,
                      "key": f"timeline-drag-{next(_drags)}"}

    def mouseMoveEvent(self, e) -> None:
        pos = e.position()
        d = self._drag
        if d is None:
            hit = self.item_at(pos)
            shape = Qt.ArrowCursor
            if hit is not None:
                shape = Qt.SizeHorCursor if hit[1] in ("start", "stop") else Qt.PointingHandCursor
            self.setCursor(shape)
            return
        if d["mode"] == "scrub":
            self._scrub.push(self.frame_at(pos.x()))
        elif d["mode"] == "range":
            a, b = d["from"], self.frame_at(pos.x())
            d["moved"] = True
            lo, hi = sorted((a, b))
            self.doc.selection.set_range(max(0, lo), min(self.num_frames(), hi + 1))
        else:
            delta = int(round((pos.x() - d["x0"]) / self.ppf))
            if delta == d["delta"]:
                return
            d["delta"] = delta
            actor = self.doc.selection.actor
            if d["mode"] == "move":
                edits.move_keys(self.doc, actor, d["track"], d["original"], d["moving"], delta,
                                d["key"])
            else:
                edits.resize_speech(self.doc, actor, d["original"], d["index"], d["mode"],
                                    delta, d["key"])

    def mouseReleaseEvent(self, e) -> None:
        d, self._drag = self._drag, None
        if d and d["mode"] == "range" and not d.get("moved", True):
            self.doc.selection.set_range(None)
            self._scrub.push(d["from"])

    def keyPressEvent(self, e) -> None:
        if e.key() in (Qt.Key_Delete, Qt.Key_Backspace) and self.doc.selection.keys:
            edits.delete_keys(self.doc, self.doc.selection.actor, self.doc.selection.keys)
        elif e.key() == Qt.Key_Escape:
            self.doc.selection.clear_keys()
            self.doc.selection.set_range(None)
        elif e.key() == Qt.Key_Left:
            self.doc.playhead.set_frame(self.doc.playhead.frame - 1)
        elif e.key() == Qt.Key_Right:
            self.doc.playhead.set_frame(self.doc.playhead.frame + 1)
        else:
            super().keyPressEvent(e)

    def wheelEvent(self, e) -> None:
        steps = e.angleDelta().y() / 120.0 or e.angleDelta().x() / 120.0
        if e.modifiers() & Qt.ControlModifier:
            self.set_zoom(self.ppf * 1.2 ** steps, e.position().x())
        else:
            self.set_scroll(self.scroll - steps * 40 / self.ppf)

    def event(self, e) -> bool:
        if e.type() == e.Type.ToolTip:
            hit = self.item_at(QPointF(e.pos()))
            if hit is not None and hit[0].tooltip:
                QToolTip.showText(e.globalPos(), hit[0].tooltip, self)
            else:
                QToolTip.hideText()
            return True
        return super().event(e)
