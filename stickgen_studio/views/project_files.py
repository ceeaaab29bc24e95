"""New, open, save, recent files, autosave and crash recovery for the main window.

A failed open leaves the open project exactly as it was and says why in the message bar. The
autosave timer writes a recovery copy beside the project (or, while it is untitled, in the
app's data folder); a clean save or a deliberate discard removes it, so a copy that is still
there at the next start means the app did not close normally, and recovery is offered.
"""
from __future__ import annotations

import contextlib
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox

from engine.formats import project_file
from engine.formats.errors import FormatError
from engine.project import Project

from ..document.showable import check_showable

FILTER = "Stick-Gen projects (*.stickgen)"
MAX_RECENT = 8
UNTITLED = "untitled.stickgen"


class ProjectFiles(QObject):
    recent_changed = Signal()
    message = Signal(str, str, list)      # text, level, [(button label, callback)]

    def __init__(self, window, doc, settings, autosave_dir: Path,
                 autosave_seconds: float = 60.0) -> None:
        super().__init__(window)
        self.window, self.doc, self.settings = window, doc, settings
        self.autosave_dir = Path(autosave_dir)
        self.ask_to_save = self._ask_to_save   # replaceable: returns "save", "discard", "cancel"
        self.timer = QTimer(self)
        self.timer.setInterval(int(autosave_seconds * 1000))
        self.timer.timeout.connect(self.autosave)
        self.timer.start()

    # -- recent files -------------------------------------------------------------------------
    def recent(self) -> list[str]:
        value = self.settings.value("recent_files", [])
        if isinstance(value, str):
            value = [value]
        return [str(v) for v in (value or [])]

    def _add_recent(self, path: Path) -> None:
        items = [str(path)] + [p for p in self.recent() if p != str(path)]
        self.settings.setValue("recent_files", items[:MAX_RECENT])
        self.recent_changed.emit()

    # -- asking -------------------------------------------------------------------------------
    def _ask_to_save(self) -> str:
        name = self.doc.path.name if self.doc.path else "the untitled project"
        box = QMessageBox(QMessageBox.Question, "Unsaved changes",
                          f"Save the changes to {name}?",
                          QMessageBox.Save | QMessageBox.Discard | QMessageBox.Cancel,
                          self.window)
        answer = box.exec()
        return {QMessageBox.Save: "save", QMessageBox.Discard: "discard"}.get(answer, "cancel")

    def confirm_discard(self) -> bool:
        """True when it is fine to drop the open project (saved, or the user said so)."""
        if not self.doc.dirty:
            return True
        answer = self.ask_to_save()
        if answer == "save":
            return self.save()
        if answer == "discard":
            self.remove_autosave()
            return True
        return False

    # -- commands -----------------------------------------------------------------------------
    def new(self) -> bool:
        if not self.confirm_discard():
            return False
        self.doc.replace_project(Project(), None)
        return True

    def open_dialog(self) -> bool:
        if not self.confirm_discard():
            return False
        path, _ = QFileDialog.getOpenFileName(self.window, "Open project", self._folder(), FILTER)
        return self.open_path(path, confirmed=True) if path else False

    def open_path(self, path: str | Path, confirmed: bool = False) -> bool:
        """Open ``path``; on any problem say so and change nothing."""
        if not confirmed and not self.confirm_discard():
            return False
        path = Path(path)
        project = self._read(path, f"Could not open {path.name}")
        if project is None:
            return False
        self.doc.replace_project(project, path)
        self._add_recent(path)
        self._offer_recovery(path)
        return True

    def _read(self, path: Path, failed: str) -> Project | None:
        """The project in ``path`` if it can be read and shown; else None, having said why
        (starting with ``failed``). The open project is never touched here."""
        try:
            project = project_file.load_project(path)
            check_showable(project)
        except FormatError as exc:
            reason = exc.reason
        except OSError as exc:
            reason = exc.strerror or str(exc)
        except ValueError as exc:
            reason = str(exc)
        except Exception as exc:  # a reader's oversight must not cost the user the open work
            reason = f"the file is damaged ({type(exc).__name__}: {exc})"
        else:
            return project
        self.message.emit(f"{failed}: {reason.rstrip('.')}. The open project is unchanged.",
                          "error", [])
        return None

    def save(self) -> bool:
        if self.doc.path is None:
            return self.save_as()
        return self.save_to(self.doc.path)

    def save_as(self) -> bool:
        start = str(self.doc.path or Path(self._folder()) / UNTITLED)
        path, _ = QFileDialog.getSaveFileName(self.window, "Save project", start, FILTER)
        if not path:
            return False
        if not path.endswith(".stickgen"):
            path += ".stickgen"
        return self.save_to(path)

    def save_to(self, path: str | Path) -> bool:
        old_auto = self._autosave_target()
        try:
            target = self.doc.save(path)
        except (OSError, ValueError) as exc:
            self.message.emit(f"Could not save {Path(path).name}: {exc}. Nothing was "
                              "overwritten.", "error", [])
            return False
        with contextlib.suppress(OSError):
            old_auto.unlink(missing_ok=True)
        self.remove_autosave()
        self._add_recent(target)
        return True

    def _folder(self) -> str:
        recent = self.recent()
        return str(Path(recent[0]).parent) if recent else str(Path.home())

    # -- autosave and recovery ----------------------------------------------------------------
    def _autosave_target(self) -> Path:
        base = self.doc.path or (self.autosave_dir / UNTITLED)
        return project_file.autosave_path(base)

    def autosave(self) -> Path | None:
        if not self.doc.dirty:
            return None
        try:
            self.autosave_dir.mkdir(parents=True, exist_ok=True)
            return self.doc.autosave(self.autosave_dir)
        except OSError as exc:
            self.message.emit(f"Autosave failed: {exc}", "warning", [])
            return None

    def remove_autosave(self) -> None:
        with contextlib.suppress(OSError):
            self._autosave_target().unlink(missing_ok=True)

    def check_startup_recovery(self) -> bool:
        """Offer the untitled project a crash left behind; True if there is one."""
        auto = project_file.autosave_path(self.autosave_dir / UNTITLED)
        if not auto.exists():
            return False
        self.message.emit(
            "Stick-Gen Studio did not close normally last time. Recover the unsaved project?",
            "warning", [("Recover", lambda: self._recover(auto, None)),
                        ("Discard", lambda: auto.unlink(missing_ok=True))])
        return True

    def _offer_recovery(self, path: Path) -> None:
        auto = project_file.recovery_for(path)
        if auto is None:
            return
        self.message.emit(
            f"{path.name} has newer unsaved changes from a session that did not close "
            "normally. Recover them?", "warning",
            [("Recover", lambda: self._recover(auto, path)),
             ("Discard", lambda: auto.unlink(missing_ok=True))])

    def _recover(self, auto: Path, path: Path | None) -> None:
        project = self._read(auto, "The recovery copy cannot be read")
        if project is None:
            return
        self.doc.replace_project(project, path)
        self.doc.undo_stack.resetClean()   # recovered work is unsaved work
        self.doc.dirty_changed.emit(True)
        self.message.emit("Recovered. Save to keep it.", "info", [])
