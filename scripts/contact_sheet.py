"""Draw every clip of a mocap index as stick figures on one PNG, to check the import by eye.

    python scripts/contact_sheet.py [ROOT] [-o docs/mocap_contact_sheet.png]

ROOT is a folder with an INDEX.tsv (default: the shipped resources/mocap). Each tile shows a
few frames of one clip from the front (camera on +Z: the figure's left is on the right) and
from its left side (camera on +X: facing +Z means facing left), on a common scale with the floor
line, the left limbs blue and the right limbs red. Feet on the line, upright figures, one
colour per side and the same facing in every first frame are what a good import looks like.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from engine.formats.loader import load_mocap_catalogue
from engine.skeleton import BONES, HEAD_RADIUS, JOINT_INDEX, JOINT_NAMES

CELL_W, CELL_H = 64, 104        # one view of one frame, pixels
PX_PER_M = 44.0                 # the same scale everywhere, so sizes compare across clips
FLOOR_Y = CELL_H - 12           # pixel row of y = 0
LABEL_H = 26
FRAMES = 5
LEFT, RIGHT, MID = (40, 90, 220), (210, 50, 40), (30, 30, 30)


def _colour(joint: str) -> tuple[int, int, int]:
    return LEFT if joint.startswith("l_") else RIGHT if joint.startswith("r_") else MID


def draw_figure(draw: ImageDraw.ImageDraw, pose: np.ndarray, x0: int, y0: int, axis: int,
                sign: float, size: float) -> None:
    """One stick figure: pose (J, 3) metres; screen x is ``sign * pose[:, axis]``."""
    cx = sign * pose[JOINT_INDEX["pelvis"], axis]
    def to_px(p: np.ndarray) -> tuple[float, float]:
        return (x0 + CELL_W / 2 + (sign * p[axis] - cx) * PX_PER_M,
                y0 + FLOOR_Y - p[1] * PX_PER_M)
    draw.line([(x0 + 2, y0 + FLOOR_Y), (x0 + CELL_W - 2, y0 + FLOOR_Y)], fill=(150, 150, 150))
    # Far bones first so the near limbs are drawn on top (the camera looks along -depth).
    depth = 2 if axis == 0 else 0
    order = sorted(BONES, key=lambda b: pose[b[0], depth] + pose[b[1], depth])
    for child, parent in order:
        draw.line([to_px(pose[parent]), to_px(pose[child])], fill=_colour(JOINT_NAMES[child]),
                  width=2)
    hx, hy = to_px(pose[JOINT_INDEX["head"]])
    r = HEAD_RADIUS * size * PX_PER_M
    draw.ellipse([hx - r, hy - r, hx + r, hy + r], outline=MID, width=1)


def render(clips, out: Path, columns: int = 3) -> Image.Image:
    """Tiles of FRAMES front views over FRAMES side views, one tile per clip."""
    tile_w, tile_h = CELL_W * FRAMES + 8, LABEL_H + 2 * CELL_H + 6
    rows = (len(clips) + columns - 1) // columns
    img = Image.new("RGB", (columns * tile_w, rows * tile_h), "white")
    draw = ImageDraw.Draw(img)
    font = ImageFont.load_default()
    for n, clip in enumerate(clips):
        x0, y0 = (n % columns) * tile_w, (n // columns) * tile_h
        m = clip.motion
        size = float(clip.extra.get("size") or 1.0)
        draw.rectangle([x0, y0, x0 + tile_w - 1, y0 + tile_h - 1], outline=(210, 210, 210))
        draw.text((x0 + 4, y0 + 2), clip.clip_id.split("/")[-1] + f"  [{m.actions[0]}]",
                  fill=(0, 0, 0), font=font)
        draw.text((x0 + 4, y0 + 13), f"{clip.clip_id.split('/')[0][:34]}  {m.num_frames} fr "
                  f"@{m.fps:g}", fill=(90, 90, 90), font=font)
        picks = np.linspace(0, m.num_frames - 1, FRAMES).round().astype(int)
        for k, t in enumerate(picks):
            cx = x0 + 4 + k * CELL_W
            draw_figure(draw, m.positions[t], cx, y0 + LABEL_H, axis=0, sign=1.0, size=size)
            draw_figure(draw, m.positions[t], cx, y0 + LABEL_H + CELL_H, axis=2, sign=-1.0,
                        size=size)
    out.parent.mkdir(parents=True, exist_ok=True)
    img.save(out, optimize=True)
    return img


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("root", nargs="?", default=None, help="folder with INDEX.tsv")
    ap.add_argument("-o", "--out", default="docs/mocap_contact_sheet.png")
    ap.add_argument("--columns", type=int, default=3)
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    clips = load_mocap_catalogue(args.root, fps=25.0)
    took = time.perf_counter() - t0
    render(clips, Path(args.out), args.columns)
    print(f"imported {len(clips)} clips in {took:.1f} s; wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
