"""The named motion styles: how an action is performed ("an old man walks", "a zombie lurches").

A style changes the manner of an action, never which action it is: the planner reads it from the
clause's words, the procedural data performs it, the model hears its word in the segment text and
a trained style classifier checks it. ``neutral`` is the absence of a style.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MotionStyle:
    name: str
    word: str          # how the model's segment text says it ("a person walks, elderly")
    description: str   # one line for the app and the docs


_STYLES: tuple[MotionStyle, ...] = (
    MotionStyle("elderly", "like an old person", "slow, short steps, trunk bent forward"),
    MotionStyle("tired", "tiredly", "slow, heavy, head and arms hanging"),
    MotionStyle("injured", "as if injured", "favours one leg, clutches the side"),
    MotionStyle("proud", "proudly", "chest out, chin up, long steps"),
    MotionStyle("sad", "sadly", "slow, head down, little arm swing"),
    MotionStyle("happy", "happily", "light, bouncy, lively arms"),
    MotionStyle("angry", "angrily", "fast, hard steps, fists swinging"),
    MotionStyle("sneaky", "sneakily", "crouched, slow, careful high steps"),
    MotionStyle("zombie", "like a zombie", "stiff lurching gait, arms held out in front"),
    MotionStyle("drunk", "drunkenly", "weaving side to side, unsteady"),
    MotionStyle("robotic", "like a robot", "stiff joints, jerky, no sway"),
    MotionStyle("heavy", "heavily", "wide stance, slow, big side-to-side sway"),
    MotionStyle("bouncy", "bouncily", "springy, the pelvis bobs up and down"),
    MotionStyle("stiff", "stiffly", "straight legs, rigid trunk, small arm swing"),
    MotionStyle("relaxed", "in a relaxed way", "easy, loose arms, unhurried"),
    MotionStyle("childlike", "like a child", "quick short steps, energetic arms"),
    MotionStyle("cautious", "cautiously", "slow, short steps, arms a little out"),
    MotionStyle("hurried", "in a hurry", "fast, leaning forward, quick cadence"),
    MotionStyle("swaggering", "with a swagger", "wide, rolling shoulders, slow cadence"),
    MotionStyle("graceful", "gracefully", "smooth, long steps, flowing arms"),
    MotionStyle("penguin", "like a penguin", "waddle: tiny steps, stiff legs, arms at the sides"),
)

STYLES: tuple[str, ...] = tuple(s.name for s in _STYLES)
STYLE_INFO: dict[str, MotionStyle] = {s.name: s for s in _STYLES}
NEUTRAL = "neutral"


def check_style(name: str | None) -> str | None:
    """``name`` if it is a style (or None / "neutral" -> None), else ValueError."""
    if name is None or name == NEUTRAL:
        return None
    if name not in STYLE_INFO:
        raise ValueError(f"unknown style {name!r}; styles are {', '.join(STYLES)}")
    return name
