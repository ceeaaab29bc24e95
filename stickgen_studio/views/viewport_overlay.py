"""What the viewport paints over the engine's picture and an export never shows: pose handles,
the shot camera (a frustum in the editor view, the frame outline through it) and the caption.
Each function paints one mark for a :class:`~stickgen_studio.views.viewport.Viewport`."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen

from engine.projection import CameraState

from ..document.scene import shot_size

HANDLE_RADIUS = 5.0
ACCENT = QColor(66, 133, 244)


def paint_overlay(p: QPainter, vp) -> None:
    """All the marks of ``vp`` (a Viewport) for the frame its picture shows."""
    pic = vp.picture_item.picture
    cam, rect = vp.view() if pic is None else (pic.camera, pic.rect)
    if vp.pose_mode:
        p.save()
        p.translate(rect.topLeft())
        paint_handles(p, vp, cam, int(rect.width()), int(rect.height()))
        p.restore()
    if vp.through_shot:
        paint_outline(p, rect)
    elif vp.doc.project.actors:
        paint_frustum(p, vp, cam)
    paint_caption(p, vp, rect, bool(vp.doc.project.actors))


def paint_outline(p: QPainter, rect: QRectF) -> None:
    """A one-pixel line just outside the shot's picture, as four thin fills: an antialiased
    stroked rectangle this large cost more than all the figures of a frame."""
    color = QColor(255, 255, 255, 200)
    x, y, w, h = rect.left() - 1, rect.top() - 1, rect.width() + 2, rect.height() + 2
    for r in (QRectF(x, y, w, 1), QRectF(x, y + h - 1, w, 1), QRectF(x, y + 1, 1, h - 2),
              QRectF(x + w - 1, y + 1, 1, h - 2)):
        p.fillRect(r, color)


def paint_handles(p: QPainter, vp, cam: CameraState, w: int, h: int) -> None:
    hs = vp.handles(cam, w, h)
    if hs is None:
        return
    _, px, depth = hs
    keyed = any(k.frame == vp.doc.playhead.frame for k in vp.doc.current_actor().pose_keys)
    drag = vp.dragged_joint()
    for j in np.argsort(-depth):
        if depth[j] <= 0.05:
            continue
        hot = j == vp.hover_joint() or j == drag
        r = HANDLE_RADIUS + (2.0 if hot else 0.0)
        p.setPen(QPen(ACCENT if hot else QColor(40, 44, 52), 1.6))
        p.setBrush(QColor(255, 196, 0) if keyed else QColor(255, 255, 255))
        p.drawEllipse(QPointF(*px[j]), r, r)


def paint_frustum(p: QPainter, vp, editor: CameraState) -> None:
    """The shot camera seen from the editor camera: a small pyramid and its up mark."""
    sw, sh = shot_size(vp.doc.project)
    shot = vp.shot_state()
    right, up, fwd = shot.basis()
    eye = np.asarray(shot.position)
    d = 0.45
    ty = np.tan(np.radians(shot.fov) / 2) * d
    tx = ty * sw / sh
    c = [eye + fwd * d + right * sx * tx + up * sy * ty
         for sx, sy in ((-1, -1), (1, -1), (1, 1), (-1, 1))]
    pts = np.array([eye] + c + [eye + fwd * d + up * ty * 1.5])
    px, depth = editor.project(pts, vp.width(), vp.height())
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


def paint_caption(p: QPainter, vp, rect: QRectF, has_actors: bool) -> None:
    font = QFont(vp.font())
    font.setPointSizeF(max(8.0, font.pointSizeF() * 0.9))
    p.setFont(font)
    sw, sh = shot_size(vp.doc.project)
    text = f"Shot camera · {sw}×{sh}" if vp.through_shot else "Editor view"
    if vp.pose_mode:
        actor = vp.doc.current_actor()
        keyed = actor is not None and any(k.frame == vp.doc.playhead.frame
                                           for k in actor.pose_keys)
        text += " · Pose key at this frame" if keyed else " · Pose: drag a joint"
    light = (vp.through_shot and rect.top() >= 22) or sum(vp.doc.style().background) < 3 * 110
    p.setPen(QColor(230, 232, 236) if light else QColor(90, 96, 110))
    top = rect.top() - 20 if vp.through_shot and rect.top() >= 22 else rect.top() + 6
    p.drawText(QRectF(rect.left() + (0 if vp.through_shot else 10), top, rect.width() - 20, 18),
               Qt.AlignLeft | Qt.AlignVCenter, text)
    if not has_actors:
        big = QFont(vp.font())
        big.setPointSizeF(big.pointSizeF() * 1.25)
        p.setFont(big)
        p.setPen(QColor(110, 116, 128))
        p.drawText(rect, Qt.AlignCenter,
                   "Type what should happen in the prompt box and press Generate")
