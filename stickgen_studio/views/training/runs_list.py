"""The list of training runs in the runs folder, with each one's status, progress and latest
validation loss. It is rebuilt from the run folders (``training.runs.list_runs``), so it shows
the same after the app restarts, and live rows are updated from their jobs."""
from __future__ import annotations

import time

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTreeWidget, QTreeWidgetItem

from training import runs as tr

STATUS_COLORS = {tr.STARTING: "#e8890c", tr.RUNNING: "#3b7ddd", tr.STOPPING: "#e8890c",
                 tr.FINISHED: "#2f9e44", tr.STOPPED: "#6b7280", tr.FAILED: "#c92a2a",
                 tr.INTERRUPTED: "#c92a2a", tr.NEW: "#a6acb8"}
METHOD_NAMES = {"scratch": "from scratch", "sft": "fine-tune", "lora": "LoRA"}


class RunsList(QTreeWidget):
    run_selected = Signal(str)    # run folder path

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setColumnCount(5)
        self.setHeaderLabels(["Run", "Status", "Progress", "Val loss", "Changed"])
        self.setRootIsDecorated(False)
        self.setUniformRowHeights(True)
        self.setSelectionMode(QAbstractItemView.SingleSelection)
        self.setAlternatingRowColors(True)
        head = self.header()
        head.setSectionResizeMode(0, QHeaderView.Stretch)
        for col in range(1, 5):
            head.setSectionResizeMode(col, QHeaderView.ResizeToContents)
        self.items: dict[str, QTreeWidgetItem] = {}
        self.itemSelectionChanged.connect(self._selected)

    def set_runs(self, runs: list[tr.RunInfo]) -> None:
        keep = self.selected_path()
        self.blockSignals(True)
        self.clear()
        self.items = {}
        for info in runs:
            item = QTreeWidgetItem(self)
            item.setData(0, Qt.UserRole, str(info.path))
            self.items[str(info.path)] = item
            self.update_run(info)
        self.blockSignals(False)
        if keep in self.items:
            self.select(keep)

    def update_run(self, info: tr.RunInfo) -> None:
        item = self.items.get(str(info.path))
        if item is None:
            item = QTreeWidgetItem()
            item.setData(0, Qt.UserRole, str(info.path))
            self.insertTopLevelItem(0, item)
            self.items[str(info.path)] = item
        detail = " · ".join(x for x in (METHOD_NAMES.get(info.method, ""), info.variant) if x)
        item.setText(0, info.name)
        item.setToolTip(0, f"{info.path}\n{detail}")
        item.setText(1, f"● {info.status}")
        item.setForeground(1, QColor(STATUS_COLORS.get(info.status, "#6b7280")))
        item.setToolTip(1, info.reason)
        item.setText(2, f"{info.step:,} / {info.steps:,}" if info.steps else "–")
        item.setText(3, f"{info.val_loss:.3f}" if info.val_loss is not None else "–")
        item.setText(4, _ago(info.updated))

    def status_of(self, path: str) -> str:
        item = self.items.get(str(path))
        return item.text(1).removeprefix("● ") if item is not None else ""

    def select(self, path: str) -> None:
        item = self.items.get(str(path))
        if item is not None:
            self.setCurrentItem(item)

    def selected_path(self) -> str:
        item = self.currentItem()
        return item.data(0, Qt.UserRole) if item is not None else ""

    def _selected(self) -> None:
        path = self.selected_path()
        if path:
            self.run_selected.emit(path)


def _ago(t: float) -> str:
    if not t:
        return ""
    d = time.time() - t
    if d < 90:
        return "just now"
    if d < 3600:
        return f"{int(d // 60)} min ago"
    if d < 86400:
        return f"{int(d // 3600)} h ago"
    return time.strftime("%Y-%m-%d", time.localtime(t))
