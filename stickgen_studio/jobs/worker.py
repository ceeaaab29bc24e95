"""One background job: a plain function (``fn(*args, progress=, cancel=)``) run by a
QThreadPool, relaying what it reports through Qt signals. The worker never touches a widget;
``jobs.runner.Runner`` queues jobs and decides which results still count.
"""
from __future__ import annotations

import time
import traceback
from typing import Any, Callable

from PySide6.QtCore import QObject, QRunnable, Signal, Slot

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
        self.setAutoDelete(False)  # Python owns it; the Runner drops it once finished
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


class Relay(QObject):
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
