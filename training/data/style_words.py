"""How captions say a motion style: several phrasings per named style (engine.motion_styles),
split once into train / val / test like the action phrasings, so validation and test captions
hold manner words the model never read in training.

The style's own ``word`` (what the model hears at generation time) always stays in training.
"""
from __future__ import annotations

import zlib

from engine.motion_styles import STYLE_INFO, STYLES

STYLE_PHRASES: dict[str, tuple[str, ...]] = {
    "elderly": ("like an elderly person", "bent over like an old person", "with an old person's "
                "shuffle", "the way a very old person would", "stooped with age", "like a frail "
                "old-timer"),
    "tired": ("drowsily", "exhaustedly", "as if worn out", "dragging with fatigue",
              "like someone who is exhausted", "listlessly"),
    "injured": ("favouring one leg", "as if hurt", "like someone wounded", "nursing an injury",
                "holding its side in pain", "painfully"),
    "proud": ("with its chest out", "with a lofty air", "chin held high", "self-assuredly",
              "haughtily", "like a proud champion"),
    "sad": ("with its head hung low", "gloomily", "dejectedly", "looking miserable",
            "sorrowfully", "with drooping shoulders"),
    "happy": ("brightly", "light-heartedly", "with a spring of joy", "gleefully", "merrily",
              "in a good mood"),
    "angry": ("hot-temperedly", "in a temper", "with clenched fists", "fuming", "irately",
              "stomping with anger"),
    "sneaky": ("stealthily", "furtively", "like a sneaking thief", "crouched and stealthy",
               "on the sly", "like a cat burglar"),
    "zombie": ("like the undead", "like a shambling corpse", "zombie-like with arms out",
               "like a walking dead", "stiffly with arms stretched out like a zombie",
               "lurching like a ghoul"),
    "drunk": ("like a drunk", "tipsily", "staggering as if drunk", "weaving unsteadily",
              "wobbly like someone who had too much to drink", "in a drunken sway"),
    "robotic": ("robotically", "like a machine", "mechanically", "with jerky robot moves",
                "like an android", "in stiff robotic steps"),
    "heavy": ("heavily and ponderously", "lumbering", "with heavy thudding steps",
              "like a heavy giant", "ponderously", "like someone very heavy"),
    "bouncy": ("with a bounce", "springily", "with a spring in its step", "buoyantly",
               "in a bouncy way", "bobbing up and down"),
    "stiff": ("rigidly", "woodenly", "with stiff legs", "without bending much",
              "stiff as a board", "in a stiff manner"),
    "relaxed": ("casually", "loosely", "in an easygoing way", "laid-back",
                "nonchalantly", "at ease"),
    "childlike": ("like a little kid", "childishly", "like a small child", "like a toddler",
                  "playfully like a kid", "with a child's energy"),
    "cautious": ("carefully", "warily", "with caution", "gingerly", "tentatively",
                 "as if on thin ice"),
    "hurried": ("hastily", "in a rush", "hurriedly", "as if late", "urgently",
                "in a great hurry"),
    "swaggering": ("swaggering", "with a cocky swagger", "strutting", "cockily",
                   "with attitude", "like a tough guy"),
    "graceful": ("elegantly", "with grace", "like a dancer", "smoothly and gracefully",
                 "fluidly", "with poise"),
    "penguin": ("waddling like a penguin", "with a penguin waddle", "waddling",
                "like a waddling penguin", "in a waddle", "like a penguin on ice"),
}
assert set(STYLE_PHRASES) == set(STYLES)


def _split(style: str) -> dict[str, tuple[str, ...]]:
    """One phrasing for test, one for val, the rest (with the style's own word) for train."""
    others = sorted(STYLE_PHRASES[style], key=lambda s: zlib.crc32(f"{style}|{s}".encode()))
    return {"test": (others[0],), "val": (others[1],),
            "train": (STYLE_INFO[style].word, *others[2:])}


STYLE_SPLITS: dict[str, dict[str, tuple[str, ...]]] = {s: _split(s) for s in STYLES}
