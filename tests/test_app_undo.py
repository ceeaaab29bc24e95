"""Undo and redo of each kind of edit made through the real widgets: remove an actor, rename
it, resize a speech range on the timeline, regenerate a selection, set an expression or a
speech style on the face, and pick a variation. Each undo gives back exactly the project
before the edit, and redo exactly the one after."""
from PySide6.QtCore import QPoint, Qt

from engine.formats.project_file import to_dict
from test_app_editing import drag, row_y
from test_app_support import GEN_TIMEOUT, generate, place_actor


def undo_redo(doc, before, steps=1):
    after = to_dict(doc.project)
    assert after != before
    for _ in range(steps):
        doc.undo_stack.undo()
    assert to_dict(doc.project) == before
    for _ in range(steps):
        doc.undo_stack.redo()
    assert to_dict(doc.project) == after


def test_remove_and_rename_an_actor_undo(qtbot, window):
    win, doc = window, window.doc
    place_actor(win, frames=60)
    place_actor(win, frames=80, kind="wave")
    panel = win.page.actors_panel
    before = to_dict(doc.project)
    item = panel.list.item(0)
    item.setText("Walker")
    assert doc.project.actors[0].name == "Walker"
    undo_redo(doc, before)

    before = to_dict(doc.project)
    panel.list.setCurrentRow(0)
    qtbot.mouseClick(panel.remove_button, Qt.LeftButton)
    assert [a.name for a in doc.project.actors] == ["B"]
    undo_redo(doc, before)
    assert panel.list.count() == 1
    doc.undo_stack.undo()
    assert [panel.list.item(i).text() for i in range(2)] == ["Walker", "B"]


def test_face_edits_and_a_speech_resize_drag_undo(qtbot, window):
    win, doc, tl = window, window.doc, window.timeline
    place_actor(win, frames=120, kind="wave")
    face = win.page.expression_panel
    doc.selection.set_range(20, 50)
    before = to_dict(doc.project)
    face.expression_buttons["angry"].click()
    undo_redo(doc, before)
    before = to_dict(doc.project)
    face.speech_buttons["sing"].click()
    assert [(r.start, r.stop, r.style) for r in doc.project.actors[0].speech] == \
        [(20, 50, "sing")]
    undo_redo(doc, before)

    # Drag the speech range's end from frame 50 to 80: one undo step for the whole drag.
    doc.selection.set_range(None)
    before, steps = to_dict(doc.project), doc.undo_stack.count()
    y = row_y("speech")
    drag(qtbot, tl, QPoint(int(tl.x_of(50)), y), QPoint(int(tl.x_of(80)), y))
    assert [(r.start, r.stop) for r in doc.project.actors[0].speech] == [(20, 80)]
    assert doc.undo_stack.count() == steps + 1
    undo_redo(doc, before)


def test_regenerate_selection_and_variation_pick_undo(qtbot, window):
    win, doc, panel = window, window.doc, window.prompt_panel
    generate(qtbot, win, "a person walks forward", seed=2, seconds=3)
    doc.selection.set_range(20, 50)
    panel.prompt.setPlainText("a person jumps")
    before, steps = to_dict(doc.project), doc.undo_stack.count()
    qtbot.mouseClick(panel.regen_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: doc.undo_stack.count() == steps + 1, timeout=GEN_TIMEOUT)
    undo_redo(doc, before)

    panel.prompt.setPlainText("a person waves")
    panel.count.setValue(2)
    with qtbot.waitSignal(win.generation.variations_ready, timeout=GEN_TIMEOUT):
        qtbot.mouseClick(panel.variations_button, Qt.LeftButton)
    before = to_dict(doc.project)
    qtbot.mouseClick(panel.variations.tiles[1], Qt.LeftButton)
    assert doc.project.actors[0].prompt == "a person waves"
    assert doc.project.history[-1].prompt == "a person waves"
    undo_redo(doc, before)
