"""The export dialog: format, file, picture size, frame rate, range and look; the export runs
on the app's runner with a progress bar and can be cancelled."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QComboBox, QDialog, QDoubleSpinBox, QFileDialog, QFormLayout,
                               QHBoxLayout, QLabel, QLineEdit, QProgressBar, QPushButton,
                               QSpinBox, QVBoxLayout, QWidget)

from engine.export import ExportOptions
from engine.style import STYLES

from ..document.scene import shot_size
from ..jobs.export import run_export, snapshot
from ..jobs.runner import Runner

FORMATS = (("MP4 video", "mp4", ".mp4"), ("Animated GIF", "gif", ".gif"),
           ("PNG frames (folder)", "png", ""), ("Motion JSON", "motion.json", ".motion.json"),
           ("BVH (one actor)", "bvh", ".bvh"))
SIZES = ((1280, 720), (1920, 1080), (854, 480), (640, 360), (1080, 1080))


class ExportDialog(QDialog):
    exported = Signal(str)

    def __init__(self, doc, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc, self.runner = doc, runner
        self.setWindowTitle("Export")
        self.setMinimumWidth(460)
        lay = QVBoxLayout(self)
        title = QLabel("Export the animation", self)
        title.setObjectName("title")
        lay.addWidget(title)
        note = QLabel("Pictures are drawn through the shot camera, exactly as the viewport "
                      "shows them.", self)
        note.setObjectName("muted")
        note.setWordWrap(True)
        lay.addWidget(note)
        lay.addLayout(self._form())
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(False)
        self.progress.setFixedHeight(6)
        lay.addWidget(self.progress)
        self.status = QLabel("", self)
        self.status.setObjectName("muted")
        self.status.setWordWrap(True)
        lay.addWidget(self.status)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.export_button = QPushButton("Export", self)
        self.export_button.setObjectName("primary")
        self.export_button.clicked.connect(self.start_export)
        self.cancel_button = QPushButton("Close", self)
        self.cancel_button.clicked.connect(self._cancel_or_close)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.export_button)
        lay.addLayout(buttons)
        self.reset()

    def _form(self) -> QFormLayout:
        """The fields: format, file, size, frame rate, frames and look."""
        form = QFormLayout()
        form.setSpacing(8)
        self.format = QComboBox(self)
        for label, fmt, _ in FORMATS:
            self.format.addItem(label, fmt)
        self.format.currentIndexChanged.connect(self._format_changed)
        form.addRow("Format", self.format)
        path_row = QHBoxLayout()
        self.path = QLineEdit(self)
        browse = QPushButton("Browse…", self)
        browse.clicked.connect(self._browse)
        path_row.addWidget(self.path, 1)
        path_row.addWidget(browse)
        form.addRow("File", path_row)
        size_row = QHBoxLayout()
        self.size_preset = QComboBox(self)
        for w, h in SIZES:
            self.size_preset.addItem(f"{w} × {h}", (w, h))
        self.size_preset.addItem("Custom", None)
        self.size_preset.activated.connect(self._preset)
        self.width_box, self.height_box = QSpinBox(self), QSpinBox(self)
        for b in (self.width_box, self.height_box):
            b.setRange(16, 8192)
            b.setSingleStep(2)
        size_row.addWidget(self.size_preset)
        size_row.addWidget(self.width_box)
        size_row.addWidget(QLabel("×", self))
        size_row.addWidget(self.height_box)
        form.addRow("Size", size_row)
        self.fps = QDoubleSpinBox(self)
        self.fps.setRange(1.0, 120.0)
        self.fps.setDecimals(2)
        self.fps.setSuffix(" fps")
        form.addRow("Frame rate", self.fps)
        range_row = QHBoxLayout()
        self.range_mode = QComboBox(self)
        self.range_mode.addItem("Whole clip", "all")
        self.range_mode.addItem("Selected frames", "selection")
        self.range_mode.addItem("Custom", "custom")
        self.range_mode.activated.connect(self._range_mode)
        self.start, self.stop = QSpinBox(self), QSpinBox(self)
        range_row.addWidget(self.range_mode)
        range_row.addWidget(self.start)
        range_row.addWidget(QLabel("to", self))
        range_row.addWidget(self.stop)
        form.addRow("Frames", range_row)
        self.style_box = QComboBox(self)
        self.style_box.addItem("As in the viewport", None)
        for name in STYLES:
            self.style_box.addItem(name.capitalize(), name)
        form.addRow("Look", self.style_box)
        return form

    # -- filling in -----------------------------------------------------------------------------
    def reset(self) -> None:
        """Fill the fields from the project: its shot size, fps, and the selection."""
        w, h = shot_size(self.doc.project)
        self.width_box.setValue(w)
        self.height_box.setValue(h)
        i = SIZES.index((w, h)) if (w, h) in SIZES else len(SIZES)
        self.size_preset.setCurrentIndex(i)
        self.fps.setValue(self.doc.fps)
        n = max(1, self.doc.project.num_frames)
        for b in (self.start, self.stop):
            b.setRange(0, n)
        self.start.setValue(0)
        self.stop.setValue(n)
        has_range = self.doc.selection.range is not None
        self.range_mode.setCurrentIndex(1 if has_range else 0)
        self._range_mode()
        if not self.path.text():
            base = self.doc.path.with_suffix("") if self.doc.path else Path.home() / "animation"
            self.path.setText(str(base) + ".mp4")
        self.progress.setValue(0)
        self.status.setText("")

    def _format_changed(self) -> None:
        fmt = self.format.currentData()
        ext = next(e for _, f, e in FORMATS if f == fmt)
        text = self.path.text()
        for _, _, e in FORMATS:
            if e and text.endswith(e):
                text = text[: -len(e)]
                break
        self.path.setText(text + (ext or "_frames/"))
        picture = fmt in ("mp4", "gif", "png")
        for w in (self.size_preset, self.width_box, self.height_box, self.style_box):
            w.setEnabled(picture)

    def _browse(self) -> None:
        fmt = self.format.currentData()
        if fmt == "png":
            path = QFileDialog.getExistingDirectory(self, "Folder for the PNG frames")
        else:
            path, _ = QFileDialog.getSaveFileName(self, "Export to", self.path.text())
        if path:
            self.path.setText(path)

    def _preset(self) -> None:
        size = self.size_preset.currentData()
        if size:
            self.width_box.setValue(size[0])
            self.height_box.setValue(size[1])

    def _range_mode(self) -> None:
        mode = self.range_mode.currentData()
        rng = self.doc.selection.range
        if mode == "selection" and rng is None:
            self.range_mode.setCurrentIndex(0)
            mode = "all"
        if mode == "all":
            self.start.setValue(0)
            self.stop.setValue(self.stop.maximum())
        elif mode == "selection":
            self.start.setValue(rng[0])
            self.stop.setValue(rng[1])
        for b in (self.start, self.stop):
            b.setEnabled(mode == "custom")

    def options(self) -> ExportOptions:
        style = self.style_box.currentData()
        return ExportOptions(width=self.width_box.value(), height=self.height_box.value(),
                             fps=self.fps.value(), start=self.start.value(),
                             end=self.stop.value(),
                             style=style if style is not None else self.doc.style())

    # -- running --------------------------------------------------------------------------------
    def start_export(self) -> bool:
        path = str(Path(self.path.text().strip()).expanduser()) if self.path.text().strip() else ""
        if not path:
            self.status.setText("Choose where to write the export.")
            return False
        try:
            source = snapshot(self.doc)
        except ValueError as exc:
            self.status.setText(str(exc))
            return False
        self.export_button.setEnabled(False)
        self.cancel_button.setText("Cancel")
        self.status.setText("Exporting…")
        self.progress.setValue(0)
        self.runner.submit("export", run_export, source, path, self.options(),
                           self.format.currentData(), on_done=self._done,
                           on_failed=self._failed, on_cancelled=self._cancelled,
                           on_progress=lambda f, m: self.progress.setValue(int(f * 1000)))
        return True

    def _finish(self, text: str) -> None:
        self.export_button.setEnabled(True)
        self.cancel_button.setText("Close")
        self.status.setText(text)

    def _done(self, path) -> None:
        self.progress.setValue(1000)
        self._finish(f"Wrote {path}")
        self.exported.emit(str(path))

    def _failed(self, message: str) -> None:
        self._finish(f"Export failed: {message}")

    def _cancelled(self) -> None:
        self.progress.setValue(0)
        self._finish("Export cancelled; nothing was written.")

    @property
    def running(self) -> bool:
        return self.runner.busy("export")

    def _cancel_or_close(self) -> None:
        if self.running:
            self.runner.stop("export")  # it stops at its next frame and reports "cancelled"
        else:
            self.close()
