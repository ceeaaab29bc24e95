"""Camera keys, easing, preset moves, framing and perspective projection."""
import math

import numpy as np
import pytest

from engine.camera import (EASINGS, MOVES, CameraKey, CameraTrack, camera_for, ease,
                           frame_subject, make_move)
from engine.formats.motion_json import Actor, MotionFile, read_motion_json, write_motion_json
from engine.motion import Motion
from engine.projection import CameraState
from engine.skeleton import rest_pose

W, H = 1280, 720


def _walker(T: int = 60, speed_x: float = 0.0, turn: float = 0.0, yaw: float = 0.0) -> Motion:
    """Rest pose turned ``yaw`` radians, sliding sideways at ``speed_x`` m/s and turning a
    further ``turn`` radians over the clip."""
    rest = rest_pose().astype(np.float64)
    frames = []
    for t in range(T):
        a = yaw + turn * t / max(T - 1, 1)
        rot = np.array([[math.cos(a), 0, math.sin(a)], [0, 1, 0], [-math.sin(a), 0, math.cos(a)]])
        p = (rest - rest[0] * [1, 0, 1]) @ rot.T
        p[:, 0] += speed_x * t / 25.0
        frames.append(p)
    return Motion(np.array(frames, dtype=np.float32), 25.0)


@pytest.mark.parametrize("kind", [e for e in EASINGS if e != "hold"])
def test_easing_hits_both_ends_exactly_and_is_smooth_between(kind):
    assert ease(kind, 0.0) == 0.0 and ease(kind, 1.0) == 1.0
    u = np.linspace(0, 1, 1001)
    v = np.array([ease(kind, x) for x in u])
    assert np.all(np.diff(v) >= 0)                       # never goes back
    slope = np.diff(v) / np.diff(u)
    assert np.abs(np.diff(slope)).max() < 0.01           # no kinks inside the span
    assert abs(ease(kind, 0.5) - 0.5) < 0.26


def test_hold_keeps_the_first_value_until_the_next_key():
    assert ease("hold", 0.0) == 0.0 and ease("hold", 0.999) == 0.0 and ease("hold", 1.0) == 1.0
    with pytest.raises(ValueError, match="unknown easing"):
        ease("bounce", 0.5)


def test_track_passes_through_its_keys_and_honours_each_easing():
    keys = [CameraKey(0, (0, 1, 5), (0, 1, 0), 40, 0, "linear"),
            CameraKey(20, (2, 1, 5), (0, 1, 0), 30, 10, "ease_in"),
            CameraKey(50, (2, 3, 5), (1, 1, 0), 30, 0, "hold"),
            CameraKey(60, (0, 1, 4), (0, 1, 0), 50, 0)]
    track = CameraTrack(keys)
    for k in keys:
        s = track.evaluate(k.frame)
        assert s.position == pytest.approx(k.position) and s.target == pytest.approx(k.target)
        assert s.fov == pytest.approx(k.fov) and s.roll == pytest.approx(k.roll)
    assert track.evaluate(10).position == pytest.approx((1, 1, 5))          # linear
    assert track.evaluate(35).position[1] == pytest.approx(1 + 2 * 0.25)    # ease_in: u^2
    assert track.evaluate(59.9).position == pytest.approx((2, 3, 5))        # hold
    assert track.evaluate(-5).position == pytest.approx((0, 1, 5))          # before the first
    assert track.evaluate(99).position == pytest.approx((0, 1, 4))          # after the last


def test_projection_of_known_points():
    cam = CameraState((0.0, 1.0, 5.0), (0.0, 1.0, 0.0), fov=40.0)
    f = (H / 2) / math.tan(math.radians(20))
    assert cam.focal_px(H) == pytest.approx(f)
    px, depth = cam.project(np.array([[0.0, 1.0, 0.0], [1.0, 1.0, 0.0], [0.0, 2.0, 0.0],
                                      [1.0, 1.0, 2.0]]), W, H)
    assert px[0] == pytest.approx((W / 2, H / 2))
    assert px[1] == pytest.approx((W / 2 + f / 5, H / 2))      # 1 m right at 5 m: f/d pixels
    assert px[2] == pytest.approx((W / 2, H / 2 - f / 5))      # up is up on screen
    assert px[3] == pytest.approx((W / 2 + f / 3, H / 2))      # nearer: further out
    assert depth == pytest.approx([5, 5, 5, 3])
    rolled = CameraState((0.0, 1.0, 5.0), (0.0, 1.0, 0.0), fov=40.0, roll=90.0)
    p, _ = rolled.project(np.array([[1.0, 1.0, 0.0]]), W, H)
    assert p[0] == pytest.approx((W / 2, H / 2 - f / 5))       # camera turned: right shows up


def test_default_framing_shows_the_whole_figure_facing_the_camera():
    m = _walker()
    pos, tgt = frame_subject([m])
    assert 4.0 <= np.linalg.norm(pos - tgt) <= 5.0
    assert pos[1] == pytest.approx(1.2, abs=0.05) and pos[2] > 4.0   # in front: the figure faces +Z
    assert tgt[1] == pytest.approx(m.positions[..., 1].mean(), abs=0.2)
    state = camera_for(None, [m]).evaluate(0, [m])
    px, depth = state.project(m.positions.reshape(-1, 3), W, H)
    assert np.all(depth > 0) and np.all((px >= 0) & (px <= [W, H]))
    turned = _walker(yaw=math.pi / 2)   # facing +X: the camera goes to +X
    pos2, _ = frame_subject([turned])
    assert pos2[0] > 4.0 and abs(pos2[2]) < 0.5


def test_framing_backs_off_to_fit_a_long_walk():
    m = _walker(T=250, speed_x=1.2)   # 12 m sideways
    state = camera_for("static", [m]).evaluate(0, [m])
    px, _ = state.project(m.positions.reshape(-1, 3), W, H)
    assert np.all((px >= 0) & (px <= [W, H]))


@pytest.mark.parametrize("move", MOVES)
def test_every_move_keeps_the_figure_in_the_picture(move):
    m = _walker(T=50, speed_x=0.6)
    track = CameraTrack(make_move(move, [m]))
    assert track.keys and all(k.move == move for k in track.keys)
    for f in range(0, 50, 7):
        s = track.evaluate(f, [m])
        px, depth = s.project(m.positions[f], W, H)
        assert np.all(depth > 0.5)
        centre = px.mean(axis=0)
        assert 0.15 * W < centre[0] < 0.85 * W and 0.15 * H < centre[1] < 0.85 * H, (move, f)


def test_orbit_keeps_its_distance_and_goes_all_the_way_round():
    m = _walker(T=100)
    track = camera_for("orbit", [m])
    states = [track.evaluate(f, [m]) for f in range(100)]
    dists = [s.distance() for s in states]
    assert max(dists) / min(dists) < 1.01
    ang = np.unwrap([math.atan2(s.position[0] - s.target[0], s.position[2] - s.target[2])
                     for s in states])
    assert abs(ang[-1] - ang[0]) == pytest.approx(2 * math.pi * 99 / 99, rel=0.02)


def test_track_follows_the_actor_smoothly():
    m = _walker(T=100, speed_x=1.5)
    track = camera_for("track", [m])
    xs = [track.evaluate(f, [m]).target[0] for f in range(100)]
    pelvis = m.positions[:, 0, 0]
    assert abs(xs[50] - pelvis[50]) < 0.1
    assert np.all(np.diff(xs) >= -1e-9)


def test_crane_rises_dolly_approaches_zoom_narrows():
    m = _walker(T=40)
    crane = camera_for("crane", [m])
    assert crane.evaluate(39, [m]).position[1] > crane.evaluate(0, [m]).position[1] + 2
    dolly = camera_for("dolly", [m])
    assert dolly.evaluate(39, [m]).distance() < 0.7 * dolly.evaluate(0, [m]).distance()
    zoom = camera_for("zoom", [m])
    assert zoom.evaluate(39, [m]).fov < 0.7 * zoom.evaluate(0, [m]).fov


def test_keys_round_trip_through_motion_json(tmp_path):
    m = _walker(T=30)
    keys = make_move("orbit", [m]) + [CameraKey(31, (1, 2, 3), (0, 1, 0), 25, 5, "hold",
                                                follow=0)]
    path = tmp_path / "cam.motion.json"
    write_motion_json(path, MotionFile([Actor("A", m)], camera=CameraTrack(keys).to_list()))
    back = CameraTrack.from_list(read_motion_json(path).camera)
    assert back.to_list() == CameraTrack(keys).to_list()
    assert back.keys[-1].follow == 0 and back.keys[0].path == "orbit"
    with pytest.raises(ValueError, match="lacks 'target'"):
        CameraKey.from_dict({"frame": 0, "position": [0, 1, 2]})
    with pytest.raises(ValueError, match="unknown easing"):
        CameraKey.from_dict({"frame": 0, "position": [0, 1, 2], "target": [0, 0, 0],
                             "easing": "wobble"})
    assert CameraKey.from_dict({"frame": 0, "position": [0, 1, 2], "target": [0, 0, 0],
                                "zoom": 2}).fov == pytest.approx(19.0)


def test_window_and_retime_keep_the_picture():
    m = _walker(T=80)
    track = camera_for("crane", [m])
    cut = track.starting_at(30, [m])
    assert cut.evaluate(0, [m]).position == pytest.approx(track.evaluate(30, [m]).position)
    assert cut.evaluate(49, [m]).position == pytest.approx(track.evaluate(79, [m]).position)
    slow = track.retimed(2.0)
    assert slow.evaluate(40, [m]).position == pytest.approx(track.evaluate(20, [m]).position)
