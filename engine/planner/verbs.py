"""Where a clause's verb is: the subject noun phrase before it is not an action.

"a dancer walks to the door": "a dancer" names the actor, "walks" is the verb. The action rules
look only after the subject, so nouns that name the actor ("dancer", "climber", "kicker") never
choose the action. A small heuristic, no tagger: a determiner starts a noun phrase; the word
after it is always part of it ("a dancer", "a running man"); later words join it until one looks
like a verb (an -s, -ed or -ing form, or a base word some action rule reads), a function word,
or four words have gone. Agent nouns ("-er", "-or", "-ist") never end it.
"""
from __future__ import annotations

import re

DETERMINERS = frozenset("a an the this that my our your his her their some one another every "
                        "each any".split())
PRONOUNS = frozenset("he she they it someone somebody i we you everyone everybody anyone nobody "
                     "person".split())
_BOUNDARY = frozenset("is are was were who that which with in on at from and but then while "
                      "as to by of for into".split())
_NOUN_ENDINGS = ("er", "ers", "or", "ors", "ist", "ists", "man", "men", "woman", "women", "ian",
                 "ians", "ness", "ss")
_VERB_ENDINGS = ("s", "ed", "ing", "ly")
# Nouns that head an actor's noun phrase: the word after one is the verb.
HEAD_NOUNS = frozenset("guy boy girl kid child lady person figure character dog cat robot zombie "
                       "soldier penguin thief knight king queen ninja baby toddler adult teen "
                       "teenager athlete gymnast cyclist couple friend dude chap fellow bloke "
                       "individual human android cyborg monster ghost pirate cowboy clown".split())
MAX_SUBJECT_WORDS = 4


def _verb_like(word: str) -> bool:
    from .lexicon import ACTION_RULES

    w = word.lower().strip(",.;:!?")
    if w in _BOUNDARY:
        return True
    if w.endswith(_NOUN_ENDINGS):
        return False
    if w.endswith(_VERB_ENDINGS):
        return True
    return any(p.match(w) for p, _ in ACTION_RULES)


def _is_head(word: str) -> bool:
    w = word.lower().strip(",.;:!?")
    return w in HEAD_NOUNS or w.rstrip("s") in HEAD_NOUNS or w.endswith(_NOUN_ENDINGS[:-2])


def split_subject(clause: str) -> tuple[str, str]:
    """(subject words, the rest from the verb on): ("a drunk guy", "wobbles down the road");
    ("", clause) when the clause does not start with a subject."""
    text = clause.strip()
    tokens = text.split()
    if not tokens:
        return "", text
    first = tokens[0].lower().strip(",")
    if first in PRONOUNS:
        n = 1
    elif first in DETERMINERS and len(tokens) > 1:
        n = 2
        while (n < min(len(tokens), 1 + MAX_SUBJECT_WORDS) and not _is_head(tokens[n - 1])
               and not _verb_like(tokens[n])):
            n += 1
        if n >= len(tokens):   # all noun phrase ("a backflip"): no subject to strip
            return "", text
    else:
        return "", text
    m = re.match(r"\s*(?:\S+\s+){%d}" % n, text + " ")
    return " ".join(tokens[:n]), text[m.end():] if m else ""
