"""The selected action's motion style: shows the style of the action selected on the timeline
and remakes that action's frames in another one (elderly, zombie, drunk, ...)."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from engine.motion_styles import STYLE_INFO, STYLES

NEUTRAL_LABEL = "neutral"


class SegmentStyle(QWidget):
    """A "Style" row: enabled when one planned action of the current actor is selected."""

    def __init__(self, doc, controller, seed_box, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc, self.controller, self.seed_box = doc, controller, seed_box
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel("Style", self)
        self.combo = QComboBox(self)
        self.combo.addItem(NEUTRAL_LABEL, None)
        for name in STYLES:
            self.combo.addItem(name, name)
            self.combo.setItemData(self.combo.count() - 1, STYLE_INFO[name].description,
                                   Qt.ItemDataRole.ToolTipRole)
        self.combo.activated.connect(self._chosen)
        row.addWidget(self.label)
        row.addWidget(self.combo, 1)
        doc.selection.keys_changed.connect(self.refresh)
        doc.selection.actor_changed.connect(self.refresh)
        doc.motion_changed.connect(self.refresh)
        doc.project_replaced.connect(self.refresh)
        self.refresh()

    def selected(self) -> tuple[int, int] | None:
        """(actor, segment) of the one selected planned action, or None."""
        chosen = self.doc.selection.keys_on("action")
        actors = self.doc.project.actors
        a = self.doc.selection.actor
        if len(chosen) != 1 or not 0 <= a < len(actors) or chosen[0] >= len(actors[a].segments):
            return None
        return a, chosen[0]

    def refresh(self, *_) -> None:
        sel = self.selected()
        self.combo.setEnabled(sel is not None)
        style = None
        if sel is not None:
            seg = self.doc.project.actors[sel[0]].segments[sel[1]]
            style = seg.style
            self.combo.setToolTip(f"How “{seg.action.replace('_', ' ')}” is performed; "
                                  "choosing another style remakes its frames")
        else:
            self.combo.setToolTip("Select an action on the timeline to change its style")
        self.combo.setCurrentIndex(max(0, self.combo.findData(style)))

    def _chosen(self, i: int) -> None:
        sel = self.selected()
        if sel is None:
            return
        style = self.combo.itemData(i)
        seg = self.doc.project.actors[sel[0]].segments[sel[1]]
        if style == seg.style:
            return
        if not self.controller.restyle(sel[0], sel[1], style, self.seed_box.value()):
            self.refresh()
