"""The camera-move editor: the shot camera's keys, the seven preset moves, easing and exact
numbers for the selected key. Every change is an undo step and shows in the viewport at once."""
from __future__ import annotations

import itertools
from typing import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDoubleSpinBox, QGridLayout, QHBoxLayout,
                               QLabel, QListWidget, QListWidgetItem, QPushButton, QSpinBox,
                               QVBoxLayout, QWidget)

from engine.camera import EASINGS, MOVES, follow_anchor

from ..document import edits
from ..document.scene import shot_size

_sessions = itertools.count(1)
MOVE_TIPS = {"static": "A fixed shot that frames the action", "pan": "Turn to follow or sweep",
             "zoom": "Narrow the lens toward the subject", "track": "Travel beside a walker",
             "dolly": "Move the camera in toward the subject", "crane": "Rise up and look down",
             "orbit": "Circle around the subject"}


def _label(text: str, parent: QWidget, name: str = "") -> QLabel:
    lab = QLabel(text, parent)
    if name:
        lab.setObjectName(name)
    return lab


class CameraEditor(QWidget):
    look_through = Signal(bool)

    def __init__(self, doc, editor_view: Callable, shot_view: Callable,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc, self.editor_view, self.shot_view = doc, editor_view, shot_view
        self._session = next(_sessions)
        self._loading = False
        lay = QVBoxLayout(self)
        lay.setContentsMargins(12, 12, 12, 12)
        lay.setSpacing(8)
        self.through = QCheckBox("Look through the shot camera", self)
        self.through.toggled.connect(self.look_through)
        lay.addWidget(self.through)

        lay.addWidget(_label("Preset moves", self, "section"))
        grid = QGridLayout()
        grid.setSpacing(4)
        for i, move in enumerate(MOVES):
            b = QPushButton(move.capitalize(), self)
            b.setToolTip(MOVE_TIPS[move] + " (over the selected frames, or the whole clip)")
            b.clicked.connect(lambda _=False, m=move: self.apply_move(m))
            grid.addWidget(b, i // 4, i % 4)
            b.setMinimumWidth(60)
        lay.addLayout(grid)
        amount_row = QHBoxLayout()
        self.amount = QDoubleSpinBox(self)
        self.amount.setRange(0.1, 4.0)
        self.amount.setSingleStep(0.25)
        self.amount.setValue(1.0)
        self.amount.setToolTip("How far a move goes (orbit: turns)")
        self.applies = _label("", self, "muted")
        amount_row.addWidget(QLabel("Amount", self))
        amount_row.addWidget(self.amount)
        amount_row.addWidget(self.applies, 1)
        lay.addLayout(amount_row)

        lay.addWidget(_label("Keys", self, "section"))
        self.keys = QListWidget(self)
        self.keys.setMinimumHeight(90)
        self.keys.setMaximumHeight(170)
        self.keys.itemSelectionChanged.connect(self._list_selected)
        lay.addWidget(self.keys)
        row = QHBoxLayout()
        self.add_button = QPushButton("Add key", self)
        self.add_button.setToolTip("Keep the shot as it is at the playhead (K)")
        self.add_button.clicked.connect(self.add_key)
        self.view_button = QPushButton("Key from view", self)
        self.view_button.setToolTip("Make the editor view the shot at the playhead")
        self.view_button.clicked.connect(self.key_from_view)
        self.delete_button = QPushButton("Delete", self)
        self.delete_button.clicked.connect(self.delete_key)
        for b in (self.add_button, self.view_button, self.delete_button):
            row.addWidget(b)
        lay.addLayout(row)

        self.form = self._key_form()
        lay.addWidget(self.form)
        self.form_hint = _label("Select a key to set its easing and exact numbers.", self,
                                "muted")
        self.form_hint.setWordWrap(True)
        lay.addWidget(self.form_hint)
        lay.addStretch(1)

        doc.camera_changed.connect(self.refresh)
        doc.project_replaced.connect(self.refresh)
        doc.actors_changed.connect(self.refresh)
        doc.selection.keys_changed.connect(self._selection_changed)
        doc.selection.range_changed.connect(self._refresh_applies)
        self.refresh()

    def _key_form(self) -> QWidget:
        """The selected key's exact numbers: frame, easing, position, target, field of view,
        roll and the actor it follows; every change is an edit of the key."""
        form = QWidget(self)
        f = QGridLayout(form)
        f.setContentsMargins(0, 4, 0, 0)
        f.setHorizontalSpacing(6)
        f.setVerticalSpacing(4)
        self.frame = QSpinBox(form)
        self.frame.setRange(0, 100000)
        self.easing = QComboBox(form)
        for e in EASINGS:
            self.easing.addItem(e.replace("_", " "), e)
        self.follow = QComboBox(form)
        self.pos = [self._num(form, -1000, 1000, 2) for _ in range(3)]
        self.tgt = [self._num(form, -1000, 1000, 2) for _ in range(3)]
        self.fov = self._num(form, 1, 170, 1)
        self.roll = self._num(form, -180, 180, 1)
        f.addWidget(QLabel("Frame", form), 0, 0)
        f.addWidget(self.frame, 0, 1)
        f.addWidget(QLabel("Easing", form), 0, 2)
        f.addWidget(self.easing, 0, 3)
        for r, (name, boxes) in enumerate((("Position", self.pos), ("Target", self.tgt)), 1):
            f.addWidget(QLabel(name, form), r, 0)
            for c, b in enumerate(boxes):
                f.addWidget(b, r, 1 + c)
        f.addWidget(QLabel("Field of view", form), 3, 0)
        f.addWidget(self.fov, 3, 1)
        f.addWidget(QLabel("Roll", form), 3, 2)
        f.addWidget(self.roll, 3, 3)
        f.addWidget(QLabel("Follow", form), 4, 0)
        f.addWidget(self.follow, 4, 1, 1, 3)
        self.frame.valueChanged.connect(lambda v: self._edit("frame", float(v)))
        self.easing.activated.connect(lambda _: self._edit("easing", self.easing.currentData()))
        self.follow.activated.connect(lambda _: self._edit_follow())
        for b in self.pos:
            b.valueChanged.connect(lambda _=0: self._edit("position", [x.value() for x in self.pos]))
        for b in self.tgt:
            b.valueChanged.connect(lambda _=0: self._edit("target", [x.value() for x in self.tgt]))
        self.fov.valueChanged.connect(lambda v: self._edit("fov", v))
        self.roll.valueChanged.connect(lambda v: self._edit("roll", v))
        for w in [self.frame, self.fov, self.roll] + self.pos + self.tgt:
            w.editingFinished.connect(self._new_session)
        return form

    @staticmethod
    def _num(parent: QWidget, lo: float, hi: float, decimals: int) -> QDoubleSpinBox:
        b = QDoubleSpinBox(parent)
        b.setRange(lo, hi)
        b.setDecimals(decimals)
        b.setSingleStep(0.1 if decimals > 1 else 1.0)
        b.setKeyboardTracking(False)
        b.setButtonSymbols(QDoubleSpinBox.NoButtons)
        b.setMinimumWidth(56)
        return b

    def _new_session(self) -> None:
        self._session = next(_sessions)

    # -- reading the document -----------------------------------------------------------------
    def selected_key(self) -> int | None:
        sel = self.doc.selection.keys_on("camera")
        return sel[0] if len(sel) == 1 and sel[0] < len(self.doc.project.camera) else None

    def refresh(self, *_) -> None:
        self._loading = True
        keys = self.doc.project.camera
        self.keys.clear()
        for i, k in enumerate(keys):
            item = QListWidgetItem(f"Frame {int(round(k.frame))}  ·  {k.move}"
                                   f"  ·  {k.easing.replace('_', ' ')}")
            item.setData(Qt.UserRole, i)
            self.keys.addItem(item)
        if not keys:
            item = QListWidgetItem("No keys: the shot frames the whole clip")
            item.setFlags(Qt.NoItemFlags)
            self.keys.addItem(item)
        self.follow.clear()
        self.follow.addItem("Nobody (fixed in the world)", None)
        for i, a in enumerate(self.doc.project.actors):
            self.follow.addItem(f"Actor {a.name}", i)
        has = bool(self.doc.project.actors)
        for b in (self.add_button, self.view_button):
            b.setEnabled(has)
        self._loading = False
        self._selection_changed()
        self._refresh_applies()

    def _refresh_applies(self) -> None:
        rng = self.doc.selection.range
        self.applies.setText(f"frames {rng[0]}–{rng[1] - 1}" if rng else "whole clip")

    def _selection_changed(self) -> None:
        i = self.selected_key()
        self._loading = True
        for row in range(self.keys.count()):
            item = self.keys.item(row)
            item.setSelected(item.data(Qt.UserRole) == i and i is not None)
        self.form.setVisible(i is not None)
        self.form_hint.setVisible(i is None and bool(self.doc.project.camera))
        self.delete_button.setEnabled(bool(self.doc.selection.keys_on("camera")))
        if i is not None:
            k = self.doc.project.camera[i]
            self.frame.setMaximum(max(0, self.doc.project.num_frames - 1))
            self.frame.setValue(int(round(k.frame)))
            self.easing.setCurrentIndex(self.easing.findData(k.easing))
            for b, v in zip(self.pos, k.position):
                b.setValue(v)
            for b, v in zip(self.tgt, k.target):
                b.setValue(v)
            self.fov.setValue(k.fov)
            self.roll.setValue(k.roll)
            self.follow.setCurrentIndex(max(0, self.follow.findData(k.follow)))
        self._loading = False

    def _list_selected(self) -> None:
        if self._loading:
            return
        rows = [it.data(Qt.UserRole) for it in self.keys.selectedItems()]
        rows = [r for r in rows if r is not None]
        self.doc.selection.set_keys({("camera", r) for r in rows})
        if len(rows) == 1:
            self.doc.playhead.set_frame(int(round(self.doc.project.camera[rows[0]].frame)))

    # -- edits --------------------------------------------------------------------------------
    def _edit(self, field: str, value) -> None:
        i = self.selected_key()
        if self._loading or i is None:
            return
        try:
            edits.update_camera_key(self.doc, i, f"camera-{i}-{field}-{self._session}",
                                    **{field: value})
        except ValueError:
            self._selection_changed()  # refuse the value: show the key as it is

    def _edit_follow(self) -> None:
        i = self.selected_key()
        if self._loading or i is None:
            return
        k = self.doc.project.camera[i]
        follow = self.follow.currentData()
        # Keep the shot where it is: convert between world positions and offsets.
        motions = self.doc.all_motions()
        pos, tgt = k.resolve(k.frame, motions)
        if follow is not None:
            anchor = follow_anchor(motions[follow], k.frame)
            pos, tgt = pos - anchor, tgt - anchor
        edits.set_camera_follow(self.doc, i, follow, pos, tgt)

    def set_looking_through(self, on: bool) -> None:
        """Show whether the viewport looks through the shot camera (says nothing back)."""
        blocked = self.through.blockSignals(True)
        self.through.setChecked(on)
        self.through.blockSignals(blocked)

    def add_key(self) -> None:
        if not self.doc.project.actors:
            return
        frame = self.doc.playhead.frame
        i = edits.add_camera_key(self.doc, edits.camera_key_from_state(frame, self.shot_view()))
        self.doc.selection.set_keys({("camera", i)})

    def key_from_view(self) -> None:
        if not self.doc.project.actors:
            return
        frame = self.doc.playhead.frame
        i = edits.add_camera_key(self.doc, edits.camera_key_from_state(frame, self.editor_view()))
        self.doc.selection.set_keys({("camera", i)})
        self.through.setChecked(True)

    def delete_key(self) -> None:
        refs = [("camera", i) for i in self.doc.selection.keys_on("camera")]
        edits.delete_keys(self.doc, self.doc.selection.actor, refs)

    def apply_move(self, move: str) -> None:
        if not self.doc.project.actors:
            return
        rng = self.doc.selection.range or (0, self.doc.project.num_frames)
        sw, sh = shot_size(self.doc.project)
        edits.apply_camera_move(self.doc, move, rng[0], rng[1], sw / sh, self.amount.value())
        self.through.setChecked(True)
