"""The Story panel: plan a scene, edit its script, stage it as one undo step, cancel, the planner
settings (never the API key) and the offline fallback when the LLM server refuses."""
import socket

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QComboBox

from engine.formats.project_file import to_dict
from engine.story.llm import API_KEY_ENV
from engine.story.script import script_to_json
from stickgen_studio.jobs.story import STAGE
from stickgen_studio.views.story_columns import ACTOR_COLUMNS, BEAT_COLUMNS
from test_app_support import GEN_TIMEOUT, place_actor

PROMPT = "two friends meet in a park; one waves, the other runs over and they high-five"
SECRET = "sk-test-secret-4242"


def col(columns, header):
    return next(i for i, c in enumerate(columns) if c.header == header)


def plan(qtbot, win, prompt=PROMPT):
    panel = win.story_panel
    win.left_tabs.setCurrentIndex(1)
    panel.prompt.setPlainText(prompt)
    before = panel.editor.script()
    qtbot.mouseClick(panel.plan_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: panel.editor.script() is not None
                    and panel.editor.script() is not before, timeout=GEN_TIMEOUT)
    return panel.editor.script()


def stage(qtbot, win):
    before = win.doc.undo_stack.index()
    qtbot.mouseClick(win.story_panel.stage_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: win.doc.undo_stack.index() > before, timeout=GEN_TIMEOUT)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_plan_edit_and_reject_bad_edits(window, qtbot):
    win, panel = window, window.story_panel
    script = plan(qtbot, win)
    editor = panel.editor
    assert len(script.actors) >= 2 and editor.actors.rowCount() == len(script.actors)
    assert editor.actors.item(1, 0).text() == script.actors[1].name
    assert editor.beats.rowCount() == len(script.actors[0].beats)

    # A shorter first beat: the script changes, the rest stays.
    editor.actors.setCurrentCell(0, 0)
    first = script.actors[0].beats[0].duration
    editor.beats.item(0, col(BEAT_COLUMNS, "Dur.")).setText(f"{first - 0.5:g}")
    edited = editor.script()
    assert edited.actors[0].beats[0].duration == first - 0.5
    assert edited.actors[1] == script.actors[1]

    # Invalid edits: a clear message, nothing applied, the cell shows the script again.
    for table, c, text, says in ((editor.actors, col(ACTOR_COLUMNS, "Name"), "", "name"),
                                 (editor.beats, col(BEAT_COLUMNS, "Action"), "fly_away",
                                  "unknown action 'fly_away'"),
                                 (editor.beats, col(BEAT_COLUMNS, "Dur."), "abc",
                                  "is not a number")):
        good = script_to_json(editor.script())
        win.message_bar.hide()
        old = table.item(0, c).text()
        table.item(0, c).setText(text)
        assert script_to_json(editor.script()) == good
        assert win.message_bar.isVisible() and win.message_bar.level == "error"
        assert says in win.message_bar.text.text()
        assert table.item(0, c).text() == old

    # The action column offers the known actions in a drop-down; a pick applies at once.
    c = col(BEAT_COLUMNS, "Action")
    editor.beats.setCurrentCell(0, c)
    editor.beats.editItem(editor.beats.item(0, c))
    box = editor.beats.findChild(QComboBox)
    assert box is not None and box.findText("jump") >= 0
    box.setCurrentIndex(box.findText("jump"))
    box.activated.emit(box.currentIndex())
    qtbot.waitUntil(lambda: editor.script().actors[0].beats[0].action == "jump")

    # The scene's length: shorter than the beats is refused and stays Auto.
    editor.length.setValue(1.0)
    assert editor.length.value() == 0.0 and "ends before the last beat" in \
        win.message_bar.text.text()

    # Adding and removing rows goes through the same checks.
    n = len(editor.script().actors)
    qtbot.mouseClick(editor._buttons["Actors"][0], Qt.LeftButton)
    assert len(editor.script().actors) == n + 1
    editor.actors.setCurrentCell(n, 0)
    qtbot.mouseClick(editor._buttons["Actors"][1], Qt.LeftButton)
    assert len(editor.script().actors) == n
    qtbot.mouseClick(editor._buttons["Camera cues"][0], Qt.LeftButton)
    assert len(editor.script().camera) == len(script.camera) + 1
    # An actor someone else's beat refers to cannot go: the message names the dangling target.
    targeted = next(b.target for a in script.actors for b in a.beats if b.target)
    editor.actors.setCurrentCell(editor.names().index(targeted), 0)
    good = script_to_json(editor.script())
    qtbot.mouseClick(editor._buttons["Actors"][1], Qt.LeftButton)
    assert script_to_json(editor.script()) == good
    assert f"no actor named {targeted!r}" in win.message_bar.text.text()
    beats = len(editor.script().actors[editor.current_actor()].beats)
    editor.beats.setCurrentCell(beats - 1, 0)
    qtbot.mouseClick(editor._buttons["Beats"][1], Qt.LeftButton)
    assert len(editor.script().actors[editor.current_actor()].beats) == beats - 1


def test_generate_scene_is_one_undo_step_and_saves_with_the_project(window, qtbot, tmp_path,
                                                                    monkeypatch):
    monkeypatch.setenv(API_KEY_ENV, SECRET)
    win, doc = window, window.doc
    place_actor(win)                                  # something the scene replaces
    before = to_dict(doc.project)
    script = plan(qtbot, win)
    stage(qtbot, win)
    assert len(doc.project.actors) == len(script.actors)
    assert [a.name for a in doc.project.actors] == [a.name for a in script.actors]
    assert doc.project.script is not None and doc.project.script["actors"][0]["name"] == \
        script.actors[0].name
    staged = to_dict(doc.project)

    doc.undo_stack.undo()                             # one step brings everything back
    assert to_dict(doc.project) == before and doc.project.script is None
    doc.undo_stack.redo()
    assert to_dict(doc.project) == staged

    path = tmp_path / "scene.stickgen"
    assert win.files.save_to(path)
    assert SECRET not in path.read_text(encoding="utf-8")
    doc.undo_stack.undo()                             # unsaved change, then open the file again
    win.files.ask_to_save = lambda: "discard"
    assert win.files.open_path(path)
    assert to_dict(doc.project)["script"] == staged["script"]
    assert script_to_json(win.story_panel.editor.script()) == script_to_json(script)


def test_cancel_leaves_the_document_unchanged(window, qtbot):
    win, doc = window, window.doc
    place_actor(win)
    before, index = to_dict(doc.project), doc.undo_stack.index()
    plan(qtbot, win)
    qtbot.mouseClick(win.story_panel.stage_button, Qt.LeftButton)
    job = win.runner.current(STAGE)
    assert job is not None and win.story_panel.cancel_button.isVisible()
    with qtbot.waitSignal(job.signals.finished, timeout=GEN_TIMEOUT):
        qtbot.mouseClick(win.story_panel.cancel_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: not win.story_panel.cancel_button.isVisible())
    assert to_dict(doc.project) == before and doc.undo_stack.index() == index
    assert "Cancelled" in win.story_panel.status.text()
    assert win.story_panel.stage_button.isEnabled()


def test_planner_settings_persist_without_the_key_and_a_refused_server_falls_back(
        window, qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv(API_KEY_ENV, SECRET)
    win = window
    group = win.story_panel.planner
    win.left_tabs.setCurrentIndex(1)
    group.toggle.setChecked(True)
    group.backend.setCurrentIndex(group.backend.findData("openai"))
    group.backend.activated.emit(group.backend.currentIndex())
    assert group.key_note.isVisible() and "is set" in group.key_note.text()
    url = f"http://127.0.0.1:{free_port()}"
    group.url.setText(url)
    group.url.editingFinished.emit()
    group.model.setText("tiny-llm")
    group.model.editingFinished.emit()
    group.timeout.setValue(5)
    group.timeout.editingFinished.emit()

    # The Test connection button answers in the background.
    qtbot.mouseClick(group.test_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: "refused" in group.result.text(), timeout=GEN_TIMEOUT)

    # A refused server: the offline planner's script, and the note says why.
    script = plan(qtbot, win)
    assert len(script.actors) >= 2
    text = win.message_bar.text.text()
    assert "refused the connection" in text and "used the offline planner" in text
    assert win.message_bar.level == "warning"

    # The settings come back in a new window's panel; the key is in none of them.
    win.settings.sync()
    again = QSettings(win.settings.fileName(), QSettings.IniFormat)
    saved = {k: str(again.value(k)) for k in again.allKeys()}
    assert saved["story/planner/backend"] == "openai" and saved["story/planner/url"] == url
    assert saved["story/planner/model"] == "tiny-llm"
    assert not any(SECRET in v for v in saved.values())
    assert SECRET not in open(win.settings.fileName(), encoding="utf-8").read()
    from stickgen_studio.views.story_planner import PlannerGroup
    fresh = PlannerGroup(again, win.story)
    qtbot.addWidget(fresh)
    s = fresh.settings()
    assert (s.backend, s.url, s.model, s.timeout_s) == ("openai", url, "tiny-llm", 5.0)


def test_the_story_tab_is_built_when_first_shown_and_shows_an_opened_scene(
        window, qtbot, tmp_path, tiny_checkpoint):
    """Start-up does not build the Story tab; a project with a scene opened before it is built
    shows its script as soon as the tab is opened."""
    from test_app_support import make_window

    script = plan(qtbot, window)
    stage(qtbot, window)
    path = tmp_path / "scene.stickgen"
    assert window.files.save_to(path)

    win = make_window(qtbot, tmp_path / "second", tiny_checkpoint)
    area = win.left_tabs.widget(1)
    assert win.left_tabs.tabText(1) == "Story" and area.widget() is None   # not built yet
    assert win.files.open_path(path)
    bar = win.left_tabs.tabBar()
    qtbot.mouseClick(bar, Qt.LeftButton, pos=bar.tabRect(1).center())
    assert area.widget() is win.story_panel
    assert script_to_json(win.story_panel.editor.script()) == script_to_json(script)
    stage_before = win.doc.undo_stack.index()
    qtbot.mouseClick(win.story_panel.stage_button, Qt.LeftButton)   # it works like any other
    qtbot.waitUntil(lambda: win.doc.undo_stack.index() > stage_before, timeout=GEN_TIMEOUT)
