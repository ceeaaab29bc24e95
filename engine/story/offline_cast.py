"""Who is in a scene: the offline story planner's cast and its reference resolver.

A prompt names its actors with role nouns ("a man", "two friends", "three dancers"), proper names
("Anna"), pronouns ("she hands him a box") and group words ("one ... the other", "they"). The
:class:`Cast` creates an actor the first time a phrase introduces one and maps later phrases back
to the same actor: a pronoun picks the most recently mentioned actor of its gender, "the other"
the group member not yet picked, "they" the group in focus. No tagger, only rules; what they do
not understand makes no actor, and a prompt that names nobody gets a single "person".
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from engine.planner.lexicon import NUMBER_WORDS

from .script import MAX_ACTORS as MAX_GROUP   # a group never outnumbers a scene

# role noun -> (gender "m"/"f"/"it"/None, height scale). Children and animals are drawn smaller.
ROLES: dict[str, tuple[str | None, float]] = {
    "man": ("m", 1.0), "woman": ("f", 0.95), "boy": ("m", 0.8), "girl": ("f", 0.8),
    "guy": ("m", 1.0), "lady": ("f", 0.95), "gentleman": ("m", 1.0), "father": ("m", 1.0),
    "dad": ("m", 1.0), "mother": ("f", 0.95), "mom": ("f", 0.95), "mum": ("f", 0.95),
    "brother": ("m", 1.0), "sister": ("f", 0.95), "king": ("m", 1.0), "queen": ("f", 0.95),
    "husband": ("m", 1.0), "wife": ("f", 0.95), "son": ("m", 0.8), "daughter": ("f", 0.8),
    "kid": (None, 0.75), "child": (None, 0.75), "baby": (None, 0.5), "toddler": (None, 0.55),
    "person": (None, 1.0), "friend": (None, 1.0), "dancer": (None, 1.0), "fighter": (None, 1.0),
    "boxer": (None, 1.0), "runner": (None, 1.0), "player": (None, 1.0), "soldier": (None, 1.0),
    "robot": ("it", 1.0), "zombie": (None, 1.0), "ninja": (None, 1.0), "knight": (None, 1.0),
    "teacher": (None, 1.0), "student": (None, 1.0), "stranger": (None, 1.0), "thief": (None, 1.0),
    "partner": (None, 1.0), "athlete": (None, 1.0), "referee": (None, 1.0), "waiter": (None, 1.0),
    "dog": ("it", 0.55), "puppy": ("it", 0.5), "cat": ("it", 0.5),
}
_IRREGULAR = {"men": "man", "women": "woman", "children": "child", "people": "person",
              "ladies": "lady", "babies": "baby", "thieves": "thief", "gentlemen": "gentleman",
              "puppies": "puppy"}
PLURALS: dict[str, str] = {**{r + "s": r for r in ROLES}, **_IRREGULAR}
# nouns that name several actors at once: "a couple dances" is two partners
COLLECTIVES: dict[str, tuple[str, int]] = {"couple": ("partner", 2), "pair": ("partner", 2),
                                           "trio": ("person", 3)}
_NOUNS = "|".join(sorted([*ROLES, *PLURALS, *COLLECTIVES], key=len, reverse=True))
_COUNT = "|".join(sorted([w for w in NUMBER_WORDS if w not in ("a", "an")], key=len, reverse=True))
_DET = rf"a|an|the|another|some|both|all|his|her|their|\d+|{_COUNT}"
# "a tall man", "two old friends", "the other dancer": a determiner, up to two adjectives, a role.
MENTION = re.compile(rf"\b(?P<det>{_DET})\s+(?:(?:[a-z]+(?:-[a-z]+)?)\s+){{0,2}}?(?P<noun>{_NOUNS})\b", re.I)
GROUP_WORDS = re.compile(r"^(?:both(?: of them)?|they|them|everyone|everybody|all of them|each other|"
                         r"one another|the (?:two|three|four|five|six|group|pair|couple)(?: of them)?|"
                         r"together)$", re.I)
OTHER = re.compile(r"^(?:the other(?: one)?|the second(?: one)?|another one)$", re.I)
ONE = re.compile(r"^(?:one(?: of them)?|the first(?: one)?)$", re.I)
_PRONOUN_GENDER = {"he": "m", "him": "m", "his": "m", "she": "f", "her": "f", "it": "it"}
# a phrase that may name an actor (a subject or an object), most specific first
PHRASE = (rf"(?:(?:{_DET}|his|her|their)\s+(?:[a-z]+(?:-[a-z]+)?\s+){{0,2}}?(?:{_NOUNS})\b|"
          rf"(?:each other|one another|both(?: of them)?|the other(?: one)?|the second(?: one)?|"
          rf"another one|one of them|the first(?: one)?|everyone|everybody|them|him|her|it)\b|"
          rf"(?-i:[A-Z][a-z]+)(?=[\s,;.!?]|$))")   # a proper name, capitalised even under re.I
_NOT_NAMES = frozenset("A An The Then One Both They He She It His Her Their Two Three Four Five "
                       "Meanwhile While After Finally Suddenly Next And But Camera Close Wide".split())


@dataclass
class Member:
    role: str                 # the role noun ("man") or the proper name ("Anna")
    gender: str | None
    height: float
    group: int                # members introduced together ("two friends") share a group
    proper: bool = False      # a proper name is used as it is


@dataclass
class Cast:
    members: list[Member] = field(default_factory=list)
    recent: list[int] = field(default_factory=list)        # most recently mentioned last
    picked: dict[int, list[int]] = field(default_factory=dict)  # group -> members "one"/"the other" took
    focus_group: int | None = None
    notes: list[str] = field(default_factory=list)
    _groups: int = 0

    # --- creating -----------------------------------------------------------------------------
    def add(self, role: str, count: int = 1, proper: bool = False, group: int | None = None) -> list[int]:
        gender, height = ROLES.get(role, (None, 1.0))
        if group is None:
            group, self._groups = self._groups, self._groups + 1
        out = []
        for _ in range(count):
            self.members.append(Member(role, gender, height, group, proper))
            out.append(len(self.members) - 1)
        if count > 1:
            self.focus_group = group
        self._touch(out)
        return out

    def ensure_someone(self) -> list[int]:
        """The actor a subject-less prompt is about; a "person" when nobody was named."""
        if self.recent:
            return [self.recent[-1]]
        return self.add("person")

    def names(self) -> list[str]:
        """Unique display names: the role alone, or numbered when a role occurs several times."""
        counts: dict[str, int] = {}
        for m in self.members:
            counts[m.role] = counts.get(m.role, 0) + 1
        seen: dict[str, int] = {}
        out = []
        for m in self.members:
            seen[m.role] = seen.get(m.role, 0) + 1
            out.append(m.role if counts[m.role] == 1 else f"{m.role} {seen[m.role]}")
        return out

    def _touch(self, idx: list[int]) -> None:
        for i in idx:
            if i in self.recent:
                self.recent.remove(i)
            self.recent.append(i)

    # --- resolving ----------------------------------------------------------------------------
    def resolve(self, phrase: str, exclude: list[int] = (), create: bool = True) -> list[int]:
        """Actors ``phrase`` names (creating new ones for new nouns when ``create``); [] if none.

        ``exclude`` are actors the phrase cannot mean (the subject, for an object pronoun)."""
        p = " ".join(phrase.split()).strip(" ,.;")
        if not p:
            return []
        low = p.lower()
        if low in _PRONOUN_GENDER:
            found = self._by_gender(_PRONOUN_GENDER[low], exclude, create)
        elif low in ("they", "them") or GROUP_WORDS.match(p):
            found = self._group(exclude) or []
        elif OTHER.match(p):
            found = self._other(exclude, create)
        elif ONE.match(p):
            found = self._one(exclude)
        else:
            found = self._mention(p, exclude, create)
        self._touch(found)
        return found

    def partner(self, of: list[int]) -> list[int]:
        """The actor someone means by "over" with no object: the other one in focus."""
        for i in reversed(self.recent):
            if i not in of:
                return [i]
        return []

    def _mention(self, p: str, exclude, create: bool) -> list[int]:
        m = MENTION.match(p)
        if m is None:
            word = p.split()[0]
            if word[:1].isupper() and word not in _NOT_NAMES and len(word) > 1:
                for i, mem in enumerate(self.members):
                    if mem.proper and mem.role == word:
                        return [i]
                return self.add(word, proper=True) if create else []
            return []
        det, noun = m.group("det").lower(), m.group("noun").lower()
        if noun in COLLECTIVES:
            role, count = COLLECTIVES[noun]
            same = [i for i, mem in enumerate(self.members) if mem.role == role]
            if det == "the" and same:
                return same
            return self.add(role, count) if create else []
        role, plural = (PLURALS[noun], True) if noun in PLURALS and noun not in ROLES else (noun, False)
        same = [i for i, mem in enumerate(self.members) if mem.role == role and i not in exclude]
        if det in ("the", "both", "all") and same:
            if plural or det in ("both", "all"):
                return same
            # "the other dancer" is handled by the adjectives: "other" picks one not yet picked
            if re.search(r"\bother\b", p, re.I):
                return self._other(exclude, create, role=role)
            return [same[-1] if self.recent and same[-1] in self.recent else same[0]]
        if not create:
            return []
        if det == "another" and self.members:
            group = next((self.members[i].group for i in reversed(same)), None)
            return self.add(role, group=group)
        count = 1
        if plural:
            count = int(det) if det.isdigit() else NUMBER_WORDS.get(det, 2)
            if count > MAX_GROUP:
                self.notes.append(f"{count} {noun} is more than a scene holds; {MAX_GROUP} were kept")
            count = max(2, min(count, MAX_GROUP))
        return self.add(role, count)

    def _by_gender(self, gender: str, exclude, create: bool) -> list[int]:
        for i in reversed(self.recent):
            if self.members[i].gender == gender and i not in exclude:
                return [i]
        for i in reversed(self.recent):   # "he" for an actor of no stated gender ("the runner")
            if self.members[i].gender is None and i not in exclude:
                self.members[i].gender = gender
                return [i]
        if create and gender in ("m", "f"):
            return self.add("man" if gender == "m" else "woman")
        return []

    def _group(self, exclude) -> list[int]:
        if self.focus_group is not None:
            found = [i for i, m in enumerate(self.members) if m.group == self.focus_group and i not in exclude]
            if found:
                return found
        return [i for i in range(len(self.members)) if i not in exclude]

    def _one(self, exclude) -> list[int]:
        group = self._group(exclude)
        taken = self.picked.setdefault(self.focus_group if self.focus_group is not None else -1, [])
        for i in group:
            if i not in taken and i not in exclude:
                taken.append(i)
                return [i]
        return group[:1]

    def _other(self, exclude, create: bool, role: str | None = None) -> list[int]:
        key = self.focus_group if self.focus_group is not None else -1
        taken = self.picked.setdefault(key, [])
        # with no group in focus, "the other" is never the actor just spoken of
        spoken = self.recent[-1:] if key == -1 else []
        candidates = [i for i in self._group(exclude)
                      if i not in taken and i not in exclude and i not in spoken
                      and (role is None or self.members[i].role == role)]
        if candidates:
            taken.append(candidates[0])
            return candidates[:1]
        if not create or not self.members:
            return []
        # "a fighter throws a punch and the other blocks it": the other one is new, of the same kind
        first = self.recent[-1] if self.recent else len(self.members) - 1
        group = self.members[first].group
        new = self.add(role or self.members[first].role, group=group)
        self.focus_group = group
        self.picked[group] = [first, *new]
        return new
