"""The real dialogs, driven like a user: Save As through the file dialog, the unsaved-changes
message box on close (Cancel, Discard, Save) and recovery after the app was really killed."""
import json
import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit, QMessageBox

from engine.formats.project_file import autosave_path, to_dict
from test_app_support import make_window, place_actor

HERE = Path(__file__).parent


class Modals:
    """Answers the modal dialogs that open, in order, with ``steps`` (each gets the dialog).
    The dialogs run their own event loop, so the answers come from a timer."""

    def __init__(self, *steps) -> None:
        self.steps, self.seen = list(steps), []
        self.timer = QTimer()
        self.timer.timeout.connect(self._poll)
        self.timer.start(20)

    def _poll(self) -> None:
        box = QApplication.activeModalWidget()
        if box is None or box in self.seen or not box.isVisible():
            return
        self.seen.append(box)
        if self.steps:
            self.steps.pop(0)(box)
        if not self.steps:
            self.timer.stop()


def choose_file(path):
    def answer(box):
        assert isinstance(box, QFileDialog), box
        # typed into the name box, as a user would (the dialog fills in its own suggestion
        # once it has listed the folder, so a selection made earlier can be overwritten)
        box.findChild(QLineEdit, "fileNameEdit").setText(str(path))
        box.accept()
    return answer


def press(button):
    def answer(box):
        assert isinstance(box, QMessageBox), box
        assert "Save the changes" in box.text()
        box.button(button).click()
    return answer


def test_save_as_through_the_file_dialog(qtbot, tmp_path, tiny_checkpoint):
    win = make_window(qtbot, tmp_path, tiny_checkpoint, load_model=False)
    place_actor(win)
    modals = Modals(choose_file(tmp_path / "scene"))
    win.act_save_as.trigger()
    assert modals.seen and not modals.steps
    saved = tmp_path / "scene.stickgen"            # the extension is added
    assert saved.exists(), (win.message_bar.text.text(), list(tmp_path.iterdir()))
    assert win.doc.path == saved and not win.doc.dirty
    assert "scene.stickgen" in win.windowTitle() and win.files.recent()[0] == str(saved)


def test_closing_asks_with_a_real_message_box(qtbot, tmp_path, tiny_checkpoint):
    win = make_window(qtbot, tmp_path, tiny_checkpoint, load_model=False)
    place_actor(win)
    win.files.autosave()
    auto = autosave_path(tmp_path / "autosave" / "untitled.stickgen")
    assert auto.exists()

    modals = Modals(press(QMessageBox.Cancel))
    assert not win.close() and win.isVisible() and win.doc.dirty
    assert len(modals.seen) == 1

    # Save on an untitled project asks where, then closes.
    target = tmp_path / "kept.stickgen"
    modals = Modals(press(QMessageBox.Save), choose_file(target))
    assert win.close() and not win.isVisible()
    assert len(modals.seen) == 2 and target.exists() and not auto.exists()

    again = make_window(qtbot, tmp_path, tiny_checkpoint, load_model=False)
    place_actor(again, kind="wave")
    modals = Modals(press(QMessageBox.Discard))
    assert again.close() and len(modals.seen) == 1


CRASHING_APP = """
import os, signal, sys
sys.path.insert(0, {tests!r})
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication
app = QApplication([])
import conftest  # noqa: F401
from engine.formats.project_file import to_dict
from stickgen_studio.views.main_window import MainWindow
from test_app_support import place_actor
import json
win = MainWindow(settings=QSettings({ini!r}, QSettings.IniFormat), model="none",
                 autosave_dir={auto!r}, autosave_seconds=0.05, load_model=False,
                 runs_root={runs!r})
win.show()
place_actor(win, frames=60, kind="wave")
open({snapshot!r}, "w").write(json.dumps(to_dict(win.doc.project)))
def crash_once_saved():
    if os.path.exists({autosave!r}):
        os.kill(os.getpid(), signal.SIGKILL)   # no closeEvent, nothing cleaned up
timer = QTimer()
timer.timeout.connect(crash_once_saved)
timer.start(10)
app.exec()
"""


def test_recovery_after_the_app_was_killed(qtbot, tmp_path, tiny_checkpoint):
    auto_dir = tmp_path / "autosave"
    autosave = autosave_path(auto_dir / "untitled.stickgen")
    snapshot = tmp_path / "snapshot.json"
    script = CRASHING_APP.format(tests=str(HERE), ini=str(tmp_path / "crashed.ini"),
                                 auto=str(auto_dir), runs=str(tmp_path / "runs"),
                                 snapshot=str(snapshot), autosave=str(autosave))
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", OMP_NUM_THREADS="1")
    done = subprocess.run([sys.executable, "-c", script], env=env, cwd=HERE.parent,
                          capture_output=True, timeout=120)
    assert done.returncode == -9, done.stderr.decode()[-2000:]
    assert autosave.exists()

    win = make_window(qtbot, tmp_path, tiny_checkpoint, load_model=False)
    assert win.files.check_startup_recovery()
    assert "did not close normally" in win.message_bar.text.text()
    win.message_bar.button("Recover").click()
    assert to_dict(win.doc.project) == json.loads(snapshot.read_text())
    assert win.doc.dirty and win.doc.path is None
