"""Verb phrases for every action: how people say it. Used for training captions and by the planner
(prototypes for embedding-nearest action matching).

Each action maps to at least eight phrasings (third person, present tense, no subject). A phrase
may hold ``{hand}`` (filled with e.g. "with the left hand") or ``{side}`` ("left"/"right").
"""
from __future__ import annotations

import re
import zlib

from .actions import mirror_action

PHRASES: dict[str, tuple[str, ...]] = {
    "idle": ("stands still", "stands idle", "waits", "stands and waits", "stays in place",
             "stands around", "rests on the spot", "stands relaxed", "idles", "pauses"),
    "walk": ("walks", "walks forward", "strolls", "takes a walk", "walks ahead", "paces forward",
             "ambles along", "steps forward", "walks straight ahead", "goes for a walk"),
    "jog": ("jogs", "jogs forward", "jogs along", "goes for a jog", "trots", "runs lightly",
            "jogs at an easy pace", "does a light jog", "jogs ahead"),
    "run": ("runs", "runs forward", "runs ahead", "dashes", "races forward", "breaks into a run",
            "runs fast", "hurries", "rushes forward"),
    "sprint": ("sprints", "sprints forward", "sprints ahead", "runs as fast as possible",
               "bolts forward", "races at full speed", "dashes flat out", "goes all out",
               "sprints at top speed"),
    "walk_backward": ("walks backward", "walks backwards", "steps backward", "backs up",
                      "backs away", "retreats step by step", "moves backwards",
                      "walks in reverse", "steps back"),
    "sidestep": ("sidesteps to the {side}", "steps sideways to the {side}", "shuffles to the {side}",
                 "side-steps {side}", "moves sideways to the {side}", "shifts to the {side}",
                 "slides over to the {side}", "takes side steps to the {side}"),
    "tiptoe": ("tiptoes", "tiptoes forward", "sneaks forward", "walks on tiptoe", "creeps along",
               "sneaks quietly", "tiptoes carefully", "walks on its toes", "creeps forward"),
    "march": ("marches", "marches forward", "marches like a soldier", "marches in step",
              "parades forward", "stomps forward in a march", "marches ahead",
              "marches with high knees", "walks in a military march"),
    "limp": ("limps", "limps forward", "walks with a limp", "hobbles", "hobbles along",
             "limps along", "drags one leg", "walks as if injured", "limps slowly ahead"),
    "skip": ("skips", "skips forward", "skips along", "skips happily along", "does a skip",
             "skips ahead", "bounces along skipping", "skips like a child", "hops and skips"),
    "turn_left": ("turns left", "turns to the left", "makes a left turn", "turns around to the left",
                  "rotates left", "pivots left", "faces left", "spins to the left slowly",
                  "swings round to the left"),
    "turn_right": ("turns right", "turns to the right", "makes a right turn",
                   "turns around to the right", "rotates right", "pivots right", "faces right",
                   "spins to the right slowly", "swings round to the right"),
    "turn_around": ("turns around", "turns back", "does an about-face", "turns to face the other way",
                    "turns round", "spins around to look back", "reverses direction",
                    "turns all the way around", "faces the other way"),
    "stumble": ("stumbles", "trips", "stumbles and catches itself", "trips over something",
                "loses balance", "staggers", "trips and recovers", "stumbles forward",
                "nearly falls"),
    "jump": ("jumps", "jumps up", "jumps in place", "leaps up", "jumps into the air", "hops up",
             "springs up", "does a jump", "jumps up and down"),
    "jump_forward": ("jumps forward", "leaps forward", "does a long jump", "jumps ahead",
                     "bounds forward", "leaps ahead", "jumps over a gap", "springs forward",
                     "takes a running leap"),
    "hop": ("hops on one leg", "hops on the {side} leg", "hops on one foot", "hops",
            "hops on the {side} foot", "bounces on one leg", "hops in place on one leg",
            "does one-legged hops", "balances and hops on one leg"),
    "crouch": ("crouches", "crouches down", "squats", "squats down", "ducks down", "hunkers down",
               "bends down low", "gets low", "crouches low"),
    "sit_down": ("sits down", "takes a seat", "sits", "sits on the ground", "sits down slowly",
                 "lowers into a seat", "has a seat", "settles down to sit", "plops down"),
    "stand_up": ("stands up", "gets to its feet", "rises", "stands back up", "rises to stand",
                 "gets up from sitting", "stands up straight", "pushes up to stand", "rises up"),
    "kneel": ("kneels", "kneels down", "goes down on one knee", "drops to a knee", "takes a knee",
              "kneels on the ground", "bends the knee", "gets down on its knees", "genuflects"),
    "lie_down": ("lies down", "lies on the ground", "lays down", "lies flat", "stretches out on the floor",
                 "gets down and lies", "reclines on the floor", "lies down to rest",
                 "lies down on its back"),
    "get_up": ("gets up", "gets up from the ground", "gets up off the floor", "picks itself up",
               "climbs to its feet", "rises from the floor", "stands up from lying down",
               "gets back on its feet", "gets up from lying"),
    "fall_down": ("falls down", "falls over", "collapses", "falls to the ground", "topples over",
                  "drops to the floor", "falls", "tumbles down", "keels over"),
    "crawl": ("crawls", "crawls forward", "crawls on hands and knees", "creeps on all fours",
              "crawls along the floor", "moves on all fours", "crawls ahead", "crawls like a baby",
              "crawls slowly forward"),
    "wave": ("waves", "waves {hand}", "waves hello", "waves goodbye", "waves at someone",
             "gives a wave {hand}", "waves a greeting", "says hi with a wave", "waves {hand} in greeting"),
    "clap": ("claps", "claps its hands", "applauds", "claps hands together", "gives a round of applause",
             "claps along", "claps enthusiastically", "keeps clapping", "claps a few times"),
    "point": ("points", "points {hand}", "points ahead", "points at something", "points forward",
              "points into the distance", "points {hand} at something", "indicates a direction",
              "points over there"),
    "bow": ("bows", "takes a bow", "bows down", "bows politely", "bends forward in a bow",
            "bows to the audience", "gives a deep bow", "makes a bow", "bows respectfully"),
    "nod": ("nods", "nods its head", "nods yes", "nods in agreement", "nods along", "agrees with a nod",
            "gives a nod", "bobs its head yes", "nods approvingly"),
    "shake_head": ("shakes its head", "shakes its head no", "says no with its head",
                   "shakes the head in disagreement", "refuses with a head shake",
                   "shakes its head in disbelief", "disagrees by shaking its head",
                   "gives a head shake", "shakes its head side to side"),
    "shrug": ("shrugs", "shrugs its shoulders", "gives a shrug", "shrugs as if unsure",
              "shrugs helplessly", "lifts its shoulders in a shrug", "shrugs and opens its hands",
              "does a shrug", "shrugs, not knowing"),
    "cheer": ("cheers", "cheers with arms up", "raises both arms in victory", "celebrates",
              "throws its arms up", "cheers in triumph", "pumps both fists in the air",
              "celebrates with raised arms", "raises its arms and cheers"),
    "stretch": ("stretches", "stretches its arms", "stretches out", "does a stretch",
                "stretches its arms overhead", "reaches up in a stretch", "limbers up",
                "warms up with a stretch", "stretches its body"),
    "look_around": ("looks around", "looks left and right", "glances around", "scans the area",
                    "looks about", "peers around", "searches with its eyes", "looks around curiously",
                    "checks its surroundings"),
    "talk": ("talks", "talks with gestures", "chats", "talks and gestures", "explains something",
             "speaks with its hands", "has a conversation", "gestures while talking",
             "gives a speech"),
    "punch": ("punches", "throws a punch", "punches {hand}", "punches forward", "strikes with a fist",
              "jabs", "throws a punch {hand}", "punches the air", "boxes"),
    "kick": ("kicks", "kicks forward", "does a kick", "kicks with the {side} leg", "kicks high",
             "kicks the air", "gives a kick", "kicks a ball", "throws a kick"),
    "block": ("blocks", "blocks an attack", "raises its guard", "defends itself", "blocks a punch",
              "guards its face", "puts up its arms to block", "takes a defensive stance",
              "parries a blow"),
    "throw": ("throws", "throws a ball", "throws {hand}", "tosses something", "hurls a ball",
              "pitches a ball", "throws something far", "lobs a ball", "throws overhand"),
    "catch": ("catches", "catches a ball", "catches something", "makes a catch",
              "catches a ball with both hands", "grabs something from the air", "receives a pass",
              "catches a thrown ball", "reaches out and catches"),
    "pick_up": ("picks something up", "picks up an object", "bends down and picks something up",
                "lifts something from the floor", "picks up a box", "grabs something off the ground",
                "scoops something up", "reaches down to pick up", "picks an item up"),
    "push": ("pushes", "pushes something", "pushes a heavy box", "shoves forward", "pushes forward",
             "pushes against a wall", "gives a push", "pushes with both hands", "shoves something"),
    "pull": ("pulls", "pulls something", "pulls a rope", "tugs", "pulls toward itself", "hauls a rope",
             "yanks something", "pulls hard", "drags something closer"),
    "lift": ("lifts", "lifts something heavy", "lifts a box", "lifts weights", "raises a heavy load",
             "lifts an object overhead", "hoists something up", "does a heavy lift", "picks up and lifts"),
    "dance_disco": ("dances disco", "does a disco dance", "dances like in the seventies",
                    "disco dances", "does the disco point", "grooves to disco", "dances to disco music",
                    "busts disco moves", "dances the hustle"),
    "dance_hiphop": ("dances hip hop", "does a hip-hop dance", "breaks into hip hop moves",
                     "dances to hip hop", "grooves hip-hop style", "does street dance",
                     "bounces in a hip hop dance", "dances with swagger", "busts some hip hop moves"),
    "dance_ballet": ("dances ballet", "does a ballet dance", "performs ballet", "dances gracefully",
                     "does a pirouette", "dances like a ballerina", "performs a graceful dance",
                     "dances on pointe", "does ballet moves"),
    "dance_salsa": ("dances salsa", "does a salsa dance", "dances the salsa", "salsa dances",
                    "does salsa steps", "dances Latin style", "moves to salsa music",
                    "dances with salsa hips", "does the salsa basic step"),
    "spin": ("spins", "spins around", "spins in place", "twirls", "twirls around", "does a spin",
             "whirls around", "pirouettes in place", "turns in circles"),
    "cartwheel": ("does a cartwheel", "cartwheels", "turns a cartwheel", "does cartwheels",
                  "performs a cartwheel", "flips sideways in a cartwheel", "wheels over sideways",
                  "does a gymnastic cartwheel", "cartwheels across"),
    "backflip": ("does a backflip", "backflips", "flips backwards", "does a back somersault",
                 "performs a backflip", "does a back tuck", "somersaults backward",
                 "flips over backwards", "does an acrobatic backflip"),
    "roll": ("rolls", "rolls on the ground", "does a forward roll", "tumbles", "rolls over",
             "does a somersault on the floor", "rolls across the floor", "does a roll",
             "rolls forward"),
    "climb": ("climbs", "climbs up", "climbs a wall", "scrambles up", "climbs over something",
              "climbs up a ladder", "clambers up", "climbs the playground frame", "climbs higher"),
    "dribble": ("dribbles a ball", "dribbles a basketball", "bounces a basketball", "dribbles",
                "plays basketball", "dribbles down the court", "bounces the ball while moving",
                "handles a basketball", "dribbles the ball forward"),
}

SUBJECTS = ("a person", "a man", "a woman", "someone", "the figure", "a stick figure",
            "a guy", "a girl", "a boy", "the character", "a dancer", "an athlete", "he", "she")

SPEED_WORDS = {
    "slow": ("slowly", "at a slow pace", "leisurely", "gently", "unhurriedly"),
    "fast": ("quickly", "fast", "briskly", "rapidly", "at a fast pace", "energetically"),
}
MOOD_WORDS = {
    "tired": ("tiredly", "wearily", "looking exhausted", "sluggishly"),
    "happy": ("happily", "cheerfully", "joyfully", "with a smile"),
    "angry": ("angrily", "furiously", "aggressively", "in a rage"),
    "proud": ("proudly", "confidently", "with pride", "triumphantly"),
}
HAND_WORDS = {
    "left": ("with the left hand", "with its left hand", "using the left arm", "with the left arm"),
    "right": ("with the right hand", "with its right hand", "using the right arm", "with the right arm"),
    "both": ("with both hands", "with both arms", "using both hands"),
}
REPEAT_WORDS = {1: ("once",), 2: ("twice", "two times"), 3: ("three times", "3 times"),
                4: ("four times", "4 times"), 5: ("five times", "5 times")}
CONNECTORS = (", then ", " and then ", ", and then ", ". Then it ", ", after that ", " and ",
              ", next ", ", and afterwards ")


_LR = re.compile(r"\b(left|right|Left|Right)\b")


def mirror_text(text: str) -> str:
    """Swap the words left and right: the caption of a mirrored motion."""
    swap = {"left": "right", "right": "left", "Left": "Right", "Right": "Left"}
    return _LR.sub(lambda m: swap[m.group(1)], text)


def _phrase_split(action: str) -> dict[str, tuple[str, ...]]:
    """The phrasings of ``action`` for each split: one for test, one for val, the rest train.
    The first, plainest phrasing ("walks") always stays in training."""
    canonical, *others = PHRASES[action]
    ranked = sorted(others, key=lambda s: zlib.crc32(f"{action}|{s}".encode()))
    return {"test": (ranked[0],), "val": (ranked[1],), "train": (canonical, *ranked[2:])}


def _split_all() -> dict[str, dict[str, tuple[str, ...]]]:
    """Every action's split; a sided action's partner gets the mirrored split (turn_right's
    held-out phrase is the mirror of turn_left's), so mirror augmentation never moves a held-out
    phrasing into training."""
    splits = {a: _phrase_split(a) for a in PHRASES}
    for action in PHRASES:
        partner = mirror_action(action)
        if partner != action and action < partner:
            mirrored = {k: tuple(mirror_text(p) for p in v) for k, v in splits[action].items()}
            assert sorted(sum(mirrored.values(), ())) == sorted(PHRASES[partner]), partner
            splits[partner] = mirrored
    return splits


# Held-out phrasings: the validation and test captions use phrasings that neither training
# captions nor the planner's embedding prototypes ever see.
PHRASE_SPLITS: dict[str, dict[str, tuple[str, ...]]] = _split_all()


# Actions whose phrasing may name a side; how captions say it when the phrasing does not.
SIDED = frozenset({"sidestep", "hop", "kick"})


def side_words(action: str, side: str) -> str:
    """"to the left" for a sidestep, "with the left leg" for a hop or kick."""
    return f"to the {side}" if action == "sidestep" else f"with the {side} leg"
