"""The one action vocabulary: every action name the planner, data, model and app use.

Each action has a family, a default facial expression and, where it has a side, a mirror partner
(mirroring a motion left/right maps ``turn_left`` to ``turn_right``).
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ActionInfo:
    name: str
    family: str        # locomotion, jump, level, gesture, combat, dance, acrobatics
    expression: str = "neutral"  # default expression while this action plays
    mirror: str | None = None    # the action it becomes when mirrored, if not itself
    procedural: bool = True      # True when training/procedural can synthesise it


_ACTIONS: tuple[ActionInfo, ...] = (
    # locomotion
    ActionInfo("idle", "locomotion"),
    ActionInfo("walk", "locomotion"),
    ActionInfo("jog", "locomotion"),
    ActionInfo("run", "locomotion"),
    ActionInfo("sprint", "locomotion"),
    ActionInfo("walk_backward", "locomotion"),
    ActionInfo("sidestep", "locomotion"),
    ActionInfo("tiptoe", "locomotion"),
    ActionInfo("march", "locomotion", "angry"),
    ActionInfo("limp", "locomotion", "sad"),
    ActionInfo("skip", "locomotion", "happy"),
    ActionInfo("turn_left", "locomotion", mirror="turn_right"),
    ActionInfo("turn_right", "locomotion", mirror="turn_left"),
    ActionInfo("turn_around", "locomotion"),
    ActionInfo("stumble", "locomotion", "surprised"),
    # jumps
    ActionInfo("jump", "jump", "excited"),
    ActionInfo("jump_forward", "jump", "excited"),
    ActionInfo("hop", "jump", "happy"),
    # level changes
    ActionInfo("crouch", "level"),
    ActionInfo("sit_down", "level"),
    ActionInfo("stand_up", "level"),
    ActionInfo("kneel", "level"),
    ActionInfo("lie_down", "level"),
    ActionInfo("get_up", "level"),
    ActionInfo("fall_down", "level", "surprised"),
    ActionInfo("crawl", "level"),
    # gestures
    ActionInfo("wave", "gesture", "happy"),
    ActionInfo("clap", "gesture", "happy"),
    ActionInfo("point", "gesture"),
    ActionInfo("bow", "gesture"),
    ActionInfo("nod", "gesture", "happy"),
    ActionInfo("shake_head", "gesture", "sad"),
    ActionInfo("shrug", "gesture"),
    ActionInfo("cheer", "gesture", "excited"),
    ActionInfo("stretch", "gesture"),
    ActionInfo("look_around", "gesture", "surprised"),
    ActionInfo("talk", "gesture"),
    # combat and sport
    ActionInfo("punch", "combat", "angry"),
    ActionInfo("kick", "combat", "angry"),
    ActionInfo("block", "combat", "angry"),
    ActionInfo("throw", "combat"),
    ActionInfo("catch", "combat", "surprised"),
    ActionInfo("pick_up", "combat"),
    ActionInfo("push", "combat", "angry"),
    ActionInfo("pull", "combat"),
    ActionInfo("lift", "combat"),
    # dance
    ActionInfo("dance_disco", "dance", "excited"),
    ActionInfo("dance_hiphop", "dance", "excited"),
    ActionInfo("dance_ballet", "dance", "happy"),
    ActionInfo("dance_salsa", "dance", "happy"),
    ActionInfo("spin", "dance", "excited"),
    # acrobatics and sport
    ActionInfo("cartwheel", "acrobatics", "excited"),
    ActionInfo("backflip", "acrobatics", "excited"),
    ActionInfo("roll", "acrobatics"),
    ActionInfo("climb", "acrobatics"),
    ActionInfo("dribble", "combat"),
)

ACTIONS: tuple[str, ...] = tuple(a.name for a in _ACTIONS)
ACTION_INFO: dict[str, ActionInfo] = {a.name: a for a in _ACTIONS}
ACTION_INDEX: dict[str, int] = {name: i for i, name in enumerate(ACTIONS)}
PROCEDURAL_ACTIONS: tuple[str, ...] = tuple(a.name for a in _ACTIONS if a.procedural)
EXPRESSIONS: tuple[str, ...] = ("neutral", "happy", "sad", "surprised", "angry", "excited")
SPEECH_STYLES: tuple[str, ...] = ("talk", "shout", "whisper", "sing")


def action_id(name: str) -> int:
    """Index of ``name`` in ACTIONS; raises ValueError with the known names if unknown."""
    try:
        return ACTION_INDEX[name]
    except KeyError:
        raise ValueError(f"unknown action {name!r}; known actions: {', '.join(ACTIONS)}") from None


def mirror_action(name: str) -> str:
    """The action a left/right mirror of ``name`` shows (``turn_left`` -> ``turn_right``)."""
    info = ACTION_INFO.get(name)
    return info.mirror if info is not None and info.mirror else name


def default_expression(name: str) -> str:
    info = ACTION_INFO.get(name)
    return info.expression if info is not None else "neutral"
