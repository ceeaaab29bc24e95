"""The live viewport on pyqtgraph: its draw-list item paints what the exporter rasterises,
mouse input reaches it the way a user's does (through the view's viewport widget), and onion
skin reuses its ghosts while playing."""
import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication

from conftest import synthetic_motion
from engine.motion import Motion
from engine.project import Generation, TimedSegment
from engine.raster import rasterize
from stickgen_studio.document import Document, edits
from stickgen_studio.views import viewport as viewport_module
from stickgen_studio.views.orbit import ORBIT_RATE
from stickgen_studio.views.viewport import Viewport
from stickgen_studio.views.viewport_items import DrawListItem
from test_app_editing import drag


def add_actor(doc, kind="walk", frames=100, seed=0):
    m = Motion(synthetic_motion(kind, frames, seed), 25.0, [kind] * frames)
    segs = [TimedSegment(kind, kind, frames / 25.0, start=0, stop=frames)]
    return edits.apply_generation(doc, m, Generation(kind, seed, 0.0, "synthetic"), segs, None)


@pytest.fixture
def view(qtbot):
    doc = Document()
    add_actor(doc, "wave")
    vp = Viewport(doc)
    qtbot.addWidget(vp, before_close_func=lambda _: doc.undo_stack.setClean())
    vp.resize(640, 460)     # taller than the 16:9 shot, so the caption sits above the picture
    vp.show()
    qtbot.waitExposed(vp)
    vp.frame_all()
    return doc, vp


def rgb_array(image):
    img = image.convertToFormat(image.Format.Format_RGB888)
    w, h = img.width(), img.height()
    arr = np.frombuffer(img.constBits(), np.uint8, img.bytesPerLine() * h)
    return arr.reshape(h, img.bytesPerLine())[:, : w * 3].reshape(h, w, 3).astype(int)


def grow(mask):
    """``mask`` (H, W) bool widened by one pixel each way."""
    out = mask.copy()
    out[1:] |= mask[:-1]
    out[:-1] |= mask[1:]
    wide = out.copy()
    wide[:, 1:] |= out[:, :-1]
    wide[:, :-1] |= out[:, 1:]
    return wide


def test_the_viewport_is_a_pyqtgraph_view_with_the_draw_list_item(view):
    doc, vp = view
    assert isinstance(vp, pg.GraphicsView)
    items = [it for it in vp.scene().items() if isinstance(it, DrawListItem)]
    assert items == [vp.picture_item] and isinstance(vp.picture_item, pg.GraphicsObject)
    assert vp.picture_item.boundingRect().size().toSize() == vp.viewport().size()
    # The scene is in widget pixels.
    assert vp.mapToScene(QPoint(100, 50)) == QPointF(100, 50)
    before = vp.picture_item.paint_count
    for frame in (10, 11, 12):
        doc.playhead.set_frame(frame)
        vp.repaint()
    assert vp.picture_item.paint_count == before + 3


def test_a_painted_frame_is_what_the_exporter_draws(view):
    doc, vp = view
    vp.set_through_shot(True)            # the exported picture, inside its frame outline
    doc.playhead.set_frame(30)
    image = rgb_array(vp.grab().toImage())
    dl = vp.last_drawlist
    rect = vp.picture_item.picture.rect
    assert (dl.width, dl.height) == (int(rect.width()), int(rect.height()))
    x, y = int(rect.left()), int(rect.top())
    shown = image[y:y + dl.height, x:x + dl.width]
    exported = rasterize(dl).astype(int)                          # (H, W, 3), no Qt
    background = np.array(dl.background)
    ink_exported = np.abs(exported - background).sum(axis=2) > 150   # the figure's strokes
    ink_shown = np.abs(shown - background).sum(axis=2) > 150
    assert ink_exported.sum() > 200
    # Two rasterisers antialias edges a little differently: each stroke pixel of one picture
    # has a stroke pixel of the other within a pixel.
    assert np.mean(grow(ink_shown)[ink_exported]) > 0.97
    assert np.mean(grow(ink_exported)[ink_shown]) > 0.97
    assert np.median(np.abs(shown - exported).sum(axis=2)) < 8
    # Every limb's ends are painted where the draw list puts them.
    ends = [pt for it in dl.items[dl.static_count:] if type(it).__name__ == "Line"
            for pt in (it.p0, it.p1)]
    for px, py in ends:
        near = shown[max(0, int(py) - 2):int(py) + 3, max(0, int(px) - 2):int(px) + 3]
        assert (np.abs(near - background).sum(axis=2) > 150).any()


def test_pose_drag_through_the_viewport_widget_is_one_undo_step(view, qtbot):
    doc, vp = view
    doc.playhead.set_frame(20)
    vp.set_pose_mode(True)
    cam, rect = vp.view()
    pose = doc.motion_of(0).positions[20]
    hand = doc.motion_of(0).joints.index("r_hand")
    px, _ = cam.project(pose, int(rect.width()), int(rect.height()))
    a = QPoint(int(px[hand][0] + rect.left()), int(px[hand][1] + rect.top()))
    assert vp.viewport().hasMouseTracking()
    qtbot.mouseMove(vp.viewport(), a)                 # hovering a joint marks it
    assert vp.hover_joint() == hand
    steps = doc.undo_stack.count()
    with qtbot.waitSignal(vp.pose_dragged):
        drag(qtbot, vp.viewport(), a, a + QPoint(30, -50))
    keys = doc.project.actors[0].pose_keys
    assert [k.frame for k in keys] == [20]
    assert np.linalg.norm(np.array(keys[0].positions)[hand] - pose[hand]) > 0.1
    assert doc.undo_stack.count() == steps + 1


def test_orbit_and_zoom_through_the_viewport_widget(view, qtbot):
    doc, vp = view
    yaw, distance = vp.orbit.yaw, vp.orbit.distance
    centre = QPoint(vp.width() // 2, vp.height() // 2)
    drag(qtbot, vp.viewport(), centre, centre + QPoint(60, 0))
    assert vp.orbit.yaw == pytest.approx(yaw - 60 * ORBIT_RATE)     # handled once, not twice
    wheel = QWheelEvent(QPointF(centre), QPointF(vp.mapToGlobal(centre)), QPoint(0, 0),
                        QPoint(0, 120), Qt.NoButton, Qt.NoModifier, Qt.NoScrollPhase, False)
    QApplication.sendEvent(vp.viewport(), wheel)
    assert vp.orbit.distance == pytest.approx(distance * 0.87)
    assert doc.undo_stack.count() == 1          # looking around is not an edit


def test_onion_skin_builds_one_new_ghost_per_played_frame(view, monkeypatch):
    doc, vp = view
    built = []
    real = viewport_module.build_drawlist
    monkeypatch.setattr(viewport_module, "build_drawlist",
                        lambda *a, **k: built.append(a[2]) or real(*a, **k))
    vp.set_onion(True)
    for frame in range(0, 80):     # the clip has 100 frames
        if frame == 50:      # by now every ghost frame ahead has been a ghost behind
            built.clear()
        doc.playhead.set_frame(frame)
        vp.repaint()
    assert len(built) == 30 * 2     # per frame: the frame itself and the newest ghost
    assert len(vp.picture_item.picture.ghosts) == 2 * vp.onion_count
    image = rgb_array(vp.grab().toImage())
    vp.set_onion(False)
    plain = rgb_array(vp.grab().toImage())
    assert (np.abs(image - plain).sum(axis=2) > 30).sum() > 100   # the ghosts show
