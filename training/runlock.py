"""One trainer per run folder: an OS file lock on ``run_dir/trainer.lock``.

The trainer holds an exclusive lock on the file for as long as it lives; the operating system
drops it when the process ends in any way (a clean exit, an exception, ``kill -9``), so a stale
lock cannot outlive its owner and a reused process id cannot fake one. The file also names the
owner's pid, which readers (the app's training tab) use to follow or kill a job they did not
start. Nothing here imports torch: the lock is taken before the heavy imports.
"""
from __future__ import annotations

import json
import os
import time
from pathlib import Path

LOCK_NAME = "trainer.lock"

try:  # POSIX
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except OSError:
            return False

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)
except ImportError:  # Windows: a byte-range lock on the first byte does the same job
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)


class RunInUse(RuntimeError):
    """Another live process trains in this run folder."""

    def __init__(self, run_dir: Path, pid: int | None) -> None:
        who = f"process {pid}" if pid else "another process"
        super().__init__(f"the run folder {run_dir} is in use by {who}; two jobs never share a "
                         "run folder (stop that job first, or choose another folder)")
        self.pid = pid


def _read_owner(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        return {}


class RunLock:
    """``with RunLock(run_dir):`` holds the run folder for this process (raises RunInUse)."""

    def __init__(self, run_dir: str | os.PathLike) -> None:
        self.run_dir = Path(run_dir)
        self.path = self.run_dir / LOCK_NAME
        self._fd: int | None = None

    def acquire(self, patience_s: float = 0.5) -> "RunLock":
        self.run_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + patience_s
        # a reader's probe (lock_owner) holds the lock for an instant: try again briefly
        while not _try_lock(fd):
            if time.monotonic() > deadline:
                os.close(fd)
                raise RunInUse(self.run_dir, _read_owner(self.path).get("pid"))
            time.sleep(0.02)
        # The file is never deleted (a delete races with a newcomer locking the old inode);
        # its content is only rewritten by the holder.
        owner = json.dumps({"pid": os.getpid(), "started": round(time.time(), 3)})
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, owner.encode() + b"\n")
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is not None:
            try:
                _unlock(self._fd)
            finally:
                os.close(self._fd)
                self._fd = None

    def __enter__(self) -> "RunLock":
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()


def lock_owner(run_dir: str | os.PathLike) -> int | None:
    """The pid training in ``run_dir`` right now, or None when no live process holds it.

    Probing takes the lock for an instant when it is free, so it never blocks a trainer for
    longer than that and never reports a dead owner as alive.
    """
    path = Path(run_dir) / LOCK_NAME
    if not path.exists():
        return None
    try:
        fd = os.open(path, os.O_RDWR)
    except OSError:
        return None
    try:
        if _try_lock(fd):
            _unlock(fd)
            return None
    finally:
        os.close(fd)
    return int(_read_owner(path).get("pid") or 0) or -1
