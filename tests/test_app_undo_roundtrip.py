"""Undo and redo over seeded random sequences of every kind of document edit: walking back
one step at a time gives each earlier project exactly, and walking forward again gives each
later one (the project file's own dict is the measure of "exactly")."""
import random

import numpy as np
import pytest

from conftest import synthetic_motion
from engine.camera import CameraKey
from engine.formats.project_file import to_dict
from engine.motion import Motion
from engine.planner.plan import Plan, PlanSegment
from engine.project import Generation
from stickgen_studio.document import edits
from test_app_support import place_actor


def _actor(doc, rng):
    return rng.randrange(len(doc.project.actors)) if doc.project.actors else None


def _frame(doc, i, rng):
    return rng.randrange(doc.project.actors[i].motion.num_frames)


def _motion(rng, frames=None, kind=None):
    frames = frames or rng.randrange(40, 90)
    kind = kind or rng.choice(["walk", "wave"])
    return Motion(synthetic_motion(kind, frames, rng.randrange(100)), 25.0, [kind] * frames)


def generate(win, rng):
    place_actor(win, frames=rng.randrange(40, 90), kind=rng.choice(["walk", "wave"]),
                seed=rng.randrange(100))


def new_take(doc, i, rng):
    """A generation that replaces actor ``i`` (its keys go with the old take)."""
    segs = edits.segments_from_plan(Plan("walk", [PlanSegment("walk", "walk", 2.0)]), 25.0)
    edits.apply_generation(doc, _motion(rng), Generation("walk", 1, 0.0, "synthetic"), segs, i)


def regenerate(doc, i, rng):
    T = doc.project.actors[i].motion.num_frames
    start = rng.randrange(0, T - 10)
    stop = rng.randrange(start + 2, T)
    m = doc.project.actors[i].motion.copy()
    m.positions[start:stop] += np.float32(0.05)
    plan = Plan("jump", [PlanSegment("jump", "jump", (stop - start) / 25.0)])
    edits.regenerated(doc, i, m, plan, start, stop, Generation("jump", 2, 0.0, "synthetic"))


def fields(doc, i, rng):
    what = rng.choice(["name", "color", "visible"])
    value = {"name": f"Actor{rng.randrange(99)}", "color": rng.choice(["#ff0000", "#00aa55"]),
             "visible": not doc.project.actors[i].visible}[what]
    edits.set_actor_field(doc, i, what, value)


def face(doc, i, rng):
    f = _frame(doc, i, rng)
    if rng.random() < 0.5:
        stop = f + rng.randrange(1, 20) if rng.random() < 0.5 else None
        edits.set_expression(doc, i, f, rng.choice(["happy", "sad", "angry"]), stop)
    else:
        edits.set_speech(doc, i, f, f + rng.randrange(1, 20), rng.choice(["talk", "sing"]))


def keys_drag(doc, i, rng, n=[0]):
    lists = edits.key_lists(doc, i)
    tracks = [t for t, keys in lists.items() if keys]
    if not tracks:
        return False
    track = rng.choice(tracks)
    original = lists[track]
    moving = [rng.randrange(len(original))]
    n[0] += 1
    for delta in range(1, rng.randrange(2, 8)):   # one drag, several mouse moves
        edits.move_keys(doc, i, track, original, moving, delta * rng.choice([-1, 1]),
                        f"drag{n[0]}")


def delete(doc, i, rng):
    lists = edits.key_lists(doc, i)
    refs = [(t, k) for t, keys in lists.items() for k in range(len(keys))]
    if not refs:
        return False
    edits.delete_keys(doc, i, rng.sample(refs, min(len(refs), rng.randrange(1, 3))))


def camera(doc, i, rng, n=[0]):
    last = max(1, doc.project.num_frames - 1)
    kind = rng.choice(["add", "update", "follow", "move"])
    if kind == "add" or not doc.project.camera:
        edits.add_camera_key(doc, CameraKey(float(rng.randrange(last)), (0.0, 1.4, 5.0),
                                            (0.0, 1.0, 0.0), rng.uniform(30, 60)))
    elif kind == "update":
        n[0] += 1
        k = rng.randrange(len(doc.project.camera))
        for step in range(3):                       # a spin-box drag: one undo step
            edits.update_camera_key(doc, k, f"cam{n[0]}", fov=40.0 + step)
    elif kind == "follow":
        edits.set_camera_follow(doc, rng.randrange(len(doc.project.camera)), i,
                                (0.0, 1.5, 4.0), (0.0, 1.0, 0.0))
    else:
        start = rng.randrange(last)
        edits.apply_camera_move(doc, rng.choice(["orbit", "dolly", "crane"]), start,
                                min(last + 1, start + 20), 16 / 9)


def poses(doc, i, rng, n=[0]):
    kind = rng.choice(["key", "follow", "blend", "resize", "style"])
    actor = doc.project.actors[i]
    if kind == "key":
        n[0] += 1
        f = _frame(doc, i, rng)
        for step in range(3):                       # a pose drag: one undo step
            pose = actor.motion.positions[f] + np.float32(0.01 * (step + 1))
            edits.set_pose_key(doc, i, f, pose, f"pose{n[0]}")
    elif kind == "follow":
        m = actor.motion.copy()
        m.positions[:, :, 1] += np.float32(0.01)
        edits.follow_pose_keys(doc, i, m, None)
    elif kind == "blend":
        edits.set_key_blend(doc, rng.choice([0.2, 0.4, 0.8]))
    elif kind == "style":
        edits.set_style(doc, rng.choice(["light", "dark", "paper"]))
    else:
        if not actor.speech:
            return False
        n[0] += 1
        for step in range(1, 4):
            edits.resize_speech(doc, i, list(actor.speech), 0, rng.choice(["start", "stop"]),
                                step, f"speech{n[0]}")


def remove(doc, i, rng):
    if len(doc.project.actors) < 2:
        return False
    edits.remove_actor(doc, i)


EDITS = [new_take, regenerate, fields, face, keys_drag, delete, camera, poses, remove]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_undo_redo_round_trip_over_random_edits(qtbot, window, seed):
    win, doc = window, window.doc
    rng = random.Random(seed)
    states = {0: to_dict(doc.project)}
    used = set()
    for _ in range(100):
        before = doc.undo_stack.index()
        i = _actor(doc, rng)
        edit = generate if i is None or rng.random() < 0.12 else rng.choice(EDITS)
        done = edit(win, rng) if edit is generate else edit(doc, i, rng)
        if done is False:
            continue
        assert doc.undo_stack.index() == before + 1, edit.__name__   # one edit, one step
        used.add(edit.__name__)
        states[doc.undo_stack.index()] = to_dict(doc.project)
    assert used == {e.__name__ for e in EDITS} | {"generate"}
    top = doc.undo_stack.index()
    while doc.undo_stack.canUndo():
        doc.undo_stack.undo()
        assert to_dict(doc.project) == states[doc.undo_stack.index()]
    assert doc.undo_stack.index() == 0
    while doc.undo_stack.canRedo():
        doc.undo_stack.redo()
        assert to_dict(doc.project) == states[doc.undo_stack.index()]
    assert doc.undo_stack.index() == top
