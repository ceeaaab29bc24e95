"""Viewport redraw speed and app start-up (DESIGN.md §5: >= 60 fps with one figure at
1280x720, >= 30 fps with ten; a usable window within 3 s).

    python benchmarks/viewport.py [--frames 250] [--startup-runs 3]

Redraw: the real Viewport widget, 1280x720, repainted synchronously for every frame of a clip
(draw list built and painted, as in playback), in the editor view and through the shot camera,
with and without onion skin. Motions are procedural training samples, so the figures move like
real ones. Start-up: a fresh interpreter from launch until the main window is shown and the
event loop has run once (the model keeps loading in the background after that).
Runs under QT_QPA_PLATFORM=offscreen unless a display is set; painting is Qt's raster engine
either way.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

STARTUP = """
import time, sys
t0 = float(sys.argv[1])
from PySide6.QtWidgets import QApplication
from PySide6.QtCore import QSettings
app = QApplication([])
from stickgen_studio.views.main_window import MainWindow
from stickgen_studio.views.theme import apply_theme
apply_theme(app)
import tempfile
d = tempfile.mkdtemp()
w = MainWindow(QSettings(d + '/s.ini', QSettings.IniFormat), model='small', autosave_dir=d,
               runs_root=d + '/runs')
w.show()
app.processEvents()
print(f'{time.time() - t0:.3f}', flush=True)
w.doc.undo_stack.setClean()
import os
os._exit(0)
"""


def motions(n: int, frames: int):
    from engine.motion import Motion
    from training.data.build import procedural_sample

    out, i = [], 0
    while len(out) < n:
        _, s = procedural_sample(7, i)
        i += 1
        if s.num_frames < frames:
            continue
        pos = s.positions[:frames].copy()
        pos[..., 0] += (len(out) % 5 - 2) * 1.2          # a row of five ...
        pos[..., 2] -= (len(out) // 5) * 1.5             # ... then the next row behind
        out.append(Motion(pos, s.fps))
    return out


def redraw_fps(n_actors: int, frames: int, shot: bool, onion: bool) -> tuple[float, float]:
    from PySide6.QtWidgets import QApplication

    from engine.project import Generation
    from stickgen_studio.document import Document, edits
    from stickgen_studio.views.viewport import Viewport

    app = QApplication.instance() or QApplication([])
    doc = Document()
    for m in motions(n_actors, frames):
        edits.apply_generation(doc, m, Generation("bench", 0, 0.0), [], None)
    vp = Viewport(doc)
    vp.resize(1280, 720)
    vp.show()
    app.processEvents()
    vp.frame_all()
    vp.set_through_shot(shot)
    vp.set_onion(onion)
    times = []
    for f in range(frames):
        t = time.perf_counter()
        doc.playhead.set_frame(f)
        vp.repaint()
        times.append(time.perf_counter() - t)
    vp.close()
    doc.undo_stack.setClean()
    ms = statistics.median(times) * 1000
    return 1000.0 / ms, max(times) * 1000


def startup(runs: int) -> list[float]:
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    out = []
    for _ in range(runs):
        t0 = time.time()
        res = subprocess.run([sys.executable, "-c", STARTUP, repr(t0)], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=120)
        out.append(float(res.stdout.strip().splitlines()[-1]))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--frames", type=int, default=250)
    ap.add_argument("--startup-runs", type=int, default=3)
    args = ap.parse_args()
    print(f"{'what':52s} {'median fps':>10s} {'worst ms':>9s} {'target':>8s}")
    for n, target in ((1, 60), (10, 30)):
        for shot, onion in ((False, False), (True, False), (False, True)):
            fps, worst = redraw_fps(n, args.frames, shot, onion)
            view = "shot camera" if shot else "editor view"
            what = f"redraw 1280x720, {n:2d} actor{'s' if n > 1 else ' '}, {view}" + (
                ", onion skin" if onion else "")
            print(f"{what:52s} {fps:10.1f} {worst:9.1f} {'>= ' + str(target):>8s}", flush=True)
    times = startup(args.startup_runs)
    print(f"{'start-up to a usable window (s), median':52s} {statistics.median(times):10.2f} "
          f"{max(times):9.2f} {'<= 3 s':>8s}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
