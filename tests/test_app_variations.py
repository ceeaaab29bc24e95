"""Variations in the app: after a pick the previews go away and the Seed box shows the picked
take; a pick (or any generation) that replaces an actor's edited face, speech or pose keys says
so, and one undo brings everything back."""
from PySide6.QtCore import Qt

from engine.face import ExpressionKey
from engine.formats.project_file import to_dict
from engine.project import PoseKey, SpeechRange
from stickgen_studio.document import edits
from test_app_support import GEN_TIMEOUT


def make_variations(qtbot, win, prompt="a person waves", seed=7, count=2):
    panel = win.prompt_panel
    panel.prompt.setPlainText(prompt)
    panel.seed.setValue(seed)
    panel.count.setValue(count)
    with qtbot.waitSignal(win.generation.variations_ready, timeout=GEN_TIMEOUT):
        qtbot.mouseClick(panel.variations_button, Qt.LeftButton)
    return panel.variations.tiles


def test_a_pick_closes_the_previews_and_the_seed_box_follows(qtbot, window):
    win, doc, panel = window, window.doc, window.prompt_panel
    tiles = make_variations(qtbot, win, seed=7, count=3)
    assert panel.variations.isVisible() and panel.variations_title.isVisible()
    qtbot.mouseClick(tiles[2], Qt.LeftButton)
    assert doc.project.actors[0].seed == 9 and panel.seed.value() == 9
    assert not panel.variations.isVisible() and not panel.variations_title.isVisible()
    assert panel.variations.tiles == []
    # Generate now remakes the picked take: the same motion, from the cache.
    assert panel.generate()
    assert doc.project.actors[0].seed == 9 and len(doc.project.actors) == 1


def test_replacing_an_edited_actor_says_what_it_drops_and_undo_restores(qtbot, window):
    win, doc, panel = window, window.doc, window.prompt_panel
    tiles = make_variations(qtbot, win, seed=3, count=2)
    qtbot.mouseClick(tiles[0], Qt.LeftButton)
    # The user edits the take: a face key, a speech range and a pose key.
    actor = doc.project.actors[0]
    pose = actor.motion.positions[10].tolist()
    edits.set_actor_field(doc, 0, "expression_keys", [ExpressionKey(5, "happy")])
    edits.set_actor_field(doc, 0, "speech", [SpeechRange(0, 20, "talk")])
    edits.set_actor_field(doc, 0, "pose_keys", [PoseKey(10, pose)])
    edited = to_dict(doc.project)["actors"]
    # More variations, and a pick: the keys go, and the message bar says so.
    tiles = make_variations(qtbot, win, seed=20, count=2)
    qtbot.mouseClick(tiles[1], Qt.LeftButton)
    assert doc.project.actors[0].seed == 21 and doc.project.actors[0].pose_keys == []
    bar = win.message_bar
    assert bar.isVisible() and bar.level == "warning"
    text = bar.text.text()
    assert "1 expression key" in text and "1 speech range" in text and "1 pose key" in text
    assert "Undo" in text
    doc.undo_stack.undo()
    assert to_dict(doc.project)["actors"] == edited


def test_previews_go_with_the_project_they_were_made_for(qtbot, window):
    win, panel = window, window.prompt_panel
    make_variations(qtbot, win, seed=5, count=2)
    assert panel.variations.isVisible()
    win.files.ask_to_save = lambda: "discard"
    assert win.files.new()
    assert not panel.variations.isVisible() and panel.variations.tiles == []
    assert win.doc.project.actors == []
