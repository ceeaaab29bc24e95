"""What the app tells the user: the Generate shortcut works, labels follow the document (the
clip length, the last generation's status), a reopened project shows its prompt and seed, and
the planner's warnings are shown where the user looks."""
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from test_app_support import GEN_TIMEOUT, generate, make_window, place_actor


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


def _total(win) -> str:
    return win.page.transport.time_label.text().split("/")[1].split("·")[0].strip()


def test_the_clip_length_follows_generation_undo_and_new(qtbot, tmp_path, tiny_checkpoint):
    win = make_window(qtbot, tmp_path, tiny_checkpoint, load_model=False)
    assert _total(win) == "0.00 s"
    place_actor(win, frames=100)                  # the playhead stays on frame 0
    assert _total(win) == "4.00 s"
    place_actor(win, frames=150, kind="wave")     # a longer second actor
    assert _total(win) == "6.00 s"
    win.doc.undo_stack.undo()
    assert _total(win) == "4.00 s"
    win.files.ask_to_save = lambda: "discard"
    assert win.files.new() and _total(win) == "0.00 s"


def test_the_generation_status_goes_with_undo_and_new(qtbot, window):
    win, doc = window, window.doc
    status = win.prompt_panel.status
    generate(qtbot, win, "a person waves", seed=1, seconds=2)
    assert status.text().startswith("Generated 50 frames")
    doc.undo_stack.undo()
    assert "Generated" not in status.text()
    doc.undo_stack.redo()
    generate(qtbot, win, "a person waves", seed=2, seconds=2)
    assert status.text().startswith("Generated")
    win.files.ask_to_save = lambda: "discard"
    assert win.files.new() and "Generated" not in status.text()


def test_a_reopened_project_shows_its_prompt_seed_and_duration(qtbot, window, tmp_path):
    win, panel = window, window.prompt_panel
    generate(qtbot, win, "a person walks forward", seed=42, seconds=3)
    path = tmp_path / "walk.stickgen"
    assert win.files.save_to(path)
    assert win.files.new()
    panel.prompt.setPlainText("something else")
    panel.seed.setValue(0)
    assert win.files.open_path(path)
    assert panel.prompt.toPlainText() == "a person walks forward"
    assert panel.seed.value() == 42 and panel.seconds.value() == 3.0


def test_plan_warnings_show_in_the_message_bar_also_for_a_remembered_take(qtbot, window):
    win, bar = window, window.message_bar
    generate(qtbot, win, "qwzx blorp frobnicate", seed=4, seconds=2)
    assert bar.isVisible() and bar.level == "warning"
    assert "Did not understand" in bar.text.text()
    bar.hide()
    generate(qtbot, win, "a person waves", seed=4, seconds=2)
    assert not bar.isVisible()
    # The same request again comes from the cache: its warning still shows.
    generate(qtbot, win, "qwzx blorp frobnicate", seed=4, seconds=2)
    assert bar.isVisible() and "Did not understand" in bar.text.text()


def test_prompts_the_planner_cannot_read_warn_visibly(qtbot, window):
    win, bar = window, window.message_bar
    panel, doc = win.prompt_panel, win.doc
    panel.seconds.setValue(2.0)
    for prompt in ("un homme marche puis saute", "человек идёт"):
        bar.hide()
        panel.prompt.setPlainText(prompt)   # pasted (QTest types only Latin-1 reliably)
        before = doc.undo_stack.index()
        qtbot.mouseClick(panel.generate_button, Qt.LeftButton)
        qtbot.waitUntil(lambda: doc.undo_stack.index() > before, timeout=GEN_TIMEOUT)
        assert bar.isVisible() and bar.level == "warning", prompt
        assert "English" in bar.text.text(), bar.text.text()
