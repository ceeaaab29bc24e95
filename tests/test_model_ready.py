""""Model ready" in the app is true: by then the text encoder's weights are loaded, so the
first generation waits for nothing to load (a fresh process, since the engine shares a loaded
encoder across a test session)."""
import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = textwrap.dedent("""
    import sys
    from pathlib import Path
    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication([])
    from engine.text import get_encoder
    from stickgen_studio.views.main_window import MainWindow

    tmp = Path(sys.argv[2])
    win = MainWindow(settings=QSettings(str(tmp / "s.ini"), QSettings.IniFormat),
                     model=sys.argv[1], autosave_dir=tmp / "autosave", runs_root=tmp / "runs")
    print("before:", get_encoder().loaded, flush=True)

    def changed(state, message):
        if state == "ready":
            print("ready:", get_encoder().loaded, flush=True)
            app.exit(0)
        elif state in ("failed", "missing"):
            print(message, flush=True)
            app.exit(1)

    win.service.state_changed.connect(changed)
    QTimer.singleShot(240_000, lambda: app.exit(2))
    sys.exit(app.exec())
""")


def test_the_text_encoder_is_loaded_when_the_app_says_ready(tiny_checkpoint, tmp_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen",
               STICKGEN_CACHE_DIR=str(tmp_path / "cache"))
    done = subprocess.run([sys.executable, "-c", CHILD, str(tiny_checkpoint), str(tmp_path)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines() == ["before: False", "ready: True"]
