"""One trainer per run folder: an OS lock held on the run folder itself.

The trainer holds an exclusive ``flock`` on an open descriptor of the run folder for as long as
it lives; the operating system drops it when the process ends in any way (a clean exit, an
exception, ``kill -9``), so a stale lock cannot outlive its owner and a reused process id cannot
fake one. Locking the folder rather than a file in it means deleting ``trainer.lock`` cannot let
a second trainer in (a new file would be a new, unlocked inode; the folder stays the same one).
``trainer.lock`` only names the owner's pid, for readers (the app's training tab) that follow or
kill a job they did not start. On Windows, where folders cannot be locked, the file's first
byte is locked instead. Nothing here imports torch: the lock is taken before the heavy imports.
"""
from __future__ import annotations

import json
import os
import sys
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


def _open_lock(run_dir: Path, create: bool) -> int:
    """A descriptor to lock for ``run_dir``: the folder itself, or on Windows its lock file."""
    if sys.platform != "win32":
        return os.open(run_dir, os.O_RDONLY)
    return os.open(run_dir / LOCK_NAME, os.O_RDWR | (os.O_CREAT if create else 0), 0o644)


class RunLock:
    """``with RunLock(run_dir):`` holds the run folder for this process (raises RunInUse)."""

    def __init__(self, run_dir: str | os.PathLike) -> None:
        self.run_dir = Path(run_dir)
        self.path = self.run_dir / LOCK_NAME
        self._fd: int | None = None

    def acquire(self, patience_s: float = 0.5) -> "RunLock":
        self.run_dir.mkdir(parents=True, exist_ok=True)
        fd = _open_lock(self.run_dir, create=True)
        deadline = time.monotonic() + patience_s
        # a reader's probe (lock_owner) holds the lock for an instant: try again briefly
        while not _try_lock(fd):
            if time.monotonic() > deadline:
                os.close(fd)
                raise RunInUse(self.run_dir, _read_owner(self.path).get("pid"))
            time.sleep(0.02)
        self._fd = fd
        owner = json.dumps({"pid": os.getpid(), "started": round(time.time(), 3)}) + "\n"
        try:
            if sys.platform == "win32":   # the locked file itself carries the owner
                os.ftruncate(fd, 0)
                os.lseek(fd, 0, os.SEEK_SET)
                os.write(fd, owner.encode())
            else:
                self.path.write_text(owner, encoding="utf-8")
        except OSError:
            self.release()
            raise
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
    run_dir = Path(run_dir)
    path = run_dir / LOCK_NAME
    if not path.exists() and sys.platform == "win32":
        return None
    try:
        fd = _open_lock(run_dir, create=False)
    except OSError:
        return None
    try:
        if _try_lock(fd):
            _unlock(fd)
            return None
    finally:
        os.close(fd)
    return int(_read_owner(path).get("pid") or 0) or -1
