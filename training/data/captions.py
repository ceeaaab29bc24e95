"""Captions for generated samples: a phrasing per action segment, composed into a sentence.

Phrasings are split once, deterministically, into train / val / test sets per action (and per
motion style, ``style_words``), so the validation and test splits hold verb phrases and manner
words the model never saw in training.
"""
from __future__ import annotations

import numpy as np

from engine.phrases import (CONNECTORS, HAND_WORDS, MOOD_WORDS, PHRASE_SPLITS, PHRASES,  # noqa: F401
                            REPEAT_WORDS, SIDED, SPEED_WORDS, SUBJECTS, mirror_text, side_words)

from .style_words import STYLE_SPLITS

SPLITS = ("train", "val", "test")
COUNTABLE = {"wave", "clap", "nod", "jump", "punch", "kick", "hop", "bow", "shake_head",
             "jump_forward", "spin", "throw"}
HANDED = {"wave", "point", "punch", "throw"}


def _pick(rng: np.random.Generator, options) -> str:
    return str(options[int(rng.integers(len(options)))])


def segment_text(action: str, rng: np.random.Generator, split: str = "train", *,
                 speed: float = 1.0, mood: str = "neutral", hand: str = "right",
                 side: str = "right", repeats: int | None = None,
                 style: str | None = None) -> str:
    """One phrasing (no subject) of ``action`` that matches the sample's parameters.

    speed < 0.8 or > 1.25 may add a speed word, a non-neutral mood a mood word, handed actions
    say the hand, sided actions the side, counted actions the number of times, a motion style
    always its manner (in place of a mood word: the style is the manner).
    """
    phrase = _pick(rng, PHRASE_SPLITS[action][split])
    hand_words = HAND_WORDS[hand]
    if "{hand}" in phrase:
        phrase = phrase.replace("{hand}", _pick(rng, hand_words))
    elif action in HANDED and (hand == "both" or rng.random() < 0.6):
        # "both" is always said: a plain "waves" is one arm, so the model must not learn
        # to raise both for it
        phrase += " " + _pick(rng, hand_words)
    phrase = phrase.replace("{side}", side)
    if action in SIDED and side not in phrase and rng.random() < 0.5:
        phrase += " " + side_words(action, side)
    extras = []
    if repeats is not None and action in COUNTABLE and repeats in REPEAT_WORDS and rng.random() < 0.8:
        extras.append(_pick(rng, REPEAT_WORDS[repeats]))
    if speed < 0.8 and rng.random() < 0.75:
        extras.append(_pick(rng, SPEED_WORDS["slow"]))
    elif speed > 1.25 and rng.random() < 0.75:
        extras.append(_pick(rng, SPEED_WORDS["fast"]))
    if style is not None:
        extras.append(_pick(rng, STYLE_SPLITS[style][split]))
    elif mood in MOOD_WORDS and rng.random() < 0.6:
        extras.append(_pick(rng, MOOD_WORDS[mood]))
    rng.shuffle(extras)
    if len(extras) > 1 and rng.random() < 0.5:
        extras = [", ".join(extras[:-1]) + " and " + extras[-1]]
    return " ".join([phrase, *extras])


def compose(texts: list[str], rng: np.random.Generator, subject: str | None = None) -> str:
    """A sentence from segment phrasings: "a man walks slowly, then jumps and waves"."""
    subject = subject or _pick(rng, SUBJECTS)
    out = f"{subject} {texts[0]}"
    for i, t in enumerate(texts[1:], start=1):
        last = i == len(texts) - 1
        conn = ", and finally " if last and len(texts) > 2 and rng.random() < 0.3 else _pick(rng, CONNECTORS)
        out += conn + t
    return out


