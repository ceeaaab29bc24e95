"""The live 2.5D viewport: the engine draw list of the current frame, painted with QPainter.

Two ways to look: the editor camera (orbit with the left button, pan with the middle button or
Shift+left, zoom with the wheel, double-click to frame everything), which shows the shot
camera as a small frustum; or "through the shot camera", the exported picture inside its frame
outline. Onion skin paints fading figures before and after the playhead. In pose mode the
current actor's joints get handles; dragging one poses the figure with bone lengths kept
(stickgen_studio.document.posing) and makes a pose key, one undo step per drag.
"""
from __future__ import annotations

import itertools
from collections import OrderedDict
from dataclasses import replace

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from engine.camera import facing
from engine.drawlist import build_drawlist, pose_at
from engine.projection import CameraState

from ..document import edits
from ..document.posing import drag_joint
from ..document.scene import shot_size
from .orbit import OrbitCamera
from .painter import DrawListPainter, paint_guarded, paint_items

HANDLE_RADIUS = 5.0
PICK_RADIUS = 12.0
PASSEPARTOUT = QColor(38, 41, 48)
ACCENT = QColor(66, 133, 244)
_drag_ids = itertools.count(1)


class Viewport(QWidget):
    pose_dragged = Signal(int, int, str)   # actor, frame, merge key: a pose drag just ended
    view_changed = Signal()

    def __init__(self, doc, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc = doc
        self.orbit = OrbitCamera()
        self.through_shot = False
        self.onion = False
        self.onion_count = 3
        self.onion_step = 5
        self.pose_mode = False
        self.last_drawlist = None
        self._painter = DrawListPainter()
        self._drag: dict | None = None
        self._hover: int | None = None
        # Onion-skin figures by (frame, camera, size): while playing, the ghosts slide along
        # and all but one are reused from the frame before.
        self._ghosts: OrderedDict[tuple, object] = OrderedDict()
        self.setMinimumSize(320, 200)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.ClickFocus)
        for sig in (doc.motion_changed, doc.expressions_changed, doc.speech_changed,
                    doc.poses_changed, doc.actors_changed, doc.camera_changed,
                    doc.settings_changed, doc.project_replaced):
            sig.connect(self._changed)
        for sig in (doc.playhead.frame_changed, doc.selection.actor_changed):
            sig.connect(self.update)
        doc.project_replaced.connect(self.frame_all)

    def _changed(self, *_) -> None:
        self._ghosts.clear()
        self.update()

    # -- settings from the toolbar -----------------------------------------------------------
    def set_through_shot(self, on: bool) -> None:
        self.through_shot = bool(on)
        self.update()
        self.view_changed.emit()

    def set_onion(self, on: bool) -> None:
        self.onion = bool(on)
        self.update()

    def set_pose_mode(self, on: bool) -> None:
        self.pose_mode = bool(on)
        self._hover = None
        self.update()

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
        self.update()
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

    # -- painting ---------------------------------------------------------------------------
    def paintEvent(self, event) -> None:
        paint_guarded(self, self._paint)

    def _paint(self, p: QPainter) -> None:
        p.setRenderHint(QPainter.Antialiasing)
        doc = self.doc
        cam, rect = self.view()
        w, h = int(rect.width()), int(rect.height())
        frame = doc.playhead.frame
        indices = doc.visible_actors()
        motions = doc.motions(indices)
        style = doc.style()
        if self.through_shot:
            p.fillRect(self.rect(), PASSEPARTOUT)
        p.save()
        p.translate(rect.topLeft())
        p.setClipRect(QRectF(0, 0, w, h))
        dl = build_drawlist(motions, cam, frame, w, h, style)
        self.last_drawlist = dl
        self._painter.paint_static(p, dl, (cam, style.name, style.background))
        if self.onion and motions:
            self._paint_onion(p, motions, cam, frame, w, h, style)
        paint_items(p, dl.items[dl.static_count:])
        if self.pose_mode:
            self._paint_handles(p, cam, w, h)
        p.restore()
        if self.through_shot:
            p.setPen(QPen(QColor(255, 255, 255, 200), 1.0))
            p.setBrush(Qt.NoBrush)
            p.drawRect(rect.adjusted(-0.5, -0.5, 0.5, 0.5))
        elif doc.project.actors:
            self._paint_frustum(p, cam)
        self._paint_caption(p, rect, bool(doc.project.actors))

    def _paint_onion(self, p, motions, cam, frame, w, h, style) -> None:
        ghost = replace(style, floor=None, ground="none", shadow=False)
        last = self.doc.playhead.last_frame
        for k in range(self.onion_count, 0, -1):
            fade = 0.32 * (1.0 - (k - 1) / self.onion_count)
            for f in (frame - k * self.onion_step, frame + k * self.onion_step):
                if 0 <= f <= last:
                    key = (f, cam, w, h)
                    g = self._ghosts.get(key)
                    if g is None:
                        g = self._ghosts[key] = build_drawlist(motions, cam, f, w, h, ghost)
                        while len(self._ghosts) > 4 * self.onion_count + 4:
                            self._ghosts.popitem(last=False)
                    p.setOpacity(fade)
                    paint_items(p, g.items)
        p.setOpacity(1.0)

    def _pose_now(self) -> tuple[int, np.ndarray] | None:
        i = self.doc.selection.actor
        if not 0 <= i < len(self.doc.project.actors) or not self.doc.project.actors[i].visible:
            return None
        return i, pose_at(self.doc.motion_of(i), self.doc.playhead.frame)

    def _handles(self, cam: CameraState, w: int, h: int):
        now = self._pose_now()
        if now is None:
            return None
        px, depth = cam.project(now[1], w, h)
        return now[0], px, depth

    def _paint_handles(self, p: QPainter, cam: CameraState, w: int, h: int) -> None:
        hs = self._handles(cam, w, h)
        if hs is None:
            return
        _, px, depth = hs
        keyed = any(k.frame == self.doc.playhead.frame
                    for k in self.doc.current_actor().pose_keys)
        for j in np.argsort(-depth):
            if depth[j] <= 0.05:
                continue
            hot = j == self._hover or (self._drag and self._drag["joint"] == j)
            r = HANDLE_RADIUS + (2.0 if hot else 0.0)
            p.setPen(QPen(ACCENT if hot else QColor(40, 44, 52), 1.6))
            p.setBrush(QColor(255, 196, 0) if keyed else QColor(255, 255, 255))
            p.drawEllipse(QPointF(*px[j]), r, r)

    def _paint_frustum(self, p: QPainter, editor: CameraState) -> None:
        """The shot camera seen from the editor camera: a small pyramid and its up mark."""
        sw, sh = shot_size(self.doc.project)
        shot = self.shot_state()
        right, up, fwd = shot.basis()
        eye = np.asarray(shot.position)
        d = 0.45
        ty = np.tan(np.radians(shot.fov) / 2) * d
        tx = ty * sw / sh
        c = [eye + fwd * d + right * sx * tx + up * sy * ty
             for sx, sy in ((-1, -1), (1, -1), (1, 1), (-1, 1))]
        pts = np.array([eye] + c + [eye + fwd * d + up * ty * 1.5])
        px, depth = editor.project(pts, self.width(), self.height())
        if (depth < 0.1).any():
            return
        q = [QPointF(*xy) for xy in px]
        p.setPen(QPen(QColor(90, 96, 110, 220), 1.3))
        p.setBrush(Qt.NoBrush)
        for k in range(1, 5):
            p.drawLine(q[0], q[k])
            p.drawLine(q[k], q[1 + k % 4])
        p.setBrush(QColor(90, 96, 110, 200))
        p.drawPolygon([q[3], q[4], q[5]])

    def _paint_caption(self, p: QPainter, rect: QRectF, has_actors: bool) -> None:
        font = QFont(self.font())
        font.setPointSizeF(max(8.0, font.pointSizeF() * 0.9))
        p.setFont(font)
        sw, sh = shot_size(self.doc.project)
        text = f"Shot camera · {sw}×{sh}" if self.through_shot else "Editor view"
        if self.pose_mode:
            actor = self.doc.current_actor()
            keyed = actor is not None and any(k.frame == self.doc.playhead.frame
                                               for k in actor.pose_keys)
            text += " · Pose key at this frame" if keyed else " · Pose: drag a joint"
        light = (self.through_shot and rect.top() >= 22) or \
            sum(self.doc.style().background) < 3 * 110
        p.setPen(QColor(230, 232, 236) if light else QColor(90, 96, 110))
        top = rect.top() - 20 if self.through_shot and rect.top() >= 22 else rect.top() + 6
        p.drawText(QRectF(rect.left() + (0 if self.through_shot else 10), top,
                          rect.width() - 20, 18),
                   Qt.AlignLeft | Qt.AlignVCenter, text)
        if not has_actors:
            big = QFont(self.font())
            big.setPointSizeF(big.pointSizeF() * 1.25)
            p.setFont(big)
            p.setPen(QColor(110, 116, 128))
            p.drawText(rect, Qt.AlignCenter,
                       "Type what should happen in the prompt box and press Generate")

    # -- mouse ------------------------------------------------------------------------------
    def _pick(self, pos: QPointF) -> int | None:
        cam, rect = self.view()
        hs = self._handles(cam, int(rect.width()), int(rect.height()))
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
                    self.setCursor(Qt.OpenHandCursor if hover is not None else Qt.ArrowCursor)
                    self.update()
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
        self.update()
        self.view_changed.emit()

    def mouseReleaseEvent(self, e) -> None:
        d, self._drag = self._drag, None
        if d and d["mode"] == "pose" and d["moved"]:
            self.pose_dragged.emit(d["actor"], d["frame"], d["key"])
        self.update()

    def mouseDoubleClickEvent(self, e) -> None:
        if not self.through_shot and self._pick(e.position()) is None:
            self.frame_all()

    def wheelEvent(self, e) -> None:
        if self.through_shot:
            return
        self.orbit.zoom(e.angleDelta().y() / 120.0)
        self.update()
        self.view_changed.emit()
