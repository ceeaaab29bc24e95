"""The playhead: the current frame and playback state. Not undoable."""
from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class Playhead(QObject):
    frame_changed = Signal(int)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._frame = 0
        self._last = 0

    @property
    def frame(self) -> int:
        return self._frame

    @property
    def last_frame(self) -> int:
        return self._last

    def set_range(self, num_frames: int) -> None:
        self._last = max(0, num_frames - 1)
        if self._frame > self._last:
            self.set_frame(self._last)

    def set_frame(self, frame: int) -> None:
        frame = int(min(max(0, frame), self._last))
        if frame != self._frame:
            self._frame = frame
            self.frame_changed.emit(frame)
