"""The Training tab: choose data and a method, start a job in its own process, watch it learn,
stop, resume or kill it, and use the model it makes.

Left: what to train on (``training.data_panel``) and how (``training.settings_panel``) with the
Start button. Right: the runs in the runs folder (``training.runs_list``) and the selected
one in detail (``training.run_view``). Every live run — started here, before a restart of the
app, or from a terminal — is followed by a ``TrainingJob``; data made for a run (procedural
motions, the user's clips) is built on a worker thread into the run folder before its trainer
starts.
"""
from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths, Qt, Signal
from PySide6.QtWidgets import (QFileDialog, QFrame, QHBoxLayout, QLabel, QProgressBar,
                               QPushButton, QScrollArea, QSplitter, QVBoxLayout, QWidget)

from training import runs as tr
from training.data.user_clips import build_user_dataset

from ..jobs.training_estimates import estimate_preparation, measured_speeds
from ..jobs.training_process import RunBusy, TrainingJob
from ..jobs.runner import Runner
from .panel_parts import section
from .training.data_panel import DataPanel
from .training.run_view import RunView
from .training.runs_list import RunsList
from .training.settings_panel import SettingsPanel


def default_runs_root() -> Path:
    base = QStandardPaths.writableLocation(QStandardPaths.AppDataLocation)
    return Path(base or Path.home() / ".stickgen") / "runs"


class TrainingPanel(QWidget):
    use_model = Signal(str)         # a trained checkpoint to generate with
    message = Signal(str, str)      # text, level (info, warning, error)

    def __init__(self, runs_root: str | Path | None = None, settings: QSettings | None = None,
                 parent: QWidget | None = None, poll_ms: int = 250,
                 runner: Runner | None = None) -> None:
        super().__init__(parent)
        self._own_runner = runner is None   # standing alone (a test): its own runner
        self.runner = runner or Runner(self)
        self.settings = settings or QSettings()
        self.root = Path(runs_root or self.settings.value("training/runs_folder", "")
                         or default_runs_root())
        self.poll_ms = poll_ms
        self.jobs: dict[str, TrainingJob] = {}
        self.found: list[tr.RunInfo] = []   # the runs folder's runs, newest first
        self.building: dict[str, str] = {}   # run path -> what is being built

        split = QSplitter(Qt.Horizontal, self)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(split)

        left = self._start_side(split)

        right = QWidget(split)
        rl = QVBoxLayout(right)
        rl.setContentsMargins(12, 8, 12, 8)
        head = QHBoxLayout()
        head.addWidget(section("Runs", right))
        self.root_label = QLabel(right)
        self.root_label.setObjectName("muted")
        head.addWidget(self.root_label, 1)
        change = QPushButton("Change Folder…", right)
        change.clicked.connect(self._choose_root)
        head.addWidget(change)
        rl.addLayout(head)
        rsplit = QSplitter(Qt.Vertical, right)
        self.runs = RunsList(rsplit)
        self.view = RunView(rsplit)
        rsplit.addWidget(self.runs)
        rsplit.addWidget(self.view)
        rsplit.setSizes([160, 600])
        rl.addWidget(rsplit, 1)
        split.addWidget(left)
        split.addWidget(right)
        split.setSizes([620, 820])

        self.runs.run_selected.connect(self.show_run)
        self.view.resume_requested.connect(self.resume)
        self.view.cancel_build.connect(self._cancel_build)
        self.view.use_model.connect(self.use_model)
        self.view.message.connect(self._say)
        self.data.changed.connect(self._refresh_start)
        self.settings_panel.changed.connect(self._refresh_start)
        self.data.set_dataset_folder(str(self.settings.value("training/dataset", "")))
        self.set_root(self.root)

    def _start_side(self, split: QSplitter) -> QFrame:
        """What to train on and how, with the Start button and the data build's progress."""
        left = QFrame(split)
        left.setObjectName("panel")
        ll = QVBoxLayout(left)
        ll.setContentsMargins(12, 8, 12, 12)
        scroll = QScrollArea(left)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.NoFrame)
        inner = QWidget(scroll)
        il = QVBoxLayout(inner)
        il.setContentsMargins(0, 0, 4, 0)
        il.addWidget(section("Data", inner))
        self.data = DataPanel(self.runner, inner)
        il.addWidget(self.data)
        il.addWidget(section("Method and settings", inner))
        self.settings_panel = SettingsPanel(inner)
        il.addWidget(self.settings_panel)
        il.addStretch(1)
        scroll.setWidget(inner)
        ll.addWidget(scroll, 1)
        self.start_button = QPushButton("Start Training", left)
        self.start_button.setObjectName("primary")
        self.start_button.clicked.connect(self.start)
        self.start_status = QLabel(left)
        self.start_status.setWordWrap(True)
        self.build_progress = QProgressBar(left)
        self.build_progress.setFixedHeight(6)
        self.build_progress.setTextVisible(False)
        self.build_progress.hide()
        ll.addWidget(self.build_progress)
        ll.addWidget(self.start_status)
        ll.addWidget(self.start_button)
        return left

    # -- runs folder ------------------------------------------------------------------------------
    def set_root(self, root: str | Path) -> None:
        for job in self.jobs.values():
            job.close()
        self.jobs = {}
        self.root = Path(root)
        self.root_label.setText(str(self.root))
        self.refresh_runs()
        first = next(iter(self.runs.items), "")
        if first:
            self.runs.select(first)

    def _choose_root(self) -> None:
        path = QFileDialog.getExistingDirectory(self, "Folder for training runs", str(self.root))
        if path:
            self.settings.setValue("training/runs_folder", path)
            self.set_root(path)

    def refresh_runs(self) -> None:
        """Re-read every run folder; follow the live ones (re-attaching after a restart)."""
        runs = self.found = tr.list_runs(self.root)
        self.runs.set_runs(runs)
        for info in runs:
            if info.live or str(info.path) in self.jobs:
                job = self.job_for(info.path)
                self.runs.update_run(job.info)
        self.settings_panel.set_speeds(measured_speeds(runs))
        self.settings_panel.set_bases([(f"{r.name} ({r.variant})", r.model_path) for r in runs
                                       if r.model_path.endswith(tr.MODEL_FILE)])

    def job_for(self, run: str | Path) -> TrainingJob:
        key = str(run)
        job = self.jobs.get(key)
        if job is None:
            job = TrainingJob(run, self, self.poll_ms)
            job.status_changed.connect(self.runs.update_run)
            job.status_changed.connect(lambda *_: self._refresh_start())
            job.progressed.connect(self.runs.update_run)
            job.ended.connect(self._ended)
            self.jobs[key] = job
            job.follow()
        return job

    def show_run(self, path: str) -> None:
        job = self.job_for(path)
        self.view.bind(job)
        self.view.set_building(path in self.building)
        if path in self.building:
            self.view.show_reason(self.building[path])

    # -- starting ---------------------------------------------------------------------------------
    def _refresh_start(self) -> None:
        self.settings_panel.set_preparation(*estimate_preparation(self.data.description(),
                                                                  self.found))
        problem = self.data.problem() or self.settings_panel.problem()
        # One run at a time: two trainers on these cores would each run at half speed.
        training = any(job.info.live for job in self.jobs.values())
        self.start_button.setEnabled(not problem and not self.building and not training)
        if problem:
            self.start_status.setText(problem)
        elif self.building:
            self.start_status.setText("Preparing the data of the new run…")
        elif training:
            self.start_status.setText("A run is already training: stop it or let it finish "
                                      "to start another.")
        else:
            self.start_status.setText("")

    def start(self) -> Path | None:
        """Create a run folder from the current choices and start it; returns the folder."""
        problem = self.data.problem()
        if problem:
            self._say(problem, "warning")
            return None
        dataset = self.data.dataset_folder
        try:
            self.settings_panel.config(dataset or "data")
            method, variant = self.settings_panel.method_key, self.settings_panel.variant_name()
            run = tr.new_run_dir(self.root, f"{method}-{variant or 'model'}")
        except (ValueError, TypeError, OSError) as exc:
            self._say(f"Cannot start: {exc}", "error")
            return None
        data_dir = run / "data" if self.data.needs_build else Path(dataset).resolve()
        config = self.settings_panel.config(str(data_dir))
        tr.write_config(run, config)
        tr.write_job(run, {"format": "stickgen.training-job", "version": 1, "method": method,
                           "variant": variant, "data": self.data.description(),
                           "created": round(time.time(), 3), "launches": []})
        if not self.data.needs_build:
            self.settings.setValue("training/dataset", dataset)
        self.refresh_runs()
        self.runs.select(str(run))
        if self.data.needs_build:
            self._build_then_launch(run, data_dir)
        else:
            self._launch(run)
        return run

    def _build_then_launch(self, run: Path, data_dir: Path) -> None:
        key = str(run)
        self.building[key] = "building the run's dataset…"
        self.build_progress.setValue(0)
        self.build_progress.show()
        if self.view.shows(key):
            self.view.set_building(True)

        def progress(fraction: float, text: str) -> None:
            self.build_progress.setValue(int(100 * fraction))
            self.building[key] = f"building the run's dataset: {text}"
            if self.view.shows(key):
                self.view.show_reason(self.building[key])

        clips, procedural = self.data.build_request()
        self.runner.submit("build", build_user_dataset, clips, data_dir, procedural=procedural,
                           on_progress=progress, on_done=lambda _: self._build_finished(run),
                           on_failed=lambda m: self._build_finished(run, m or "unknown error"),
                           on_cancelled=lambda: self._build_finished(run, "cancelled"))
        self._refresh_start()

    def _build_finished(self, run: Path, error: str = "") -> None:
        key = str(run)
        if key not in self.building:
            return   # already ended (a Stop ends it before the worker notices)
        self.building.pop(key)
        self.build_progress.hide()
        if self.view.shows(key):
            self.view.set_building(False)
        if error:
            stopped = error == "cancelled"
            job = tr.read_json(run / tr.JOB_FILE)
            job["build_error"] = "stopped while its data was being made" if stopped else error
            tr.write_job(run, job)
            if stopped:
                self._say(f"Training run {run.name} was stopped while its data was being made.")
            else:
                self._say(f"The run's data could not be built: {error}", "error")
            self.job_for(run).poll()
        else:
            self._launch(run)
        self._refresh_start()

    def _launch(self, run: Path, resume: str = "auto") -> bool:
        source = (tr.read_json(run / tr.JOB_FILE).get("data") or {}).get("source", "dataset")
        if source != "dataset" and not (run / "data" / "manifest.json").exists() \
                and str(run) not in self.building:
            self._say("This run's data was never finished (the app closed while making it); "
                      "start a new run instead.", "error")
            return False
        job = self.job_for(run)
        try:
            job.start(resume)
        except (RunBusy, OSError) as exc:
            self._say(str(exc), "error")
            return False
        self.runs.update_run(job.info)
        return True

    def _cancel_build(self, path: str) -> None:
        if path in self.building:
            self.runner.cancel("build")
            self._build_finished(Path(path), "cancelled")

    def resume(self, path: str) -> bool:
        return self._launch(Path(path), "auto")

    def _ended(self, info: tr.RunInfo) -> None:
        self.refresh_runs()
        level = "info" if info.status in (tr.FINISHED, tr.STOPPED) else "error"
        self._say(f"Training run {info.name}: {info.reason}", level)

    def _say(self, text: str, level: str = "info") -> None:
        self.start_status.setText(text)
        self.message.emit(text, level)

    def shutdown(self) -> None:
        """Stop following (trainers keep running; the next start re-attaches)."""
        for job in self.jobs.values():
            job.close()
        self.runner.cancel("build")
        if self._own_runner:
            self.runner.shutdown()
