"""The actors in the scene: pick the one being edited, show or hide, rename, remove."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QPushButton,
                               QVBoxLayout, QWidget)

from ..document import edits


def _swatch(color: str) -> QIcon:
    pix = QPixmap(14, 14)
    pix.fill(QColor(color))
    return QIcon(pix)


class ActorsPanel(QWidget):
    def __init__(self, doc, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc = doc
        self._loading = False
        lay = QVBoxLayout(self)
        lay.setContentsMargins(12, 12, 12, 12)
        hint = QLabel("Tick to show. The selected actor is the one the timeline, pose tool and "
                      "face panel edit; double-click to rename.", self)
        hint.setObjectName("muted")
        hint.setWordWrap(True)
        lay.addWidget(hint)
        self.list = QListWidget(self)
        self.list.currentRowChanged.connect(self._picked)
        self.list.itemChanged.connect(self._item_changed)
        lay.addWidget(self.list, 1)
        row = QHBoxLayout()
        self.remove_button = QPushButton("Remove actor", self)
        self.remove_button.clicked.connect(self._remove)
        row.addStretch(1)
        row.addWidget(self.remove_button)
        lay.addLayout(row)
        for sig in (doc.actors_changed, doc.project_replaced, doc.motion_changed,
                    doc.selection.actor_changed):
            sig.connect(self.refresh)
        self.refresh()

    def refresh(self, *_) -> None:
        self._loading = True
        self.list.clear()
        for a in self.doc.project.actors:
            item = QListWidgetItem(_swatch(a.color), a.name)
            item.setFlags(Qt.ItemIsEnabled | Qt.ItemIsSelectable | Qt.ItemIsUserCheckable
                          | Qt.ItemIsEditable)
            item.setCheckState(Qt.Checked if a.visible else Qt.Unchecked)
            item.setToolTip(f"“{a.prompt}” · seed {a.seed} · {a.motion.num_frames} frames")
            self.list.addItem(item)
        if self.doc.project.actors:
            self.list.setCurrentRow(min(self.doc.selection.actor, self.list.count() - 1))
        self.remove_button.setEnabled(bool(self.doc.project.actors))
        self._loading = False

    def _picked(self, row: int) -> None:
        if not self._loading and row >= 0:
            self.doc.selection.set_actor(row)

    def _item_changed(self, item: QListWidgetItem) -> None:
        if self._loading:
            return
        row = self.list.row(item)
        actor = self.doc.project.actors[row]
        visible = item.checkState() == Qt.Checked
        name = item.text().strip() or actor.name
        if visible != actor.visible:
            edits.set_actor_field(self.doc, row, "visible", visible)
        elif name != actor.name:
            edits.set_actor_field(self.doc, row, "name", name)

    def _remove(self) -> None:
        row = self.list.currentRow()
        if 0 <= row < len(self.doc.project.actors):
            edits.remove_actor(self.doc, row)
