"""Words the rule planner understands: action patterns, speed, expression and speech cues."""
from __future__ import annotations

import re

# (pattern, action), tried in order: the first match wins, so specific patterns come first.
_ACTION_RULES: tuple[tuple[str, str], ...] = (
    (r"\bcart ?wheel", "cartwheel"),
    (r"\bback ?flip|\bback somersault|\bback tuck", "backflip"),
    (r"\bsomersault|\broll(s|ing|ed)?\b(?! a )", "roll"),
    (r"\bdribbl|\bbasketball", "dribble"),
    (r"\bclimb|\bclamber|\bscrambl\w* up", "climb"),
    (r"\b(walk|step|mov|go|went|goe)\w*\s+(backward|backwards|back)\b|\bback(s|ing)? (up|away)\b|\bretreat", "walk_backward"),
    (r"\bside[- ]?step|\bsideways|\bshuffl|\bstrafe", "sidestep"),
    (r"\btip ?toe|\bsneak|\bcreep(s|ing)? (along|forward|quietly)", "tiptoe"),
    (r"\bmarch", "march"),
    (r"\blimp|\bhobbl|\binjured", "limp"),
    (r"\bskip", "skip"),
    (r"\bturn\w*\s+(a)?round|\babout[- ]face|\bturns? back\b|\bface the other way", "turn_around"),
    (r"\b(turn|pivot|rotat|swing)\w*( round| around)?( to)?( the)? left\b|\bleft turn", "turn_left"),
    (r"\b(turn|pivot|rotat|swing)\w*( round| around)?( to)?( the)? right\b|\bright turn", "turn_right"),
    (r"\bstumbl|\btrip(s|ped|ping)?\b|\bstagger|\blose?s? (his |her |its )?balance", "stumble"),
    (r"\bsprint|\bfull speed|\btop speed|\bflat out|\bas fast as", "sprint"),
    (r"\bjog|\btrot", "jog"),
    (r"\brun(s|ning)?\b|\bran\b|\bdash|\brac(e|es|ing)\b|\brush|\bhurr", "run"),
    (r"\bhop", "hop"),
    (r"\b(jump|leap|bound|spring)\w*\s+(forward|ahead|across|over)|\blong jump", "jump_forward"),
    (r"\bjump|\bleap|\bspring(s)? up", "jump"),
    (r"\bcrawl|\ball fours", "crawl"),
    (r"\bget(s|ting)? up|\bgot up|\bpicks? (him|her|it)self up|\brise from the (floor|ground)", "get_up"),
    (r"\bstand(s|ing)? up|\bgets? to (his|her|its|their) feet|\brises?\b", "stand_up"),
    (r"\bsit|\bsat\b|\btakes? a seat|\bseat", "sit_down"),
    (r"\bknee", "kneel"),
    (r"\b(lie|lies|lying|lay|lays) (down|on|flat)|\breclin", "lie_down"),
    (r"\bfall|\bfell\b|\bcollaps|\btopple|\bkeels? over|\btumbl", "fall_down"),
    (r"\bcrouch|\bsquat|\bduck|\bhunker", "crouch"),
    (r"\bdisco|\bhustle|\bseventies", "dance_disco"),
    (r"\bhip[- ]?hop|\bstreet dance|\bbreak ?danc", "dance_hiphop"),
    (r"\bballet|\bballerina|\bpirouett|\bgraceful", "dance_ballet"),
    (r"\bsalsa|\blatin|\bmambo|\btango|\bcha[- ]cha", "dance_salsa"),
    (r"\bdanc|\bboogie|\bgroov|\bbust\w* (a )?move", "dance"),
    (r"\bspin|\btwirl|\bwhirl|\bin circles", "spin"),
    (r"\bwav(e|es|ing|ed)\b|\bsays? (hi|hello|goodbye|bye)\b|\bgreet", "wave"),
    (r"\bclap|\bapplau", "clap"),
    (r"\bpoint", "point"),
    (r"\bbow", "bow"),
    (r"\bshak\w* (his |her |its |their |the )?head|\bhead shake", "shake_head"),
    (r"\bnod", "nod"),
    (r"\bshrug", "shrug"),
    (r"\bcheer|\bcelebrat|\bvictory|\btriumph|\barms? up\b|\bfists? in the air", "cheer"),
    (r"\bstretch|\blimber|\bwarm\w* up", "stretch"),
    (r"\blook\w* (a)?round|\bglanc|\bscan|\bpeer|\blooks? left and right", "look_around"),
    (r"\bpunch|\bjab|\bbox(es|ing)?\b|\bstrikes? with", "punch"),
    (r"\bkick", "kick"),
    (r"\bblock|\bguard|\bdefend|\bparr", "block"),
    (r"\bthrow|\bthrew|\btoss|\bhurl|\bpitch|\blob", "throw"),
    (r"\bcatch|\bcaught", "catch"),
    (r"\bpick\w* (\w+ )?up|\bscoop|\bgrab\w* \w+ off", "pick_up"),
    (r"\bpush|\bshov", "push"),
    (r"\bpull|\btug|\bhaul|\byank|\bdrag", "pull"),
    (r"\blift|\bhoist|\bweights", "lift"),
    (r"\b(talk|chat|speak|explain|convers|speech|says?|said|tell|shout|yell|whisper|sing|scream)", "talk"),
    (r"\bwalk|\bstroll|\bamble|\bpace|\bstep|\bwander|\bgo(es)? (forward|ahead|for a walk)", "walk"),
    (r"\b(stand|wait|idle|paus|rest|stay|still)", "idle"),
)
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
