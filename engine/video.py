"""Encode frames with the bundled ffmpeg through a stdin pipe, alongside the caller's rendering.

Frames go to ffmpeg as raw RGB24 from a writer thread: the pipe write releases the GIL, so the
caller renders frame i+1 while ffmpeg (its own process, its own threads) still takes frame i.
ffmpeg's stderr goes to a temporary file rather than a pipe (a full pipe would stall ffmpeg);
its last line becomes the error message when ffmpeg fails.
"""
from __future__ import annotations

import ctypes
import os
import queue
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path


class FfmpegError(RuntimeError):
    """ffmpeg failed; the message carries its last line of stderr."""


def ffmpeg_exe() -> str:
    """The ffmpeg binary: $STICKGEN_FFMPEG if set, else the one bundled with imageio-ffmpeg."""
    exe = os.environ.get("STICKGEN_FFMPEG")
    if exe:
        return exe
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


def mp4_args(crf: int = 20, preset: str = "medium") -> list[str]:
    """H.264 in yuv420p (plays everywhere), moov atom first so players can stream it."""
    return ["-c:v", "libx264", "-preset", preset, "-crf", str(int(crf)), "-pix_fmt", "yuv420p",
            "-movflags", "+faststart", "-f", "mp4"]


def gif_args(colors: int = 128) -> list[str]:
    """One pass with a split filter graph: palettegen sees every frame, paletteuse maps them."""
    graph = (f"[0:v]split[a][b];[a]palettegen=max_colors={int(colors)}:stats_mode=full[p];"
             "[b][p]paletteuse=dither=bayer:bayer_scale=4")
    return ["-filter_complex", graph, "-loop", "0", "-f", "gif"]


def _die_with_parent():
    """A ``preexec_fn`` that makes the child get SIGKILL when this process dies (Linux
    ``prctl(PR_SET_PDEATHSIG)``), so a killed render leaves no ffmpeg running; None elsewhere.
    libc is looked up here, in the parent, so the child only makes one system call."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    parent = os.getpid()

    def arm() -> None:
        prctl(1, signal.SIGKILL, 0, 0, 0)          # 1 = PR_SET_PDEATHSIG
        if os.getppid() != parent:                   # the parent died before the call
            os._exit(1)

    return arm


def _widen_pipe(stream) -> None:
    """Ask Linux for a 1 MiB pipe (default 64 KiB): a 2.7 MB frame then crosses in a few
    writes instead of dozens of wake-ups of both processes. Elsewhere this does nothing."""
    try:
        import fcntl

        fcntl.fcntl(stream.fileno(), getattr(fcntl, "F_SETPIPE_SZ", 1031), 1 << 20)
    except (ImportError, OSError, AttributeError):
        pass


class FfmpegPipe:
    """Raw RGB24 frames of ``width`` x ``height`` in, ``out_args`` applied, ``path`` written.

    Use as a context manager: leaving it normally finishes the file (and raises FfmpegError if
    ffmpeg failed); leaving it with an exception kills ffmpeg.
    """

    def __init__(self, path: str | os.PathLike, width: int, height: int, fps: float,
                 out_args: list[str], queue_size: int = 4):
        self.frame_bytes = int(width) * int(height) * 3
        self._log = tempfile.TemporaryFile()
        cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y",
               "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{int(width)}x{int(height)}",
               "-r", f"{fps:g}", "-i", "pipe:0", *out_args, str(Path(path))]
        self._cmd = cmd
        self._proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                      stderr=self._log, preexec_fn=_die_with_parent())
        _widen_pipe(self._proc.stdin)
        self._queue: queue.Queue[bytes | None] = queue.Queue(maxsize=queue_size)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._pump, name="ffmpeg-writer", daemon=True)
        self._thread.start()

    def _pump(self) -> None:
        stdin = self._proc.stdin
        assert stdin is not None
        while True:
            data = self._queue.get()
            if data is None:
                break
            if self._error is not None:
                continue  # keep draining so the producer never blocks on a dead pipe
            try:
                stdin.write(data)
            except (BrokenPipeError, OSError) as exc:
                self._error = exc
        try:
            stdin.close()
        except OSError:
            pass

    def last_error_line(self) -> str:
        self._log.seek(0)
        lines = [ln.strip() for ln in self._log.read().decode("utf-8", "replace").splitlines()]
        lines = [ln for ln in lines if ln]
        return lines[-1] if lines else "no message"

    def _fail(self) -> FfmpegError:
        rc = self._proc.poll()
        return FfmpegError(f"ffmpeg failed (exit status {rc}): {self.last_error_line()}")

    def write(self, frame: bytes) -> None:
        """Queue one frame (exactly width*height*3 bytes); raise FfmpegError if ffmpeg died."""
        if len(frame) != self.frame_bytes:
            raise ValueError(f"frame has {len(frame)} bytes, expected {self.frame_bytes}")
        if self._error is not None:
            self._proc.wait()
            raise self._fail()
        self._queue.put(frame)

    def close(self) -> None:
        """Finish: flush the queue, let ffmpeg write the file, raise FfmpegError on failure."""
        self._queue.put(None)
        self._thread.join()
        rc = self._proc.wait()
        try:
            if rc != 0 or self._error is not None:
                raise self._fail()
        finally:
            self._log.close()

    def abort(self) -> None:
        """Stop ffmpeg now; what it wrote is garbage for the caller to delete."""
        self._proc.kill()
        self._queue.put(None)
        self._thread.join()
        self._proc.wait()
        self._log.close()

    def __enter__(self) -> "FfmpegPipe":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()
