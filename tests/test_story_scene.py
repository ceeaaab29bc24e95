"""Staging a scene script with a tiny real model: relations, contacts, separation, idle, camera.

The tiny model is untrained, so its motions are noise; what these tests check is what staging
guarantees whatever the model does: where actors end up, which way they face, hands touching,
bodies apart, and a living idle at the end.
"""
import numpy as np
import pytest

from engine.generate import Generator
from engine.progress import CancelToken, Cancelled
from engine.skeleton import JOINT_INDEX as J
from engine.story.contacts import contact_poses, min_torso_gap, torso_gaps
from engine.story.idle import STRIDE_M, settle_tail
from engine.story.relations import Leg, body_headings, floor_of, straight, warp_to_legs
from engine.story.script import parse_script
from engine.story.stage import build_scene


@pytest.fixture(scope="module")
def gen(tiny_checkpoint):
    return Generator(tiny_checkpoint).load()


def script(actors, duration=0.0, camera=()):
    return parse_script({"format": "stickgen.script", "version": 1, "prompt": "a scene",
                         "duration": duration, "actors": actors, "camera": list(camera)})


def actor(name, x, z, facing, beats):
    return {"name": name, "start": {"x": x, "z": z, "facing": facing}, "beats": beats}


def facing_vec(positions, frame):
    h = body_headings(positions, 25.0)[frame]
    return np.array([np.sin(h), np.cos(h)])


def by_name(scene):
    return {a.name: a.motion.positions for a in scene.actors}


def test_two_actors_told_to_meet_end_at_arms_reach_facing_each_other(gen):
    s = script([actor("A", -3, 0, 0, [{"action": "walk", "duration": 3, "relation": "toward",
                                        "target": "B"}]),
                actor("B", 3, 1, 180, [{"action": "walk", "duration": 3, "relation": "toward",
                                        "target": "A"}])], duration=4)
    scene = build_scene(s, gen, seed=3)
    p = by_name(scene)
    assert all(m.num_frames == 100 for m in (a.motion for a in scene.actors))
    end = 74     # the last frame of the 3 s beats
    d = np.linalg.norm(floor_of(p["A"])[end] - floor_of(p["B"])[end])
    assert 0.6 <= d <= 1.0, d
    assert facing_vec(p["A"], end) @ facing_vec(p["B"], end) < -0.7
    # both walked, and they met in the middle: each covered about half of the way
    for name in "AB":
        assert 2.0 < np.linalg.norm(floor_of(p[name])[end] - floor_of(p[name])[0]) < 3.0
    assert min_torso_gap(list(p.values())) >= 0.29
    spine = [np.linalg.norm(m[:, 2] - m[:, 1], axis=1) for m in p.values()]
    drift = [np.abs(s - s[0]).max() for s in spine]
    assert max(drift) < 2e-3      # warps turn and move whole bodies: bones keep their length


@pytest.mark.parametrize("kind,hands", [("high_five", ("r_hand", "r_hand")),
                                        ("handshake", ("r_hand", "r_hand"))])
def test_interaction_hands_touch_at_the_contact_frame(gen, kind, hands):
    s = script([actor("A", -2.5, 0, 90, [{"duration": 4, "interaction": kind, "target": "B",
                                          "action": "idle"}]),
                actor("B", 1.0, 0.5, -90, [{"action": "idle", "duration": 4}])], duration=5)
    scene = build_scene(s, gen, seed=1)
    (what, a, b, f), = scene.contacts
    assert (what, a, b) == (kind, "A", "B")
    p = by_name(scene)
    gap = np.linalg.norm(p["A"][f, J[hands[0]]] - p["B"][f, J[hands[1]]])
    assert gap <= 0.10, gap
    assert facing_vec(p["A"], f) @ facing_vec(p["B"], f) < -0.7
    assert np.linalg.norm(floor_of(p["A"])[f] - floor_of(p["B"])[f]) < 1.0   # A walked over
    if kind == "high_five":      # up high: above the head's centre
        assert p["A"][f, J["r_hand"], 1] > p["A"][f, J["neck"], 1]
    else:                        # a handshake is about waist height
        assert 0.7 < p["A"][f, J["r_hand"], 1] < 1.3
    assert torso_gaps(p["A"], p["B"]).min() >= 0.29


@pytest.mark.parametrize("kind", ["handshake", "hug", "dance_together", "hand_over",
                                  "punch_blocked"])
def test_held_contacts_stay_in_touch_while_held(gen, kind):
    from engine.story.contacts import contact_frames, contact_targets

    s = script([actor("A", 0, 0, 90, [{"duration": 4, "interaction": kind, "target": "B",
                                       "action": "idle"}]),
                actor("B", 2.5, -0.5, 0, [{"action": "walk", "duration": 4}])], duration=5)
    scene = build_scene(s, gen, seed=6)
    (_, _, _, f), = scene.contacts
    p = by_name(scene)
    held = contact_frames(kind, f, 0, 100, 25.0)
    assert (len(held) > 1) == (kind != "punch_blocked")
    worst = max(g for t in held for _, _, g in contact_targets(kind, p["A"][t], p["B"][t]))
    assert worst <= 0.10, worst
    if kind == "handshake":          # the joined hands pump up and down
        ys = [p["A"][t, J["r_hand"], 1] for t in held]
        assert max(ys) - min(ys) > 0.03
    assert torso_gaps(p["A"], p["B"]).min() >= 0.29


def test_no_frame_has_two_bodies_inside_each_other(gen):
    # one walks toward the camera, the other away from it, on the same line: head on
    s = script([actor("A", 0, -2, 0, [{"action": "walk", "duration": 3, "path": "toward_camera"}]),
                actor("B", 0, 1, 0, [{"action": "walk", "duration": 3, "path": "away"}])])
    scene = build_scene(s, gen, seed=2)
    p = by_name(scene)
    assert floor_of(p["A"])[-1][1] > floor_of(p["B"])[-1][1]   # they did pass each other ...
    assert min_torso_gap([p["A"], p["B"]]) >= 0.29             # ... side by side, not through
    assert any("pushed apart" in n for n in scene.notes)


def test_actors_on_the_same_spot_are_spread(gen):
    s = script([actor("A", 0, 0, 0, [{"action": "idle", "duration": 1}]),
                actor("B", 0.2, 0, 0, [{"action": "idle", "duration": 1}])])
    scene = build_scene(s, gen)
    p = by_name(scene)
    assert np.linalg.norm(floor_of(p["A"])[0] - floor_of(p["B"])[0]) >= 1.0
    assert sum("within 1 m" in n for n in scene.notes) == 2


def test_follower_stays_behind_the_leader(gen):
    # the leader circles a third actor; the follower starts behind it and keeps on its track
    s = script([actor("L", 0, -2, 90, [{"action": "walk", "duration": 6,
                                        "relation": "circle_around", "target": "C"}]),
                actor("C", 0, 0, 0, [{"action": "idle", "duration": 6}]),
                actor("F", -1.5, -2, 90, [{"action": "walk", "duration": 6, "relation": "follow",
                                           "target": "L"}])])
    scene = build_scene(s, gen, seed=4)
    p = by_name(scene)
    lf, ff = floor_of(p["L"]), floor_of(p["F"])
    behind = [facing_vec(p["L"], t) @ (lf[t] - ff[t]) > 0 for t in range(len(lf))
              if np.linalg.norm(lf[t] - ff[t]) > 0.3]
    assert np.mean(behind) > 0.8
    gaps = np.linalg.norm(lf - ff, axis=1)
    assert np.median(gaps[25:]) < 2.5          # keeps up: not left behind
    assert min_torso_gap([p["L"], p["F"]]) >= 0.29


def test_an_actor_who_finishes_early_stands_idle_not_frozen_mid_stride(gen):
    s = script([actor("A", 0, 0, 0, [{"action": "walk", "duration": 2, "path": "straight"}]),
                actor("B", 2, 0, 0, [{"action": "wave", "duration": 8}])], duration=8)
    scene = build_scene(s, gen, seed=5)
    m = scene.actors[0].motion
    assert m.num_frames == 200
    tail = m.positions[60:]
    assert np.abs(tail - tail[:1]).max() > 0.003        # alive: it moves a little
    last = m.positions[-1]
    feet = last[[J["l_foot"], J["r_foot"]]]
    assert np.linalg.norm((feet[0] - feet[1])[[0, 2]]) <= STRIDE_M
    assert feet[:, 1].max() < 0.08
    assert m.actions[-1] == "idle"


def test_settle_tail_turns_a_stride_into_standing():
    from engine.start_pose import standing_pose

    pose = standing_pose().copy()
    pose[J["l_foot"], 2] += 0.35          # a long stride, feet 0.7 m apart
    pose[J["r_foot"], 2] -= 0.35
    pos = np.repeat(pose[None], 50, axis=0)
    out, did = settle_tail(pos, 10, 25.0)
    assert "mid-stride" in did and "breathing" in did
    feet = out[-1, [J["l_foot"], J["r_foot"]]]
    assert np.linalg.norm((feet[0] - feet[1])[[0, 2]]) < 0.3
    assert np.abs(out[30:] - out[30]).max() > 0.003
    np.testing.assert_array_equal(out[:10], pos[:10])


def test_warp_puts_a_path_leg_where_it_says():
    from conftest import synthetic_motion

    pos = synthetic_motion("walk", 75, 0)
    want = straight(floor_of(pos)[0], np.array([3.0, -2.0]))
    out = warp_to_legs(pos, [Leg(0, 75, "path", want, face=np.pi / 2)], 25.0)
    assert np.linalg.norm(floor_of(out)[-1] - [3.0, -2.0]) < 1e-3
    assert abs(np.cos(body_headings(out, 25.0)[-1] - np.pi / 2) - 1) < 0.05


def test_contact_poses_keep_bone_lengths():
    from engine.start_pose import standing_pose
    from engine.story.relations import yaw

    a = standing_pose().astype(np.float64)
    a = yaw(a, np.pi / 2)
    b = yaw(standing_pose().astype(np.float64), -np.pi / 2)
    a[:, 0] -= 0.4
    b[:, 0] += 0.4
    for kind in ("high_five", "handshake", "hug", "punch_blocked", "dance_together", "hand_over"):
        ka, kb = contact_poses(kind, a, b)
        for pose, orig in ((ka, a), (kb, b)):
            for j, p in ((J["r_elbow"], J["r_shoulder"]), (J["r_hand"], J["r_elbow"])):
                bone = np.linalg.norm(pose[j] - pose[p])
                assert abs(bone - np.linalg.norm(orig[j] - orig[p])) < 1e-4


def test_camera_cues_become_keys(gen):
    s = script([actor("A", -1, 0, 0, [{"action": "walk", "duration": 4}]),
                actor("B", 1, 0, 0, [{"action": "wave", "duration": 4}])],
               camera=[{"start": 0, "duration": 2, "move": "orbit", "shot": "wide",
                        "speed": "fast"},
                       {"start": 2, "move": "track", "shot": "close", "target": "B"}])
    scene = build_scene(s, gen, seed=0)
    orbit = [k for k in scene.camera if k.move == "orbit"]
    assert len(orbit) >= 4 and orbit[0].frame == 0
    track = [k for k in scene.camera if k.move == "track"]
    assert track and all(k.follow == 1 for k in track)        # B's index, not the first actor
    assert np.linalg.norm(np.subtract(track[0].position, track[0].target)) < 2.0   # close


def test_progress_rises_and_cancel_stops(gen):
    s = script([actor("A", 0, 0, 0, [{"action": "wave", "duration": 2}]),
                actor("B", 2, 0, 0, [{"action": "wave", "duration": 2}])])
    seen = []
    build_scene(s, gen, progress=lambda f, m: seen.append(f))
    assert seen == sorted(seen) and seen[-1] == 1.0
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        build_scene(s, gen, cancel=token)


def test_same_seed_same_scene(gen):
    s = script([actor("A", -2, 0, 90, [{"action": "walk", "duration": 2, "relation": "toward",
                                        "target": "B"}]),
                actor("B", 2, 0, -90, [{"action": "idle", "duration": 2}])])
    one, two = build_scene(s, gen, seed=7), build_scene(s, gen, seed=7)
    for a, b in zip(one.actors, two.actors):
        np.testing.assert_array_equal(a.motion.positions, b.motion.positions)


def test_face_away_and_words_only_beats(gen):
    s = script([actor("A", 0, 0, 0, [{"action": "idle", "duration": 3, "relation": "face",
                                      "target": "B"}]),
                actor("B", 3, -1, 0, [{"action": "walk", "duration": 3, "relation": "away_from",
                                       "target": "A"}]),
                actor("C", -3, 0, 0, [{"text": "jogs in a circle", "duration": 3}])])
    scene = build_scene(s, gen, seed=8)
    p = by_name(scene)
    to_b = floor_of(p["B"])[74] - floor_of(p["A"])[74]
    assert facing_vec(p["A"], 74) @ (to_b / np.linalg.norm(to_b)) > 0.9      # turned to B
    start = np.linalg.norm(floor_of(p["B"])[0] - floor_of(p["A"])[0])
    assert np.linalg.norm(to_b) > start + 1.5                                 # B got away
    assert "jog" in scene.actors[2].motion.actions[:75]          # words read by the planner


def test_close_shot_looks_past_whoever_stands_in_front(gen):
    from engine.story.camera_words import _off_line

    s = script([actor("A", 0, 0, 90, [{"action": "idle", "duration": 2}]),
                actor("B", 0.8, 0, -90, [{"action": "idle", "duration": 2}])],
               camera=[{"start": 0, "move": "static", "shot": "close", "target": "A"}])
    scene = build_scene(s, gen, seed=0)
    key = scene.camera[0]
    b = scene.actors[1].motion.positions[0]
    eye, look = np.array(key.position), np.array(key.target)
    assert min(_off_line(b[j], eye, look) for j in (0, J["neck"], J["head"])) > 0.3
    assert np.linalg.norm(eye - look) < 2.0


def test_wide_shot_without_cues_looks_from_the_audience_side(gen):
    s = script([actor("A", -1, 0, 90, [{"action": "idle", "duration": 2}]),
                actor("B", 1, 0, -90, [{"action": "idle", "duration": 2}])])
    key, = build_scene(s, gen).camera
    view = np.subtract(key.position, key.target)
    assert view[2] > 0.9 * np.linalg.norm(view[[0, 2]])     # from +Z, not from A's side


def test_a_child_and_an_adult_hold_hands_at_a_child_sized_distance(gen):
    from engine.story.contacts import contact_frames, contact_targets

    kid = actor("Kid", 0, 0, 90, [{"duration": 4, "interaction": "dance_together",
                                   "target": "Dad", "action": "dance_salsa"}])
    kid["look"] = {"height": 0.7}
    s = script([kid, actor("Dad", 1.2, 0, -90, [{"action": "dance_salsa", "duration": 4}])])
    scene = build_scene(s, gen, seed=9)
    (_, _, _, f), = scene.contacts
    p = by_name(scene)
    held = contact_frames("dance_together", f, 0, 100, 25.0)
    assert max(g for t in held for _, _, g in contact_targets("dance_together", p["Kid"][t],
                                                               p["Dad"][t])) <= 0.10
    # smaller throughout, the frames remade around the contact too (bones never grow)
    bones = np.linalg.norm(p["Kid"][:, J["l_knee"]] - p["Kid"][:, J["l_hip"]], axis=1)
    assert bones.max() < 0.75 * 0.45 and bones.min() > 0.65 * 0.45
