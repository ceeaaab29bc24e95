"""Draw lists: golden primitives, depth order, perspective widths, faces, and the raster backend."""
import json
import math
import os
from pathlib import Path

import numpy as np
import pytest

from engine.drawlist import Circle, Line, Polygon, Polyline, build_drawlist
from engine.motion import Motion
from engine.projection import CameraState
from engine.raster import rasterize
from engine.skeleton import JOINT_INDEX, rest_pose
from engine.style import STYLES, Style

GOLDEN = Path(__file__).parent / "golden" / "drawlist_reach.json"
CAM = CameraState((0.4, 1.3, 4.0), (0.0, 0.9, 0.0), fov=38.0)
NO_FLOOR = Style(floor=None, ground="none", shadow=False)


def _reach(offset=(0.0, 0.0, 0.0), yaw: float = 0.0) -> Motion:
    """Rest pose with the right arm reaching straight toward +Z (the camera), one frame."""
    p = rest_pose().astype(np.float64)
    sh = p[JOINT_INDEX["r_shoulder"]]
    p[JOINT_INDEX["r_elbow"]] = sh + (0, 0, 0.29)
    p[JOINT_INDEX["r_hand"]] = sh + (0, 0, 0.56)
    c, s = math.cos(yaw), math.sin(yaw)
    p = p @ np.array([[c, 0, s], [0, 1, 0], [-s, 0, c]]).T + offset
    m = Motion(p[None].astype(np.float32), 25.0)
    m.expressions = ["happy"]
    return m


def _close(a, b, tol=1e-3):
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k], tol) for k in a)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(_close(x, y, tol) for x, y in zip(a, b))
    if isinstance(a, float) or isinstance(b, float):
        return abs(a - b) <= tol
    return a == b


def test_golden_draw_list_of_a_fixed_pose():
    dl = build_drawlist(_reach(), CAM, 0, 320, 240, "light").to_dict()
    dl = json.loads(json.dumps(dl))  # tuples -> lists, as stored
    if os.environ.get("STICKGEN_UPDATE_GOLDEN"):
        GOLDEN.parent.mkdir(exist_ok=True)
        items = ",\n".join(json.dumps(it) for it in dl["items"])
        head = json.dumps({k: v for k, v in dl.items() if k != "items"})[:-1]
        GOLDEN.write_text(f'{head}, "items": [\n{items}]}}\n')
    expected = json.loads(GOLDEN.read_text())
    assert [i["type"] for i in dl["items"]] == [i["type"] for i in expected["items"]]
    assert _close(dl, expected)


def test_same_input_same_draw_list():
    a = build_drawlist(_reach(), CAM, 0, 640, 360)
    b = build_drawlist(_reach(), CAM, 0, 640, 360)
    assert a == b


def test_nearer_limbs_are_drawn_later():
    dl = build_drawlist(_reach(), CAM, 0, 640, 360, NO_FLOOR)
    lines = [it for it in dl.items if isinstance(it, Line)]
    assert len(lines) == 15
    # The forearm reaches toward the camera: it must come after the spine and the far leg.
    hand_px, _ = CAM.project(np.array(_reach().positions[0, JOINT_INDEX["r_hand"]]), 640, 360)
    forearm = min(range(len(dl.items)), key=lambda i: _dist_to(dl.items[i], hand_px))
    head = next(i for i, it in enumerate(dl.items) if isinstance(it, Circle))
    assert forearm == max(i for i, it in enumerate(dl.items) if isinstance(it, Line))
    assert forearm > head


def _dist_to(item, p) -> float:
    if not isinstance(item, Line):
        return math.inf
    return float(np.linalg.norm(np.array(item.p1) - p))


def test_two_actors_the_nearer_one_is_on_top_and_coloured_apart():
    near, far = _reach((0.3, 0, 1.5)), _reach((-0.3, 0, -2.5))
    dl = build_drawlist([far, near], CAM, 0, 640, 360, NO_FLOOR)
    colors = STYLES["light"].actor_colors
    col = [(it.color if hasattr(it, "color") else it.fill)[:3] for it in dl.items]
    idx_far = [i for i, c in enumerate(col) if c == colors[0]]
    idx_near = [i for i, c in enumerate(col) if c == colors[1]]
    assert idx_far and idx_near and max(idx_far) < min(idx_near)


def test_line_widths_scale_with_depth():
    cam = CameraState((0.0, 0.9, 3.0), (0.0, 0.9, 0.0))
    w_near = build_drawlist(_reach(), cam, 0, 640, 360, NO_FLOOR)
    w_far = build_drawlist(_reach((0, 0, -3.0)), cam, 0, 640, 360, NO_FLOOR)
    spine = lambda dl: [it for it in dl.items if isinstance(it, Line)]  # noqa: E731
    ratio = np.median([a.width for a in spine(w_near)]) / np.median([b.width for b in spine(w_far)])
    assert ratio == pytest.approx(2.0, rel=0.05)
    head = lambda dl: next(it for it in dl.items if isinstance(it, Circle))  # noqa: E731
    assert head(w_near).radius / head(w_far).radius == pytest.approx(2.0, rel=0.05)


def test_face_is_drawn_facing_the_camera_and_hidden_from_behind():
    front = build_drawlist(_reach(), CAM, 0, 640, 360, NO_FLOOR)
    strokes = [it for it in front.items if isinstance(it, (Polyline, Polygon))]
    assert len(strokes) == 5  # two eyes, two brows, a mouth
    head = next(it for it in front.items if isinstance(it, Circle))
    for s in strokes:
        pts = np.array(s.points)
        assert np.all(np.linalg.norm(pts - head.center, axis=1) < head.radius)
    back = build_drawlist(_reach(yaw=math.pi), CAM, 0, 640, 360, NO_FLOOR)
    assert not [it for it in back.items if isinstance(it, (Polyline, Polygon))]


def test_ground_grid_and_shadow_come_first():
    dl = build_drawlist(_reach(), CAM, 0, 640, 360, "light")
    kinds = [type(it).__name__ for it in dl.items]
    first_figure = kinds.index("Circle") - 1
    assert kinds[0] == "Polygon"                                      # the floor
    grid = [it for it in dl.items[:first_figure] if isinstance(it, Line) and not it.round_cap]
    assert len(grid) > 20 and all(it.color[3] <= 255 for it in grid)
    assert all(not (isinstance(it, Line) and it.round_cap) for it in dl.items[:10])


def test_raster_is_antialiased_and_uses_the_style_colours():
    st = NO_FLOOR
    img = rasterize(build_drawlist(_reach(), CAM, 0, 640, 480, st))
    assert img.shape == (480, 640, 3) and img.dtype == np.uint8
    assert tuple(img[5, 5]) == st.background
    ink = np.array(st.actor_colors[0])
    flat = img.reshape(-1, 3).astype(int)
    is_bg = np.all(flat == st.background, axis=1)
    is_ink = np.all(np.abs(flat - ink) <= 1, axis=1)
    assert is_ink.sum() > 300                        # solid limbs
    between = ~is_bg & ~is_ink
    assert between.sum() > 0.3 * is_ink.sum()        # soft edges, not a two-colour picture


def test_camera_inside_the_floor_grid_clips_cleanly():
    cam = CameraState((0.0, 0.3, 0.5), (0.0, 0.3, -3.0), fov=90.0)   # standing among the lines
    dl = build_drawlist(_reach((0, 0, -3.0)), cam, 0, 320, 180, "light")
    for it in dl.items:
        pts = [it.p0, it.p1] if isinstance(it, Line) else list(getattr(it, "points", []))
        for x, y in pts:
            assert -2000 < x < 2000 and -2000 < y < 2000   # no far-off coordinates
    assert rasterize(dl).shape == (180, 320, 3)


def test_cached_background_gives_the_same_pixels():
    from engine.raster import Rasterizer

    r = Rasterizer(320, 180)
    still = [build_drawlist(_reach(), CAM, 0, 320, 180, "light") for _ in range(3)]
    moved = build_drawlist(_reach(), CameraState((0.5, 1.3, 4.0), (0.0, 0.9, 0.0)), 0, 320, 180)
    frames = [r.render_array(dl).copy() for dl in still + [moved] + still[:1]]
    fresh = [rasterize(dl) for dl in still + [moved] + still[:1]]
    for a, b in zip(frames, fresh):
        assert np.array_equal(a, b)
    assert not np.array_equal(frames[2], frames[3])
