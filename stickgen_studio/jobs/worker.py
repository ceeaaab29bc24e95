"""Run a plain function (``fn(*args, progress=, cancel=)``) on a QThreadPool and relay what it
reports through Qt signals. The worker never touches a widget.

:class:`Channels` keeps at most one live job per named channel: starting a new one cancels the
one before it, and results of a job that is no longer the newest are dropped, never delivered.
"""
from __future__ import annotations

import time
import traceback
from typing import Any, Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from engine.progress import CancelToken, Cancelled

PROGRESS_INTERVAL = 0.05  # seconds between relayed progress reports (the last one always goes)


class JobSignals(QObject):
    progress = Signal(float, str)
    done = Signal(object)
    failed = Signal(str)
    cancelled = Signal()
    finished = Signal()        # after done/failed/cancelled, whichever it was


class Job(QRunnable):
    def __init__(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        super().__init__()
        self.setAutoDelete(False)  # Python owns it; Channels drops it once finished
        self.fn, self.args, self.kwargs = fn, args, kwargs
        self.token = CancelToken()
        self.signals = JobSignals()
        self._last_report = 0.0

    def cancel(self) -> None:
        self.token.cancel()

    @property
    def is_cancelled(self) -> bool:
        return self.token.cancelled

    def _progress(self, fraction: float, message: str = "") -> None:
        now = time.monotonic()
        if now - self._last_report >= PROGRESS_INTERVAL or fraction >= 1.0:
            self._last_report = now
            self._emit(self.signals.progress, float(fraction), str(message))

    def run(self) -> None:
        try:
            self.token.raise_if_cancelled()  # cancelled while it waited in the queue
            result = self.fn(*self.args, progress=self._progress, cancel=self.token,
                             **self.kwargs)
        except Cancelled:
            self._emit(self.signals.cancelled)
        except Exception as exc:  # any failure becomes a message, never a crash
            detail = str(exc) or type(exc).__name__
            if not isinstance(exc, (ValueError, OSError, RuntimeError)):
                detail = f"{type(exc).__name__}: {detail}"
            self.trace = traceback.format_exc()
            self._emit(self.signals.failed, detail)
        else:
            if self.token.cancelled:
                self._emit(self.signals.cancelled)
            else:
                self._emit(self.signals.done, result)
        self._emit(self.signals.finished)

    def _emit(self, signal, *args) -> None:
        try:
            signal.emit(*args)
        except RuntimeError:  # the receiving side is gone (the window closed): nobody to tell
            pass


class _Relay(QObject):
    """Lives on the GUI thread, so the job's signals reach it queued and its callbacks run
    there (a bare function as a slot would run on the worker's thread)."""

    def __init__(self, parent: QObject, job: Job, handlers: dict[str, Callable]) -> None:
        super().__init__(parent)
        self.handlers = handlers
        job.signals.progress.connect(self.on_progress)
        job.signals.done.connect(self.on_done)
        job.signals.failed.connect(self.on_failed)
        job.signals.cancelled.connect(self.on_cancelled)
        job.signals.finished.connect(self.on_finished)

    @Slot(float, str)
    def on_progress(self, fraction: float, message: str) -> None:
        self.handlers["progress"](fraction, message)

    @Slot(object)
    def on_done(self, result: Any) -> None:
        self.handlers["done"](result)

    @Slot(str)
    def on_failed(self, message: str) -> None:
        self.handlers["failed"](message)

    @Slot()
    def on_cancelled(self) -> None:
        self.handlers["cancelled"]()

    @Slot()
    def on_finished(self) -> None:
        self.handlers["finished"]()
        self.deleteLater()


class Channels(QObject):
    """Named channels on one pool; in each, the newest job wins."""

    busy_changed = Signal(str, bool)   # channel, whether a job of it is live

    def __init__(self, pool: QThreadPool, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = pool
        self._current: dict[str, Job] = {}
        self._alive: set[Job] = set()

    def current(self, channel: str) -> Job | None:
        return self._current.get(channel)

    def busy(self, channel: str) -> bool:
        return channel in self._current

    def cancel(self, channel: str) -> None:
        job = self._current.pop(channel, None)
        if job is not None:
            job.cancel()
            self.busy_changed.emit(channel, False)

    def start(self, channel: str, fn: Callable[..., Any], *args: Any,
              on_done: Callable[[Any], None] | None = None,
              on_failed: Callable[[str], None] | None = None,
              on_progress: Callable[[float, str], None] | None = None,
              on_cancelled: Callable[[], None] | None = None, **kwargs: Any) -> Job:
        """Cancel the channel's live job and queue ``fn``; callbacks run on the GUI thread and
        only while this job is still the channel's newest."""
        old = self._current.get(channel)
        if old is not None:
            old.cancel()
        job = Job(fn, *args, **kwargs)
        self._current[channel] = job
        self._alive.add(job)

        def live() -> bool:
            return self._current.get(channel) is job

        def progress(f: float, m: str) -> None:
            if on_progress is not None and live():
                on_progress(f, m)

        def finish(callback, *value) -> None:
            if not live():
                return
            del self._current[channel]
            self.busy_changed.emit(channel, False)
            if callback is not None:
                callback(*value)

        _Relay(self, job, {"progress": progress, "done": lambda r: finish(on_done, r),
                           "failed": lambda m: finish(on_failed, m),
                           "cancelled": lambda: finish(on_cancelled),
                           "finished": lambda: self._alive.discard(job)})
        self.busy_changed.emit(channel, True)
        self.pool.start(job)
        return job

    def wait(self, msecs: int = -1) -> bool:
        """Block until the pool is idle (for shutdown)."""
        return self.pool.waitForDone(msecs)
