"""Progress reporting and cancellation for long engine jobs (export, generation, training).

A long job is a plain function taking ``progress=`` and ``cancel=`` keyword arguments:

* ``progress(fraction: float, message: str)`` is called with fractions rising from 0.0 to 1.0;
  it runs on the job's thread, so a GUI relays it through a signal instead of touching widgets.
* ``cancel`` is any object with a ``.cancelled`` attribute (a :class:`CancelToken` is the usual
  one); the job polls it at safe points and stops by raising :class:`Cancelled`.

Both may be ``None``; :func:`report` and :func:`check_cancel` accept that so jobs need no ifs.
"""
from __future__ import annotations

import threading
from typing import Callable, Protocol

ProgressFn = Callable[[float, str], None]


class Cancelled(Exception):
    """Raised inside a job when its cancel token was set; the job has cleaned up after itself."""

    def __init__(self, message: str = "cancelled"):
        super().__init__(message)


class CancelLike(Protocol):
    @property
    def cancelled(self) -> bool: ...


class CancelToken:
    """A thread-safe flag one side sets (``cancel()``) and a running job polls."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        if self._event.is_set():
            raise Cancelled()


def check_cancel(cancel: CancelLike | None) -> None:
    """Raise :class:`Cancelled` if ``cancel`` (a token, any object with ``.cancelled``, or None)
    says so."""
    if cancel is None:
        return
    raise_fn = getattr(cancel, "raise_if_cancelled", None)
    if raise_fn is not None:
        raise_fn()
    elif cancel.cancelled:
        raise Cancelled()


def report(progress: ProgressFn | None, fraction: float, message: str = "") -> None:
    """Call ``progress`` with ``fraction`` clamped to [0, 1]; a no-op when it is None."""
    if progress is not None:
        progress(min(1.0, max(0.0, float(fraction))), message)


def sub_progress(progress: ProgressFn | None, start: float, stop: float) -> ProgressFn | None:
    """A progress function that maps a sub-job's 0..1 onto ``start..stop`` of ``progress``, so a
    job made of steps reports one rising fraction."""
    if progress is None:
        return None

    def inner(fraction: float, message: str = "") -> None:
        report(progress, start + (stop - start) * min(1.0, max(0.0, fraction)), message)

    return inner
