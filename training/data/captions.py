"""Captions for generated samples: a phrasing per action segment, composed into a sentence.

Phrasings are split once, deterministically, into train / val / test sets per action, so the
validation and test splits hold verb phrases the model never saw in training.
"""
from __future__ import annotations

import re
import zlib

import numpy as np

from engine.actions import mirror_action

from engine.phrases import CONNECTORS, HAND_WORDS, MOOD_WORDS, PHRASES, REPEAT_WORDS, SPEED_WORDS, SUBJECTS

SPLITS = ("train", "val", "test")
COUNTABLE = {"wave", "clap", "nod", "jump", "punch", "kick", "hop", "bow", "shake_head",
             "jump_forward", "spin", "throw"}
HANDED = {"wave", "point", "punch", "throw"}
SIDED = {"sidestep", "hop", "kick"}


def _phrase_split(action: str) -> dict[str, tuple[str, ...]]:
    """The phrasings of ``action`` for each split: one for test, one for val, the rest train.

    The first, plainest phrasing ("walks") always stays in training."""
    canonical, *others = PHRASES[action]
    ranked = sorted(others, key=lambda s: zlib.crc32(f"{action}|{s}".encode()))
    return {"test": (ranked[0],), "val": (ranked[1],), "train": (canonical, *ranked[2:])}


PHRASE_SPLITS: dict[str, dict[str, tuple[str, ...]]] = {a: _phrase_split(a) for a in PHRASES}


def _mirror_splits() -> None:
    """A sided action's partner gets the mirrored split (turn_right's held-out phrase is the
    mirror of turn_left's), so mirror augmentation never moves a held-out phrasing into training."""
    for action in PHRASES:
        partner = mirror_action(action)
        if partner != action and action < partner:
            mirrored = {k: tuple(mirror_text(p) for p in v)
                        for k, v in PHRASE_SPLITS[action].items()}
            assert sorted(sum(mirrored.values(), ())) == sorted(PHRASES[partner]), partner
            PHRASE_SPLITS[partner] = mirrored


def _pick(rng: np.random.Generator, options) -> str:
    return str(options[int(rng.integers(len(options)))])


def segment_text(action: str, rng: np.random.Generator, split: str = "train", *,
                 speed: float = 1.0, mood: str = "neutral", hand: str = "right",
                 side: str = "right", repeats: int | None = None) -> str:
    """One phrasing (no subject) of ``action`` that matches the sample's parameters.

    speed < 0.8 or > 1.25 may add a speed word, a non-neutral mood a mood word, handed actions
    say the hand, sided actions the side, counted actions the number of times.
    """
    phrase = _pick(rng, PHRASE_SPLITS[action][split])
    hand_words = HAND_WORDS[hand]
    if "{hand}" in phrase:
        phrase = phrase.replace("{hand}", _pick(rng, hand_words))
    elif action in HANDED and rng.random() < 0.6:
        phrase += " " + _pick(rng, hand_words)
    phrase = phrase.replace("{side}", side)
    if action in SIDED and side not in phrase and rng.random() < 0.5:
        phrase += f" to the {side}" if action == "sidestep" else f" with the {side} leg"
    extras = []
    if repeats is not None and action in COUNTABLE and repeats in REPEAT_WORDS and rng.random() < 0.8:
        extras.append(_pick(rng, REPEAT_WORDS[repeats]))
    if speed < 0.8 and rng.random() < 0.75:
        extras.append(_pick(rng, SPEED_WORDS["slow"]))
    elif speed > 1.25 and rng.random() < 0.75:
        extras.append(_pick(rng, SPEED_WORDS["fast"]))
    if mood in MOOD_WORDS and rng.random() < 0.6:
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


_LR = re.compile(r"\b(left|right|Left|Right)\b")


def mirror_text(text: str) -> str:
    """Swap the words left and right: the caption of a mirrored motion."""
    swap = {"left": "right", "right": "left", "Left": "Right", "Right": "Left"}
    return _LR.sub(lambda m: swap[m.group(1)], text)


_mirror_splits()
