"""Undo commands. Every edit of the document is one of these; only redo()/undo() mutate.

Most edits replace one field of the project or of an actor with a new value. The field must be
one of the dataclass's own, and a list of keys must hold keys of the field's type (camera keys
are ``CameraKey``, segments ``TimedSegment``, ...): anything else is an error when the command
is made, never a silent change. Commands that carry a ``merge_key`` (e.g. one drag of a key or
a joint) merge with the previous command of the same key, so a whole drag is one undo step.
"""
from __future__ import annotations

import copy
from dataclasses import fields
from typing import Any

from PySide6.QtGui import QUndoCommand

from engine.camera import CameraKey
from engine.face import ExpressionKey
from engine.project import Actor, Generation, PoseKey, Project, SpeechRange, TimedSegment

_MERGE_IDS: dict[str, int] = {}


# The type of the items of each list field that holds keys or records.
ITEM_TYPES: dict[str, type] = {
    "camera": CameraKey, "history": Generation, "segments": TimedSegment,
    "expression_keys": ExpressionKey, "speech": SpeechRange, "pose_keys": PoseKey}
PROJECT_FIELDS = frozenset(f.name for f in fields(Project))
ACTOR_FIELDS = frozenset(f.name for f in fields(Actor))


def merge_id(key: str) -> int:
    """A stable small integer per merge key (Qt merges commands with equal id())."""
    return _MERGE_IDS.setdefault(key, 1000 + len(_MERGE_IDS))


def check_value(field: str, value: Any, actor: bool) -> None:
    """Raise unless ``field`` is a field of an actor (or of the project) and ``value`` fits it."""
    known = ACTOR_FIELDS if actor else PROJECT_FIELDS
    if field not in known:
        owner = "an actor" if actor else "the project"
        raise ValueError(f"{field!r} is not a field of {owner}; known: {', '.join(sorted(known))}")
    kind = ITEM_TYPES.get(field)
    if kind is not None and not all(isinstance(v, kind) for v in value):
        bad = next(v for v in value if not isinstance(v, kind))
        raise TypeError(f"{field} holds {kind.__name__} items, got {type(bad).__name__}")


class SetField(QUndoCommand):
    """Set ``field`` of the project (actor=None) or of actor ``actor`` to ``value``."""

    def __init__(self, doc, text: str, field: str, value: Any, actor: int | None = None,
                 merge_key: str | None = None) -> None:
        super().__init__(text)
        check_value(field, value, actor is not None)
        self.doc, self.field, self.actor, self.merge_key = doc, field, actor, merge_key
        self.new = value
        self.old = copy.deepcopy(getattr(self._target(), field))

    def _target(self):
        return self.doc.project if self.actor is None else self.doc.project.actors[self.actor]

    def redo(self) -> None:
        setattr(self._target(), self.field, copy.deepcopy(self.new))
        self.doc.notify(self.field, self.actor)

    def undo(self) -> None:
        setattr(self._target(), self.field, copy.deepcopy(self.old))
        self.doc.notify(self.field, self.actor)

    def id(self) -> int:
        return merge_id(f"{self.merge_key}:{self.field}:{self.actor}") if self.merge_key else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, SetField) or other.id() != self.id() or self.id() < 0:
            return False
        self.new = other.new  # keep our ``old``: the state before the whole drag
        return True


class SetCamera(SetField):
    """Replace the shot camera's keys (sorted by frame)."""

    def __init__(self, doc, text: str, keys: list[CameraKey],
                 merge_key: str | None = None) -> None:
        super().__init__(doc, text, "camera", sorted(keys, key=lambda k: k.frame),
                         merge_key=merge_key)


class SetSettings(SetField):
    """Replace the project's settings (render style, background, ...)."""

    def __init__(self, doc, text: str, settings: dict[str, Any]) -> None:
        super().__init__(doc, text, "settings", dict(settings))


class ReplaceActor(QUndoCommand):
    """Replace actor ``index`` wholesale (a generation result), or append one (index=None)."""

    def __init__(self, doc, text: str, actor: Actor, index: int | None = None) -> None:
        super().__init__(text)
        for name in ITEM_TYPES.keys() & ACTOR_FIELDS:
            check_value(name, getattr(actor, name), actor=True)
        self.doc, self.index = doc, index
        self.new = copy.deepcopy(actor)
        self.old = copy.deepcopy(doc.project.actors[index]) if index is not None else None

    def redo(self) -> None:
        actors = self.doc.project.actors
        if self.index is None:
            actors.append(copy.deepcopy(self.new))
            self.doc.notify("actors", None)
        else:
            actors[self.index] = copy.deepcopy(self.new)
            self.doc.notify("motion", self.index)

    def undo(self) -> None:
        actors = self.doc.project.actors
        if self.index is None:
            actors.pop()
            self.doc.notify("actors", None)
        else:
            actors[self.index] = copy.deepcopy(self.old)
            self.doc.notify("motion", self.index)


class EditActor(QUndoCommand):
    """Set several fields of actor ``index`` at once (e.g. a pose key and the motion that
    follows it). With a ``merge_key``, later edits of the same key fold into this one; a field
    first changed by a later edit keeps that edit's old value, so undo restores everything."""

    def __init__(self, doc, text: str, index: int, changes: dict[str, Any],
                 merge_key: str | None = None) -> None:
        super().__init__(text)
        self.doc, self.index, self.merge_key = doc, index, merge_key
        actor = doc.project.actors[index]
        for k, v in changes.items():
            check_value(k, v, actor=True)
        self.new = {k: copy.deepcopy(v) for k, v in changes.items()}
        self.old = {k: copy.deepcopy(getattr(actor, k)) for k in changes}

    def _apply(self, values: dict[str, Any]) -> None:
        actor = self.doc.project.actors[self.index]
        for k, v in values.items():
            setattr(actor, k, copy.deepcopy(v))
        for k in values:
            self.doc.notify(k, self.index)

    def redo(self) -> None:
        self._apply(self.new)

    def undo(self) -> None:
        self._apply(self.old)

    def id(self) -> int:
        return merge_id(f"{self.merge_key}:actor:{self.index}") if self.merge_key else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, EditActor) or other.id() != self.id() or self.id() < 0:
            return False
        for k, v in other.new.items():
            if k not in self.old:
                self.old[k] = other.old[k]
            self.new[k] = v
        return True


class RemoveActor(QUndoCommand):
    def __init__(self, doc, index: int) -> None:
        super().__init__(f"Remove {doc.project.actors[index].name}")
        self.doc, self.index = doc, index
        self.actor = copy.deepcopy(doc.project.actors[index])

    def redo(self) -> None:
        self.doc.project.actors.pop(self.index)
        self.doc.notify("actors", None)

    def undo(self) -> None:
        self.doc.project.actors.insert(self.index, copy.deepcopy(self.actor))
        self.doc.notify("actors", None)
