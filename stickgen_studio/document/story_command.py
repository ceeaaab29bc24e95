"""The undo command that puts a staged scene into the project: its actors, its camera keys and
the script they came from replace the project's, in one undo step."""
from __future__ import annotations

import copy

from PySide6.QtGui import QUndoCommand

from engine.camera import CameraKey
from engine.project import Actor
from engine.story.script import Script, script_to_dict

from .commands import ACTOR_FIELDS, ITEM_TYPES, check_value


class ApplyScene(QUndoCommand):
    """Replace the project's actors, camera keys and script with a staged scene's."""

    def __init__(self, doc, actors: list[Actor], camera: list[CameraKey], script: Script,
                 text: str = "Stage scene") -> None:
        super().__init__(text)
        check_value("camera", camera, actor=False)
        for actor in actors:
            for name in ITEM_TYPES.keys() & ACTOR_FIELDS:
                check_value(name, getattr(actor, name), actor=True)
        self.doc = doc
        p = doc.project
        self.new = (copy.deepcopy(list(actors)), sorted(copy.deepcopy(list(camera)),
                                                        key=lambda k: k.frame),
                    script_to_dict(script))
        self.old = (copy.deepcopy(p.actors), copy.deepcopy(p.camera), copy.deepcopy(p.script))

    def _apply(self, state) -> None:
        actors, camera, script = copy.deepcopy(state)
        p = self.doc.project
        p.actors, p.camera, p.script = actors, camera, script
        sel = self.doc.selection
        sel.clear_keys()                 # selected keys are indices into the old actors' lists
        if sel.actor >= len(actors):
            sel.set_actor(max(0, len(actors) - 1))
        # The document has no signal of its own for the script: the Story panel watches the
        # undo stack and re-reads ``project.script`` (a new object after every redo and undo).
        self.doc.notify("actors", None)
        self.doc.notify("camera", None)

    def redo(self) -> None:
        self._apply(self.new)

    def undo(self) -> None:
        self._apply(self.old)
