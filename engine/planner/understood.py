"""What the planner could not read: words it does not know, and prompts not in English.

The planner never guesses silently. A clause whose words are mostly unknown ("qwzx blorf") is
not handed to the meaning match (which finds *some* nearest action for any string): the figure
idles and a warning says which words were not understood. A prompt in another script, in
another language, or made only of symbols says so too.

A word is known when it is in ``resources/planner/english_words.txt`` (an English word list),
in the planner's phrase bank, or read by one of the planner's own rules, after stripping common
endings ("hobbles" -> "hobble").
"""
from __future__ import annotations

import functools
import re
import unicodedata

_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
# Words that carry no content: a clause made only of these is skipped, not warned about.
FUNCTION_WORDS = frozenset(
    "a an the and or but then so and to of in on at by for with from into onto over under up down "
    "out off about as is are was were be been it its he she they them him her his their this that "
    "there here just also too very again now some any one someone somebody person people i we you "
    "me us my our your while who which what where when ish".split())
# Function words of other languages written in Latin script (not English words).
FOREIGN_WORDS = frozenset(
    "el los las una uno unos unas y del hacia con por para muy und der das dem den ein eine einen "
    "einem nach mit ist sich auf nicht ich wir les une des du il ils elle elles est avec dans sur "
    "pour très che di della nel gli um uma ele ela em het een naar niet ook la le de en et lo al "
    "camina corre salta baila hombre mujer persona geht läuft springt tanzt mann frau marche court "
    "saute danse homme femme cammina corre uomo donna".split())
_ACCENTED = re.compile(r"[ñßäöüéèêàçãõâîôûœ¿¡]", re.I)


@functools.lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    from resources import ROOT

    text = (ROOT / "planner" / "english_words.txt").read_text(encoding="utf-8")
    words = {w for w in text.split() if not w.startswith("#")}
    return frozenset(words | _bank_words())


def _bank_words() -> set[str]:
    from ..phrases import PHRASE_SPLITS

    out: set[str] = set()
    texts = [p for splits in PHRASE_SPLITS.values() for ps in splits.values() for p in ps]
    try:
        from .bank import bank_path

        texts += [line.partition("\t")[2] for line in bank_path().read_text(
            encoding="utf-8").splitlines() if not line.startswith("#")]
    except OSError:
        pass
    for t in texts:
        out.update(w.lower() for w in _WORD.findall(t))
    return out


def _stems(w: str) -> list[str]:
    out = [w]
    for end, add in (("ies", "y"), ("ied", "y"), ("ily", "y"), ("ally", ""), ("ly", ""),
                     ("ing", ""), ("ing", "e"), ("ed", ""), ("ed", "e"), ("es", ""), ("s", ""),
                     ("ers", ""), ("er", ""), ("er", "e"), ("'s", ""), ("ness", ""), ("ish", "")):
        if w.endswith(end) and len(w) - len(end) >= 2:
            stem = w[: len(w) - len(end)] + add
            out.append(stem)
            if len(stem) > 3 and stem[-1] == stem[-2] and not add:
                out.append(stem[:-1])              # "stopped" -> "stop"
    return out


@functools.lru_cache(maxsize=4096)
def is_known(word: str) -> bool:
    """Whether the planner can read ``word`` (any case)."""
    from .lexicon import ACTION_RULES
    from .paths import _HIDE
    from .styles import MANNER

    w = word.lower()
    plain = "".join(c for c in unicodedata.normalize("NFKD", w) if not unicodedata.combining(c))
    if plain != w and plain.isascii():
        return is_known(plain)
    if len(w) <= 1 or w in FUNCTION_WORDS:
        return True
    if w in FOREIGN_WORDS:
        return False
    words = english_words()
    if any(s in words for s in _stems(w)):
        return True
    # a word a rule reads, give or take an ending ("hobbles", "pirouettes"; not "jabberwock")
    for p in [p for p, _ in ACTION_RULES] + [MANNER, _HIDE]:
        m = p.search(w)
        if m and m.start() == 0 and len(w) - m.end() <= 4:
            return True
    return False


def blank_unknown(text: str) -> str:
    """``text`` with the words the planner cannot read blanked out (same length), so no rule
    reads an action into part of one ("jabberwock" is no jab)."""
    return _WORD.sub(lambda m: m.group(0) if is_known(m.group(0)) else " " * len(m.group(0)), text)


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def unknown_words(text: str) -> list[str]:
    """The words of ``text`` the planner cannot read, in order, each once."""
    out: list[str] = []
    for w in words(text):
        if not is_known(w) and w.lower() not in (o.lower() for o in out):
            out.append(w)
    return out


def content_words(text: str) -> list[str]:
    return [w for w in words(text) if w.lower() not in FUNCTION_WORDS]


def mostly_unknown(text: str) -> list[str]:
    """The unknown words of ``text`` when they are at least half of its content words (the
    clause cannot be read), else []."""
    unknown = unknown_words(text)
    content = content_words(text)
    return unknown if content and len(unknown) * 2 >= len(content) else []


def _is_latin(ch: str) -> bool:
    return ord(ch) < 0x250 or 0x1E00 <= ord(ch) < 0x1F00


def language_problem(text: str) -> str | None:
    """Why ``text`` is not English the planner can read ("the prompt is not in English
    (Cyrillic script)"), or None. Prompts made only of symbols, digits and emoji say so too."""
    letters = [ch for ch in text if ch.isalpha()]
    foreign = [ch for ch in letters if not _is_latin(ch)]
    if letters and len(foreign) * 10 >= len(letters) * 3:
        scripts: dict[str, int] = {}
        for ch in foreign:
            name = unicodedata.name(ch, "UNKNOWN").split()[0]
            name = {"CJK": "Chinese", "HIRAGANA": "Japanese", "KATAKANA": "Japanese",
                    "HANGUL": "Korean"}.get(name, name.title())
            scripts[name] = scripts.get(name, 0) + 1
        return f"the prompt is not in English ({max(scripts, key=scripts.get)} script)"
    if not letters:
        if any(unicodedata.category(ch) == "So" or ord(ch) >= 0x1F000 for ch in text):
            return "the prompt is not in English (only emoji or symbols)"
        return None
    ws = [w.lower() for w in words(text)]
    foreign_words = [w for w in ws if w in FOREIGN_WORDS and w not in english_words()]
    strict = [w for w in ws if w in FOREIGN_WORDS]
    unknown = [w for w in ws if not is_known(w)]
    if (len(foreign_words) >= 1 and len(strict) >= 2 and len(unknown) * 3 >= len(ws)) or \
            (_ACCENTED.search(text) and len(unknown) * 5 >= len(ws) * 2):
        return "the prompt is not in English"
    return None
