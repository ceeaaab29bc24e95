"""Viewport redraw speed and app start-up (DESIGN.md §5, at 1280x720: >= 120 fps with one
figure, >= 60 fps with ten, >= 30 fps with ten and onion skin; a usable window within 3 s).

    python benchmarks/viewport.py [--frames 250] [--startup-runs 3]

Redraw: the real Viewport (a pyqtgraph GraphicsView), 1280x720, repainted synchronously for
every frame of a clip (draw list built and painted, as in playback), for 1 actor, 10 actors
and 10 actors with onion skin, each in the editor view and through the shot camera. Every
frame must have painted the draw-list item once, or the figure is not counted. Besides the
clock, each frame's CPU time is measured: the "CPU fps" column is what a quiet machine would
give, as other work on the machine slows the clock figures. Motions are procedural training
samples, so the figures move like real ones. Start-up: a fresh interpreter from launch until
the main window is shown and the event loop has run once (the model keeps loading in the
background after that).
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


def redraw_fps(n_actors: int, frames: int, shot: bool, onion: bool
               ) -> tuple[float, float, float]:
    """(median fps by the clock, median fps by this process's CPU time, worst frame in ms).
    The CPU-time figure is what the machine would give with no other work on it."""
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
    times, cpu = [], []
    painted = vp.picture_item.paint_count
    for f in range(frames):
        t, c = time.perf_counter(), time.process_time()
        doc.playhead.set_frame(f)
        vp.repaint()
        times.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    painted = vp.picture_item.paint_count - painted
    if painted != frames:
        raise RuntimeError(f"{frames} frames repainted but the picture was painted {painted}x")
    vp.close()
    doc.undo_stack.setClean()
    return (1.0 / statistics.median(times), 1.0 / max(statistics.median(cpu), 1e-6),
            max(times) * 1000)


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
    print(f"load average before: {os.getloadavg()[0]:.2f} (a busy machine draws slower)")
    print(f"{'what':52s} {'median fps':>10s} {'CPU fps':>8s} {'worst ms':>9s} {'target':>8s}")
    for n, onion, target in ((1, False, 120), (10, False, 60), (10, True, 30)):
        for shot in (False, True):
            fps, cpu_fps, worst = redraw_fps(n, args.frames, shot, onion)
            view = "shot camera" if shot else "editor view"
            what = f"redraw 1280x720, {n:2d} actor{'s' if n > 1 else ' '}, {view}" + (
                ", onion skin" if onion else "")
            print(f"{what:52s} {fps:10.1f} {cpu_fps:8.1f} {worst:9.1f} {'>= ' + str(target):>8s}",
                  flush=True)
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    if args.startup_runs <= 0:
        return 0
    times = startup(args.startup_runs)
    print(f"{'start-up to a usable window (s), median':52s} {statistics.median(times):10.2f} "
          f"{'':8s} {max(times):9.2f} {'<= 3 s':>8s}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
