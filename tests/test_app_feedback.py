"""What the app tells the user: the Generate shortcut works, labels follow the document (the
clip length, the last generation's status), a reopened project shows its prompt and seed, and
the planner's warnings are shown where the user looks."""
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from test_app_support import GEN_TIMEOUT, generate, place_actor


def test_ctrl_return_in_the_prompt_box_generates(qtbot, window):
    win, doc = window, window.doc
    win.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win)
    panel = win.prompt_panel
    panel.prompt.setFocus()
    qtbot.keyClicks(panel.prompt, "a person waves")
    qtbot.keyClick(panel.prompt, Qt.Key_Return, Qt.ControlModifier)
    qtbot.waitUntil(lambda: len(doc.project.actors) == 1, timeout=GEN_TIMEOUT)
    assert panel.prompt.toPlainText() == "a person waves"   # no newline typed either
