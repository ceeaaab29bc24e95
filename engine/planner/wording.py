"""The words the model is conditioned on for a planned segment.

A segment's own clause can be worded in ways the model never met in training ("flips sideways
over her hands"), and unusual wording pulls the motion away from the planned action. The model
hears the plainest phrasing of the action, the way training captions say it, plus the clause's
own manner, speed, mood, hand and repetition words; the whole prompt still reaches it unchanged
as the caption. What this wording gained in action accuracy is measured in the model card.
"""
from __future__ import annotations

import re

from ..phrases import PHRASE_SPLITS, SIDED, side_words
from .lexicon import MODIFIERS


def model_text(action: str, clause: str, style: str | None = None) -> str:
    """Segment text for the model: "a person" + the action's plainest phrasing + the side the
    clause names + the clause's manner words ("hurls himself sideways over his hands happily
    with the left hand" -> "a person does a cartwheel happily with the left hand"), then the
    style's own word when a style is given ("a person walks forward like a zombie"), as
    training captions say it."""
    text = _plain_text(action, clause)
    if style is None:
        return text
    from ..motion_styles import STYLE_INFO

    word = STYLE_INFO[style].word
    return text if word in text else f"{text} {word}"


def _plain_text(action: str, clause: str) -> str:
    side = "left" if re.search(r"\bleft\b", clause, re.I) else "right"
    phrase = PHRASE_SPLITS[action]["train"][0]
    phrase = phrase.replace("{hand}", f"with the {side} hand").replace("{side}", side)
    words = [m.group(0) for m in MODIFIERS.finditer(clause)]
    if (action in SIDED and re.search(r"\b(left|right)\b", clause, re.I)
            and side not in phrase and not any(side in w for w in words)):
        words.insert(0, side_words(action, side))
    return " ".join(["a person", phrase, *words])
