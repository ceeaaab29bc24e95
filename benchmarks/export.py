"""MP4 export speed against ffmpeg alone (DESIGN.md §5: within 1.3x), and raster frames/s.

    python benchmarks/export.py [--frames 250] [--width 1280] [--height 720] [--repeat 1]

Prints one table: draw-list building and rasterising alone (frames/s), two Pillow baselines for
comparison, ffmpeg encoding the same frames held in memory, our full export, and the ratio.
"""
from __future__ import annotations

import argparse
import math
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine.camera import CameraTrack, make_move  # noqa: E402
from engine.drawlist import Line, build_drawlist  # noqa: E402
from engine.export import ExportOptions, export  # noqa: E402
from engine.face import FaceTracks  # noqa: E402
from engine.formats.motion_json import Actor, MotionFile  # noqa: E402
from engine.motion import Motion  # noqa: E402
from engine.raster import Rasterizer  # noqa: E402
from engine.skeleton import JOINT_INDEX, rest_pose  # noqa: E402
from engine.video import FfmpegPipe, mp4_args  # noqa: E402


def synthetic(T: int, fps: float = 25.0) -> Motion:
    """A figure that swings both arms, steps in place, talks and turns half round."""
    rest = rest_pose().astype(np.float64)
    out = np.empty((T, len(rest), 3))
    for t in range(T):
        ph = 2 * math.pi * t / fps
        p = rest.copy()
        for side, sign in (("r", 1.0), ("l", -1.0)):
            a = 0.8 * sign * math.sin(ph)
            rot = np.array([[1, 0, 0], [0, math.cos(a), -math.sin(a)],
                            [0, math.sin(a), math.cos(a)]])
            sh, hip = rest[JOINT_INDEX[f"{side}_shoulder"]], rest[JOINT_INDEX[f"{side}_hip"]]
            for j in ("elbow", "hand"):
                p[JOINT_INDEX[f"{side}_{j}"]] = sh + rot @ (rest[JOINT_INDEX[f"{side}_{j}"]] - sh)
            for j in ("knee", "foot"):
                p[JOINT_INDEX[f"{side}_{j}"]] = hip + rot.T @ (rest[JOINT_INDEX[f"{side}_{j}"]]
                                                               - hip) * 1.0
        yaw = math.pi * t / T
        c, s = math.cos(yaw), math.sin(yaw)
        out[t] = p @ np.array([[c, 0, s], [0, 1, 0], [-s, 0, c]]).T
    m = Motion(out.astype(np.float32), fps)
    m.expressions = ["happy"] * T
    m.speech = ["talk"] * T
    return m


def _time(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def _cpu() -> float:
    """CPU seconds used so far by this process and its finished children (ffmpeg)."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(
        resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def _timed(fn) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of ``fn``: the CPU figure hardly moves when other work
    shares the machine, the wall figure does."""
    c0 = _cpu()
    wall = _time(fn)
    return wall, _cpu() - c0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--frames", type=int, default=250)
    ap.add_argument("--width", type=int, default=1280)
    ap.add_argument("--height", type=int, default=720)
    ap.add_argument("--repeat", type=int, default=1, help="best of N for the timed encodes")
    args = ap.parse_args()
    W, H, T = args.width, args.height, args.frames
    m = synthetic(T)
    keys = make_move("orbit", [m], aspect=W / H)
    doc = MotionFile([Actor("A", m)], camera=CameraTrack(keys).to_list())
    track, faces = CameraTrack(keys), [FaceTracks.from_motion(m)]
    rast = Rasterizer(W, H)

    lists = []
    t_build = _time(lambda: lists.extend(
        build_drawlist([m], track, i, W, H, "light", faces) for i in range(T)))
    t_raster = _time(lambda: [rast.render(dl) for dl in lists[:1]] and None)
    t_raster = _time(lambda: [rast.render(dl) for dl in lists] and None)  # frames dropped
    frames = [rast.render(dl) for dl in lists]  # kept, for ffmpeg alone
    t_pil1, t_pil2 = _pillow(lists[: min(T, 50)], W, H)
    n_pil = min(T, 50)

    def ffmpeg_alone() -> None:
        with tempfile.TemporaryDirectory() as d, \
                FfmpegPipe(Path(d) / "ref.mp4", W, H, m.fps, mp4_args()) as pipe:
            for f in frames:
                pipe.write(f)

    static_doc = MotionFile([Actor("A", m)])  # no keys: the default static framing

    def ours(d: MotionFile) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            export(d, Path(tmp) / "ours.mp4", ExportOptions(width=W, height=H))

    runs: dict[str, list[tuple[float, float]]] = {"ff": [], "orbit": [], "static": []}
    for _ in range(max(1, args.repeat)):  # interleaved, so load changes hit all alike
        runs["ff"].append(_timed(ffmpeg_alone))
        runs["orbit"].append(_timed(lambda: ours(doc)))
        runs["static"].append(_timed(lambda: ours(static_doc)))
    (t_ff, c_ff), (t_ours, c_ours), (t_static, c_static) = (
        min(runs[k]) for k in ("ff", "orbit", "static"))
    prims = sum(len(dl.items) for dl in lists) / T
    rows = [
        ("draw list build (Python)", f"{T / t_build:8.1f} frames/s",
         f"{1000 * t_build / T:6.2f} ms/frame"),
        ("raster, aggdraw AA", f"{T / t_raster:8.1f} frames/s", f"{1000 * t_raster / T:6.2f} ms/frame"),
        ("raster, Pillow 1x (no AA)", f"{n_pil / t_pil1:8.1f} frames/s",
         f"{1000 * t_pil1 / n_pil:6.2f} ms/frame"),
        ("raster, Pillow 2x supersampled", f"{n_pil / t_pil2:8.1f} frames/s",
         f"{1000 * t_pil2 / n_pil:6.2f} ms/frame"),
        ("build + raster", f"{T / (t_build + t_raster):8.1f} frames/s",
         f"{1000 * (t_build + t_raster) / T:6.2f} ms/frame"),
        (f"ffmpeg alone, {T} frames from memory", f"{t_ff:8.2f} s", f"{c_ff:6.2f} CPU s"),
        ("our MP4 export, orbit camera", f"{t_ours:8.2f} s", f"{c_ours:6.2f} CPU s"),
        ("our MP4 export, static camera", f"{t_static:8.2f} s",
         f"{c_static:6.2f} CPU s (grid cached)"),
        ("ratio export / ffmpeg alone, orbit", f"{t_ours / t_ff:8.2f}",
         f"CPU {c_ours / c_ff:.2f}; target <= 1.30"),
        ("ratio export / ffmpeg alone, static", f"{t_static / t_ff:8.2f}",
         f"CPU {c_static / c_ff:.2f}"),
    ]
    print(f"MP4 export benchmark: {W}x{H}, {T} frames, {prims:.0f} primitives/frame, "
          f"x264 preset medium crf 20, best of {max(1, args.repeat)}, "
          f"load average {os.getloadavg()[0]:.1f} at the end")
    for name, a, b in rows:
        print(f"  {name:<38} {a:>18}  {b}")


def _pillow(lists, W: int, H: int) -> tuple[float, float]:
    """Pillow's ImageDraw on the same draw lists (lines only), at 1x and 2x-then-reduced."""
    from PIL import Image, ImageDraw

    def draw(scale: int) -> None:
        for dl in lists:
            im = Image.new("RGB", (W * scale, H * scale), dl.background)
            d = ImageDraw.Draw(im)
            for it in dl.items:
                if isinstance(it, Line):
                    d.line([c * scale for p in (it.p0, it.p1) for c in p], fill=it.color[:3],
                           width=max(1, int(it.width * scale)))
            if scale > 1:
                im = im.reduce(scale)
            im.tobytes()

    return _time(lambda: draw(1)), _time(lambda: draw(2))


if __name__ == "__main__":
    main()
