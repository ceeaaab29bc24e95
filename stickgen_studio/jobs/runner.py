"""The app's one background runner: every view submits its long jobs here (generation and
model loading, export, dataset building, clip import) instead of owning threads.

A job is a plain function ``fn(*args, progress=, cancel=)`` (engine.progress); the runner runs
it on a lane and relays what it reports to callbacks on the GUI thread (``jobs.worker``). Two
lanes: ``MODEL`` has one thread, because the model is not thread-safe and one model call at a
time is all a laptop CPU wants; ``WORK`` (export, datasets, clips) has its own threads, so an
export never waits behind a generation. Jobs are named by channel: in each channel the newest
job wins (starting one cancels the one before) and results of a superseded job are dropped.
"""
from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import QObject, QThreadPool, Signal

from .worker import Job, Relay

MODEL, WORK = "model", "work"
WORK_THREADS = 2


class Runner(QObject):
    busy_changed = Signal(str, bool)   # channel, whether a job of it is live

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pools = {MODEL: QThreadPool(self), WORK: QThreadPool(self)}
        self._pools[MODEL].setMaxThreadCount(1)
        self._pools[WORK].setMaxThreadCount(WORK_THREADS)
        self._current: dict[str, Job] = {}
        self._alive: set[Job] = set()

    def current(self, channel: str) -> Job | None:
        return self._current.get(channel)

    def busy(self, channel: str) -> bool:
        return channel in self._current

    def stop(self, channel: str) -> None:
        """Ask the channel's live job to stop; unlike ``cancel`` it still reports (cancelled,
        or done if it finished first) through its callbacks."""
        job = self._current.get(channel)
        if job is not None:
            job.cancel()

    def cancel(self, channel: str) -> None:
        """Cancel the channel's live job and drop whatever it would still report."""
        job = self._current.pop(channel, None)
        if job is not None:
            job.cancel()
            self.busy_changed.emit(channel, False)

    def submit(self, channel: str, fn: Callable[..., Any], *args: Any, lane: str = WORK,
               on_done: Callable[[Any], None] | None = None,
               on_failed: Callable[[str], None] | None = None,
               on_progress: Callable[[float, str], None] | None = None,
               on_cancelled: Callable[[], None] | None = None, **kwargs: Any) -> Job:
        """Cancel the channel's live job and queue ``fn`` on ``lane``; callbacks run on the GUI
        thread and only while this job is still the channel's newest."""
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

        Relay(self, job, {"progress": progress, "done": lambda r: finish(on_done, r),
                          "failed": lambda m: finish(on_failed, m),
                          "cancelled": lambda: finish(on_cancelled),
                          "finished": lambda: self._alive.discard(job)})
        self.busy_changed.emit(channel, True)
        self._pools[lane].start(job)
        return job

    def shutdown(self, msecs: int = 5000) -> bool:
        """Cancel every job and wait (up to ``msecs`` per lane) for the threads to go idle."""
        for channel in list(self._current):
            self.cancel(channel)
        return all(pool.waitForDone(msecs) for pool in self._pools.values())
