"""The live 2.5D viewport: a pyqtgraph GraphicsView whose scene holds the engine draw list of
the current frame (:class:`~.viewport_items.DrawListItem`) under the editor's marks.

Two ways to look: the editor camera (orbit with the left button, pan with the middle button or
Shift+left, zoom with the wheel, double-click to frame everything), which shows the shot
camera as a small frustum; or "through the shot camera", the exported picture inside its frame
outline. Onion skin paints fading figures before and after the playhead. In pose mode the
current actor's joints get handles; dragging one poses the figure with bone lengths kept
(stickgen_studio.document.posing) and makes a pose key, one undo step per drag.

The scene is in widget pixels (pyqtgraph's automatic pixel range), so mouse positions, the
picture's rectangle and the draw list's pixels are all one coordinate system.
"""
from __future__ import annotations

import itertools
from collections import OrderedDict
from dataclasses import replace

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QGraphicsScene, QGraphicsView, QSizePolicy, QWidget

from engine.camera import facing
from engine.drawlist import build_drawlist, pose_at
from engine.projection import CameraState

from ..document import edits
from ..document.posing import drag_joint
from ..document.scene import shot_size
from .orbit import OrbitCamera
from .painter import Layer
from .viewport_items import DrawListItem, OverlayItem, Picture
from .viewport_overlay import paint_overlay

PICK_RADIUS = 12.0
PASSEPARTOUT = QColor(38, 41, 48)
_drag_ids = itertools.count(1)
# Mouse events sent to the view itself rather than to its viewport child (QTest does so, as
# may accessibility tools) are dropped by QAbstractScrollArea; the view handles them alike.
_MOUSE_HANDLERS = {QEvent.MouseButtonPress: "mousePressEvent",
                   QEvent.MouseMove: "mouseMoveEvent",
                   QEvent.MouseButtonRelease: "mouseReleaseEvent",
                   QEvent.MouseButtonDblClick: "mouseDoubleClickEvent",
                   QEvent.Wheel: "wheelEvent"}


class Viewport(pg.GraphicsView):
    pose_dragged = Signal(int, int, str)   # actor, frame, merge key: a pose drag just ended
    view_changed = Signal()

    def __init__(self, doc, parent: QWidget | None = None) -> None:
        super().__init__(parent, useOpenGL=False, background=PASSEPARTOUT)
        self.doc = doc
        self.orbit = OrbitCamera()
        self.through_shot = False
        self.onion = False
        self.onion_count = 3
        self.onion_step = 5
        self.pose_mode = False
        self.last_drawlist = None
        self._drag: dict | None = None
        self._hover: int | None = None
        # Onion-skin figures (painted layers) by (frame, camera, size). While playing, a ghost
        # frame comes round again as the playhead moves on, so the cache spans the whole ghost
        # window: one new ghost per played frame instead of one per ghost.
        self._ghosts: OrderedDict[tuple, Layer] = OrderedDict()
        self._setup_view()
        for sig in (doc.motion_changed, doc.expressions_changed, doc.speech_changed,
                    doc.poses_changed, doc.actors_changed, doc.camera_changed,
                    doc.settings_changed, doc.project_replaced):
            sig.connect(self._changed)
        for sig in (doc.playhead.frame_changed, doc.selection.actor_changed):
            sig.connect(self.refresh)
        doc.project_replaced.connect(self.frame_all)

    def _setup_view(self) -> None:
        self.setCentralItem(None)          # pyqtgraph's layout widget: nothing to lay out here
        self.scene().setItemIndexMethod(QGraphicsScene.NoIndex)   # two items, both full size
        # Every frame repaints the whole picture: skip Qt's exposed-region bookkeeping.
        self.setViewportUpdateMode(QGraphicsView.FullViewportUpdate)
        self.setOptimizationFlag(QGraphicsView.DontAdjustForAntialiasing, True)
        self.picture_item = DrawListItem(self._compose)
        self.overlay_item = OverlayItem(lambda p: paint_overlay(p, self))
        self.addItem(self.picture_item)
        self.addItem(self.overlay_item)
        self._fit_items()
        self.setMinimumSize(320, 200)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)
        self.setFocusPolicy(Qt.ClickFocus)

    def resizeEvent(self, ev) -> None:
        super().resizeEvent(ev)
        self._fit_items()

    def _fit_items(self) -> None:
        for item in (getattr(self, "picture_item", None), getattr(self, "overlay_item", None)):
            if item is not None:
                item.set_size(self.width(), self.height())

    def refresh(self, *_) -> None:
        """Schedule a repaint of the picture (the view's own update() only repaints its frame)."""
        if not self.closed:
            self.viewport().update()

    def _changed(self, *_) -> None:
        self._ghosts.clear()
        self.refresh()

    def event(self, e) -> bool:
        handler = _MOUSE_HANDLERS.get(e.type())
        if handler is not None:
            getattr(self, handler)(e)
            return True
        return super().event(e)

    def keyPressEvent(self, e) -> None:
        e.ignore()     # keys go on to the window's shortcuts, as from any plain widget

    # -- settings from the toolbar -----------------------------------------------------------
    def set_through_shot(self, on: bool) -> None:
        self.through_shot = bool(on)
        self.refresh()
        self.view_changed.emit()

    def set_onion(self, on: bool) -> None:
        self.onion = bool(on)
        self.refresh()

    def set_pose_mode(self, on: bool) -> None:
        self.pose_mode = bool(on)
        self._hover = None
        self.refresh()

    def frame_all(self) -> None:
        """Aim the editor camera so every visible actor shows over the whole clip."""
        motions = self.doc.motions()
        if motions:
            pts = np.concatenate([m.positions[::5].reshape(-1, 3) for m in motions])
            pts = np.concatenate([pts, pts * [1, 0, 1]])  # include the floor under them
            self.orbit.face(facing(motions[0], 0))
            self.orbit.frame(pts, self.width() / max(1, self.height()))
        else:
            self.orbit = OrbitCamera()
        self.refresh()
        self.view_changed.emit()

    # -- geometry ---------------------------------------------------------------------------
    def shot_rect(self) -> QRectF:
        """Where the shot's picture sits inside the widget (the frame outline)."""
        sw, sh = shot_size(self.doc.project)
        margin = 14.0
        w, h = self.width() - 2 * margin, self.height() - 2 * margin
        scale = min(w / sw, h / sh)
        rw, rh = max(2.0, sw * scale), max(2.0, sh * scale)
        return QRectF(round((self.width() - rw) / 2), round((self.height() - rh) / 2),
                      round(rw), round(rh))

    def shot_state(self, frame: float | None = None, aspect: float | None = None) -> CameraState:
        sw, sh = shot_size(self.doc.project)
        frame = self.doc.playhead.frame if frame is None else frame
        return self.doc.camera_track().evaluate(frame, self.doc.all_motions(),
                                                aspect or sw / sh)

    def view(self) -> tuple[CameraState, QRectF]:
        """The camera drawing the picture and the widget rectangle it is drawn into."""
        if self.through_shot:
            rect = self.shot_rect()
            return self.shot_state(aspect=rect.width() / rect.height()), rect
        return self.orbit.state(), QRectF(0, 0, self.width(), self.height())

    # -- the picture ------------------------------------------------------------------------
    def _compose(self) -> Picture:
        """The current frame's draw list (and ghosts), built when the picture is painted."""
        doc = self.doc
        cam, rect = self.view()
        w, h = int(rect.width()), int(rect.height())
        frame = doc.playhead.frame
        motions = doc.motions(doc.visible_actors())
        style = doc.style()
        dl = build_drawlist(motions, cam, frame, w, h, style)
        self.last_drawlist = dl
        ghosts = self._onion(motions, cam, frame, w, h, style) if self.onion and motions else []
        return Picture(cam, rect, dl, (cam, style.name, style.background), ghosts)

    def _onion(self, motions, cam, frame, w, h, style) -> list:
        ghost = replace(style, floor=None, ground="none", shadow=False)
        last = self.doc.playhead.last_frame
        keep = 2 * self.onion_count * (self.onion_step + 1) + 4
        out = []
        for k in range(self.onion_count, 0, -1):
            fade = 0.32 * (1.0 - (k - 1) / self.onion_count)
            for f in (frame - k * self.onion_step, frame + k * self.onion_step):
                if 0 <= f <= last:
                    key = (f, cam, w, h)
                    g = self._ghosts.get(key)
                    if g is None:
                        dl = build_drawlist(motions, cam, f, w, h, ghost)
                        g = self._ghosts[key] = Layer(dl.items, w, h)
                        while len(self._ghosts) > keep:
                            self._ghosts.popitem(last=False)
                    out.append((fade, g))
        return out

    # -- pose handles -----------------------------------------------------------------------
    def _pose_now(self) -> tuple[int, np.ndarray] | None:
        i = self.doc.selection.actor
        if not 0 <= i < len(self.doc.project.actors) or not self.doc.project.actors[i].visible:
            return None
        return i, pose_at(self.doc.motion_of(i), self.doc.playhead.frame)

    def handles(self, cam: CameraState, w: int, h: int):
        """(actor, joint pixels (J, 2), depths (J,)) of the current actor, or None."""
        now = self._pose_now()
        if now is None:
            return None
        px, depth = cam.project(now[1], w, h)
        return now[0], px, depth

    def hover_joint(self) -> int | None:
        return self._hover

    def dragged_joint(self) -> int | None:
        return self._drag["joint"] if self._drag and self._drag["mode"] == "pose" else None

    # -- mouse ------------------------------------------------------------------------------
    def _pick(self, pos: QPointF) -> int | None:
        cam, rect = self.view()
        hs = self.handles(cam, int(rect.width()), int(rect.height()))
        if hs is None:
            return None
        _, px, depth = hs
        local = np.array([pos.x() - rect.left(), pos.y() - rect.top()])
        dist = np.linalg.norm(px - local, axis=1)
        dist[depth <= 0.05] = np.inf
        j = int(np.argmin(dist))
        return j if dist[j] <= PICK_RADIUS else None

    def _ray_target(self, pos: QPointF, anchor: np.ndarray) -> np.ndarray:
        """Where the mouse ray meets the plane through ``anchor`` facing the camera."""
        cam, rect = self.view()
        right, up, fwd = cam.basis()
        f = cam.focal_px(int(rect.height()))
        x = pos.x() - rect.left() - rect.width() / 2
        y = rect.height() / 2 - (pos.y() - rect.top())
        ray = fwd + right * x / f + up * y / f
        eye = np.asarray(cam.position)
        t = float((anchor - eye) @ fwd) / max(float(ray @ fwd), 1e-9)
        return eye + ray * t

    def mousePressEvent(self, e) -> None:
        pos = e.position()
        if self.pose_mode and e.button() == Qt.LeftButton:
            j = self._pick(pos)
            now = self._pose_now()
            if j is not None and now is not None:
                self._drag = {"mode": "pose", "joint": j, "actor": now[0], "pose": now[1],
                              "frame": self.doc.playhead.frame,
                              "key": f"pose-{next(_drag_ids)}", "moved": False}
                return
        if self.through_shot:
            return
        pan = e.button() in (Qt.MiddleButton, Qt.RightButton) or (
            e.button() == Qt.LeftButton and e.modifiers() & Qt.ShiftModifier)
        self._drag = {"mode": "pan" if pan else "orbit", "last": pos}

    def mouseMoveEvent(self, e) -> None:
        pos = e.position()
        d = self._drag
        if d is None:
            if self.pose_mode:
                hover = self._pick(pos)
                if hover != self._hover:
                    self._hover = hover
                    self.viewport().setCursor(Qt.OpenHandCursor if hover is not None
                                              else Qt.ArrowCursor)
                    self.refresh()
            return
        if d["mode"] == "pose":
            m = self.doc.motion_of(d["actor"])
            anchor = d["pose"][d["joint"]]
            new = drag_joint(d["pose"], d["joint"], self._ray_target(pos, anchor), m.joints,
                             m.parents)
            edits.set_pose_key(self.doc, d["actor"], d["frame"], new, d["key"])
            d["moved"] = True
            return
        delta = pos - d["last"]
        d["last"] = pos
        if d["mode"] == "orbit":
            self.orbit.orbit(delta.x(), delta.y())
        else:
            self.orbit.pan(delta.x(), delta.y(), self.height())
        self.refresh()
        self.view_changed.emit()

    def mouseReleaseEvent(self, e) -> None:
        d, self._drag = self._drag, None
        if d and d["mode"] == "pose" and d["moved"]:
            self.pose_dragged.emit(d["actor"], d["frame"], d["key"])
        self.refresh()

    def mouseDoubleClickEvent(self, e) -> None:
        if not self.through_shot and self._pick(e.position()) is None:
            self.frame_all()

    def wheelEvent(self, e) -> None:
        if self.through_shot:
            return
        self.orbit.zoom(e.angleDelta().y() / 120.0)
        self.refresh()
        self.view_changed.emit()
