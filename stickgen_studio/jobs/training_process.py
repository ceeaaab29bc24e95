"""Training jobs: ``python -m training`` in its own process, followed through its run folder.

The trainer is started with ``QProcess.startDetached`` so that it outlives the app: quitting or
a crash of the app never costs a training job, and the next start re-attaches to it. The app
reads the JSON-lines events the trainer appends to ``events.jsonl`` (and its stderr, sent to
``trainer.log``) a few times a second, through ``training.runs``, which owns the run folder; whether the job still lives is the trainer's OS lock on
``trainer.lock`` (dropped by the OS however the process ends), so a job the app did not start,
or started before a restart, is followed exactly like its own. Stop writes the ``STOP`` file
(a checkpoint is written, then the trainer exits); Kill sends SIGKILL (the last checkpoint is
kept; Resume continues from it).

Evaluation of a finished model (``python -m training.evaluate``) is short and runs as an
ordinary child QProcess.
"""
from __future__ import annotations

import os
import sys
from collections import deque
from pathlib import Path

from PySide6.QtCore import QObject, QProcess, QTimer, Signal

from engine.cpu import background_command, background_env
from training import runs as tr

POLL_MS = 250
RECENT = 400   # log entries kept for a view that binds later


class RunBusy(RuntimeError):
    """The run folder already has a live trainer."""


class TrainingJob(QObject):
    """Follows one run folder; ``start`` launches (or resumes) its trainer."""

    events = Signal(list)          # new events (dicts), oldest first
    log = Signal(list)             # new lines of the trainer's stderr
    status_changed = Signal(object)  # RunInfo, whenever the status or its reason changes
    ended = Signal(object)         # RunInfo, when a job that was live is no longer
    progressed = Signal(object)    # RunInfo, after new events were read

    def __init__(self, run_dir: str | os.PathLike, parent: QObject | None = None,
                 poll_ms: int = POLL_MS) -> None:
        super().__init__(parent)
        self.run = Path(run_dir)
        self.all_events: list[dict] = []
        self.recent: deque = deque(maxlen=RECENT)  # ("event", dict) or ("log", str), in order
        self.stop_requested = False
        self._tail = tr.event_tail(self.run)
        self._log_tail = tr.FileTail(self.run / tr.LOG_FILE, tr.log_start(self.run))
        self.info = tr.RunInfo(self.run)
        self._timer = QTimer(self)
        self._timer.setInterval(poll_ms)
        self._timer.timeout.connect(self.poll)

    # -- following ----------------------------------------------------------------------------
    def follow(self) -> tr.RunInfo:
        """Read everything so far and keep following while the job lives."""
        self.poll()
        if self.info.live:
            self._timer.start()
        return self.info

    def poll(self) -> None:
        fresh = self._read()
        was = (self.info.status, self.info.reason)
        info = self._status()
        if self.info.live and not info.live:
            # The trainer is gone, so what it wrote is complete: read the last of it (written
            # between the read above and its exit) before telling how it ended.
            fresh = self._read() or fresh
            info = self._status()
        live_before, self.info = self.info.live, info
        if (info.status, info.reason) != was:
            self.status_changed.emit(info)
        elif fresh:
            self.progressed.emit(info)
        if live_before and not info.live:
            self._timer.stop()
            self.stop_requested = False
            self.ended.emit(info)
        elif info.live and not self._timer.isActive():
            self._timer.start()

    def _read(self) -> bool:
        """Read what the trainer wrote since the last call; whether there were new events."""
        new = tr.parse_events(self._tail.read_lines())
        lines = [ln for ln in self._log_tail.read_lines() if ln.strip()]
        self.recent.extend([("event", e) for e in new] + [("log", ln) for ln in lines])
        if new:
            self.all_events.extend(new)
            if self.stop_requested and any(e["event"] in ("start", "prepare") for e in new):
                self._write_stop()  # the trainer clears a STOP it finds at its start
            self.events.emit(new)
        if lines:
            self.log.emit(lines)
        return bool(new)

    def _status(self) -> tr.RunInfo:
        info = tr.run_info(self.run, self.all_events)
        info.updated = max((e.get("time", 0) for e in self.all_events[-1:]), default=0.0)
        return info

    def close(self) -> None:
        """Stop following (the trainer itself keeps running)."""
        self._timer.stop()

    # -- control ------------------------------------------------------------------------------
    def start(self, resume: str = "auto") -> None:
        """Launch the trainer on the run's config.yaml; raises RunBusy or OSError."""
        owner = tr.lock_owner(self.run)
        if owner:
            raise RunBusy(f"a trainer (process {owner}) is already working in {self.run}; "
                          "two jobs never share a run folder")
        config = tr.ensure_config(self.run)
        tr.clear_stop(self.run)
        offset = tr.record_launch(self.run, resume)
        # The trainer yields the cores to the app's generation: lower priority, sleeping
        # threads (engine.cpu). Unlike fewer threads or a core kept for the app, this costs
        # training nothing while no generation runs, and the job outlives the app.
        argv = background_command(tr.trainer_command(self.run, resume))
        proc = QProcess(self)
        proc.setProgram(argv[0])
        proc.setArguments(argv[1:])
        proc.setWorkingDirectory(str(self.run))
        env = proc.processEnvironment()
        for key, value in background_env(tr.trainer_env()).items():
            env.insert(key, value)
        proc.setProcessEnvironment(env)
        proc.setStandardOutputFile(QProcess.nullDevice())  # the same events are in the file
        proc.setStandardErrorFile(str(self.run / tr.LOG_FILE), QProcess.Append)
        if not proc.startDetached():
            raise OSError(f"could not start {argv[0]} for the trainer of {config.parent.name}")
        proc.deleteLater()
        self.stop_requested = False
        self._log_tail.offset = offset
        self.poll()
        self._timer.start()

    def stop(self) -> None:
        """Ask the trainer to write a checkpoint and exit."""
        self.stop_requested = True
        self._write_stop()
        self.poll()

    def _write_stop(self) -> None:
        tr.request_stop(self.run)

    def kill(self) -> bool:
        """SIGKILL the trainer now; its last checkpoint stays. False when none was live."""
        killed = tr.kill(self.run)
        self.poll()
        return killed


class EvaluationJob(QObject):
    """``python -m training.evaluate`` on a finished run's model, into ``run/eval``."""

    progress = Signal(int, int)     # done, of
    finished = Signal(object, str)  # report dict (None on failure), message

    def __init__(self, run: Path, model: str, data: str, samples: int = 20,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.run, self.out = Path(run), Path(run) / "eval"
        self.proc = QProcess(self)
        self.proc.setProgram(sys.executable)
        self.proc.setArguments(["-m", "training.evaluate", "--checkpoint", model, "--data", data,
                                "--samples", str(samples), "--seeds", "1",
                                "--out", str(self.out)])
        env = self.proc.processEnvironment()
        for key, value in tr.trainer_env().items():
            env.insert(key, value)
        self.proc.setProcessEnvironment(env)
        self.proc.readyReadStandardError.connect(self._read)
        self.proc.finished.connect(self._done)
        self.proc.errorOccurred.connect(self._error)
        self._stderr: list[str] = []
        self._buf = b""

    def start(self) -> None:
        self.proc.start()

    @property
    def running(self) -> bool:
        return self.proc.state() != QProcess.NotRunning

    def cancel(self) -> None:
        self.proc.kill()

    def _read(self) -> None:
        self._buf += bytes(self.proc.readAllStandardError())
        *lines, self._buf = self._buf.split(b"\n")
        text = [raw.decode("utf-8", errors="replace").strip() for raw in lines]
        self._stderr.extend(text)
        for e in tr.parse_events(text):
            if e["event"] == "evaluate":
                self.progress.emit(int(e.get("done", 0)), int(e.get("of", 0)))

    def _done(self, code: int, status) -> None:
        report = tr.read_json(self.out / "report.json")
        if code == 0 and status == QProcess.NormalExit and report:
            self.finished.emit(report, "")
            return
        said = [ln for ln in self._stderr if ln and not ln.startswith("{")]
        why = said[-1] if said else f"exit status {code}"
        self.finished.emit(None, f"evaluation failed: {why}")

    def _error(self, error) -> None:
        if error == QProcess.FailedToStart:
            self.finished.emit(None, "evaluation failed: could not start Python")
