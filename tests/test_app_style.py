"""A planned action's motion style, seen and changed in the app like a user would."""
import numpy as np

from test_app_support import GEN_TIMEOUT, generate


def test_choosing_a_style_remakes_that_action_and_undo_restores_it(qtbot, window):
    win, doc = window, window.doc
    actor = generate(qtbot, win, "a person walks forward, then waves", seed=2)
    row = win.prompt_panel.style_row
    assert not row.combo.isEnabled()                    # nothing selected on the timeline
    walk = next(i for i, s in enumerate(actor.segments) if s.action == "walk")
    doc.selection.set_keys({("action", walk)})
    assert row.combo.isEnabled() and row.combo.currentText() == "neutral"

    before = actor.motion.positions.copy()
    seg = actor.segments[walk]
    step = doc.undo_stack.index()
    row.combo.setCurrentIndex(row.combo.findData("zombie"))
    row.combo.activated.emit(row.combo.currentIndex())
    qtbot.waitUntil(lambda: doc.undo_stack.index() > step, timeout=GEN_TIMEOUT)

    actor = doc.project.actors[doc.selection.actor]
    styled = next(s for s in actor.segments if s.start == seg.start)
    assert styled.style == "zombie" and styled.action == "walk"
    after = actor.motion.positions
    inside = slice(seg.start + 1, seg.stop - 1)
    assert not np.allclose(after[inside], before[inside])      # the walk was remade
    assert np.array_equal(after[seg.stop:], before[seg.stop:])   # the wave was not
    labels = [it.label for it in win.timeline.items()["action"]]
    assert "walk · zombie" in labels
    assert doc.undo_stack.undoText() == "Style: walk zombie"

    doc.undo_stack.undo()
    actor = doc.project.actors[doc.selection.actor]
    assert np.array_equal(actor.motion.positions, before)
    assert all(s.style is None for s in actor.segments)
