"""Document: the open Project, its undo stack and narrow change signals.

Views observe the signals and build commands (stickgen_studio.document.commands); only the
commands' redo()/undo() change the project. The playhead and selection are not undoable.
"""
from __future__ import annotations

import copy
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from engine.camera import CameraTrack
from engine.formats import project_file
from engine.motion import Motion
from engine.project import Actor, Project
from engine.settle import settled
from engine.style import Style

from . import scene
from .playhead import Playhead
from .selection import Selection
from .showable import check_showable


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
        self.selection = Selection(self)
        self._baked: dict[int, Motion] = {}
        self._drawn: dict[int, Motion] = {}    # as drawn: lengthened to the scene
        self._track: CameraTrack | None = None

    def _on_clean_changed(self, clean: bool) -> None:
        self.dirty_changed.emit(not clean)

    # -- change notification ------------------------------------------------------------
    _FIELD_SIGNALS = {
        "motion": "motion_changed", "prompt": "motion_changed", "seed": "motion_changed",
        "segments": "motion_changed", "expression_keys": "expressions_changed",
        "speech": "speech_changed", "pose_keys": "poses_changed", "camera": "camera_changed",
        "history": "history_changed", "settings": "settings_changed", "actors": "actors_changed",
        "name": "actors_changed", "color": "actors_changed", "visible": "actors_changed",
        "fps": "settings_changed",
    }

    def notify(self, field: str, actor: int | None) -> None:
        """Called by commands after they change ``field``; emits the matching narrow signal.
        A field with no signal is a KeyError: a change nobody hears of is a bug."""
        if field not in self._FIELD_SIGNALS:
            raise KeyError(f"no change signal for field {field!r}")
        self._forget(field, actor)
        if field in ("motion", "actors"):
            # Before the signal, so views that show the clip length read the new one.
            self.playhead.set_range(self.project.num_frames)
        signal = getattr(self, self._FIELD_SIGNALS[field])
        if actor is not None and field not in ("name", "color", "visible", "actors"):
            signal.emit(actor)
        else:
            signal.emit()

    def push(self, command) -> None:
        self.undo_stack.push(command)

    @contextmanager
    def macro(self, text: str) -> Iterator[None]:
        """``with doc.macro(text):`` makes the commands pushed inside one undo step. The macro
        is closed however the block ends; when it raises, what it did is undone, so a failed
        edit never leaves the undo stack open or the project half changed."""
        self.undo_stack.beginMacro(text)
        try:
            yield
        except BaseException:
            self.undo_stack.endMacro()
            self.undo_stack.undo()
            raise
        self.undo_stack.endMacro()

    # -- what is drawn (cached until the next change) ------------------------------------
    def _forget(self, field: str, actor: int | None) -> None:
        self._drawn.clear()   # the scene's length, and so every drawn motion, may change
        if field == "camera":
            self._track = None
        elif actor is None or field in ("actors", "visible"):
            self._baked.clear()
            self._track = None  # camera keys may follow actors
        else:
            self._baked.pop(actor, None)
            self._track = None

    @property
    def selected_actor(self) -> int:
        return self.selection.actor

    @selected_actor.setter
    def selected_actor(self, index: int) -> None:
        self.selection.set_actor(index)

    def current_actor(self) -> Actor | None:
        actors = self.project.actors
        return actors[self.selection.actor] if 0 <= self.selection.actor < len(actors) else None

    def motion_of(self, index: int) -> Motion:
        """Actor ``index``'s motion with expression, speech and pose overrides baked in."""
        m = self._baked.get(index)
        if m is None:
            actor = self.project.actors[index]
            m = self._baked[index] = scene.effective_motion(
                actor, scene.key_blend_frames(self.project, actor.motion.fps))
        return m

    def visible_actors(self) -> list[int]:
        return [i for i, a in enumerate(self.project.actors) if a.visible]

    def drawn_motion(self, index: int) -> Motion:
        """Actor ``index`` as the scene shows and exports it: its baked motion, then, if the
        scene runs longer, settling into a stand and holding it (engine.settle)."""
        m = self._drawn.get(index)
        if m is None:
            m = self._drawn[index] = settled(self.motion_of(index), self.project.num_frames)
        return m

    def motions(self, indices: list[int] | None = None) -> list[Motion]:
        """The drawn motions of ``indices`` (default: the visible actors)."""
        return [self.drawn_motion(i)
                for i in (self.visible_actors() if indices is None else indices)]

    def all_motions(self) -> list[Motion]:
        """Every actor's drawn motion, in actor order (camera keys follow by actor index)."""
        return [self.drawn_motion(i) for i in range(len(self.project.actors))]

    def camera_track(self) -> CameraTrack:
        if self._track is None:
            self._track = scene.camera_track(self.project)
        return self._track

    def style(self) -> Style:
        return scene.scene_style(self.project)

    @property
    def fps(self) -> float:
        actors = self.project.actors
        return actors[0].motion.fps if actors else self.project.fps

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
        self._baked.clear()
        self._drawn.clear()
        self._track = None
        self.selection.set_actor(0)
        self.selection.clear_keys()
        self.selection.set_range(None)
        self.playhead.set_range(project.num_frames)
        self.playhead.set_frame(0)
        self.project_replaced.emit()
        self.path_changed.emit(str(path or ""))
        self.dirty_changed.emit(False)

    # -- files --------------------------------------------------------------------------
    def open(self, path: str | Path) -> None:
        """Load ``path``; on any error (FormatError, or ValueError when it cannot be shown)
        the open project stays exactly as it was."""
        project = project_file.load_project(path)
        check_showable(project)
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
