"""Motion(s) + camera + style + frame -> a depth-sorted list of 2D primitives in pixels.

The same list is painted by the app's viewport (QPainter) and rasterised by the exporter
(engine.raster), so what you see is what you export. Painting it is a loop over ``items`` in
order: every primitive is fully described by its fields, coordinates are pixels of a
``width`` x ``height`` picture (x right, y down), colours are RGBA 0..255.

* :class:`Line` -- a limb or grid line; ``round_cap`` lines end in half-discs (QPainter:
  Qt.RoundCap), others are flat.
* :class:`Circle` -- the head: an outline ``width`` pixels wide centred on ``radius``, filled
  with ``fill`` when given.
* :class:`Polyline` -- an open stroke (brows, a closed mouth) with round caps and joins.
* :class:`Polygon` -- a filled shape (floor, shadow rings, eyes, open mouth) with an optional
  outline of ``width`` pixels and round joins.

Items are ordered back to front: floor, grid, shadows, then every actor's limbs, heads and faces
sorted by depth together, so a nearer limb (or a nearer actor) is drawn later.
"""
from __future__ import annotations

import math
from typing import Callable, Sequence

import numpy as np

from .camera import CameraTrack
from .drawprims import (Circle, Color, DrawList, Line, Point, Polygon, Polyline,  # noqa: F401
                        Primitive, _pt, _pts, _rgba)
from .face import FaceParams, FaceTracks, tracks_for
from .motion import Motion
from .projection import NEAR, CameraState, clip_polygon, clip_segments, view_planes
from .skeleton import HEAD_RADIUS
from .style import RGB, Style, get_style


def _between(motion: Motion, frame: float) -> tuple[int, int, float]:
    """(i0, i1, w): a possibly fractional frame, clamped to the motion, as the two frames
    around it and the weight of the later one."""
    T = motion.num_frames
    f = min(max(float(frame), 0.0), T - 1.0)
    i0 = int(math.floor(f))
    return i0, min(i0 + 1, T - 1), f - i0


def pose_at(motion: Motion, frame: float) -> np.ndarray:
    """Joint positions at a possibly fractional frame, clamped to the motion: (J, 3) float64."""
    i0, i1, w = _between(motion, frame)
    return motion.positions[i0].astype(np.float64) * (1 - w) + motion.positions[i1] * w


def head_yaw_at(motion: Motion, frame: float) -> float:
    """The head's turn (radians, toward the figure's left) at a possibly fractional frame."""
    i0, i1, w = _between(motion, frame)
    return float(motion.head_yaw[i0]) * (1 - w) + float(motion.head_yaw[i1]) * w


def build_drawlist(motions: Motion | Sequence[Motion], camera: CameraTrack | CameraState | None,
                   frame: float, width: int, height: int, style: Style | str | None = None,
                   faces: Sequence[FaceTracks] | None = None) -> DrawList:
    """The picture of ``frame`` as primitives, back to front.

    motions: one Motion or a list (one per actor, colours from the style in order).
    camera: a CameraTrack (evaluated at ``frame``), a fixed CameraState, or None for the
      default framing. faces: precomputed FaceTracks per actor (exporters pass them to skip a
      cache lookup per frame).
    """
    motions = [motions] if isinstance(motions, Motion) else list(motions)
    st = get_style(style)
    if isinstance(camera, CameraState):
        cam = camera
    else:
        cam = (camera or CameraTrack()).evaluate(frame, motions, width / max(height, 1))
    right, up, fwd = cam.basis()
    f_px = cam.focal_px(height)
    items: list[Primitive] = []
    if st.floor is not None:
        items.extend(_floor(cam, width, height, st))
    if st.ground != "none":
        items.extend(_ground(cam, width, height, st))
    static_count = len(items)
    poses = [pose_at(m, frame) for m in motions]
    if st.shadow:
        for m, pose in zip(motions, poses):
            items.extend(_shadow(pose, m.joints, cam, width, height, st))
    figure: list[tuple[float, int, Primitive]] = []
    camps = [cam.to_camera(pose) for pose in poses]                 # (J, 3) each
    limbs = _limbs(motions, camps, cam, width, height)
    for i, (m, pose) in enumerate(zip(motions, poses)):
        face = (faces[i] if faces is not None else tracks_for(m)).params(frame)
        _figure(m, frame, pose, camps[i], limbs[i], face, cam, f_px, width, height, st,
                st.actor_color(i), figure)
    figure.sort(key=lambda t: (-t[0], t[1]))
    items.extend(p for _, _, p in figure)
    return DrawList(width, height, st.background, items, static_count)


def _floor(cam: CameraState, w: int, h: int, st: Style) -> list[Primitive]:
    """The floor plane as one polygon reaching to the horizon."""
    t = np.asarray(cam.target)
    R = 500.0
    quad = np.array([[t[0] - R, 0, t[2] - R], [t[0] + R, 0, t[2] - R],
                     [t[0] + R, 0, t[2] + R], [t[0] - R, 0, t[2] + R]])
    poly = clip_polygon(cam.to_camera(quad), view_planes(cam, w, h))
    if len(poly) < 3:
        return []
    px, _ = cam.project_camera(poly, w, h)
    return [Polygon(_pts(px), _rgba(st.floor))]  # type: ignore[arg-type]


def _ground(cam: CameraState, w: int, h: int, st: Style) -> list[Primitive]:
    """A grid on the floor that fades out with distance from the camera's target, or one line."""
    t = np.asarray(cam.target, dtype=np.float64)
    s, E = st.grid_spacing, st.grid_extent
    cx, cz = round(t[0] / s) * s, round(t[2] / s) * s
    if st.ground == "line":
        right = cam.basis()[0]
        d = np.array([right[0], 0.0, right[2]])
        d /= max(np.linalg.norm(d), 1e-9)
        base = np.array([t[0], 0.0, t[2]])
        a, b = base - d * E, base + d * E
        segs_a, segs_b, alpha = a[None], b[None], np.ones(1)
    else:
        n = int(E / s)
        ks = np.arange(-n, n + 1) * s                 # (K,) line offsets
        chunk = np.linspace(-E, E, 5)                 # each line in 4 pieces, so it can fade
        k, c0 = np.meshgrid(ks, chunk[:-1], indexing="ij")
        c1 = c0 + (chunk[1] - chunk[0])
        k, c0, c1 = k.ravel(), c0.ravel(), c1.ravel()
        zero = np.zeros_like(k)
        # Lines along Z (x fixed), then lines along X (z fixed).
        segs_a = np.concatenate([np.column_stack([cx + k, zero, cz + c0]),
                                 np.column_stack([cx + c0, zero, cz + k])])
        segs_b = np.concatenate([np.column_stack([cx + k, zero, cz + c1]),
                                 np.column_stack([cx + c1, zero, cz + k])])
        mid = (segs_a + segs_b) / 2
        r = np.hypot(mid[:, 0] - t[0], mid[:, 2] - t[2]) / E
        alpha = np.clip(1.0 - r * r, 0.0, 1.0)
    a_c, b_c, keep = clip_segments(cam.to_camera(segs_a), cam.to_camera(segs_b),
                                   view_planes(cam, w, h))
    pa, da = cam.project_camera(a_c, w, h)
    pb, db = cam.project_camera(b_c, w, h)
    lo, hi = np.minimum(pa, pb), np.maximum(pa, pb)
    on_screen = (hi[:, 0] >= 0) & (hi[:, 1] >= 0) & (lo[:, 0] <= w) & (lo[:, 1] <= h)
    idx = np.nonzero(keep & (alpha > 0.02) & on_screen)[0]
    depth = np.maximum(0.5 * (da[idx] + db[idx]), NEAR)
    # Nearer lines are drawn a little thicker: a perspective cue that costs nothing.
    widths = np.round(np.clip(st.grid_width * cam.distance() / depth, 0.6,
                              2.5 * st.grid_width), 3).tolist()
    alphas = np.round(255 * alpha[idx]).astype(int).tolist()
    pa_l, pb_l = np.round(pa[idx], 3).tolist(), np.round(pb[idx], 3).tolist()
    r_, g_, b_ = (int(c) for c in st.grid_color)
    out: list[Primitive] = [Line(tuple(p0), tuple(p1), wd, (r_, g_, b_, al), False)
                            for p0, p1, wd, al in zip(pa_l, pb_l, widths, alphas)]
    return out


def _shadow(pose: np.ndarray, names: tuple[str, ...], cam: CameraState, w: int, h: int,
            st: Style) -> list[Primitive]:
    """Eight nested ellipses on the floor under the figure, fainter the higher it is."""
    xz = pose[:, [0, 2]]
    centre = xz.mean(axis=0)
    left = pose[names.index("l_shoulder")] - pose[names.index("r_shoulder")]
    ax = np.array([left[0], left[2]])
    ax = ax / n if (n := np.linalg.norm(ax)) > 1e-6 else np.array([1.0, 0.0])
    perp = np.array([-ax[1], ax[0]])
    rel = xz - centre
    ra = float(np.abs(rel @ ax).max()) + 0.18
    rb = float(np.abs(rel @ perp).max()) + 0.18
    lift = max(0.0, float(pose[:, 1].min()))
    alpha = st.shadow_alpha / (1.0 + 3.0 * lift)
    ang = np.linspace(0, 2 * np.pi, 24, endpoint=False)
    scales = np.linspace(1.0, 0.3, 8)  # enough rings that the steps read as a soft edge
    cos, sin = np.outer(scales, np.cos(ang) * ra), np.outer(scales, np.sin(ang) * rb)  # (8, 24)
    ring = centre + cos[..., None] * ax + sin[..., None] * perp          # (8, 24, 2)
    pts3 = np.stack([ring[..., 0], np.zeros(ring.shape[:2]), ring[..., 1]], axis=-1)
    camp = cam.to_camera(pts3)
    if (camp[..., 2] < NEAR).any():
        return []
    px, _ = cam.project_camera(camp, w, h)
    color = _rgba(st.shadow_color, alpha / len(scales))  # rings stack up toward the centre
    return [Polygon(tuple(map(tuple, ring)), color) for ring in np.round(px, 3).tolist()]


def _limbs(motions: list[Motion], camps: list[np.ndarray], cam: CameraState, w: int, h: int
           ) -> list[tuple[np.ndarray, ...]]:
    """Every actor's bones clipped to the view and projected, all actors in one go: per actor
    (pa, da, pb, db, keep), the ends' pixels (B, 2) and depths (B,) and which are in view."""
    ends = []
    for m, camp in zip(motions, camps):
        head_i = m.joints.index("head")
        child = np.array([j for j, p in enumerate(m.parents) if p >= 0], dtype=np.intp)
        a = camp[np.asarray(m.parents, dtype=np.intp)[child]]
        b = camp[child]
        for k in np.nonzero(child == head_i)[0]:
            # the neck stops at the head's outline instead of running into it
            d = b[k] - a[k]
            n = np.linalg.norm(d)
            if n > HEAD_RADIUS:
                b[k] = a[k] + d * (n - HEAD_RADIUS) / n
        ends.append((a, b))
    if not ends:
        return []
    a, b, keep = clip_segments(np.concatenate([a for a, _ in ends]),
                               np.concatenate([b for _, b in ends]),
                               view_planes(cam, w, h, margin=1.5))
    pa, da = cam.project_camera(a, w, h)
    pb, db = cam.project_camera(b, w, h)
    cuts = np.cumsum([len(a) for a, _ in ends])[:-1]
    return list(zip(*(np.split(x, cuts) for x in (pa, da, pb, db, keep))))


def _figure(m: Motion, frame: float, pose: np.ndarray, camp: np.ndarray,
            limbs: tuple[np.ndarray, ...], face: FaceParams, cam: CameraState, f_px: float,
            w: int, h: int, st: Style, color: RGB, out: list) -> None:
    """Limbs, head and face of one actor at ``frame``, appended to ``out`` as (depth, seq,
    primitive); camp: the pose in camera space (J, 3); limbs: its bones from :func:`_limbs`."""
    names = m.joints
    head_i = names.index("head")
    neck_i = names.index("neck")
    centre_depth = float(camp[:, 2].mean())
    head_c = camp[head_i]
    pa, da, pb, db, keep = limbs
    seq = len(out)
    # All limbs at once (a Python loop per limb was a third of building a frame); every
    # number is computed as the one-limb-at-a-time code did, so the pictures are unchanged.
    idx = np.nonzero(keep)[0]
    depth = 0.5 * (da[idx] + db[idx])
    raw = st.limb_width * f_px / np.maximum(depth, NEAR)
    thin = ~(raw > st.min_width)
    widths = np.round(raw, 3).tolist()
    # Limbs on the far side of the body fade toward the background: a cheap depth cue.
    fade = np.minimum(1.0, np.maximum(0.0, (depth - centre_depth) / 0.45)) * st.far_fade
    c0, bg = np.asarray(color, dtype=np.int64), np.asarray(st.background, dtype=np.int64)
    rgb = np.rint(c0 + (bg - c0) * fade[:, None]).astype(np.int64).tolist()
    p0s, p1s = np.round(pa[idx], 3).tolist(), np.round(pb[idx], 3).tolist()
    min_w = round(st.min_width, 3)
    for k in range(len(idx)):
        col = (rgb[k][0], rgb[k][1], rgb[k][2], 255)
        line = Line(tuple(p0s[k]), tuple(p1s[k]), min_w if thin[k] else widths[k], col)
        out.append((float(depth[k]), seq, line))
        seq += 1
    if head_c[2] <= NEAR + HEAD_RADIUS:
        return
    hp, _ = cam.project_camera(head_c, w, h)
    r_px = HEAD_RADIUS * f_px / head_c[2]
    lw = max(st.min_width, 0.85 * st.limb_width * f_px / head_c[2])
    out.append((float(head_c[2]), seq, Circle(_pt(hp), round(r_px, 3), round(lw, 3),
                                              _rgba(color), _rgba(st.head_fill_color()))))
    yaw = head_yaw_at(m, frame)
    for prim in _face(pose, names, head_i, neck_i, yaw, face, cam, w, h, r_px, st, color):
        seq += 1
        out.append((float(head_c[2]) - 1e-6, seq, prim))


# A face feature before placing: (K, 2) face coordinates, and the primitive it makes from its
# rounded pixels and colour.
_Shape = tuple[np.ndarray, Callable[[tuple, Color], Primitive]]


def _face(pose: np.ndarray, names: tuple[str, ...], head_i: int, neck_i: int, yaw: float,
          fp: FaceParams,
          cam: CameraState, w: int, h: int, r_px: float, st: Style, color: RGB
          ) -> list[Primitive]:
    """Eyes, brows and mouth as strokes on the front of the head sphere, seen in perspective.

    Features are placed on the sphere in the head's own frame (u toward the figure's left, v
    up, in head radii), so they turn with the head (and with its ``yaw`` in radians, a turn
    about its own up axis toward the figure's left); each fades out as it rotates past the
    outline and is gone when the face looks away from the camera. All features of a face are
    projected in one go (per feature it was half the time of building a frame).
    """
    lw = round(max(1.0, st.face_width * r_px), 3)
    shapes = _face_eyes(fp, lw) + _face_brows(fp, lw) + _face_mouth(fp, lw)
    placed = _face_place(pose, names, head_i, neck_i, cam, w, h, [uv for uv, _ in shapes], yaw)
    return [make(px, _rgba(color, al)) for (_, make), (px, al) in zip(shapes, placed)
            if px is not None]


def _face_place(pose: np.ndarray, names: tuple[str, ...], head_i: int, neck_i: int,
                cam: CameraState, w: int, h: int, features: list[np.ndarray], yaw: float = 0.0
                ) -> list[tuple[tuple | None, float]]:
    """Place face features, each (K, 2) face coordinates, on the front of the head sphere in
    the head's frame (left, up, forward: the shoulders' frame turned by ``yaw`` radians about
    up) and project them: per feature (rounded pixels, opacity), or (None, 0) when it is
    turned away or behind the camera."""
    c = pose[head_i]
    up = c - pose[neck_i]
    up /= max(np.linalg.norm(up), 1e-9)
    left = pose[names.index("l_shoulder")] - pose[names.index("r_shoulder")]
    left = left - up * (left @ up)
    left /= max(np.linalg.norm(left), 1e-9)
    fwd = np.array([left[1] * up[2] - left[2] * up[1], left[2] * up[0] - left[0] * up[2],
                    left[0] * up[1] - left[1] * up[0]])          # left x up
    if yaw:
        # positive yaw swings the face toward the figure's left
        c_, s_ = math.cos(yaw), math.sin(yaw)
        left, fwd = c_ * left - s_ * fwd, c_ * fwd + s_ * left
    cam_pos = np.asarray(cam.position, dtype=np.float64)
    R = HEAD_RADIUS
    uv = np.concatenate(features)
    u, v = uv[:, 0], uv[:, 1]
    normal = (np.outer(np.sqrt(np.clip(1 - u * u - v * v, 0, 1)), fwd)
              + np.outer(u, left) + np.outer(v, up))                # (N, 3)
    px, depth = cam.project(c + R * normal, w, h)
    rounded = np.round(px, 3).tolist()
    out: list[tuple[tuple | None, float]] = []
    s = 0
    for f in features:
        e = s + len(f)
        mid = normal[s:e].mean(axis=0)
        view = cam_pos - (c + R * mid)
        facing = float(mid @ view) / max(np.linalg.norm(mid) * np.linalg.norm(view), 1e-9)
        alpha = min(1.0, max(0.0, (facing - 0.12) / 0.25))
        if alpha <= 0.0 or (depth[s:e] < NEAR).any():
            out.append((None, 0.0))
        else:
            out.append((tuple(map(tuple, rounded[s:e])), alpha))
        s = e
    return out


def _polyline(lw: float) -> Callable[[tuple, Color], Primitive]:
    return lambda pts, col: Polyline(pts, lw, col)


def _face_eyes(fp: FaceParams, lw: float) -> list[_Shape]:
    """Eyes: ellipses that squash to a line as they close."""
    out: list[_Shape] = []
    ew = 0.11 * fp.eye_size
    eh = 0.145 * fp.eye_size * max(0.0, fp.eye_open)
    ey = 0.12 + 0.03 * fp.brow_height
    ang = np.linspace(0, 2 * np.pi, 12, endpoint=False)
    for side in (-1.0, 1.0):
        ex = 0.36 * side
        if eh < 0.045:
            xs = np.linspace(-ew, ew, 3)
            out.append((np.column_stack([ex + xs, np.full(3, ey)]), _polyline(lw)))
        else:
            out.append((np.column_stack([ex + ew * np.cos(ang), ey + eh * np.sin(ang)]), Polygon))
    return out


def _face_brows(fp: FaceParams, lw: float) -> list[_Shape]:
    """Brows: inner ends rise with brow_angle (worry) and drop below zero (anger)."""
    out: list[_Shape] = []
    by = 0.36 + 0.14 * fp.brow_height + 0.06 * (fp.eye_size - 1)
    for side in (-1.0, 1.0):
        xs = np.array([0.16, 0.34, 0.54]) * side
        ys = by + np.array([0.10 * fp.brow_angle, 0.03, -0.05 * fp.brow_angle])
        out.append((np.column_stack([xs, ys]), _polyline(lw)))
    return out


def _face_mouth(fp: FaceParams, lw: float) -> list[_Shape]:
    """Mouth: corners rise with mouth_curve; opening drops the lower lip into a filled shape."""
    mw = 0.40 * fp.mouth_width
    xs = np.linspace(-mw, mw, 9)
    x2 = (xs / mw) ** 2
    my = -0.40
    arch = np.sqrt(np.clip(1 - x2, 0, 1))
    # An open mouth without a smile or frown is an oval (the upper lip lifts too); a grin
    # keeps a flat top, like a "D" on its side.
    lift = 0.14 * fp.mouth_open * (1 - min(1.0, abs(fp.mouth_curve)))
    upper = my + fp.mouth_curve * 0.16 * (x2 - 0.35) + lift * arch
    if fp.mouth_open < 0.04:
        return [(np.column_stack([xs, upper]), _polyline(lw))]
    lower = upper - (0.36 * fp.mouth_open + lift) * arch
    shape = np.concatenate([np.column_stack([xs, upper]),
                            np.column_stack([xs[::-1][1:-1], lower[::-1][1:-1]])])
    return [(shape, lambda pts, col: Polygon(pts, col, col, lw))]
