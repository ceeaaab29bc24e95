"""Damaged project files opened in the app: each is refused with a message in the user's words
that names the file, the open project stays exactly as it was, and no view ever paints from
bad data (a paint error used to take the whole app down). Ends with a seeded batch of random
damage: whatever opens is drawn at several frames without an error."""
import copy
import json
import random

import pytest
from PySide6.QtWidgets import QApplication

from engine.formats.project_file import to_dict
from test_app_support import make_window, place_actor

PYTHON_TALK = ("Traceback", "string indices", "Unterminated", "object has no attribute",
               "NoneType", "unsupported operand", "Expecting value")


def _camera(**kw):
    return dict({"frame": 0, "move": "static", "position": [0.0, 1.2, 4.0],
                 "target": [0.0, 1.0, 0.0], "fov": 40.0, "roll": 0.0,
                 "easing": "ease_in_out"}, **kw)


def _set(path, value):
    def change(d):
        *head, last = path
        for k in head:
            d = d[k]
        d[last] = value
    return change


ACTOR = ("actors", 0)
DAMAGE = {
    "camera key frame as text": _set(("camera",), [_camera(frame="abc")]),
    "camera as a string": _set(("camera",), "static"),
    "fps 1e-12": _set(ACTOR + ("motion", "fps"), 1e-12),
    "segments malformed": _set(ACTOR + ("segments",), [{"start": "x"}, 5]),
    "segments as a string": _set(ACTOR + ("segments",), "walk"),
    "fov 1e9": _set(("camera",), [_camera(fov=1e9)]),
    "joints all 'a'": _set(ACTOR + ("motion", "joints"), ["a"] * 16),
    "parents 99": _set(ACTOR + ("motion", "parents"), [99] * 16),
    "actors as strings": _set(("actors",), ["x"]),
    "history as strings": _set(("history",), ["x"]),
    "unknown look": _set(("settings",), {"style": 5}),
    "shot size as text": _set(("settings",), {"shot_size": "big"}),
    "speech range backwards": _set(ACTOR + ("speech",), [{"start": 5, "stop": -3,
                                                           "style": "talk"}]),
}


@pytest.fixture
def app_with_work(qtbot, tmp_path, tiny_checkpoint):
    """A window with a saved project and unsaved work on top, and that project as a dict."""
    win = make_window(qtbot, tmp_path, tiny_checkpoint, load_model=False)
    place_actor(win)
    saved = tmp_path / "good.stickgen"
    assert win.files.save_to(saved)
    place_actor(win, kind="wave")
    win.files.ask_to_save = lambda: "discard"
    return win, json.loads(saved.read_text())


def _paint_everything(win):
    doc = win.doc
    for frame in (0, doc.playhead.last_frame // 2, doc.playhead.last_frame):
        doc.playhead.set_frame(frame)
        for view in (win.viewport, win.timeline, win.camera_editor, win.page):
            view.repaint()
    QApplication.processEvents()


def _refused(win, path, before):
    dirty, where = win.doc.dirty, win.doc.path
    assert not win.files.open_path(path)
    text = win.message_bar.text.text()
    assert win.message_bar.isVisible() and win.message_bar.level == "error"
    assert path.name in text and "unchanged" in text
    assert not any(t in text for t in PYTHON_TALK), text
    assert to_dict(win.doc.project) == before
    assert win.doc.dirty == dirty and win.doc.path == where
    _paint_everything(win)
    return text


@pytest.mark.parametrize("name", list(DAMAGE))
def test_a_damaged_project_is_refused_and_the_open_one_kept(app_with_work, tmp_path, name):
    win, good = app_with_work
    data = copy.deepcopy(good)
    DAMAGE[name](data)
    path = tmp_path / "damaged.stickgen"
    path.write_text(json.dumps(data))
    _refused(win, path, to_dict(win.doc.project))


def test_a_truncated_or_non_numeric_project_is_explained(app_with_work, tmp_path):
    win, good = app_with_work
    before = to_dict(win.doc.project)
    text = json.dumps(good)
    cut = tmp_path / "cut.stickgen"
    cut.write_text(text[: len(text) // 2])
    assert "cut off" in _refused(win, cut, before)
    infinite = tmp_path / "infinite.stickgen"
    infinite.write_text(text.replace('"seed": 0', '"seed": Infinity', 1))
    _refused(win, infinite, before)
    binary = tmp_path / "binary.stickgen"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    _refused(win, binary, before)


HOSTILE = [float("nan"), float("inf"), 1e308, -1e308, 1e38, 10 ** 30, -1, 0, 99, 1e-12, 1e12,
           "a", "", None, True, [], {}, [[[]]], ["x"]]


def _leaves(node, path=()):
    if isinstance(node, dict):
        for k, v in node.items():
            if k != "data":       # the base64 motion: damaged as a whole elsewhere
                yield from _leaves(v, path + (k,))
    elif isinstance(node, list) and node and len(node) < 40:
        for i, v in enumerate(node):
            yield from _leaves(v, path + (i,))
    yield path


def test_random_damage_never_breaks_the_app(app_with_work, tmp_path):
    win, good = app_with_work
    good["camera"] = [_camera(), _camera(frame=60, fov=70.0)]
    leaves = [p for p in _leaves(good) if p]
    rng = random.Random(15)
    opened = refused = 0
    for i in range(40):
        data = copy.deepcopy(good)
        for _ in range(rng.randint(1, 3)):
            try:
                _set(rng.choice(leaves), rng.choice(HOSTILE))(data)
            except (TypeError, KeyError, IndexError):
                pass   # an earlier damage already replaced this value's container
        path = tmp_path / f"random_{i}.stickgen"
        path.write_text(json.dumps(data))
        before = to_dict(win.doc.project)
        if win.files.open_path(path):
            opened += 1
            _paint_everything(win)
        else:
            refused += 1
            _refused(win, path, before)
    assert opened + refused == 40 and refused > 20


def test_views_say_what_they_cannot_draw_instead_of_crashing(qtbot, tmp_path, tiny_checkpoint):
    win = make_window(qtbot, tmp_path, tiny_checkpoint, load_model=False)
    place_actor(win)
    # Bad data that got past every check (here put in by hand): the views say so and live on.
    win.doc.project.settings["style"] = 5
    win.doc.project.actors[0].segments = None
    win.doc.settings_changed.emit()
    _paint_everything(win)
    image = win.viewport.grab().toImage()
    assert image.pixelColor(image.width() // 2, image.height() // 2).isValid()
    win.doc.project.settings["style"] = "light"
    win.doc.project.actors[0].segments = []
    win.doc.settings_changed.emit()
    _paint_everything(win)
