"""Apply the newest of a burst of values at most once per interval (scrubbing, sliders)."""
from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import QObject, QTimer


class Throttle(QObject):
    """``push(v)`` applies ``v`` at once if idle, else keeps only the newest until the interval
    ends; the final value of a burst is always applied."""

    _NOTHING = object()

    def __init__(self, apply: Callable[[Any], None], interval_ms: int = 16,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.apply = apply
        self._pending: Any = self._NOTHING
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._flush)

    def push(self, value: Any) -> None:
        if self._timer.isActive():
            self._pending = value
        else:
            self.apply(value)
            self._timer.start()

    def _flush(self) -> None:
        value, self._pending = self._pending, self._NOTHING
        if value is not self._NOTHING:
            self.apply(value)
            self._timer.start()
