"""Export from the app through the real dialog: PNG frames, motion JSON and BVH read back
equal to what the scene shows, and a failing export says why and leaves nothing behind."""
import os

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import Qt

from engine.formats.bvh import read_bvh
from engine.formats.motion_json import read_motion_json
from test_app_support import make_window, place_actor

EXPORT_TIMEOUT = 60_000


@pytest.fixture
def dialog(qtbot, tmp_path, tiny_checkpoint):
    win = make_window(qtbot, tmp_path, tiny_checkpoint, load_model=False)
    place_actor(win, frames=30)
    dlg = win.open_export()
    assert dlg is not None and dlg.isVisible()
    return win, dlg


def _export(qtbot, dlg, fmt, path, size=(160, 90)):
    dlg.format.setCurrentIndex(dlg.format.findData(fmt))
    dlg.path.setText(str(path))
    dlg.width_box.setValue(size[0])
    dlg.height_box.setValue(size[1])
    qtbot.mouseClick(dlg.export_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: dlg.export_button.isEnabled(), timeout=EXPORT_TIMEOUT)
    return dlg.status.text()


def test_png_json_and_bvh_exports_read_back(qtbot, dialog, tmp_path):
    win, dlg = dialog
    drawn = win.doc.drawn_motion(0)

    frames = tmp_path / "frames"
    assert _export(qtbot, dlg, "png", frames).startswith("Wrote")
    pngs = sorted(frames.iterdir())
    assert len(pngs) == 30 and pngs[0].name == "frame_00000.png"
    with Image.open(pngs[12]) as img:
        assert img.size == (160, 90)
        colors = np.asarray(img.convert("RGB")).reshape(-1, 3)
        assert len(np.unique(colors, axis=0)) > 5               # a picture, not a blank

    json_path = tmp_path / "scene.motion.json"
    assert _export(qtbot, dlg, "motion.json", json_path).startswith("Wrote")
    back = read_motion_json(json_path)
    assert [a.name for a in back.actors] == ["A"]
    np.testing.assert_allclose(back.actors[0].motion.positions, drawn.positions, atol=1e-5)
    assert back.actors[0].motion.actions == drawn.actions

    bvh_path = tmp_path / "scene.bvh"
    assert _export(qtbot, dlg, "bvh", bvh_path).startswith("Wrote")
    bvh = read_bvh(bvh_path)
    assert bvh.positions.shape[0] == 30 and abs(bvh.frame_time - 1 / 25) < 1e-6
    assert "pelvis" in bvh.names[0].lower() or bvh.names[0].lower() in ("hips", "root")
    for p in (frames, json_path, bvh_path):                 # the user's umask, not 0600
        assert oct(os.stat(p).st_mode & 0o777) != oct(0o600)


def test_a_failing_export_says_why_and_writes_nothing(qtbot, dialog, tmp_path):
    win, dlg = dialog
    dlg.path.setText("")
    qtbot.mouseClick(dlg.export_button, Qt.LeftButton)
    assert "Choose where" in dlg.status.text()

    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    status = _export(qtbot, dlg, "motion.json", blocker / "out.motion.json")
    assert status.startswith("Export failed") and "a_file" in status
    assert "Traceback" not in status and blocker.read_text() == "not a folder"

    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "notes.txt").write_text("mine")
    status = _export(qtbot, dlg, "png", busy)
    assert status.startswith("Export failed") and "notes.txt" in status
    assert sorted(p.name for p in busy.iterdir()) == ["notes.txt"]
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []

    # Nothing visible to export: the dialog says so instead of starting.
    win.doc.project.actors[0].visible = False
    win.doc.notify("visible", None)
    dlg.path.setText(str(tmp_path / "none.mp4"))
    assert not dlg.start_export()
    assert "nothing to export" in dlg.status.text() and not (tmp_path / "none.mp4").exists()
