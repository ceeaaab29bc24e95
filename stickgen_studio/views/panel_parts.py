"""Small widgets the side panels share: a section heading, and the progress bar, Cancel button
and status line under a panel's action buttons."""
from __future__ import annotations

from PySide6.QtWidgets import (QHBoxLayout, QLabel, QLayout, QProgressBar, QPushButton,
                               QWidget)


def section(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setObjectName("section")
    return label


def add_busy_row(lay: QLayout, parent: QWidget, on_cancel
                 ) -> tuple[QProgressBar, QPushButton, QLabel]:
    """Add a thin progress bar with a Cancel button, then a muted status line, to ``lay``."""
    busy = QHBoxLayout()
    progress = QProgressBar(parent)
    progress.setRange(0, 1000)
    progress.setTextVisible(False)
    progress.setFixedHeight(6)
    cancel = QPushButton("Cancel", parent)
    cancel.clicked.connect(on_cancel)
    busy.addWidget(progress, 1)
    busy.addWidget(cancel)
    lay.addLayout(busy)
    status = QLabel("", parent)
    status.setObjectName("muted")
    status.setWordWrap(True)
    lay.addWidget(status)
    return progress, cancel, status
