"""BVH (Biovision hierarchy) motion files: a reader for any hierarchy and a writer for canonical
motions. This module holds the reader; the writer lives in ``engine.formats.bvh_write`` and its
``bvh_text`` and ``write_bvh`` are re-exported here.

Reading gives the raw skeleton (names, parents, offsets, channels; End Sites become extra leaf
joints named ``<parent>_end``) and the global position of every joint on every frame, in the
file's own units and axes. Turning that into a canonical ``Motion`` is ``engine.retarget``'s job.

Conventions, shared by the reader and the writer:
- Rotation channels compose in the order listed: ``Zrotation Xrotation Yrotation`` means
  ``R = Rz @ Rx @ Ry`` acting on column vectors, angles in degrees.
- Position channels on a joint replace that joint's OFFSET for the frame (the common reading;
  root OFFSETs are almost always zero, so the other reading differs only by a constant shift).
- A child sits at ``pos[parent] + G[parent] @ offset[child]`` with ``G`` the global rotation.
"""
from __future__ import annotations

import gzip
import itertools
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..rotations import euler_matrices
from .bvh_write import bvh_text, write_bvh  # noqa: F401  (re-exported: the public writer)
from .errors import FormatError
from .limits import MAX_COORD, fps_problem

_ROT = {"Xrotation": "x", "Yrotation": "y", "Zrotation": "z"}
_POS = {"Xposition": 0, "Yposition": 1, "Zposition": 2}
@dataclass
class BvhSkeleton:
    names: list[str]
    parents: np.ndarray                 # (J,) int, -1 for a root; parents come before children
    offsets: np.ndarray                 # (J, 3) float64, file units, in the parent's frame
    channels: list[tuple[str, ...]]     # per joint, as written; () for End Sites
    end_site: np.ndarray                # (J,) bool

    def index(self, name: str) -> int:
        return self.names.index(name)


@dataclass
class BvhMotion:
    """A parsed BVH file: skeleton, frame time and global joint positions."""
    skeleton: BvhSkeleton
    frame_time: float                   # seconds per frame, as the header says
    positions: np.ndarray               # (T, J, 3) float32, file units and axes
    values: np.ndarray = field(repr=False, default_factory=lambda: np.zeros((0, 0)))
    # values: (T, C) float64, the raw channel numbers of every frame

    @property
    def names(self) -> list[str]:
        return self.skeleton.names

    @property
    def fps(self) -> float:
        """Frames per second from the header, snapped to a whole number when within 0.1 %."""
        fps = 1.0 / self.frame_time
        return float(round(fps)) if abs(fps - round(fps)) < 1e-3 * fps else fps

    @property
    def num_frames(self) -> int:
        return int(self.positions.shape[0])


class _Tokens:
    """Whitespace tokens of the HIERARCHY part, each with its 1-based line number."""

    def __init__(self, lines: list[str], path: object):
        self.items = [(tok, n + 1) for n, line in enumerate(lines) for tok in line.split()]
        self.i = 0
        self.path = path
        self.last_line = len(lines)

    def peek(self) -> str | None:
        return self.items[self.i][0] if self.i < len(self.items) else None

    def line(self) -> int:
        return self.items[self.i][1] if self.i < len(self.items) else self.last_line

    def take(self, what: str) -> str:
        if self.i >= len(self.items):
            raise FormatError(self.path, f"file ends where {what} was expected", self.last_line)
        tok = self.items[self.i][0]
        self.i += 1
        return tok

    def expect(self, word: str) -> None:
        line = self.line()
        tok = self.take(repr(word))
        if tok != word:
            raise FormatError(self.path, f"expected {word!r}, found {tok!r}", line)

    def number(self, what: str) -> float:
        line = self.line()
        tok = self.take(what)
        try:
            return float(tok)
        except ValueError:
            raise FormatError(self.path, f"{what} must be a number, found {tok!r}", line) from None


def _parse_hierarchy(tk: _Tokens) -> BvhSkeleton:
    names: list[str] = []
    parents: list[int] = []
    offsets: list[tuple[float, float, float]] = []
    channels: list[tuple[str, ...]] = []
    ends: list[bool] = []
    tk.expect("HIERARCHY")
    if tk.peek() != "ROOT":
        raise FormatError(tk.path, f"expected 'ROOT' after HIERARCHY, found {tk.peek()!r}",
                          tk.line())
    # Explicit stack of open joints instead of recursion: deep rigs must not hit the limit.
    stack: list[int] = []
    while True:
        tok = tk.peek()
        if tok is None:
            raise FormatError(tk.path, "file ends inside HIERARCHY (missing '}' or MOTION)",
                              tk.last_line)
        if tok == "MOTION":
            if stack:
                raise FormatError(tk.path, f"MOTION before joint {names[stack[-1]]!r} is "
                                           "closed with '}'", tk.line())
            break
        line = tk.line()
        tk.take("a joint")
        if tok in ("ROOT", "JOINT", "End"):
            if tok == "ROOT" and stack:
                raise FormatError(tk.path, "ROOT inside another joint", line)
            if tok != "ROOT" and not stack:
                raise FormatError(tk.path, f"{tok} outside any ROOT", line)
            if tok == "End":
                tk.take("'Site'")
                parent = stack[-1]
                name = f"{names[parent]}_end"
                while name in names:
                    name += "_"
            else:
                name = tk.take("a joint name")
                if name in ("{", "}"):
                    raise FormatError(tk.path, f"{tok} has no name", line)
                if name in names:
                    raise FormatError(tk.path, f"joint name {name!r} appears twice", line)
            tk.expect("{")
            tk.expect("OFFSET")
            off = tuple(tk.number(f"OFFSET of {name!r}") for _ in range(3))
            chans: tuple[str, ...] = ()
            if tok != "End":
                cline = tk.line()
                tk.expect("CHANNELS")
                count_tok = tk.take("a channel count")
                if not count_tok.isdigit():
                    raise FormatError(tk.path, f"CHANNELS count of {name!r} must be a whole "
                                               f"number, found {count_tok!r}", cline)
                count = int(count_tok)
                got = []
                while tk.peek() in _ROT or tk.peek() in _POS:
                    got.append(tk.take("a channel"))
                if len(got) != count:
                    raise FormatError(tk.path, f"CHANNELS of {name!r} says {count} channels but "
                                               f"lists {len(got)}: {' '.join(got) or 'none'}",
                                      cline)
                if len(set(got)) != len(got):
                    raise FormatError(tk.path, f"CHANNELS of {name!r} repeats a channel", cline)
                chans = tuple(got)
            names.append(name)
            parents.append(stack[-1] if stack else -1)
            offsets.append(off)  # type: ignore[arg-type]
            channels.append(chans)
            ends.append(tok == "End")
            stack.append(len(names) - 1)
        elif tok == "}":
            if not stack:
                raise FormatError(tk.path, "unbalanced '}'", line)
            stack.pop()
        else:
            raise FormatError(tk.path, f"unexpected {tok!r} in HIERARCHY", line)
    if not names:
        raise FormatError(tk.path, "HIERARCHY has no joints", tk.line())
    return BvhSkeleton(names, np.array(parents, dtype=np.int64),
                       np.array(offsets, dtype=np.float64), channels, np.array(ends, dtype=bool))


def _header_value(line: str, key: str, path: object, n: int, kind: type) -> float:
    head, _, rest = line.partition(":")
    if head.strip().lower() != key.lower():
        raise FormatError(path, f"expected '{key}:' line, found {line.strip()[:40]!r}", n)
    try:
        value = kind(rest.strip())
    except ValueError:
        raise FormatError(path, f"'{key}:' must be a {kind.__name__} number, "
                                f"found {rest.strip()[:40]!r}", n) from None
    return value


def parse_bvh(text: str, path: object = "<bvh>") -> BvhMotion:
    """Parse BVH text; raise FormatError with the line number for anything malformed."""
    lines = text.splitlines()
    motion_at = next((n for n, l in enumerate(lines) if l.strip().upper().startswith("MOTION")),
                     None)
    if not any(l.strip() for l in lines):
        raise FormatError(path, "file is empty")
    if lines[next(n for n, l in enumerate(lines) if l.strip())].strip() != "HIERARCHY":
        raise FormatError(path, "not a BVH file: it does not start with HIERARCHY", 1)
    if motion_at is None:
        raise FormatError(path, "missing MOTION section (is the file truncated?)", len(lines))
    skel = _parse_hierarchy(_Tokens(lines[:motion_at] + ["MOTION"], path))
    n = motion_at + 1
    while n < len(lines) and not lines[n].strip():
        n += 1
    if n + 1 >= len(lines):
        raise FormatError(path, "MOTION section lacks 'Frames:' and 'Frame Time:'", n + 1)
    frames = int(_header_value(lines[n], "Frames", path, n + 1, int))
    frame_time = float(_header_value(lines[n + 1], "Frame Time", path, n + 2, float))
    if frames < 1:
        raise FormatError(path, f"'Frames:' must be at least 1, got {frames}", n + 1)
    if not np.isfinite(frame_time) or frame_time <= 0:
        raise FormatError(path, f"'Frame Time:' must be positive, got {frame_time}", n + 2)
    if fps_problem(1.0 / frame_time):
        raise FormatError(path, f"'Frame Time:' of {frame_time:g} s gives a frame rate that "
                                f"{fps_problem(1.0 / frame_time)}", n + 2)
    first = n + 2
    C = sum(len(c) for c in skel.channels)
    values = _parse_frames(lines, first, frames, C, path)
    positions = _fk(skel, values)
    # BVH lengths are centimetres or inches: MAX_COORD metres is at most 100 * MAX_COORD units.
    bad = ~(np.abs(positions) <= 100 * MAX_COORD)
    if bad.any():
        t, j, _ = np.argwhere(bad)[0]
        raise FormatError(path, f"frame {t} puts joint {skel.names[j]!r} out of range (NaN, "
                                "infinite or farther than 10 km); offsets or channel values "
                                "are damaged")
    return BvhMotion(skel, frame_time, positions, values)


def _parse_frames(lines: list[str], first: int, frames: int, C: int, path: object) -> np.ndarray:
    """(frames, C) float64 from one line per frame, with line-precise errors."""
    rows = [l.split() for l in lines[first:first + frames]]
    for k, row in enumerate(rows):
        if len(row) != C:
            if not row and all(not r for r in rows[k:]):
                break  # blank tail: reported as truncation below
            raise FormatError(path, f"expected {C} numbers on frame {k}, found {len(row)}",
                              first + k + 1)
    got = sum(1 for r in rows if r)
    if got < frames:
        raise FormatError(path, f"header says {frames} frames but the file ends after {got} "
                                f"(truncated?)", first + got)
    try:
        values = np.array(list(itertools.chain.from_iterable(rows)),
                          dtype=np.float64).reshape(frames, C)
    except ValueError:
        for k, row in enumerate(rows):
            for c, tok in enumerate(row):
                try:
                    float(tok)
                except ValueError:
                    raise FormatError(path, f"value {c + 1} of frame {k} is not a number: "
                                            f"{tok[:30]!r}", first + k + 1) from None
        raise
    if not np.isfinite(values).all():
        k = int(np.argwhere(~np.isfinite(values))[0, 0])
        raise FormatError(path, f"frame {k} holds NaN or infinity", first + k + 1)
    return values


def _fk(skel: BvhSkeleton, values: np.ndarray) -> np.ndarray:
    """Global positions (T, J, 3) float32 from channel values (T, C) float64 (vectorised over T)."""
    T, J = values.shape[0], len(skel.names)
    pos = np.empty((T, J, 3), dtype=np.float64)
    glob = np.empty((T, J, 3, 3), dtype=np.float64)
    col = 0
    for j in range(J):
        chans = skel.channels[j]
        block = values[:, col:col + len(chans)]
        col += len(chans)
        local_t = np.broadcast_to(skel.offsets[j], (T, 3)).copy()
        rot_axes = "".join(_ROT[c] for c in chans if c in _ROT)
        rot_cols = [k for k, c in enumerate(chans) if c in _ROT]
        for k, c in enumerate(chans):
            if c in _POS:
                local_t[:, _POS[c]] = block[:, k]
        p = skel.parents[j]
        local_r = euler_matrices(block[:, rot_cols], rot_axes) if rot_axes else None
        if p < 0:
            pos[:, j] = local_t
            glob[:, j] = local_r if local_r is not None else np.eye(3)
        else:
            pos[:, j] = pos[:, p] + np.einsum("tij,tj->ti", glob[:, p], local_t)
            glob[:, j] = glob[:, p] @ local_r if local_r is not None else glob[:, p]
    with np.errstate(over="ignore", invalid="ignore"):  # damaged values: parse_bvh refuses
        return pos.astype(np.float32)


def _read_text(path: str | os.PathLike) -> str:
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise FormatError(path, f"cannot read: {exc.strerror or exc}") from None
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as exc:
            raise FormatError(path, f"damaged gzip data ({exc})") from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def read_bvh(path: str | os.PathLike) -> BvhMotion:
    """Read a .bvh or gzip-compressed .bvh.gz file."""
    return parse_bvh(_read_text(path), path)
