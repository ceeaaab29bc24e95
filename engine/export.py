"""Export a motion document as MP4, GIF, a PNG sequence, .motion.json or BVH.

Every format is written beside the target under a temporary name and renamed into place only
when complete, so a failure, a cancel or a full disk leaves neither a half-written file nor a
damaged copy of the user's existing one. Long exports take ``progress(fraction, message)`` and
a ``cancel`` token (engine.progress) and raise :class:`engine.progress.Cancelled` when
cancelled.
"""
from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Sequence

from PIL import Image

from .atomic import atomic_path, final_mode, remove_stale_temps, temp_prefix
from .camera import CameraTrack, make_move
from .drawlist import build_drawlist
from .face import FaceTracks
from .formats.limits import check_writable, fps_problem
from .formats.motion_json import Actor, MotionFile, write_motion_json
from .motion import Motion
from .projection import CameraState
from .progress import CancelLike, ProgressFn, check_cancel, report
from .raster import Rasterizer
from .style import Style, get_style
from .video import FfmpegError, FfmpegPipe, gif_args, mp4_args

FORMATS: tuple[str, ...] = ("mp4", "gif", "png", "motion.json", "bvh")
DEFAULT_SIZE = {"mp4": (1280, 720), "png": (1280, 720), "gif": (640, 360)}
FRAME_NAME = "frame_{:05d}.png"
_FRAME_RE = re.compile(r"frame_\d{5}\.png")


class ExportError(RuntimeError):
    """An export could not be written; the message says why (ffmpeg's own words included)."""


@dataclass
class ExportOptions:
    width: int | None = None        # pixels; None: the format's default (GIFs are smaller)
    height: int | None = None
    fps: float | None = None        # None: the motion's own; otherwise resampled
    start: int = 0                  # first frame, in the source's frames
    end: int | None = None          # stop frame (exclusive), in the source's frames
    background: str | tuple[int, int, int] | None = None  # overrides the style's
    style: Style | str | None = None
    crf: int = 20                   # H.264 quality (lower is better and bigger)
    preset: str = "medium"          # x264 speed/size trade-off
    gif_colors: int = 128


def format_for_path(path: str | os.PathLike) -> str:
    """The export format a path asks for: .mp4, .gif, .motion.json, .bvh, or a folder (PNGs)."""
    s = str(path)
    low = s.lower()
    for ext, fmt in ((".mp4", "mp4"), (".gif", "gif"), (".motion.json", "motion.json"),
                     (".bvh", "bvh")):
        if low.endswith(ext):
            return fmt
    if s.endswith(("/", os.sep)) or Path(s).is_dir() or not Path(s).suffix:
        return "png"
    raise ValueError(f"cannot tell the format of {s!r}: use .mp4, .gif, .motion.json, .bvh, "
                     "or a folder (ending in /) for PNG frames")


def as_document(source: MotionFile | Motion | Sequence[Motion]) -> MotionFile:
    if isinstance(source, MotionFile):
        return source
    motions = [source] if isinstance(source, Motion) else list(source)
    if not motions:
        raise ValueError("nothing to export: no actors")
    return MotionFile([Actor(chr(ord("A") + i % 26), m) for i, m in enumerate(motions)])


@dataclass
class Stretch:
    """The part of a document an export writes, on the output's time line."""
    motions: list[Motion]       # resampled to the output fps and cut to [start, end)
    source: list[Motion]        # the document's motions, untouched
    track: CameraTrack          # the document's (or given) camera, on the source time line
    start: int                  # first output frame, counted on the resampled time line
    scale: float                # output fps / source fps

    def camera_at(self, i: int, aspect: float) -> CameraState:
        """The camera for output frame ``i``: the source track at the same moment."""
        return self.track.evaluate((self.start + i) / self.scale, self.source, aspect)

    def saved_track(self) -> CameraTrack:
        """Camera keys for a saved cut: moved to the output's frames and fps."""
        return self.track.retimed(self.scale).starting_at(self.start, [
            m.resample(m.fps * self.scale) for m in self.source] if self.scale != 1.0
            else self.source)


def prepare(doc: MotionFile, options: ExportOptions, camera: CameraTrack | None = None
            ) -> Stretch:
    """The exported stretch: motions resampled to ``options.fps`` and cut to [start, end)."""
    source = [a.motion for a in doc.actors]
    track = camera if camera is not None else CameraTrack.from_list(doc.camera)
    fps = source[0].fps
    scale = 1.0
    motions = source
    start, end = options.start, options.end
    for rate in (fps, options.fps):
        # Checked here so an absurd rate is a range error, not an encoder's "Invalid argument".
        if rate is not None and fps_problem(rate):
            raise ValueError(f"frame rate {fps_problem(rate)}")
    if options.fps is not None and abs(options.fps - fps) > 1e-9:
        scale = options.fps / fps
        motions = [m.resample(options.fps) for m in motions]
        start = int(round(start * scale))
        end = None if end is None else int(round(end * scale))
    T = max(m.num_frames for m in motions)  # actors may differ in length
    end = T if end is None else min(end, T)
    start = max(0, start)
    if end <= start:
        raise ValueError(f"empty frame range: start {options.start}, end {options.end} "
                         f"for a {T}-frame motion")
    if (start, end) != (0, T):
        # An actor that has already finished stays in its last pose.
        motions = [m.slice(min(start, m.num_frames - 1), end) for m in motions]
    return Stretch(motions, source, track, start, scale)


def _style(options: ExportOptions) -> Style:
    st = get_style(options.style)
    return st.with_background(options.background) if options.background is not None else st


def _size(options: ExportOptions, fmt: str) -> tuple[int, int]:
    dw, dh = DEFAULT_SIZE.get(fmt, (1280, 720))
    w = int(options.width or (dw if options.height is None else options.height * dw / dh))
    h = int(options.height or (dh if options.width is None else options.width * dh / dw))
    if w < 2 or h < 2 or w > 8192 or h > 8192:
        raise ValueError(f"picture size {w}x{h} is out of range (2..8192)")
    # yuv420p halves the chroma planes, so H.264 needs even sizes: round down.
    return (w - w % 2, h - h % 2) if fmt == "mp4" else (w, h)


def export(source: MotionFile | Motion | Sequence[Motion], path: str | os.PathLike,
           options: ExportOptions | None = None, *, camera: CameraTrack | None = None,
           fmt: str | None = None, progress: ProgressFn | None = None,
           cancel: CancelLike | None = None) -> Path:
    """Write ``source`` to ``path`` in ``fmt`` (default: from the path). Returns the path.

    camera: overrides the document's camera keys; with neither, a static camera frames the
    whole exported stretch.
    """
    options = options or ExportOptions()
    fmt = fmt or format_for_path(path)
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; known: {', '.join(FORMATS)}")
    doc = as_document(source)
    target = Path(path)
    stretch = prepare(doc, options, camera)
    motions = stretch.motions
    for actor, m in zip(doc.actors, motions):
        check_writable(m, f"motion (actor {actor.name!r})")
    check_cancel(cancel)
    if fmt == "motion.json":
        out = MotionFile([Actor(a.name, m) for a, m in zip(doc.actors, motions)], doc.prompt,
                         doc.seed, stretch.saved_track().to_list())
        write_motion_json(target, out)
        report(progress, 1.0, f"wrote {target.name}")
        return target
    if fmt == "bvh":
        return _export_bvh(motions, target, progress)
    width, height = _size(options, fmt)
    aspect = width / height
    n = max(m.num_frames for m in motions)
    if stretch.track.keys:
        cameras = [stretch.camera_at(i, aspect) for i in range(n)]
    else:  # no keys: one static framing of just the exported stretch
        fixed = CameraTrack(make_move("static", motions, aspect=aspect))
        cameras = [fixed.evaluate(i, motions, aspect) for i in range(n)]
    frames = _frames(motions, cameras, _style(options), width, height, cancel, progress)
    fps = motions[0].fps
    if fmt == "png":
        _write_pngs(frames, target, width, height)
    else:
        args = mp4_args(options.crf, options.preset) if fmt == "mp4" else gif_args(
            options.gif_colors)
        try:
            with atomic_path(target) as tmp, FfmpegPipe(tmp, width, height, fps, args) as pipe:
                for data in frames:
                    pipe.write(data)
        except FfmpegError as exc:
            raise ExportError(f"could not write {target}: {exc}") from None
    report(progress, 1.0, f"wrote {target.name}")
    return target


def _frames(motions: list[Motion], cameras: list[CameraState], style: Style, width: int,
            height: int, cancel: CancelLike | None, progress: ProgressFn | None):
    """Yield each frame as packed RGB24 bytes, checking for cancel before each one."""
    rast = Rasterizer(width, height)
    faces = [FaceTracks.from_motion(m) for m in motions]
    n = len(cameras)
    step = max(1, n // 100)  # about a hundred progress calls, not one per frame
    for i in range(n):
        check_cancel(cancel)
        yield rast.render(build_drawlist(motions, cameras[i], i, width, height, style, faces))
        if i % step == 0 or i == n - 1:
            # The last few percent are the encoder finishing, so frames count to 0.98.
            report(progress, 0.98 * (i + 1) / n, f"frame {i + 1} of {n}")


def render_frame(source: MotionFile | Motion | Sequence[Motion], frame: float,
                 width: int = 1280, height: int = 720, camera: CameraTrack | None = None,
                 style: Style | str | None = None):
    """One frame as (H, W, 3) uint8, as an export would draw it (for previews and tests)."""
    doc = as_document(source)
    motions = [a.motion for a in doc.actors]
    track = camera if camera is not None else CameraTrack.from_list(doc.camera)
    dl = build_drawlist(motions, track, frame, width, height, style)
    return Rasterizer(width, height).render_array(dl)


def _check_png_target(target: Path) -> None:
    if target.exists() and not target.is_dir():
        raise ExportError(f"{target} exists and is not a folder; PNG frames need a folder")
    if target.is_dir():
        foreign = [p.name for p in target.iterdir() if not _FRAME_RE.fullmatch(p.name)]
        if foreign:
            raise ExportError(f"folder {target} holds other files ({foreign[0]}, ...); "
                              "choose an empty or new folder for the PNG frames")


def _write_pngs(frames, target: Path, width: int, height: int) -> None:
    """Frames into a fresh folder beside ``target``, swapped in only once all are written."""
    _check_png_target(target)
    parent = target.parent if str(target.parent) else Path(".")
    parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temps(target)
    tmp = Path(tempfile.mkdtemp(prefix=temp_prefix(target), dir=parent))
    try:
        for i, data in enumerate(frames):
            img = Image.frombytes("RGB", (width, height), data)
            img.save(tmp / FRAME_NAME.format(i), compress_level=3)
        old = None
        if target.exists():
            # An older export of ours: set aside until the new one is in place, then dropped.
            old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old.{os.getpid()}.", dir=parent))
            os.replace(target, old / "frames")
        try:
            os.chmod(tmp, final_mode(target, directory=True))
            os.replace(tmp, target)
        except BaseException:
            if old is not None:
                os.replace(old / "frames", target)
                shutil.rmtree(old, ignore_errors=True)
            raise
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        with contextlib.suppress(OSError):
            shutil.rmtree(tmp)
        raise


def _export_bvh(motions: list[Motion], target: Path, progress: ProgressFn | None) -> Path:
    try:
        from .formats.bvh import write_bvh  # written by the file-formats work
    except ImportError:
        raise ExportError("BVH export is not available in this build (no BVH writer)") from None
    if len(motions) > 1:
        raise ExportError(f"BVH holds one skeleton, but there are {len(motions)} actors; "
                          "export them one at a time")
    with atomic_path(target) as tmp:
        write_bvh(tmp, motions[0])
    report(progress, 1.0, f"wrote {target.name}")
    return target


def with_camera_move(doc: MotionFile, move: str, width: int = 1280, height: int = 720
                     ) -> MotionFile:
    """A copy of ``doc`` whose camera keys are the preset ``move`` over the whole motion."""
    keys = make_move(move, [a.motion for a in doc.actors], aspect=width / max(height, 1))
    return replace(doc, camera=[k.to_dict() for k in keys])
