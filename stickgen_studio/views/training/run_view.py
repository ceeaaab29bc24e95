"""One run in detail: status and why, progress with steps/s and time left, the controls (Stop,
Resume, Kill, Use this model, Evaluate), live loss curves, the evaluation summary when it ends,
and the tail of its log. It shows whatever ``TrainingJob`` it is bound to; the job does the
work."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QFont
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QPlainTextEdit, QProgressBar, QPushButton,
                               QSplitter, QVBoxLayout, QWidget)

from training import runs as tr

from ...jobs.training_estimates import format_duration
from ...jobs.training_process import EvaluationJob, TrainingJob
from .curves import LossCurves
from .runs_list import STATUS_COLORS
from .summary import describe_event, summary_html

LOG_LINES = 400


class RunView(QWidget):
    resume_requested = Signal(str)
    cancel_build = Signal(str)          # Stop or Kill while the run's data is being made
    use_model = Signal(str)
    message = Signal(str, str)          # text, level

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.job: TrainingJob | None = None
        self.evaluation: EvaluationJob | None = None
        self.building = False           # the bound run's data is being made (no trainer yet)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        head = QHBoxLayout()
        self.title = QLabel("No run selected", self)
        font = QFont(self.title.font())
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        self.title.setFont(font)
        self.status = QLabel(self)
        head.addWidget(self.title)
        head.addWidget(self.status)
        head.addStretch(1)
        lay.addLayout(head)
        self.reason = QLabel(self)
        self.reason.setWordWrap(True)
        self.reason.setTextInteractionFlags(Qt.TextSelectableByMouse)
        lay.addWidget(self.reason)
        self.progress = QProgressBar(self)
        self.progress.setTextVisible(False)
        self.progress.setFixedHeight(8)
        lay.addWidget(self.progress)
        self.rate = QLabel(self)
        self.rate.setObjectName("muted")
        lay.addWidget(self.rate)

        buttons = QHBoxLayout()
        self.stop_button = self._button("Stop", "Write a checkpoint and end the run; Resume "
                                        "continues it", self._stop, buttons)
        self.resume_button = self._button("Resume", "Continue from the latest checkpoint",
                                          self._resume, buttons)
        self.kill_button = self._button("Kill", "End the trainer at once; the last checkpoint "
                                        "is kept", self._kill, buttons)
        buttons.addSpacing(16)
        self.use_button = self._button("Use This Model", "Generate with this run's model in "
                                       "the Animate tab", self._use, buttons)
        self.use_button.setObjectName("primary")
        self.eval_button = self._button("Evaluate", "Generate the dataset's held-out test "
                                        "captions and measure them (the first evaluation on a "
                                        "dataset also trains its motion judge: minutes)",
                                        self._evaluate, buttons)
        self.folder_button = self._button("Open Folder", "Show the run folder", self._open,
                                          buttons)
        buttons.addStretch(1)
        lay.addLayout(buttons)

        split = QSplitter(Qt.Vertical, self)
        top = QWidget(split)
        tl = QVBoxLayout(top)
        tl.setContentsMargins(0, 0, 0, 0)
        self.curves = LossCurves(top)
        tl.addWidget(self.curves, 1)
        self.summary = QLabel(top)
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.RichText)
        self.summary.setTextInteractionFlags(Qt.TextSelectableByMouse)
        tl.addWidget(self.summary)
        self.log = QPlainTextEdit(split)
        self.log.setReadOnly(True)
        self.log.setMaximumBlockCount(LOG_LINES)
        self.log.setFont(QFont("monospace", 8))
        self.log.setPlaceholderText("The trainer's log appears here.")
        split.addWidget(top)
        split.addWidget(self.log)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        lay.addWidget(split, 1)
        self._refresh_buttons()

    def _button(self, text, tip, slot, layout) -> QPushButton:
        b = QPushButton(text, self)
        b.setToolTip(tip)
        b.clicked.connect(slot)
        layout.addWidget(b)
        return b

    # -- binding ----------------------------------------------------------------------------------
    def bind(self, job: TrainingJob | None) -> None:
        if job is self.job and job is not None:
            return
        if self.job is not None:
            for sig, slot in self._links():
                sig.disconnect(slot)
        self.job = job
        self.curves.clear_data()
        self.log.clear()
        self._eval_note = ""
        if job is None:
            self.title.setText("No run selected")
            self.status.clear()
            self.reason.clear()
            self.summary.clear()
            self.rate.clear()
            self._refresh_buttons()
            return
        for sig, slot in self._links():
            sig.connect(slot)
        self.title.setText(job.run.name)
        self.curves.add_events(job.all_events)
        lines = [describe_event(x) if kind == "event" else f"│ {x}" for kind, x in job.recent]
        self.log.appendPlainText("\n".join(ln for ln in lines if ln))
        self._status(job.info)

    def _links(self):
        j = self.job
        return ((j.events, self._events), (j.log, self._log_lines),
                (j.status_changed, self._status))

    def _events(self, events: list[dict]) -> None:
        self.curves.add_events(events)
        self._log_events(events)
        self._progress()

    def _log_events(self, events: list[dict]) -> None:
        lines = [describe_event(e) for e in events]
        lines = [ln for ln in lines if ln]
        if lines:
            self.log.appendPlainText("\n".join(lines))

    def _log_lines(self, lines: list[str]) -> None:
        self.log.appendPlainText("\n".join(f"│ {ln}" for ln in lines))

    def _status(self, info: tr.RunInfo) -> None:
        color = STATUS_COLORS.get(info.status, "#6b7280")
        self.status.setText(f"<span style='color:{color}'>● {info.status}</span>")
        self.reason.setText(info.reason[:1].upper() + info.reason[1:] if info.reason else "")
        self.reason.setStyleSheet("color: #c92a2a;" if info.status in (tr.FAILED,
                                                                         tr.INTERRUPTED) else "")
        self._progress()
        self._show_summary()
        self._refresh_buttons()

    def _progress(self) -> None:
        job = self.job
        if job is None:
            return
        info = job.info
        steps = [e for e in job.all_events if e["event"] == "step"][-6:]
        total = info.steps or 1
        last_step = steps[-1]["step"] if steps else info.step
        self.progress.setMaximum(total)
        self.progress.setValue(min(total, last_step))
        parts = [f"step {last_step:,} of {info.steps:,}" if info.steps else "no steps yet"]
        if len(steps) >= 2 and steps[-1]["time"] > steps[0]["time"]:
            rate = (steps[-1]["step"] - steps[0]["step"]) / (steps[-1]["time"] - steps[0]["time"])
            parts.append(f"{rate:.2f} steps/s")
        if steps and steps[-1].get("samples_per_s"):
            parts.append(f"{steps[-1]['samples_per_s']:.0f} samples/s")
            parts.append(f"{steps[-1].get('frames_per_s', 0):,.0f} frames/s")
        if info.live and steps:
            parts.append(f"about {format_duration(steps[-1].get('eta_s'))} left")
        elif info.live:
            prep = next((e for e in reversed(job.all_events) if e["event"] == "prepare"), None)
            if prep is not None:
                parts.append(describe_event(prep))
        self.rate.setText(" · ".join(parts))

    def _show_summary(self) -> None:
        job = self.job
        if job is None or job.info.live:
            self.summary.clear()
            return
        report = tr.read_json(job.run / "eval" / "report.json")
        self.summary.setText(summary_html(job.info, job.all_events, report, self._eval_note))

    def shows(self, run: str | Path) -> bool:
        """Whether this view is showing run folder ``run``."""
        return self.job is not None and str(self.job.run) == str(run)

    def show_reason(self, text: str) -> None:
        """Say what the run is doing (e.g. how far the making of its data is)."""
        self.reason.setText(text)

    def set_building(self, on: bool) -> None:
        """The bound run's data is (no longer) being made before its trainer starts."""
        self.building = on
        self._refresh_buttons()

    def _refresh_buttons(self) -> None:
        info = self.job.info if self.job is not None else None
        live = bool(info and info.live)
        # While its data is made, a run has no trainer yet but is busy all the same: Stop and
        # Kill end the making, and there is nothing to resume.
        self.stop_button.setEnabled(self.building or (
            live and info.status != tr.STOPPING and bool(info.pid)))
        self.kill_button.setEnabled(self.building or (live and bool(info.pid)))
        self.resume_button.setEnabled(bool(info and info.can_resume) and not self.building)
        self.use_button.setEnabled(bool(info and info.model_path))
        evaluating = self.evaluation is not None and self.evaluation.running
        self.eval_button.setEnabled(bool(info and info.model_path) and not evaluating
                                    and self._test_split() is not None)
        self.eval_button.setText("Evaluating…" if evaluating else "Evaluate")
        self.folder_button.setEnabled(info is not None)

    def _test_split(self) -> Path | None:
        data = tr.read_run_config(self.job.run).get("data_dir", "")
        return Path(data) if data and any((Path(data) / "test").glob("shard_*.npz")) else None

    # -- actions ----------------------------------------------------------------------------------
    def _stop(self) -> None:
        if self.job is not None and self.building:
            self.cancel_build.emit(str(self.job.run))
        elif self.job is not None:
            self.job.stop()

    def _resume(self) -> None:
        if self.job is not None:
            self.resume_requested.emit(str(self.job.run))

    def _kill(self) -> None:
        if self.job is not None and self.building:
            self.cancel_build.emit(str(self.job.run))
        elif self.job is not None and not self.job.kill():
            self.message.emit("The trainer had already ended.", "info")

    def _use(self) -> None:
        if self.job is not None and self.job.info.model_path:
            self.use_model.emit(self.job.info.model_path)

    def _open(self) -> None:
        if self.job is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.job.run)))

    def _evaluate(self) -> None:
        job, data = self.job, self._test_split()
        if job is None or data is None or not job.info.model_path:
            return
        ev = EvaluationJob(job.run, job.info.model_path, str(data), parent=self)
        self.evaluation = ev
        run = job.run

        def progress(done: int, of: int) -> None:
            if self.job is not None and self.job.run == run:
                self.rate.setText(f"evaluating: {done} of {of} held-out captions generated")

        def finished(report, error: str) -> None:
            self.evaluation = None
            if self.job is not None and self.job.run == run:
                self._eval_note = error
                self._show_summary()
                self._refresh_buttons()
            if error:
                self.message.emit(error, "error")
        ev.progress.connect(progress)
        ev.finished.connect(finished)
        ev.start()
        self._refresh_buttons()
