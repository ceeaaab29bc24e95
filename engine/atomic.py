"""Atomic file writes: write to a temporary file beside the target, then ``os.replace``.

The finished file gets the mode a plain ``open()`` would give it (the user's umask, or the mode
of the file it replaces), not the 0600 of the temporary file. Temporary names carry the writer's
process id, so a later write to the same target removes what a killed writer left behind.
"""
from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Iterator


def _umask() -> int:
    """The process umask, read without changing it where the system allows (Linux)."""
    with contextlib.suppress(OSError, ValueError):
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    mask = os.umask(0o022)   # elsewhere: read it by setting it, and put it straight back
    os.umask(mask)
    return mask


def final_mode(target: Path, directory: bool = False) -> int:
    """The permission bits ``target`` should end with: those of the file it replaces, else
    what a new file or folder gets under the umask."""
    with contextlib.suppress(OSError):
        return target.stat().st_mode & 0o7777
    return (0o777 if directory else 0o666) & ~_umask()


def temp_prefix(target: Path) -> str:
    """Hidden name start for a temporary beside ``target``, tagged with this process id."""
    return f".{target.name}.{os.getpid()}."


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True     # someone else's live process
    return True


def remove_stale_temps(target: Path) -> list[Path]:
    """Delete temporaries beside ``target`` whose writer process no longer exists (a render
    killed with ``kill -9``); returns what was removed."""
    # what temp_prefix and mkstemp/mkdtemp make: ".NAME.[old.]PID.xxxxxxxx"
    pattern = re.compile(rf"^\.{re.escape(target.name)}\.(?:old\.)?(\d+)\.[a-z0-9_]{{8}}")
    removed = []
    with contextlib.suppress(OSError):
        for entry in target.parent.iterdir():
            m = pattern.match(entry.name)
            if not m or int(m.group(1)) == os.getpid() or _alive(int(m.group(1))):
                continue
            with contextlib.suppress(OSError):
                if entry.is_dir() and not entry.is_symlink():
                    shutil.rmtree(entry)
                else:
                    entry.unlink()
                removed.append(entry)
    return removed


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike, suffix: str | None = None) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success it replaces ``target``.

    On any exception the temporary file is removed and ``target`` is left untouched.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temps(target)
    fd, tmp = tempfile.mkstemp(prefix=temp_prefix(target),
                               suffix=suffix or target.suffix or ".tmp", dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.chmod(tmp_path, final_mode(target))
        os.replace(tmp_path, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp_path.unlink()
        raise


def write_text_atomic(target: str | os.PathLike, text: str) -> None:
    with atomic_path(target) as tmp:
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())


def write_bytes_atomic(target: str | os.PathLike, data: bytes) -> None:
    with atomic_path(target) as tmp:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
