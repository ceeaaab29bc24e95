"""What a run trains on: a prepared dataset folder, procedural motions made for the run, the
user's own clips (imported and previewed here, with captions edited in a table and bad takes
removed), or the user's clips mixed with procedural motions.

Clips are imported on the app's runner; captions are saved beside the clips (captions.json) as
they are edited, so the next visit finds them. The data of a run is built by the training panel
from ``build_request()``.
"""
from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QAbstractItemView, QButtonGroup, QFileDialog, QGridLayout,
                               QHBoxLayout, QHeaderView, QLabel, QLineEdit, QPushButton,
                               QRadioButton, QSpinBox, QTableWidget, QTableWidgetItem,
                               QVBoxLayout, QWidget)

from training.data.user_clips import CAPTIONS_NAME, UserClip, action_of, open_folder, write_captions

from ...jobs.runner import Runner
from .clip_preview import ClipPreview

DATASET, PROCEDURAL, CLIPS, MIX = "dataset", "procedural", "clips", "mix"
SOURCES = ((DATASET, "Prepared dataset folder"), (PROCEDURAL, "Procedural motions"),
           (CLIPS, "My motion clips"), (MIX, "My clips + procedural motions"))
COL_FILE, COL_LENGTH, COL_CAPTION, COL_ACTION, COL_STATUS = range(5)


def dataset_summary(folder: str) -> tuple[bool, str]:
    """(usable, one line) for a prepared dataset folder."""
    path = Path(folder)
    if not folder or not path.is_dir():
        return False, "Choose a folder made by “python -m training.data build”."
    shards = {s: len(list((path / s).glob("shard_*.npz"))) for s in ("train", "val", "test")}
    if not shards["train"]:
        return False, f"{path.name} holds no training shards (train/shard_*.npz)."
    try:
        manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
        splits = manifest.get("splits", {})
        text = (f"{sum(splits.values()):,} samples ({splits.get('train', 0):,} train, "
                f"{splits.get('val', 0):,} validation, {splits.get('test', 0):,} test), "
                f"{manifest.get('total_frames', 0):,} frames")
    except (OSError, ValueError, AttributeError):
        text = f"{shards['train']} training shard(s)"
    return True, text


class DataPanel(QWidget):
    changed = Signal()

    def __init__(self, runner: Runner, parent=None) -> None:
        super().__init__(parent)
        self.clips: list[UserClip] = []
        self.folder: Path | None = None
        self.runner = runner
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.group = QButtonGroup(self)
        grid = QGridLayout()
        self.source_buttons = {}
        for i, (key, text) in enumerate(SOURCES):
            b = QRadioButton(text, self)
            self.group.addButton(b, i)
            self.source_buttons[key] = b
            grid.addWidget(b, i // 2, i % 2)
        lay.addLayout(grid)

        self.dataset_row = QWidget(self)
        row = QHBoxLayout(self.dataset_row)
        row.setContentsMargins(0, 0, 0, 0)
        self.dataset = QLineEdit(self)
        self.dataset.setPlaceholderText("dataset folder (train/, val/, test/ shards)")
        browse = QPushButton("Browse…", self)
        browse.clicked.connect(self._browse_dataset)
        row.addWidget(self.dataset, 1)
        row.addWidget(browse)
        lay.addWidget(self.dataset_row)

        self.procedural_row = QWidget(self)
        row = QHBoxLayout(self.procedural_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel("Procedural motions to make for the run:", self))
        self.procedural = QSpinBox(self)
        self.procedural.setRange(10, 200_000)
        self.procedural.setSingleStep(500)
        self.procedural.setValue(2000)
        row.addWidget(self.procedural)
        row.addStretch(1)
        lay.addWidget(self.procedural_row)

        self.clips_box = self._clips_box()
        lay.addWidget(self.clips_box, 1)

        self.summary = QLabel(self)
        self.summary.setObjectName("muted")
        self.summary.setWordWrap(True)
        lay.addWidget(self.summary)

        self.group.idToggled.connect(lambda *_: self._refresh())
        self.dataset.textChanged.connect(lambda *_: self._refresh())
        self.procedural.valueChanged.connect(lambda *_: self._refresh())
        self.source_buttons[DATASET].setChecked(True)

    def _clips_box(self) -> QWidget:
        """The user's clips: their folder, the table of captions, a preview and the buttons."""
        box = QWidget(self)
        cl = QVBoxLayout(box)
        cl.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        self.clips_folder = QLineEdit(self)
        self.clips_folder.setPlaceholderText("folder of BVH clips")
        self.clips_folder.returnPressed.connect(lambda: self.open_clips(self.clips_folder.text()))
        browse = QPushButton("Open Folder…", self)
        browse.clicked.connect(self._browse_clips)
        row.addWidget(self.clips_folder, 1)
        row.addWidget(browse)
        cl.addLayout(row)
        self.table = QTableWidget(0, 5, self)
        self.table.setHorizontalHeaderLabels(["Clip", "Length", "Caption", "Action", "Status"])
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.DoubleClicked | QAbstractItemView.EditKeyPressed
                                   | QAbstractItemView.AnyKeyPressed)
        self.table.setWordWrap(False)
        head = self.table.horizontalHeader()
        head.setSectionResizeMode(COL_CAPTION, QHeaderView.Stretch)
        for col in (COL_FILE, COL_LENGTH, COL_ACTION):
            head.setSectionResizeMode(col, QHeaderView.ResizeToContents)
        head.setSectionResizeMode(COL_STATUS, QHeaderView.Interactive)
        self.table.setColumnWidth(COL_STATUS, 130)   # an importer error shows whole when selected
        head.setMaximumSectionSize(200)
        self.table.setMinimumHeight(170)
        self.table.itemChanged.connect(self._item_changed)
        self.table.itemSelectionChanged.connect(self._selected)
        cl.addWidget(self.table, 1)
        body = QHBoxLayout()
        self.preview = ClipPreview(self)
        body.addWidget(self.preview)
        side = QVBoxLayout()
        buttons = QHBoxLayout()
        self.remove_button = QPushButton("Remove Clip", self)
        self.remove_button.setToolTip("Leave the selected clip out of training (it stays on disk)")
        self.remove_button.clicked.connect(lambda: self.set_skip(self.current_row(), True))
        self.restore_button = QPushButton("Put Back", self)
        self.restore_button.clicked.connect(lambda: self.set_skip(self.current_row(), False))
        buttons.addWidget(self.remove_button)
        buttons.addWidget(self.restore_button)
        buttons.addStretch(1)
        side.addLayout(buttons)
        self.clips_status = QLabel(self)
        self.clips_status.setObjectName("muted")
        self.clips_status.setWordWrap(True)
        side.addWidget(self.clips_status)
        hint = QLabel("Double-click a caption to describe the clip the way you will prompt for "
                      "it; the Action column shows what the model will hear.", self)
        hint.setObjectName("muted")
        hint.setWordWrap(True)
        side.addWidget(hint)
        side.addStretch(1)
        body.addLayout(side, 1)
        cl.addLayout(body)
        return box

    # -- state ------------------------------------------------------------------------------------
    @property
    def source(self) -> str:
        return SOURCES[max(0, self.group.checkedId())][0]

    @property
    def dataset_folder(self) -> str:
        """The prepared dataset folder as typed or chosen ("" when none)."""
        return self.dataset.text().strip()

    def set_dataset_folder(self, folder: str) -> None:
        self.dataset.setText(folder)

    def set_source(self, source: str) -> None:
        self.source_buttons[source].setChecked(True)

    def usable_clips(self) -> list[UserClip]:
        return [c for c in self.clips if c.ok and not c.skip]

    def problem(self) -> str:
        """Why training cannot start with this data, or ""."""
        src = self.source
        if src == DATASET:
            ok, text = dataset_summary(self.dataset.text().strip())
            return "" if ok else text
        if src in (CLIPS, MIX):
            if self.reading_clips:
                return "The clips are still being read."
            if not self.usable_clips():
                return "Open a folder with at least one readable clip."
            empty = [c.name for c in self.usable_clips() if not c.caption.strip()]
            if empty:
                return f"Write a caption for {', '.join(empty[:3])}" + ("…" if len(empty) > 3
                                                                         else ".")
        return ""

    @property
    def needs_build(self) -> bool:
        return self.source != DATASET

    def description(self) -> dict:
        """What the data is, for the run's job.json."""
        d = {"source": self.source}
        if self.source == DATASET:
            d["dataset"] = str(Path(self.dataset.text().strip()).resolve())
        if self.source in (PROCEDURAL, MIX):
            d["procedural"] = self.procedural.value()
        if self.source in (CLIPS, MIX):
            d["clips_folder"] = str(self.folder)
            d["clips"] = [{"file": c.name, "caption": c.caption} for c in self.usable_clips()]
        return d

    def build_request(self) -> tuple[list[UserClip], int]:
        """The clips and the number of procedural motions a run built from this data gets
        (``training.data.user_clips.build_user_dataset``)."""
        # every clip goes in: the builder leaves out removed and broken ones and lists why
        clips = list(self.clips) if self.source in (CLIPS, MIX) else []
        return clips, self.procedural.value() if self.source in (PROCEDURAL, MIX) else 0

    @property
    def reading_clips(self) -> bool:
        return self.runner.busy("clips")

    # -- clips ------------------------------------------------------------------------------------
    def open_clips(self, folder: str) -> None:
        """Import every clip of ``folder`` in the background and list them."""
        if not folder:
            return
        self.folder = Path(folder).expanduser()
        self.clips_folder.setText(str(self.folder))
        self.clips_status.setText("Reading clips…")
        self.runner.submit("clips", open_folder, self.folder, on_done=self._clips_read,
                           on_failed=lambda m: self._clips_read([], m),
                           on_progress=lambda f, m: self.clips_status.setText(m))
        self._refresh()

    def _clips_read(self, clips: list[UserClip], error: str = "") -> None:
        self.clips = clips
        self._fill_table()
        bad = sum(1 for c in clips if c.error)
        self.clips_status.setText(error or (f"{len(clips)} clips, {bad} could not be read"
                                            if bad else f"{len(clips)} clips"))
        if clips:
            self.table.selectRow(0)
        self._refresh()

    def _fill_table(self) -> None:
        self.table.blockSignals(True)
        self.table.setRowCount(len(self.clips))
        for row, clip in enumerate(self.clips):
            items = [QTableWidgetItem(clip.name), QTableWidgetItem(_length(clip)),
                     QTableWidgetItem(clip.caption), QTableWidgetItem(""), QTableWidgetItem("")]
            for col, item in enumerate(items):
                if col != COL_CAPTION or not clip.ok:
                    item.setFlags(item.flags() & ~Qt.ItemIsEditable)
                self.table.setItem(row, col, item)
            items[COL_FILE].setToolTip(str(clip.path))
            self._style_row(row)
        self.table.blockSignals(False)

    def _style_row(self, row: int) -> None:
        clip = self.clips[row]
        status = self.table.item(row, COL_STATUS)
        action = self.table.item(row, COL_ACTION)
        blocked = self.table.blockSignals(True)
        if clip.error:
            status.setText(f"⚠ {clip.error}")
            status.setToolTip(f"{clip.path}: {clip.error}")
            status.setForeground(QColor("#c92a2a"))
        elif clip.skip:
            status.setText("removed")
            status.setForeground(QColor("#6b7280"))
        elif not clip.caption.strip():
            status.setText("needs a caption")
            status.setForeground(QColor("#e8890c"))
        else:
            status.setText("ok")
            status.setForeground(QColor("#2f9e44"))
        action.setText(action_of(clip.caption) if clip.ok and clip.caption.strip() else "")
        action.setToolTip("The action the model is taught for this clip: what the planner reads "
                          "in the caption")
        grey = QColor("#a6acb8") if clip.skip or clip.error else QColor("#1f2430")
        for col in (COL_FILE, COL_LENGTH, COL_CAPTION, COL_ACTION):
            self.table.item(row, col).setForeground(grey)
        self.table.blockSignals(blocked)

    def current_row(self) -> int:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].row() if rows else -1

    def set_caption(self, row: int, text: str) -> None:
        self.table.item(row, COL_CAPTION).setText(text)

    def set_skip(self, row: int, skip: bool) -> None:
        if 0 <= row < len(self.clips):
            self.clips[row].skip = skip
            self._style_row(row)
            self._save_captions()
            self._selected()
            self._refresh()

    def _item_changed(self, item: QTableWidgetItem) -> None:
        if item.column() == COL_CAPTION:
            self.clips[item.row()].caption = item.text().strip()
            self._style_row(item.row())
            self._save_captions()
            self._refresh()

    def _save_captions(self) -> None:
        if self.folder is None:
            return
        try:
            write_captions(self.folder / CAPTIONS_NAME, self.clips)
        except OSError as exc:
            self.clips_status.setText(f"Captions are kept for this session only: cannot write "
                                      f"{CAPTIONS_NAME} ({exc.strerror or exc})")

    def _selected(self) -> None:
        row = self.current_row()
        clip = self.clips[row] if 0 <= row < len(self.clips) else None
        self.remove_button.setEnabled(bool(clip) and not clip.skip and clip.ok)
        self.restore_button.setEnabled(bool(clip) and clip.skip)
        if clip is None:
            self.preview.set_motion(None)
        elif clip.error:
            self.preview.set_motion(None, f"{clip.name} could not be read: {clip.error}")
        else:
            self.preview.set_motion(clip.motion, f"{clip.name} · {_length(clip)}")

    # -- layout and summary -----------------------------------------------------------------------
    def _browse_dataset(self) -> None:
        path = QFileDialog.getExistingDirectory(self, "Choose a dataset folder",
                                                self.dataset.text())
        if path:
            self.dataset.setText(path)

    def _browse_clips(self) -> None:
        path = QFileDialog.getExistingDirectory(self, "Choose a folder of motion clips",
                                                self.clips_folder.text())
        if path:
            self.open_clips(path)

    def _refresh(self) -> None:
        src = self.source
        self.dataset_row.setVisible(src == DATASET)
        self.procedural_row.setVisible(src in (PROCEDURAL, MIX))
        self.clips_box.setVisible(src in (CLIPS, MIX))
        problem = self.problem()
        if problem:
            self.summary.setText(problem)
        elif src == DATASET:
            self.summary.setText(dataset_summary(self.dataset.text().strip())[1])
        else:
            clips = self.usable_clips() if src in (CLIPS, MIX) else []
            parts = [f"{len(clips)} clip(s), {sum(c.motion.num_frames for c in clips) / 25:.0f} s"
                     ] if clips else []
            if src in (PROCEDURAL, MIX):
                parts.append(f"{self.procedural.value():,} procedural motions")
            tail = " The last fifth of each clip is kept for validation." if clips else ""
            self.summary.setText(" + ".join(parts) + " — built into the run folder when the "
                                 "run starts." + tail)
        self.changed.emit()


def _length(clip: UserClip) -> str:
    return f"{clip.motion.num_frames / 25:.1f} s" if clip.motion is not None else "–"
