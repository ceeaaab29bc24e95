"""What the user has selected: the current actor, timeline keys and a frame range. Not undoable.

Keys are named ``(track, index)``: track is one of TRACKS and index the key's position in its
list (``Actor.expression_keys``, ``Actor.speech``, ``Actor.pose_keys`` or ``Project.camera``;
``action`` indexes the actor's segments).
"""
from __future__ import annotations

from PySide6.QtCore import QObject, Signal

TRACKS = ("action", "expression", "speech", "pose", "camera")
KeyRef = tuple[str, int]


class Selection(QObject):
    actor_changed = Signal(int)
    keys_changed = Signal()
    range_changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._actor = 0
        self._keys: set[KeyRef] = set()
        self._range: tuple[int, int] | None = None

    @property
    def actor(self) -> int:
        return self._actor

    def set_actor(self, index: int) -> None:
        if index != self._actor:
            self._actor = index
            self.clear_keys()
            self.actor_changed.emit(index)

    @property
    def keys(self) -> set[KeyRef]:
        return set(self._keys)

    def keys_on(self, track: str) -> list[int]:
        return sorted(i for t, i in self._keys if t == track)

    def set_keys(self, keys) -> None:
        keys = set(keys)
        if keys != self._keys:
            self._keys = keys
            self.keys_changed.emit()

    def clear_keys(self) -> None:
        self.set_keys(())

    @property
    def range(self) -> tuple[int, int] | None:
        """Selected frames [start, stop), or None."""
        return self._range

    def set_range(self, start: int | None, stop: int | None = None) -> None:
        rng = None if start is None or stop is None or stop <= start else (int(start), int(stop))
        if rng != self._range:
            self._range = rng
            self.range_changed.emit()
