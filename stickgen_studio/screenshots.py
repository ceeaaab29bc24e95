"""Drive the real app off screen and save pictures of its main states to docs/screenshots/.

    python -m stickgen_studio.screenshots [--model small|PATH] [--out docs/screenshots]

Uses the shipped model when there is one. Without one it first trains a tiny demo model for a
few minutes on procedural motions (kept in the temp folder for the next run), so the
pictures always show real generated motion.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

PROMPT = "a man walks forward, then jumps and waves happily"


def demo_model(folder: Path, steps: int = 600) -> Path:
    """A tiny model trained briefly on procedural motions (cached in ``folder``)."""
    from engine.defaults import checkpoint_name

    model = folder / checkpoint_name("demo")
    if model.exists():
        return model
    from training.config import TrainConfig
    from training.data.build import BuildConfig, build
    from training.loop import train

    print("no shipped model: training a tiny demo model (a few minutes)…", flush=True)
    data = folder / "data"
    build(BuildConfig(out=data, samples=400, seed=0, real_repeats=1), progress=False)
    cfg = TrainConfig.from_dict(dict(model="tiny", data_dir=str(data), crop_frames=96,
                                     min_crop_frames=48, batch_size=16, steps=steps,
                                     warmup_steps=30, lr=2e-3, eval_interval=0,
                                     ckpt_interval=0, log_interval=200))
    done = train(cfg, folder / "run", resume="never", stdout=False)
    Path(done["model_path"]).replace(model)
    return model


def _face_frame(motion, start: int, stop: int) -> int:
    """A frame in [start, stop) where the head is upright and the mouth open, to show a face."""
    import numpy as np

    from engine.face import tracks_for

    neck, head = motion.joints.index("neck"), motion.joints.index("head")
    up = motion.positions[start:stop, head] - motion.positions[start:stop, neck]
    upright = up[:, 1] / np.linalg.norm(up, axis=1)
    tracks = tracks_for(motion)
    mouth = np.array([tracks.params(f).mouth_open for f in range(start, stop)])
    return start + int(np.argmax(2.0 * upright + mouth))


def wait(app, cond, timeout: float = 180.0) -> None:
    end = time.monotonic() + timeout
    while not cond():
        app.processEvents()
        if time.monotonic() > end:
            raise TimeoutError("the app did not get there in time")
        time.sleep(0.01)


def settle(app, ms: int = 150) -> None:
    end = time.monotonic() + ms / 1000
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.005)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=None, help="variant or checkpoint (default: small, "
                                                     "else a tiny demo model)")
    parser.add_argument("--out", default="docs/screenshots")
    args = parser.parse_args(argv)
    app, win = _open_window(args.model)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    def shot(name: str) -> None:
        settle(app)
        win.grab().save(str(out / f"{name}.png"))
        print("saved", out / f"{name}.png")

    _generation_and_variations(app, win, shot)
    _camera_and_face(win, shot)
    _pose(app, win, shot)
    _export_dialog(app, win, out)
    win.doc.undo_stack.setClean()
    win.close()
    return 0


def _open_window(model: str | None):
    """The application and its window with ``model`` loaded (small, else a tiny demo model)."""
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from engine.generate import resolve_model

    if model is None:
        try:
            model = str(resolve_model("small"))
        except FileNotFoundError:
            model = str(demo_model(Path(tempfile.gettempdir()) / "stickgen-demo-model"))
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Stick-Gen Studio")
    from .jobs.model_service import READY
    from .views.main_window import MainWindow
    from .views.theme import apply_theme

    apply_theme(app)
    work = Path(tempfile.mkdtemp(prefix="stickgen-shots-"))
    win = MainWindow(QSettings(str(work / "s.ini"), QSettings.IniFormat), model=model,
                     autosave_dir=work, runs_root=work / "runs")
    win.resize(1600, 980)
    win.show()
    wait(app, lambda: win.service.state == READY)
    return app, win


def _generation_and_variations(app, win, shot) -> None:
    """A generated take with onion skin; then four variations playing side by side."""
    doc, panel = win.doc, win.prompt_panel
    panel.prompt.setPlainText(PROMPT)
    panel.seed.setValue(2)
    panel.generate()
    wait(app, lambda: bool(doc.project.actors) and not win.generation.busy)
    doc.playhead.set_frame(int(doc.project.num_frames * 0.3))
    win.act_onion.setChecked(True)
    shot("main")
    win.act_onion.setChecked(False)
    panel.count.setValue(4)
    panel.make_variations()
    wait(app, lambda: bool(panel.variations.tiles) and not win.generation.busy)
    for _ in range(12):
        panel.variations._tick()
    shot("variations")
    panel.variations.set_variations([], doc.style())
    panel.variations_title.hide()


def _camera_and_face(win, shot) -> None:
    """An orbit seen through the shot camera with a key selected; a face and voice over a
    range, seen close up."""
    from engine.camera import facing

    doc = win.doc
    win.page.side_tabs.setCurrentIndex(0)
    win.camera_editor.apply_move("orbit")
    doc.selection.set_keys({("camera", 1)})
    doc.playhead.set_frame(int(doc.project.num_frames * 0.55))
    shot("camera")
    win.act_shot.setChecked(False)
    n = doc.project.num_frames
    doc.selection.set_range(int(n * 0.62), int(n * 0.92))
    win.page.side_tabs.setCurrentIndex(1)
    win.page.expression_panel.set_expression("surprised")
    win.page.expression_panel.set_speech("shout")
    m = doc.motion_of(0)
    face_frame = _face_frame(m, int(n * 0.62), int(n * 0.92))
    doc.playhead.set_frame(face_frame)
    win.viewport.orbit.face(facing(m, face_frame), 0.0)
    win.viewport.orbit.pitch = 0.15
    win.viewport.orbit.distance = 3.0
    win.viewport.orbit.target = tuple(float(x) for x in m.positions[face_frame, 0] + [0, 0.45, 0])
    shot("face")


def _pose(app, win, shot) -> None:
    """The right hand dragged up with the pose tool, the motion following the key."""
    import numpy as np

    from engine.camera import facing

    from .document import edits
    from .document.posing import drag_joint

    doc = win.doc
    doc.selection.set_range(None)
    win.viewport.frame_all()
    win.act_pose.setChecked(True)
    frame = int(doc.project.num_frames * 0.2)
    doc.playhead.set_frame(frame)
    m = doc.motion_of(0)
    hand = m.joints.index("r_hand")
    pose = m.positions[frame].astype(np.float64)
    target = pose[m.joints.index("r_shoulder")] + np.array([-0.25, 0.5, 0.2])
    edits.set_pose_key(doc, 0, frame, drag_joint(pose, hand, target, m.joints, m.parents),
                       "screenshot-pose")
    win.generation.follow_pose_keys(0, "screenshot-pose")
    wait(app, lambda: not win.generation.busy)
    win.viewport._hover = hand
    win.viewport.orbit.face(facing(m, frame), 0.6)
    win.viewport.orbit.distance = 4.3
    win.viewport.orbit.target = tuple(float(x) for x in pose[0] + [0, 0.15, 0])
    shot("pose")
    win.act_pose.setChecked(False)


def _export_dialog(app, win, out: Path) -> None:
    """The export dialog over the window, the viewport looking through the shot camera."""
    from PySide6.QtGui import QColor, QPainter

    win.act_shot.setChecked(True)
    win.doc.playhead.set_frame(int(win.doc.project.num_frames * 0.8))
    dlg = win.open_export()
    dlg.path.setText("~/Videos/walk-jump-wave.mp4")
    settle(app)
    base = win.grab().toImage()
    p = QPainter(base)
    p.fillRect(base.rect(), QColor(20, 24, 32, 90))
    d = dlg.grab()
    # Over the right-hand panels, so the picture being exported stays in view.
    p.drawPixmap(base.width() - d.width() - 40, 90, d)
    p.end()
    base.save(str(out / "export.png"))
    print("saved", out / "export.png")
    dlg.close()


if __name__ == "__main__":
    sys.exit(main())
