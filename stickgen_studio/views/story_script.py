"""The script editor of the Story panel: the scene's actors, the beats of the selected actor and
the camera cues, as tables with editable cells, plus the scene's length.

Every edit is tried on a copy of the script and checked by the script's own validation
(engine.story.script.parse_script); an edit that makes the script invalid is not applied, the
table goes back to what it was and ``problem`` carries the ScriptError text. The editor holds a
draft: it reaches the document only when the panel stages it.
"""
from __future__ import annotations

import copy
import math
from typing import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDoubleSpinBox, QHBoxLayout,
                               QHeaderView, QLabel, QPushButton, QStyledItemDelegate,
                               QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from engine.story.script import (MAX_SCENE_SECONDS, MIN_SCENE_SECONDS, Script, ScriptError,
                                 beat_times, parse_script, script_to_dict)

from .story_columns import (ACTOR_COLUMNS, BEAT_COLUMNS, CAMERA_COLUMNS, CellError, Column,
                            get, put, read, show)


class ChoiceDelegate(QStyledItemDelegate):
    """A drop-down for the columns that take one of a few names; the pick applies at once."""

    def __init__(self, columns: tuple[Column, ...], names: Callable[[], list[str]],
                 parent=None) -> None:
        super().__init__(parent)
        self.columns, self.names = columns, names

    def createEditor(self, parent, option, index):
        col = self.columns[index.column()]
        if col.choices is None:
            return super().createEditor(parent, option, index)
        box = QComboBox(parent)
        box.addItems([c or "—" for c in col.choices(self.names())])
        box.activated.connect(lambda _=0, b=box: (self.commitData.emit(b),
                                                  self.closeEditor.emit(b)))
        return box

    def setEditorData(self, editor, index):
        if isinstance(editor, QComboBox):
            text = index.data() or "—"
            editor.setCurrentIndex(max(0, editor.findText(text)))
        else:
            super().setEditorData(editor, index)

    def setModelData(self, editor, model, index):
        if isinstance(editor, QComboBox):
            text = editor.currentText()
            model.setData(index, "" if text == "—" else text)
        else:
            super().setModelData(editor, model, index)


def _table(columns: tuple[Column, ...], parent: QWidget, rows_hint: int) -> QTableWidget:
    t = QTableWidget(0, len(columns), parent)
    t.setHorizontalHeaderLabels([c.header for c in columns])
    for i, c in enumerate(columns):
        t.horizontalHeaderItem(i).setToolTip(c.tip or c.header)
        t.setColumnWidth(i, c.width)
    t.horizontalHeader().setSectionResizeMode(QHeaderView.Interactive)
    t.horizontalHeader().setStretchLastSection(True)
    t.verticalHeader().setVisible(False)
    t.verticalHeader().setDefaultSectionSize(24)
    t.setSelectionBehavior(QAbstractItemView.SelectRows)
    t.setSelectionMode(QAbstractItemView.SingleSelection)
    t.setEditTriggers(QAbstractItemView.DoubleClicked | QAbstractItemView.EditKeyPressed
                      | QAbstractItemView.AnyKeyPressed)
    t.setMinimumHeight(24 * rows_hint + 30)
    return t


def _fit(table: QTableWidget, rows_hint: int, most: int = 6) -> None:
    """As tall as its rows (at least ``rows_hint``, at most ``most``), so the short actor and
    cue lists leave the room to the beats."""
    rows = min(max(table.rowCount(), rows_hint), most)
    bar = table.horizontalScrollBar().sizeHint().height()
    table.setFixedHeight(table.horizontalHeader().height() + 24 * rows + 2 * table.frameWidth()
                         + bar + 2)


def _auto_length(script: Script) -> float:
    end = max(e for a in script.actors for _, e in beat_times(a))
    return max(MIN_SCENE_SECONDS, math.ceil(end * 10 - 1e-6) / 10)


class ScriptEditor(QWidget):
    changed = Signal(object)     # the new Script (None: cleared)
    problem = Signal(str)        # why an edit was not applied

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._script: Script | None = None
        self._data: dict = {}
        self._auto = True        # the scene's length follows its beats
        self._loading = False
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(4)
        self.actors = self._section(lay, "Actors", ACTOR_COLUMNS, 3, self._add_actor,
                                    self._remove_actor)
        self.beats_title = QLabel("Beats", self)
        self.beats = self._section(lay, self.beats_title, BEAT_COLUMNS, 4, self._add_beat,
                                   self._remove_beat)
        self.camera = self._section(lay, "Camera cues", CAMERA_COLUMNS, 2, self._add_cue,
                                    self._remove_cue)
        self.length = QDoubleSpinBox(self)
        self.length.setRange(0.0, MAX_SCENE_SECONDS)
        self.length.setDecimals(1)
        self.length.setSuffix(" s")
        self.length.setSpecialValueText("Auto")
        self.length.setKeyboardTracking(False)
        self.length.setToolTip("How long the scene is; Auto ends it when the last beat ends")
        self.length.valueChanged.connect(self._length_changed)
        self._cue_row.insertWidget(0, QLabel("Length", self))
        self._cue_row.insertWidget(1, self.length)
        self.actors.currentCellChanged.connect(lambda *_: self._fill_beats())
        self.set_script(None)

    def _section(self, lay, title, columns, rows_hint, add, remove) -> QTableWidget:
        head = title if isinstance(title, QLabel) else QLabel(title, self)
        head.setObjectName("section")
        lay.addWidget(head)
        table = _table(columns, self, rows_hint)
        table.setItemDelegate(ChoiceDelegate(columns, self.names, table))
        table.itemChanged.connect(lambda item, t=table, c=columns: self._cell_edited(t, c, item))
        lay.addWidget(table, 1 if columns is BEAT_COLUMNS else 0)
        row = QHBoxLayout()
        row.addStretch(1)
        name = head.text()
        kind = {"Actors": "actor", "Camera cues": "cue"}.get(name, "beat")
        plus, minus = QPushButton(f"Add {kind}", self), QPushButton(f"Remove {kind}", self)
        plus.clicked.connect(add)
        minus.clicked.connect(remove)
        row.addWidget(plus)
        row.addWidget(minus)
        lay.addLayout(row)
        self._buttons = getattr(self, "_buttons", {})
        self._buttons[name] = (plus, minus)
        if kind == "cue":
            self._cue_row = row
        return table

    # -- the script -----------------------------------------------------------------------------
    def script(self) -> Script | None:
        return self._script

    def names(self) -> list[str]:
        return [a["name"] for a in self._data.get("actors", [])]

    def set_script(self, script: Script | None, emit: bool = False) -> None:
        self._script = script
        self._data = script_to_dict(script) if script is not None else {}
        self._auto = script is None or abs(script.duration - _auto_length(script)) < 1e-6
        self._refresh()
        if emit:
            self.changed.emit(script)

    def _edit(self, change: Callable[[dict], None]) -> bool:
        """Apply ``change`` to a copy of the script; keep it only if the script stays valid."""
        if self._script is None:
            return False
        data = copy.deepcopy(self._data)
        try:
            change(data)
            if self._auto:
                data["duration"] = 0.0       # re-computed from the beats by the script
            script = parse_script(data)
        except (CellError, ScriptError) as exc:
            self._refresh()                  # the cell goes back to the script's value
            self.problem.emit(str(exc))
            return False
        self.set_script(script, emit=True)
        return True

    def _cell_edited(self, table: QTableWidget, columns, item: QTableWidgetItem) -> None:
        if self._loading:
            return
        row, col = item.row(), columns[item.column()]
        prefix, index = self._where(table, row)
        where = f"{prefix}.{'.'.join(col.path)}"

        def change(data: dict) -> None:
            put(self._rows_of(table, data)[index], col.path, read(col, item.text(), where))

        self._edit(change)

    def _where(self, table: QTableWidget, row: int) -> tuple[str, int]:
        if table is self.actors:
            return f"actors[{row}]", row
        if table is self.camera:
            return f"camera[{row}]", row
        return f"actors[{self.current_actor()}].beats[{row}]", row

    def _rows_of(self, table: QTableWidget, data: dict) -> list[dict]:
        if table is self.actors:
            return data["actors"]
        if table is self.camera:
            return data.setdefault("camera", [])
        return data["actors"][self.current_actor()]["beats"]

    def current_actor(self) -> int:
        n = len(self._data.get("actors", []))
        return min(max(self.actors.currentRow(), 0), max(n - 1, 0))

    def _length_changed(self, seconds: float) -> None:
        if self._loading:
            return
        auto_before = self._auto
        self._auto = seconds == 0
        if not self._edit(lambda d: d.__setitem__("duration", float(seconds))):
            self._auto = auto_before
            self._refresh()          # shows the length as it was (Auto again, if it was)

    # -- add and remove -------------------------------------------------------------------------
    def _add_actor(self) -> None:
        names = {n.casefold() for n in self.names()}
        name = next(f"actor {i}" for i in range(1, 100) if f"actor {i}" not in names)
        xs = [get(a, ("start", "x")) or 0.0 for a in self._data.get("actors", [])]
        actor = {"name": name, "start": {"x": max(xs, default=-1.5) + 1.5, "z": 0.0},
                 "beats": [{"duration": 2.0, "action": "idle", "text": "stands and waits"}]}
        if self._edit(lambda d: d["actors"].append(actor)):
            self.actors.setCurrentCell(len(self._data["actors"]) - 1, 0)

    def _remove_actor(self) -> None:
        i = self.current_actor()
        self._edit(lambda d: d["actors"].pop(i))

    def _add_beat(self) -> None:
        i = self.current_actor()
        beat = {"duration": 1.0, "action": "idle", "text": "stands and waits"}
        self._edit(lambda d: d["actors"][i]["beats"].append(beat))

    def _remove_beat(self) -> None:
        i, j = self.current_actor(), max(self.beats.currentRow(), 0)
        self._edit(lambda d: d["actors"][i]["beats"].pop(j))

    def _add_cue(self) -> None:
        cues = self._data.get("camera", [])
        start = (cues[-1].get("start", 0.0) + 1.0) if cues else 0.0
        cue = {"start": min(start, max(0.0, self._script.duration - 0.5)) if self._script
               else 0.0, "move": "static"}
        self._edit(lambda d: d.setdefault("camera", []).append(cue))

    def _remove_cue(self) -> None:
        j = self.camera.currentRow()
        if j >= 0:
            self._edit(lambda d: d["camera"].pop(j))

    # -- showing --------------------------------------------------------------------------------
    def _refresh(self) -> None:
        self._loading = True
        try:
            row = self.current_actor()
            self._fill(self.actors, ACTOR_COLUMNS, self._data.get("actors", []))
            if self._data.get("actors"):
                self.actors.setCurrentCell(min(row, len(self._data["actors"]) - 1),
                                           max(self.actors.currentColumn(), 0))
            self._fill(self.camera, CAMERA_COLUMNS, self._data.get("camera", []))
            _fit(self.actors, 2)
            _fit(self.camera, 1)
            self.length.setValue(0.0 if self._auto or self._script is None
                                 else self._script.duration)
            if self._script is not None and self._auto:
                self.length.setToolTip(f"Auto: {self._script.duration:g} s, when the last beat "
                                       "ends")
        finally:
            self._loading = False
        self._fill_beats()
        has = self._script is not None
        for plus, minus in self._buttons.values():
            plus.setEnabled(has)
            minus.setEnabled(has)
        self.length.setEnabled(has)

    def _fill_beats(self) -> None:
        actors = self._data.get("actors", [])
        beats = actors[self.current_actor()]["beats"] if actors else []
        self.beats_title.setText(f"Beats of {actors[self.current_actor()]['name']}" if actors
                                 else "Beats")
        was = self._loading
        self._loading = True
        try:
            self._fill(self.beats, BEAT_COLUMNS, beats)
            if actors and self._script is not None:
                actor = self._script.actors[self.current_actor()]
                for r, (s, e) in enumerate(beat_times(actor)):
                    self.beats.item(r, 0).setToolTip(f"{s:g}–{e:g} s")
                    if get(beats[r], ("start",)) is None:
                        self.beats.item(r, 0).setForeground(QColor("#9aa1ad"))
                        self.beats.item(r, 0).setText(f"({s:g})")
        finally:
            self._loading = was

    def _fill(self, table: QTableWidget, columns, rows: list[dict]) -> None:
        table.setRowCount(len(rows))
        for r, obj in enumerate(rows):
            for c, col in enumerate(columns):
                item = QTableWidgetItem(show(get(obj, col.path)))
                if col.path == ("look", "color") and get(obj, col.path):
                    item.setData(Qt.DecorationRole, QColor(get(obj, col.path)))
                table.setItem(r, c, item)
