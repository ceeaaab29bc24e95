"""Document: the open Project, its undo stack and narrow change signals.

Views observe the signals and build commands (stickgen_studio.document.commands); only the
commands' redo()/undo() change the project. The playhead and selection are not undoable.
"""
from __future__ import annotations

import copy
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from engine.formats import project_file
from engine.project import Project

from .playhead import Playhead


class Document(QObject):
    motion_changed = Signal(int)        # actor index whose motion/prompt/segments changed
    actors_changed = Signal()           # actors added/removed/reordered
    camera_changed = Signal()
    expressions_changed = Signal(int)   # actor index
    speech_changed = Signal(int)        # actor index
    poses_changed = Signal(int)         # actor index
    history_changed = Signal()
    settings_changed = Signal()
    project_replaced = Signal()         # a whole new project (new/open)
    dirty_changed = Signal(bool)
    path_changed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.project = Project()
        self.path: Path | None = None
        self.undo_stack = QUndoStack(self)
        self.undo_stack.cleanChanged.connect(self._on_clean_changed)
        self.playhead = Playhead(self)
        self.selected_actor = 0

    def _on_clean_changed(self, clean: bool) -> None:
        self.dirty_changed.emit(not clean)

    # -- change notification ------------------------------------------------------------
    _FIELD_SIGNALS = {
        "motion": "motion_changed", "prompt": "motion_changed", "seed": "motion_changed",
        "segments": "motion_changed", "expression_keys": "expressions_changed",
        "speech": "speech_changed", "pose_keys": "poses_changed", "camera": "camera_changed",
        "history": "history_changed", "settings": "settings_changed", "actors": "actors_changed",
        "name": "actors_changed", "color": "actors_changed", "visible": "actors_changed",
    }

    def notify(self, field: str, actor: int | None) -> None:
        """Called by commands after they change ``field``; emits the matching narrow signal."""
        signal = getattr(self, self._FIELD_SIGNALS.get(field, "settings_changed"))
        if actor is not None and field not in ("name", "color", "visible", "actors"):
            signal.emit(actor)
        else:
            signal.emit()
        if field in ("motion", "actors"):
            self.playhead.set_range(self.project.num_frames)

    def push(self, command) -> None:
        self.undo_stack.push(command)

    # -- state --------------------------------------------------------------------------
    @property
    def dirty(self) -> bool:
        return not self.undo_stack.isClean()

    @property
    def title(self) -> str:
        name = self.path.name if self.path else "Untitled"
        return f"{name}{' *' if self.dirty else ''} — Stick-Gen Studio"

    def replace_project(self, project: Project, path: Path | None) -> None:
        """Swap in a whole project (new/open/recover): clears undo, resets the playhead."""
        self.project = project
        self.path = path
        self.undo_stack.clear()
        self.undo_stack.setClean()
        self.selected_actor = 0
        self.playhead.set_range(project.num_frames)
        self.playhead.set_frame(0)
        self.project_replaced.emit()
        self.path_changed.emit(str(path or ""))
        self.dirty_changed.emit(False)

    # -- files --------------------------------------------------------------------------
    def open(self, path: str | Path) -> None:
        """Load ``path``; on any error the open project stays exactly as it was."""
        project = project_file.load_project(path)
        self.replace_project(project, Path(path))

    def save(self, path: str | Path | None = None) -> Path:
        target = Path(path) if path else self.path
        if target is None:
            raise ValueError("choose a file name first (Save As)")
        project_file.save_project(target, self.project)
        self.path = target
        self.undo_stack.setClean()
        self.path_changed.emit(str(target))
        return target

    def autosave(self, fallback_dir: Path) -> Path | None:
        """Write the recovery copy (beside the file, or in ``fallback_dir`` if unsaved)."""
        if not self.dirty:
            return None
        base = self.path or (fallback_dir / "untitled.stickgen")
        return project_file.write_autosave(base, copy.deepcopy(self.project))
