"""Shared fixtures for the app's GUI tests: a tiny real checkpoint and a main window on it.

The checkpoint is the real model code with a tiny config and random weights; its feature
statistics come from synthetic walks and waves, so generated figures are plausible people.
The text encoder loads once per test process (the engine caches it).
"""
import numpy as np
import pytest
import torch
from PySide6.QtCore import QSettings

from conftest import synthetic_motion

GEN_TIMEOUT = 120_000  # ms; the first request also waits for the text encoder to load


@pytest.fixture(scope="session")
def tiny_checkpoint(tmp_path_factory):
    from engine.model.checkpoint import save_model
    from engine.model.config import load_model_config
    from engine.model.features import FeatureStats, to_features
    from engine.model.transformer import MotionTransformer

    torch.manual_seed(0)
    net = MotionTransformer(load_model_config("tiny")).eval()
    feats = [to_features(synthetic_motion(k, 64, i)) for i, k in enumerate(["walk", "wave"] * 3)]
    stats = FeatureStats.compute(feats)
    with torch.no_grad():
        net.feature_mean.copy_(torch.tensor(stats.mean))
        net.feature_std.copy_(torch.tensor(stats.std))
        net.motion_scale.copy_(torch.tensor(stats.motion_scale))
    path = tmp_path_factory.mktemp("models") / "stickgen-tiny.pt"
    save_model(path, net, "all-MiniLM-L6-v2", 384)
    return path


def make_window(qtbot, tmp_path, model, settings_name="settings.ini", **kw):
    from stickgen_studio.views.main_window import MainWindow

    settings = QSettings(str(tmp_path / settings_name), QSettings.IniFormat)
    win = MainWindow(settings=settings, model=str(model), autosave_dir=tmp_path / "autosave",
                     runs_root=tmp_path / "runs", **kw)
    qtbot.addWidget(win, before_close_func=lambda w: w.doc.undo_stack.setClean())
    win.resize(1280, 800)
    win.show()
    qtbot.waitExposed(win)
    return win


@pytest.fixture
def window(qtbot, tmp_path, tiny_checkpoint):
    from stickgen_studio.jobs.model_service import READY

    win = make_window(qtbot, tmp_path, tiny_checkpoint)
    qtbot.waitUntil(lambda: win.service.state == READY, timeout=GEN_TIMEOUT)
    return win


def generate(qtbot, win, prompt="a person walks forward, then waves", seed=0, seconds=None):
    """Type a prompt and press Generate like a user; wait until the motion is in."""
    from PySide6.QtCore import Qt

    panel = win.prompt_panel
    panel.prompt.clear()
    qtbot.keyClicks(panel.prompt, prompt)
    panel.seed.setValue(seed)
    panel.seconds.setValue(seconds or 0.0)
    before = win.doc.undo_stack.index()
    qtbot.mouseClick(panel.generate_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: win.doc.undo_stack.index() > before, timeout=GEN_TIMEOUT)
    return win.doc.project.actors[win.doc.selection.actor]


def place_actor(win, frames=100, kind="walk", seed=0):
    """Put a synthetic motion in as actor (for view tests that need no model)."""
    from engine.motion import Motion
    from engine.project import Generation, TimedSegment
    from stickgen_studio.document import edits

    m = Motion(synthetic_motion(kind, frames, seed), 25.0, [kind] * frames)
    segs = [TimedSegment(kind, kind, frames / 25.0, start=0, stop=frames)]
    return edits.apply_generation(win.doc, m, Generation(kind, seed, 0.0, "synthetic"), segs,
                                  None)


def actor_pixels(image, rgb, tol=40):
    """How many pixels of a QImage are within ``tol`` of colour ``rgb``."""
    img = image.convertToFormat(image.Format.Format_RGB888)
    w, h = img.width(), img.height()
    arr = np.frombuffer(img.constBits(), np.uint8, img.bytesPerLine() * h)
    arr = arr.reshape(h, img.bytesPerLine())[:, : w * 3].reshape(h, w, 3).astype(int)
    return int((np.abs(arr - np.array(rgb)).sum(axis=2) < tol).sum())
