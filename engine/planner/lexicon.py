"""Words the rule planner understands: action patterns, speed, expression and speech cues."""
from __future__ import annotations

import re

# (pattern, action), tried in order: the first match wins, so specific patterns come first.
_ACTION_RULES: tuple[tuple[str, str], ...] = (
    (r"\bcart ?wheel|\bwheels? over", "cartwheel"),
    (r"\bsomersault\w* back|\bback ?flip|\bback somersault|\bback tuck", "backflip"),
    (r"\bsomersault|\broll(s|ing|ed)?\b(?! a )", "roll"),
    (r"\bdribbl|\bbasketball|\bbounc\w* (?:a|the|his|her|their) (?:\w+ )?ball\b", "dribble"),
    (r"\bclimb|\bclamber|\bscrambl\w* up", "climb"),
    (r"\b(walk|step|mov|go|went|goe)\w*\s+(backward|backwards|back)\b|\bback(s|ing)? (up|away)\b|\bretreat|\bbackpedal|\bin reverse\b", "walk_backward"),
    (r"\bside[- ]?step|\bsideways|\bshuffl|\bstrafe|\bsteps? (to the )?(left|right|aside)\b|\bscoot", "sidestep"),
    (r"\btip[- ]?toe|\bsneak|\bcreep(s|ing)? (along|forward|quietly)|\bon (his |her |its |their )?toes\b|\bstealth", "tiptoe"),
    (r"\bmarch|\bgoose[- ]?step|\bparad", "march"),
    (r"\blimp|\bhobbl|\binjured|\bdrag\w* (a |one |his |her |its |the )?(leg|foot)\b", "limp"),
    (r"\bskip", "skip"),
    (r"\bturn\w*\s+(all the way |completely )?(a)?round\b(?! (to|in) )|\babout[- ]face|\bturns? back\b|\bface the other way|\bu[- ]turn|\b180\b|\blook\w* back\b", "turn_around"),
    (r"\b(turn|pivot|rotat|swing|spin)\w*( round| around)?( to)?( the)? left\b|\bleft turn", "turn_left"),
    (r"\b(turn|pivot|rotat|swing|spin)\w*( round| around)?( to)?( the)? right\b|\bright turn", "turn_right"),
    (r"\bstumbl|\btrip(s|ped|ping)?\b|\bstagger|\blose?s? (his |her |its |their )?balance|\bteeter|\btotter|\bwobbl|\blurch", "stumble"),
    (r"\bsprint|\bfull (speed|tilt)|\btop speed|\bflat out|\bas fast as|\ball out\b", "sprint"),
    (r"\bjog|\btrot|\b(run|running|runs) (lightly|gently|easily|slowly|at an easy pace)", "jog"),
    (r"\brun(s|ning)?\b|\bran\b|\bdash|\brac(e|es|ing)\b|\brush|\bhurr|\bcharg(e|es|ing)\b|\bflee", "run"),
    (r"\b(jump|bounc|leap)\w* on one (leg|foot)|\bhop", "hop"),
    (r"\b(jump|leap|bound|spring)\w*\s+(forward|ahead|across|over)|\b(long|broad) jump", "jump_forward"),
    (r"\bjump|\bleap|\bspring(s)? up|\bbounc\w* up|\bhops? up\b", "jump"),
    (r"\bcrawl|\ball fours", "crawl"),
    (r"\b(climb|clamber|scrambl)\w* to (his |her |its |their )?feet|\bget(s|ting)? (back )?up|\bgot up|\bpick\w* (him|her|it|them)sel(f|ves) up|\bris\w* (up )?from the (floor|ground)|\b(stand|get)\w* up from (the )?(floor|ground|lying)", "get_up"),
    (r"\bpush\w* up to stand|\bgets? up from (a |the )?(sitting|seat|chair)|\bstand(s|ing)? (back )?up|\bgets? to (his|her|its|their) feet|\brises?\b", "stand_up"),
    (r"\bsit|\bsat\b|\btakes? a seat|\bseat|\bplops? down|\bperch", "sit_down"),
    (r"\bknee|\bgenuflect", "kneel"),
    (r"\b(lie|lies|lying|lay|lays) (down|on|flat|back)|\bstretch\w* out on the (floor|ground)|\breclin|\bgoes? to sleep|\bnaps?\b", "lie_down"),
    (r"\bfall|\bfell\b|\bcollaps|\btopple|\bkeels? over|\btumbl|\bdrops? to the (floor|ground)|\bfaint|\bpass(es)? out", "fall_down"),
    (r"\bcrouch|\bsquat|\bduck|\bhunker|\bgets? low\b", "crouch"),
    (r"\bdisco|\bhustle|\bseventies", "dance_disco"),
    (r"\bhip[- ]?hop|\bstreet dance|\bbreak ?danc", "dance_hiphop"),
    (r"\bpointe\b|\bballet|\bballerina|\bpirouett|\bgraceful", "dance_ballet"),
    (r"\bsalsa|\blatin|\bmambo|\btango|\bcha[- ]cha", "dance_salsa"),
    (r"\bdanc|\bboogie|\bgroov|\bbust\w* (a )?move", "dance"),
    (r"\bspin|\btwirl|\bwhirl|\bin (a )?circles?|\bturns? round (and round|in place)", "spin"),
    (r"\bwav(e|es|ing|ed)\b|\bsays? (hi|hello|goodbye|bye)\b|\bgreet", "wave"),
    (r"\bclap|\bapplau", "clap"),
    (r"\bpoint|\bgestur\w* (at|to|toward)|\bindicat", "point"),
    (r"\bbow|\bcurts(e)?y", "bow"),
    (r"\bshak\w* (his |her |its |their |the )?head|\bhead shake|\bsays? no\b|\bdisagree", "shake_head"),
    (r"\bnod|\bsays? yes\b|\bagree|\bbob\w* (his |her |its |their |the )?head|\bhead yes\b", "nod"),
    (r"\bshrug|\b(lift|rais)\w* (his |her |its |their |the )?shoulders", "shrug"),
    (r"\b(throw|thrust|rais|put|lift)\w* (his |her |its |their |both )?(arms|hands|fists) (up|in the air|high)|\bcheer|\bcelebrat|\bvictory|\btriumph(?!antly)|\barms? up\b|\bfists? in the air|\bpumps? (his |her |its |a )?fist|\bhoo?ray|\bhurrah|\brejoic", "cheer"),
    (r"\bstretch|\blimber|\bwarm\w* up|\byawn", "stretch"),
    (r"\blook\w* (a)?round|\bglanc|\bscan|\bpeer|\blooks? left and right|\bsearch|\bsurvey|\blooks? about", "look_around"),
    (r"\bthrow\w* (a )?(punch|jab|hook|uppercut)|\bpunch|\bjab|\bbox(es|ing)?\b|\bstrikes? with|\buppercut|\bhits?\b", "punch"),
    (r"\bkick|\bthrow\w* (a )?kick", "kick"),
    (r"\bblock|\bguard|\bdefend|\bparr|\bshield|\bfends? off", "block"),
    (r"\bthrow|\bthrew|\btoss|\bhurl|\bpitch|\blob|\bfling|\bchuck", "throw"),
    (r"\bcatch|\bcaught|\b(from|out of) the air\b|\bmid-?air", "catch"),
    (r"\b(lift|rais|tak)\w* (\w+ )?(off|from|up from) the (floor|ground)|\bpick\w* (\w+ )?up|\bscoop|\bgrab\w* \w+ off|\bretriev", "pick_up"),
    (r"\bpush|\bshov", "push"),
    (r"\bpull|\btug|\bhaul|\byank|\bdrag", "pull"),
    (r"\blift|\bhoist|\bweights|\bbarbell|\bdeadlift", "lift"),
    (r"\b(talk|chat|speak|explain|convers|speech|says?|said|tell|shout|yell|whisper|sing|scream)", "talk"),
    (r"\bwalk|\bstroll|\bamble|\bpac(es|ing)\b|\bstep|\bwander|\bgo(es)? (forward|ahead|for a walk)", "walk"),
    (r"\b(stand|wait|idle|paus|rest|stay|still)", "idle"),
)
# A generic verb gives way to a more specific action named in the same clause ("walks on tiptoe",
# "runs at full speed", "jumps on one leg"); "*" means any other action.
GENERIC_VERBS = {
    "idle": "*",
    "walk": ("tiptoe", "march", "limp", "skip", "walk_backward", "sidestep", "stumble", "crawl",
             "climb", "turn_left", "turn_right", "turn_around"),
    "run": ("sprint", "jog"),
    "jump": ("jump_forward", "hop"),
    "stand_up": ("get_up",),
    "lie_down": ("get_up",),
    "crouch": ("pick_up", "lift"),
    "spin": ("turn_left", "turn_right", "turn_around"),
}
# A generic "dance" takes the style named anywhere in its clause, else this default.
DANCE_STYLES = ("dance_disco", "dance_hiphop", "dance_ballet", "dance_salsa")
DEFAULT_DANCE = "dance_hiphop"
ACTION_RULES = tuple((re.compile(p, re.IGNORECASE), a) for p, a in _ACTION_RULES)

SPEED_CUES = (
    (re.compile(r"\b(very|really|super) (slow|slowly)\b", re.I), 0.55),
    (re.compile(r"\b(slow|slowly|leisurely|gently|unhurried\w*|carefully|lazily)\b", re.I), 0.72),
    (re.compile(r"\b(very|really|super) (fast|quickly)\b", re.I), 1.5),
    (re.compile(r"\b(fast|quick|quickly|briskly|rapidly|energetic\w*|hurriedly)\b", re.I), 1.3),
)
EXPRESSION_CUES = (
    (re.compile(r"\b(happ\w*|cheerful\w*|joyful\w*|smil\w*|glad\w*|laugh\w*)\b", re.I), "happy"),
    (re.compile(r"\b(sad\w*|unhapp\w*|cry\w*|cries|sorrow\w*|gloom\w*|depress\w*|tired\w*|weari\w*)\b", re.I), "sad"),
    (re.compile(r"\b(surpris\w*|shock\w*|amaz\w*|astonish\w*|startl\w*|scared|afraid|fright\w*)\b", re.I), "surprised"),
    (re.compile(r"\b(angr\w*|furious\w*|mad|rage|annoyed|aggressive\w*)\b", re.I), "angry"),
    (re.compile(r"\b(excit\w*|thrill\w*|enthusias\w*|ecstatic\w*|proud\w*)\b", re.I), "excited"),
)
SPEECH_CUES = (
    (re.compile(r"\b(shout\w*|yell\w*|scream\w*|cries out|roar\w*)\b", re.I), "shout"),
    (re.compile(r"\b(whisper\w*|murmur\w*|mutter\w*)\b", re.I), "whisper"),
    (re.compile(r"\b(sing\w*|sang|hum\w*)\b", re.I), "sing"),
    (re.compile(r"\b(talk\w*|say\w*|said|speak\w*|spoke|chat\w*|explain\w*|tell\w*|greet\w*)\b", re.I), "talk"),
)
EMOJI_ACTIONS = {"🏃": "run", "🚶": "walk", "💃": "dance_salsa", "🕺": "dance_disco", "👋": "wave",
                 "🤸": "cartwheel", "👏": "clap", "🙇": "bow", "🤷": "shrug", "🙌": "cheer",
                 "🥊": "punch", "🧎": "kneel", "🧗": "climb", "⛹": "dribble", "🏀": "dribble",
                 "🦘": "jump", "😴": "lie_down", "🪑": "sit_down", "💪": "lift"}
NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
                "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
                "fifteen": 15, "twenty": 20, "thirty": 30, "half": 0.5, "a couple of": 2,
                "a few": 3, "several": 4}

# Words that say how, not what: stripped before a clause is compared by meaning, so "trots
# wearily at a slow pace" is matched as "trots". (The cues above are still read from the clause.)
MODIFIERS = re.compile(
    r"\b(at an? \w+ pace|at (full|top|high|low) speed(?= \w)|with (a|an) (big |broad )?(smile|grin|frown|sigh)|"
    r"with (pride|joy|glee|anger|confidence|energy|care)|in an? (rage|hurry|huff|good mood|bad mood)|"
    r"looking \w+|(with|using) (the|his|her|its|their|both|one) (left |right )?(hands?|arms?)|"
    r"for (about |around )?\S+ (seconds?|secs?|minutes?|mins?)|once|twice|thrice|\S+ times|"
    r"very|really|super|a bit|a little|"
    r"(slow|leisure|gent|unhurried|careful|lazi|quick|brisk|rapid|energetical|hurried|happi|"
    r"cheerful|joyful|sad|tired|weari|angri|furious|aggressive|excited|proud|confident|"
    r"triumphant|sluggish|calm|nervous|casual|eager|lazy|soft|loud|wild|sleepi|sheepish|"
    r"reluctant|shy|bold|clumsi|elegant|playful)ly)\b", re.I)
