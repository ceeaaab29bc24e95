"""How a clause says an action is performed: its motion style (engine.motion_styles) and
intensity, read from plain words ("an old man hobbles along bent over" -> elderly, "a zombie
lurches toward us" -> zombie, "waves as hard as she can" -> intensity 1.5).

A style never chooses the action. Manner words in the clause ("like a penguin", "gracefully",
"with a bounce in her step") win over a style the actor's noun suggests ("an old man",
"a soldier"); the earliest manner word wins when there are several. The phrases that only say
how (``MANNER``) are hidden from the action rules, so "walks gracefully" stays a walk and
"walks like a penguin" does not become anything but a walk.
"""
from __future__ import annotations

import re

from ..motion_styles import STYLE_INFO

_P = "(?:his|her|its|their|the|a|one)"
# (pattern, style): manner words, verbs and phrases that say how the figure moves.
_MANNER: tuple[tuple[str, str], ...] = (
    (r"\blike an? (?:old|elderly|aged) (?:man|woman|person|lady|guy|gentleman)\b|\bbent over\b|"
     r"\bhunched(?: over)?\b|\bstooped\b|\bwith an? (?:walking )?(?:cane|stick)\b|\bfrail(?:ly)?\b|"
     r"\bdoddering\b", "elderly"),
    (r"\blike an? (?:zombie|corpse)s?\b|\bzombie[- ]?(?:like|style|walk)\b|\bshambl\w*\b|\bundead\b", "zombie"),
    (r"\blike an? (?:penguin|duck)s?\b|\bpenguin[- ]?(?:like|style|walk)\b|\bwaddl\w*\b", "penguin"),
    (r"\blike an? (?:robot|machine|android)s?\b|\brobotic(?:ally)?\b|\bmechanical(?:ly)?\b|"
     r"\bjerki(?:ly)?\b|\bjerky\b", "robotic"),
    (r"\blike an? (?:drunk|drunkard)\b|\bdrunk(?:en|enly)?\b|\btipsy\b|\binebriated\b|\bintoxicated\b|"
     r"\bsloshed\b", "drunk"),
    (r"\blike an? (?:child|kid|toddler|little (?:boy|girl|kid))\b|\bchildlike\b|\bchildish(?:ly)?\b|"
     r"\btoddl\w*\b", "childlike"),
    (r"\bswagger\w*\b|\bstrut\w*\b|\bcock(?:y|ily)\b|\bwith attitude\b|\bsashay\w*\b", "swaggering"),
    (r"\btired(?:ly)?\b|\bexhausted(?:ly)?\b|\bwear(?:y|ily)\b|\bsleepy\b|\bsleepily\b|\bdrowsy\b|"
     r"\bdrowsily\b|\bworn out\b|\btrudg\w*\b|\bplod\w*\b|\bdrag\w* " + _P + r" feet\b|"
     r"\bafter a long day\b|\bwith(?:out)? (?:any|no|little) energy\b", "tired"),
    (r"\bsneak\w*\b|\bstealth\w*\b|\bsly(?:ly)?\b|\bfurtive(?:ly)?\b|\bprowl\w*\b", "sneaky"),
    (r"\binjur\w*\b|\bwounded\b|\bhurt\b|\bclutch\w* " + _P + r" (?:side|stomach|ribs)\b|\bin pain\b|"
     r"\bpainful(?:ly)?\b", "injured"),
    (r"\bproud(?:ly)?\b|\bchest out\b|\bchin up\b|\b(?:with )?(?:his|her|their|its)? ?head held high\b|"
     r"\bconfident(?:ly)?\b|\bregal(?:ly)?\b|\bdignified\b|\bmajestic(?:ally)?\b", "proud"),
    (r"\bsad(?:ly)?\b|\bunhapp\w*\b|\bdejected(?:ly)?\b|\bgloom\w*\b|\bdepress\w*\b|\bmelanchol\w*\b|"
     r"\bwith " + _P + r" head (?:hung |hanging )?down\b|\bhead (?:hung|hanging|bowed) (?:low|down)?\b|"
     r"\bsorrow\w*\b|\bglum(?:ly)?\b|\bmop(?:es|ing|ey)\b|\bheartbroken\b|\bdowncast\b|\bforlorn(?:ly)?\b", "sad"),
    (r"\bhapp(?:y|ily)\b|\bcheerful(?:ly)?\b|\bjoyful(?:ly)?\b|\bjoyous(?:ly)?\b|\bgleeful(?:ly)?\b|"
     r"\bmerrily\b|\bin a good mood\b|\bdelighted(?:ly)?\b", "happy"),
    (r"\bangr(?:y|ily)\b|\bfurious(?:ly)?\b|\bin a (?:rage|huff|temper)\b|\bstomp\w*\b|"
     r"\bstorm(?:s|ed|ing)? (?:off|out|away|across|in|through)\b|\birate(?:ly)?\b|\bfuming\b|\benraged\b", "angry"),
    (r"\blumber\w*\b|\bheav(?:y|ily)\b(?! (?:box|bag|sack|crate|weight|load|object|door|bar|rock|stone))|"
     r"\bponderous(?:ly)?\b|\blike an? (?:elephant|ogre|giant|bear)\b", "heavy"),
    (r"\bbounc(?:y|ily)\b|\bwith an? (?:bounce|spring) in " + _P + r" step\b|\bspringy\b|\bspringily\b|"
     r"\bbounc(?:es|ing|ed)? along\b", "bouncy"),
    (r"\bstiff(?:ly)?\b|\brigid(?:ly)?\b|\bwooden(?:ly)?\b|\bstraight[- ]legged\b|\bstiff[- ]legged\b", "stiff"),
    (r"\brelax(?:ed|edly)\b|\bcasual(?:ly)?\b|\blaid[- ]back\b|\bcarefree\b|\bnonchalant(?:ly)?\b|"
     r"\bloose(?:ly)?\b|\bmosey\w*\b", "relaxed"),
    (r"\bcautious(?:ly)?\b|\bcareful(?:ly)?\b|\bwar(?:y|ily)\b|\bnervous(?:ly)?\b|\bgingerly\b|"
     r"\btentative(?:ly)?\b|\bhesitant(?:ly)?\b|\bon (?:the )?(?:ice|slippery \w+)\b", "cautious"),
    (r"\bhurr(?:y|ies|ied|iedly|ying)\b|\bin a (?:hurry|rush)\b|\bhast(?:y|ily)\b|\blate for\b|"
     r"\bto catch (?:a|the) (?:bus|train)\b", "hurried"),
    (r"\bgraceful(?:ly)?\b|\belegant(?:ly)?\b|\bpoised\b|\bglid(?:e|es|ing)\b|\bflowing(?:ly)?\b|"
     r"\blike an? (?:dancer|ballerina|swan)\b", "graceful"),
)
# (pattern, style): who the actor is; used only when no manner word names a style.
_ACTOR: tuple[tuple[str, str], ...] = (
    (r"\b(?:old|elderly|aged|frail) (?:\w+ )?(?:man|woman|person|lady|gentleman|guy|people|men|women)\b|"
     r"\bgrand(?:ma|pa|mother|father|dad|mom|mum)\b|\bpensioner\b|\bsenior citizen\b|\bold-timer\b", "elderly"),
    (r"\bzombies?\b|\bghouls?\b|\bthe walking dead\b", "zombie"),
    (r"\bpenguins?\b", "penguin"),
    (r"\brobots?\b|\bandroids?\b|\bcyborgs?\b|\bmachine\b", "robotic"),
    (r"\bdrunks?\b|\bdrunkards?\b", "drunk"),
    (r"\bkids?\b|\bchild\b|\bchildren\b|\btoddlers?\b|\blittle (?:boy|girl|one)s?\b|\bsmall (?:boy|girl|child)\b", "childlike"),
    (r"\bsoldiers?\b|\bking\b|\bqueen\b", "proud"),
    (r"\bthie(?:f|ves)\b|\bburglars?\b|\bspy\b|\bspies\b|\bninjas?\b|\bcat burglar\b", "sneaky"),
    (r"\bballerinas?\b|\bballet dancers?\b", "graceful"),
    (r"\b(?:fat|obese|huge|heavy|heavyset|overweight|giant) (?:\w+ )?(?:man|woman|person|guy|lady)\b|\bgiants?\b|\bogres?\b", "heavy"),
)
MANNER_RULES = tuple((re.compile(p, re.I), s) for p, s in _MANNER)
ACTOR_RULES = tuple((re.compile(p, re.I), s) for p, s in _ACTOR)

# Phrases that only say how hard or how big: intensity, hidden from the action rules.
_PRONOUN = r"(?:he|she|they|it|you|i|we|one|(?:the|a) \w+)"
INTENSE = re.compile(
    r"\bas (?:hard|much|high|big|wide|fast|vigorously|energetically|wildly|enthusiastically|"
    r"loud(?:ly)?|strongly|powerfully|far) as " + _PRONOUN + r" (?:can|could|possibly can)\b|"
    r"\bwith all (?:his|her|their|its|my|your) (?:might|strength|energy|force)\b|\bwildly\b|"
    r"\bvigorous(?:ly)?\b|\bfrantic(?:ally)?\b|\benergetic(?:ally)?\b|\bfierce(?:ly)?\b|"
    r"\bpowerful(?:ly)?\b|\bforceful(?:ly)?\b|\bviolent(?:ly)?\b|\bexplosive(?:ly)?\b|\bmadly\b|"
    r"\blike crazy\b|\blike mad\b|\bwith gusto\b|\benthusiastic(?:ally)?\b|\bexaggerated(?:ly)?\b|"
    r"\b(?:really |very )?hard\b(?! (?:floor|ground|surface|way))|\bbig (?:wave|jump|kick|punch|swing)\b", re.I)
GENTLE = re.compile(
    r"\bgentl[ey]\b|\ba (?:little|tiny) bit\b|\ba little\b(?! (?:boy|girl|kid|child|one|dog|man|woman))|"
    r"\bslight(?:ly)?\b|\bsoft(?:ly)?\b|\blight(?:ly)?\b(?! (?:run|jog|running|jogging|rain))|"
    r"\bbarely\b|\bsubtl[ey]\b|\bfaintly\b|\bhalf-?hearted(?:ly)?\b|\btimid(?:ly)?\b|\bweakly\b|"
    r"\ba bit\b|\bsomewhat\b|\btiny\b|\bsmall\b(?= (?:wave|nod|bow|jump|kick|punch|shrug|step))|"
    r"\bdelicate(?:ly)?\b|\blazily\b|\blistless(?:ly)?\b", re.I)
INTENSE_LEVEL, GENTLE_LEVEL = 1.5, 0.6

MANNER = re.compile("|".join(f"(?:{p})" for p, _ in _MANNER) + "|" + INTENSE.pattern + "|"
                    + GENTLE.pattern, re.I)


def read_style(clause: str, subject: str = "") -> str | None:
    """The style the clause's manner words name (the earliest), else the one its actor suggests
    (``subject``: the clause's or the prompt's subject words, not its objects), else None."""
    best: tuple[int, str] | None = None
    for pattern, style in MANNER_RULES:
        m = pattern.search(clause)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), style)
    if best:
        return best[1]
    for pattern, style in ACTOR_RULES:     # the actor, never an object ("runs after the thief")
        if subject and pattern.search(subject):
            return style
    return None


def read_intensity(clause: str) -> float:
    """> 1 for "as hard as she can", "wildly"; < 1 for "gently", "a little"; else 1."""
    if INTENSE.search(clause):
        return INTENSE_LEVEL
    if GENTLE.search(clause):
        return GENTLE_LEVEL
    return 1.0


def hide_manner(text: str) -> str:
    """``text`` with its style and intensity phrases blanked out (same length, so match
    positions stay comparable)."""
    return MANNER.sub(lambda m: " " * len(m.group(0)), text)


def style_word(style: str | None) -> str | None:
    return STYLE_INFO[style].word if style else None
