"""The Story panel: a sentence about several actors -> a scene script (planned in the background
by the offline rules or an LLM) -> edited in place -> staged into the document as one undo step.

The script shown is a draft the panel keeps; it becomes part of the project (and so of the saved
file) when it is staged. Opening a project, and undoing or redoing a staging, show the project's
script again.
"""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QHBoxLayout, QPlainTextEdit, QPushButton, QSpinBox,
                               QVBoxLayout, QWidget)

from engine.story.script import ScriptError, parse_script

from ..jobs.story import PLAN, STAGE, StoryController
from .panel_parts import add_busy_row, section
from .story_planner import PlannerGroup
from .story_script import ScriptEditor

EXAMPLE = "two friends meet in a park; one waves, the other runs over and they high-five"
SHOWN_NOTES = 4          # more than this in the message bar would push the window down


def notes_text(notes: list[str]) -> str:
    """Notes as one message: each a sentence, the first few only."""
    lines = [n[:1].upper() + n[1:] for n in notes if n.strip()]
    shown = lines[:SHOWN_NOTES]
    if len(lines) > SHOWN_NOTES:
        shown.append(f"… and {len(lines) - SHOWN_NOTES} more (see the Story panel's status "
                      "tip)")
    return "\n".join(shown)


class StoryPanel(QWidget):
    message = Signal(str, str)     # text, level (info, warning, error)

    def __init__(self, doc, controller: StoryController, qsettings,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc, self.controller = doc, controller
        self._seen_script = doc.project.script
        lay = QVBoxLayout(self)
        lay.setContentsMargins(12, 12, 12, 12)
        lay.setSpacing(6)
        lay.addWidget(section("Scene", self))
        self.prompt = QPlainTextEdit(self)
        self.prompt.setPlaceholderText(f"Describe a scene with several people, e.g. “{EXAMPLE}”")
        self.prompt.setFixedHeight(64)
        self.prompt.setTabChangesFocus(True)
        lay.addWidget(self.prompt)
        self.planner = PlannerGroup(qsettings, controller, self)
        lay.addWidget(self.planner)
        lay.addLayout(self._buttons_row())

        self.progress, self.cancel_button, self.status = add_busy_row(lay, self, self.cancel)

        # The script comes last: it is the tall part, and the buttons above stay in view.
        self.title = section("Script — plan a scene to fill it, then edit any cell", self)
        lay.addWidget(self.title)
        self.editor = ScriptEditor(self)
        self.editor.problem.connect(lambda text: self.message.emit(text, "error"))
        self.editor.changed.connect(self._refresh_buttons)
        lay.addWidget(self.editor, 1)

        controller.planned.connect(self._planned)
        controller.staged.connect(self._staged)
        controller.progress.connect(self._progress)
        controller.busy_changed.connect(self._busy)
        controller.notes.connect(self._notes)
        controller.error.connect(self._error)
        doc.project_replaced.connect(self._project_replaced)
        doc.undo_stack.indexChanged.connect(self._undo_moved)
        self._busy(PLAN, False)
        if doc.project.script is not None:   # built after a project with a scene was opened
            self._show_project_script(keep_draft=False)

    def _buttons_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.seed = QSpinBox(self)
        self.seed.setRange(0, 2**31 - 1)
        self.seed.setPrefix("seed ")
        self.seed.setToolTip("The same script and seed stage the same scene")
        self.plan_button = QPushButton("Plan", self)
        self.plan_button.setToolTip("Write the scene script for this sentence (nothing in the "
                                    "project changes until you generate the scene)")
        self.plan_button.clicked.connect(self.plan)
        self.stage_button = QPushButton("Generate scene", self)
        self.stage_button.setObjectName("primary")
        self.stage_button.setToolTip("Generate every actor of the script and stage them "
                                     "together; replaces the scene's actors and camera keys "
                                     "(one undo step)")
        self.stage_button.clicked.connect(self.stage)
        row.addWidget(self.plan_button, 1)
        row.addWidget(self.stage_button, 2)
        row.addWidget(self.seed)
        return row

    # -- actions --------------------------------------------------------------------------------
    def plan(self) -> bool:
        try:
            settings = self.planner.settings()
        except ValueError as exc:
            self.message.emit(str(exc), "error")
            return False
        return self.controller.plan(self.prompt.toPlainText(), settings, self.seed.value())

    def stage(self) -> bool:
        script = self.editor.script()
        if script is None:
            self.message.emit("Plan a scene first: type what happens and press Plan.", "info")
            return False
        return self.controller.stage(script, self.seed.value())

    def cancel(self) -> None:
        self.controller.cancel()
        self.status.setText("Cancelled; the scene is as it was")

    # -- results and feedback -------------------------------------------------------------------
    def _planned(self, plan) -> None:
        self.editor.set_script(plan.script, emit=True)
        n = len(plan.script.actors)
        who = {"offline": "the offline planner"}.get(plan.planner, f"the {plan.planner} model")
        self.status.setText(f"Planned by {who}: {n} actor{'s' if n != 1 else ''}, "
                            f"{plan.script.duration:g} s")

    def _staged(self, scene) -> None:
        n, seconds = len(scene.actors), self.doc.project.num_frames / self.doc.fps
        self.status.setText(f"Staged {n} actor{'s' if n != 1 else ''}, {seconds:.1f} s; "
                            "edit the script and generate again to change it")

    def _notes(self, notes: list[str], level: str) -> None:
        text = notes_text(notes)
        if text:
            self.message.emit(text, level)
        self.status.setToolTip("\n".join(notes))

    def _error(self, text: str) -> None:
        self.status.setText("")
        self.message.emit(text, "error")

    def _busy(self, channel: str, on: bool) -> None:
        if channel not in (PLAN, STAGE):
            return
        planning, staging = self.controller.busy(PLAN), self.controller.busy(STAGE)
        live = planning or staging
        self.progress.setVisible(live)
        self.cancel_button.setVisible(live)
        if on:
            self.progress.setRange(0, 0 if channel == PLAN else 1000)   # planning: no steps
            self.progress.setValue(0)
            self.status.setText("Planning…" if channel == PLAN else "Staging the scene…")
        self.plan_button.setEnabled(not planning)
        # The staged scene brings its script back into the editor: edits made meanwhile would
        # be lost, so the script is read-only while it is staged.
        self.editor.setEnabled(not staging)
        self._refresh_buttons()

    def _progress(self, fraction: float, message: str) -> None:
        self.progress.setRange(0, 1000)
        self.progress.setValue(int(fraction * 1000))
        if message:
            self.status.setText(message[:1].upper() + message[1:] + "…")

    def _refresh_buttons(self, *_) -> None:
        self.stage_button.setEnabled(self.editor.script() is not None
                                     and not self.controller.busy(STAGE))

    # -- the project's script -------------------------------------------------------------------
    def _project_replaced(self) -> None:
        self._seen_script = None
        self._show_project_script(keep_draft=False)

    def _undo_moved(self, _index: int) -> None:
        if self.doc.project.script is not self._seen_script:
            self._show_project_script(keep_draft=True)

    def _show_project_script(self, keep_draft: bool) -> None:
        """Show the project's script; with ``keep_draft`` a project without one (a staging was
        undone back to before any) leaves the draft as it is, so the plan is not lost."""
        data = self._seen_script = self.doc.project.script
        if data is None:
            if not keep_draft:
                self.editor.set_script(None, emit=True)
                self.status.setText("")
            return
        try:
            script = parse_script(data)
        except ScriptError as exc:   # the file loader checks scripts; this is belt and braces
            self.message.emit(f"The project's scene script cannot be shown: {exc}", "warning")
            return
        self.editor.set_script(script, emit=True)
        if script.prompt and not keep_draft:
            self.prompt.setPlainText(script.prompt)
