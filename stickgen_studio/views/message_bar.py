"""A message strip across the top of the window: errors, warnings and offers (recover a crashed
session) shown in place, never as a modal box that stops the work."""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QToolButton

LEVELS = ("info", "warning", "error")


class MessageBar(QFrame):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("messagebar")
        self.level = "info"
        lay = QHBoxLayout(self)
        lay.setContentsMargins(12, 6, 8, 6)
        self.text = QLabel(self)
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextSelectableByMouse)
        lay.addWidget(self.text, 1)
        self._buttons: list[QPushButton] = []
        self._lay = lay
        close = QToolButton(self)
        close.setText("✕")
        close.setAutoRaise(True)
        close.setToolTip("Dismiss")
        close.clicked.connect(self.hide)
        lay.addWidget(close)
        self._close = close
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.hide)
        self.hide()

    def show_message(self, text: str, level: str = "error",
                     actions: list[tuple[str, Callable[[], None]]] | None = None,
                     timeout_ms: int = 0) -> None:
        for b in self._buttons:
            b.deleteLater()
        self._buttons = []
        self.level = level if level in LEVELS else "info"
        self.setProperty("level", self.level)
        self.style().unpolish(self)
        self.style().polish(self)
        self.text.setText(text)
        for label, fn in actions or []:
            b = QPushButton(label, self)
            b.clicked.connect(lambda _=False, f=fn: (self.hide(), f()))
            self._lay.insertWidget(self._lay.count() - 1, b)
            self._buttons.append(b)
        self._timer.stop()
        if timeout_ms:
            self._timer.start(timeout_ms)
        self.show()

    def dismiss(self, level: str, mentioning: str) -> None:
        """Hide the bar if it shows a ``level`` message that mentions ``mentioning``."""
        if self.isVisible() and self.level == level and \
                mentioning.lower() in self.text.text().lower():
            self.hide()

    def button(self, label: str) -> QPushButton | None:
        return next((b for b in self._buttons if b.text() == label), None)
