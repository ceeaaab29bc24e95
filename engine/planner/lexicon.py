"""Words the rule planner understands: action patterns, speed, expression and speech cues."""
from __future__ import annotations

import re

# (pattern, action), tried in order: the first match wins, so specific patterns come first.
_ACTION_RULES: tuple[tuple[str, str], ...] = (
    (r"\bcart ?wheel|\bwheels? over|\b(flip|wheel|rotat|tumbl|spin|turn)\w* sideways\b.{0,20}\b(hand|arm|wheel)|\bsideways (hand|wheel|flip|rotat|handstand|handspring)|\bside (flip|rotation|handspring)|\bhand over hand", "cartwheel"),
    (r"\bsomersault\w* back|\bback ?flip|\bback(ward)? somersault|\bback(ward)? tuck|\bbackward flip|\bflip\w* (over )?backwards?|\bback handspring|\bgainer", "backflip"),
    (r"\bsomersault|\broll(s|ing|ed)?\b(?! a )|\btumbl\w* forwards?|\bforward (tumble|tuck|roll)|\bhead over heels|\bcurl\w* into a ball", "roll"),
    (r"\bdribbl|\bbasketball|\bcrossover|\bbounc\w* (?:a|the|his|her|their) (?:\w+ )?ball\b", "dribble"),
    (r"\bclimb|\bclamber|\bscrambl\w* up(?! (from|off))|\bshinn?(y|ies|s) up|\bscal(e|es|ing) (a|the)\b|\bascend|\b(haul|pull)\w* (them|him|her)sel(f|ves) up (a|the)\b", "climb"),
    (r"\b(walk|step|mov|go|went|goe)\w*\s+(backward|backwards|back)\b|\bback(s|ing)? (up|away)\b|\bretreat|\bbackpedal|\bin reverse\b", "walk_backward"),
    (r"\bside[- ]?step|\bsideways|\bshuffl\w*\s+(?:to (?:the |his |her |their |its )?)?(?:left|right|side|aside)\b|\bstrafe|\bsteps? (to the )?(left|right|aside|side)\b|\bscoot|\blateral|\bcrabwise|\bto the side\b|\bsideways", "sidestep"),
    (r"\btip[- ]?toe|\bsneak|\bcreep(s|ing)? (along|forward|quietly)|\bon (his |her |its |their )?toes\b|\bstealth|\bballs of (the|his|her|its|their) feet|\bpads? (softly|quietly)|\bwithout (making )?a sound|\bnot to make a sound", "tiptoe"),
    (r"\bmarch|\bgoose[- ]?step|\bparad|\blike a soldier|\bsoldier'?s? (stride|step|walk)|\bin (lock)?step\b|\blockstep|\bleft,? right,? left", "march"),
    (r"\blimp|\bhobbl|\binjured|\bdrag\w* (a |one |his |her |its |the |an )?(injured |bad |hurt |sore )?(left |right )?(leg|foot)\b|\bfavou?r\w* (the |one |a |his |her |its |their )?(left |right )?(leg|foot|ankle|knee)|\b(sore|bad|hurt|twisted|sprained) (leg|ankle|foot|knee)|\blame(ly)?\b|\b(walks?|moves?|steps?) unevenly|\buneven (gait|stride|steps?)", "limp"),
    (r"\bskip|\bhop[- ]?(step|skip)|\bstep[- ]?hop|\bspring in (the|his|her|its|their) step|\bprance|\bfrolic|\bgambol", "skip"),
    (r"\bturn\w*\s+(all the way |completely )?(a)?round\b(?! (to|in) )|\babout[- ]face|\bturns? back\b|\bface the other way|\bu[- ]turn|\b180\b|\blook\w* back\b|\bhundred and eighty|\bwheels? (a)?round|\bwheels? about|\bto face the way|\bface (the )?(opposite|other) (way|direction)|\blook\w* behind|\brevers\w* (his |her |its |their )?(direction|course)|\bdoubles? back|\bchang\w* direction", "turn_around"),
    (r"\b(turn|pivot|rotat|swing|spin|swivel|veer|wheel)\w*( round| around)?( \w+ degrees)?( to| toward| towards)?( face)?( the| his| her| their| its)? left\b(?! (hand|arm|leg|foot))|\bleft (turn|face)\b|\b(anti|counter)-?clockwise", "turn_left"),
    (r"\b(turn|pivot|rotat|swing|spin|swivel|veer|wheel)\w*( round| around)?( \w+ degrees)?( to| toward| towards)?( face)?( the| his| her| their| its)? right\b(?! (hand|arm|leg|foot))|\bright (turn|face)\b|(?<!anti)(?<!counter)(?<!counter-)(?<!anti-)\bclockwise", "turn_right"),
    (r"\bstumbl|\btrip(s|ped|ping)?\b|\bstagger|\blose?s? (his |her |its |their )?balance|\bteeter|\btotter|\bwobbl|\blurch|\blose?s? (his |her |its |their )?footing|\bcatch\w* (a|his|her|its|their|the) (toe|foot)|\b(nearly|almost) fall", "stumble"),
    (r"\bsprint|\bfull (speed|tilt|pelt)|\btop speed|\bmaximum speed|\bflat[- ]out|\bas fast as|\ball out\b|\blike the wind|\bbreakneck", "sprint"),
    (r"\bjog|\btrot|\blope|\b(run|running|runs) (lightly|gently|easily|slowly|leisurely|at an? (easy|relaxed|gentle|comfortable|steady|leisurely) (pace|speed))|\b(light|gentle|easy|leisurely|relaxed|steady) (run|running)\b", "jog"),
    (r"\brun(s|ning)?\b|\bran\b|\bdash|\blegs? it\b|\bhotfoot|\bpelt|\brac(e|es|ing)\b|\brush|\bhurr|\bcharg(e|es|ing)\b|\bflee", "run"),
    (r"\b(jump|bounc|leap|spring)\w*( \w+)?( along| up and down)? on (one|a single|the (left|right)) (leg|foot)|\bhop|\bone-(legged|footed)", "hop"),
    (r"\b(jump|leap|bound|spring)\w*\s+(far )?(forward|ahead|across|over)|\b(long|broad) jump|\b(big|long|huge|running|great) leap|\bleaps? far\b|\bvault", "jump_forward"),
    (r"\bjump|\bleap|\bspring(s)? up|\bbounc\w* up|\bhops? up\b", "jump"),
    (r"\bcrawl|\ball fours|\bhands and knees", "crawl"),
    (r"\b(climb|clamber|scrambl)\w* to (his |her |its |their )?feet|\bget(s|ting)? (back )?up|\bgot up|\bpick\w* (him|her|it|them)sel(f|ves) up|\bris\w* (up )?from the (floor|ground)|\b(stand|get)\w* up from (the )?(floor|ground|lying)|\b(after|from) (a )?lying|\b(up|upright) (off|from) the (floor|ground|mat)|\boff the (floor|ground) to stand", "get_up"),
    (r"\b(up|rises?|gets?|stands?)\b.{0,12}\b(out of|off|from) (the |a |an |his |her |their )?(arm)?(chair|sofa|couch|bench|seat|stool|sitting)|\bpush\w* up to stand|\bgets? up from (a |the )?(sitting|seat|chair)|\bstand(s|ing)? (back )?up|\bgets? to (his|her|its|their) feet|\brises?\b", "stand_up"),
    (r"\bsit|\bsat\b|\btakes? a seat|\bseat|\bplops? down|\bperch|\b(flops?|lowers?|drops?|sinks?)\b.{0,20}\b(on|onto|into) (the|a) (bench|chair|sofa|couch|stool|seat|armchair)|\bparks?\b.{0,12}\b(backside|bottom|behind|bum)", "sit_down"),
    (r"\bkneel|\bknelt|\btakes? a knee|\bbended knee|\bgenuflect|\b(drop|get|go|sink|fall|come|lower)\w* (down )?(on|to|onto) (one|both|a|his|her|its|their|the) knees?|\bon (one|both|his|her|its|their) knees?\b", "kneel"),
    (r"\b(lie|lies|lying|lay|lays) (down|on|flat|back)|\bstretch\w* out on the (floor|ground)|\breclin|\bgoes? to sleep|\bnaps?\b|\bsprawl|\bhorizontal|\blowers?\b.{0,25}\b(onto|to|on) the (ground|floor)", "lie_down"),
    (r"(?<!nearly )(?<!almost )\bfall|\bfell\b|\bcollaps|\btopple|\bkeels? over|\btumbl|\bdrops? to the (floor|ground)|\bfaint|\bpass(es)? out|\bwipes? out|\bface-?plant", "fall_down"),
    (r"\bcrouch|\bsquat|\bduck|\bhunker|\bgets? low\b|\bcower|\bstoop|\bbends? (the|his|her|its|their|both) knees|\bstay\w* low\b|\bclose to the ground", "crouch"),
    (r"\bdisco|\bhustle|\bseventies|\b(19)?70s\b|'70s|\b197\d\b|\btravolta|\bbee gees|\bmirror ball|\bsaturday night fever|\bfunk", "dance_disco"),
    (r"\bhip[- ]?hop|\bstreet (dance|moves)|\bbreak ?danc|\bpops? and locks?|\bpopping and locking|\bkrump|\bthe robot\b|\bb-?boy|\brunning man|\bmoonwalk", "dance_hiphop"),
    (r"\bpointe\b|\bballet|\bballerina|\bpli[eé]|\bjet[eé]|\barabesque|\bswan lake|\bprima\b|\btutu", "dance_ballet"),
    (r"\bsalsa|\blatin|\bmambo|\btango|\bcha[- ]cha|\bcuban|\bmerengue|\bbachata|\brumba", "dance_salsa"),
    (r"\bdanc|\bboogie|\bgroov|\bbust\w* (a )?move", "dance"),
    (r"\bspin|\bpirouett|\btwirl|\bwhirl|\bin (a )?circles?|\bturns? round (and round|in place)|\bround and round|\bturns? circles", "spin"),
    (r"\bwav(e|es|ing|ed)\b|\bsalut(e|es|ing|ed)\b|\bsays? (hi|hello|goodbye|bye)\b|\bgreet|\bflaps? (a|the|his|her|its|their|one) hand|\bhails?\b|\bflags? down", "wave"),
    (r"\bclap|\bapplau|\b(palms|hands) together", "clap"),
    (r"\bpoint|\bgestur\w* (at|to|toward)|\bindicat(?!\w* (yes|no)\b)|\bfinger (at|toward|towards)|\b(outstretched|extended|index) finger|\bextend\w* an arm to (show|indicate)|\bdirect\w* attention", "point"),
    (r"\bbow|\bcurts(e)?y|\bbend\w* (forward |low )?at the (waist|hips)|\bwaist[- ]bend|\bbend\w* (forward|low) (respectfully|politely|in greeting)|\bincline\w* (the|his|her|its|their) (upper body|torso)|\bdips? the head and (torso|body)|\bfold\w* forward at the (hips|waist)", "bow"),
    (r"\bshak\w* (his |her |its |their |the )?head|\bhead shake|\b(says?|signals?|indicates?|means?) no\b|\bdisagree|\bhead (from )?side to side", "shake_head"),
    (r"\bnod|\b(says?|signals?|indicates?|means?) yes\b|\bagree|\baffirmative|\bhead (up and down|down and up)|\bbob\w* (his |her |its |their |the )?head|\bhead yes\b", "nod"),
    (r"\bshrug|\b(lift|rais|hitch|hunch|pull)\w* (up )?(both |his |her |its |their |the )?shoulders|\b(lift|raise) of the shoulders|\bshoulder (lift|raise)", "shrug"),
    (r"\b(throw|thrust|rais|put|lift)\w* (his |her |its |their |both |the )?(arms|hands|fists) (up|in the air|high|overhead)|\bpunch\w* the air|\bwhoop|\bcheer|\bcelebrat|\bvictory|\btriumph(?!antly)|\barms? up\b|\bfists? in the air|\bpumps? (his |her |its |a )?fist|\bhoo?ray|\bhurrah|\brejoic", "cheer"),
    (r"\bstretch|\blimber|\bwarm\w* up|\byawn|\breach\w* up (high|toward|towards|to the)|\blengthen|\belongat", "stretch"),
    (r"\blook\w* (a)?round|\bglanc|\bscan|\bpeer|\blooks? left and right|\bsearch|\bsurvey|\blooks? about", "look_around"),
    (r"\bthrow\w* (an? )?(punch|jab|hook|uppercut)|\bpunch|\bjab|\bbox(es|ing)?\b|\bstrikes? with (a|the|his|her|its|their) (fist|hand)|\buppercut|\bhits?\b|\b(left|right) hook|\bhaymaker|\bsocks?\b|\bshadow ?box|\bheavy bag", "punch"),
    (r"\bkick|\bthrow\w* (a )?kick|\b(strike|hit|lash)\w* (out )?with (a|the|his|her|its|their) (left |right )?(foot|leg|shin)|\broundhouse", "kick"),
    (r"\bblock|\bguard|\bdefend|\bparr|\bshield|\bfends? off", "block"),
    (r"\bthrow|\bthrew|\btoss|\bhurl|\bpitch|\blob|\bfling|\bchuck|\bjavelin|\bcasts? (a|the|an|something)", "throw"),
    (r"\bcatch|\bcaught|\b(from|out of) the air\b|\bmid-?air|\breceiv\w* (a|the) (pass|ball|throw)|\bto receive\b|\bfield\w* (a|the)\b|\bintercept|\bcradl", "catch"),
    (r"\b(lift|rais|tak)\w* (\w+ )?(off|from|up from) the (floor|ground)|\bpick\w* (\w+ )?up|\bscoop|\bgrab\w* (\w+ ){1,2}(off|from) (the )?(floor|ground)|\bgrab\w* \w+ off|\bretriev", "pick_up"),
    (r"\bpush|\bshov|\bpropel|\bnudg|\bheav\w* against|\bleans? into|\brams?\b|\bpress\w* (a|the) (heavy )?door", "push"),
    (r"\bpull|\btug|\bhaul|\byank|\bdrag|\breel\w* in|\bdraws? .{0,20}\b(toward|towards|up from)", "pull"),
    (r"\blift|\bhoist|\bweights|\bbarbell|\bdeadlift|\bdumbbell|\bclean and jerk|\bbench press|\bheav\w* (a|the) (sack|bag|box|crate)", "lift"),
    (r"\b(talk|chat|speak|explain|convers|speech|says?|said|tell|shout|yell|whisper|sing|scream|natter|gab|rabbits? on)", "talk"),
    (r"\bwalk|\bstroll|\bamble|\bpac(es|ing)\b|\bstep|\bwander|\bgo(es)? (forward|ahead|for a walk)|\bsaunter|\bon foot\b|"
     r"\bstrut|\bswagger|\btrudg|\bplod|\blumber|\bwaddl|\bshambl|\bsashay|\bmosey|\btoddl|\bstomp|\bshuffl|"
     r"\bdrag\w* (his|her|their|its|one's) feet\b|\bdrag\w* (him|her|them|it|one)sel(f|ves)\b|\bstrid(e|es|ing)\b|\bglid(e|es|ing)\b|\bcom(e|es|ing) (toward|towards|over|closer|nearer|up to|forward)\b|\bapproach(es|ing|ed)?\b|\b(do|does|doing|did|make|makes|made) (a |\w+ )?(lap|circuit)s?\b", "walk"),
    (r"\b(stand|wait|idle|paus|rest|stay|still|loiter)", "idle"),
)
_STYLES = ("dance_disco", "dance_hiphop", "dance_ballet", "dance_salsa")
# A generic verb gives way to a more specific action named in the same clause ("walks on tiptoe",
# "runs at full speed", "jumps on one leg"); "*" means any other action.
GENERIC_VERBS = {
    "idle": "*",
    "walk": ("tiptoe", "march", "limp", "skip", "walk_backward", "sidestep", "stumble", "crawl",
             "climb", "turn_left", "turn_right", "turn_around", *_STYLES),
    "run": ("sprint", "jog"),
    "jump": ("jump_forward", "hop", "stand_up", "get_up"),
    "stand_up": ("get_up", "jump", *_STYLES),
    "lie_down": ("get_up",),
    "crouch": ("pick_up", "lift"),
    "spin": ("turn_left", "turn_right", "turn_around", "cartwheel", *_STYLES),
    # everyday verbs that also describe other actions ("lifts the shoulders", "throws the arms
    # in the air", "pushes up off the floor", "jabs a finger at")
    "push": ("get_up", "stand_up", "jump", "kick"),
    "pull": ("get_up", "stand_up", "climb", "limp", "shrug", "walk"),
    "lift": ("shrug", "wave", "cheer", "hop", "jump", "pick_up"),
    "throw": ("cheer", "punch", "backflip", "cartwheel", "kick", "catch"),
    "punch": ("point", "cheer"),
    "wave": ("bow", "talk"),
    "walk_backward": _STYLES,
    "point": _STYLES,
    "sidestep": ("crawl", "cartwheel", "limp"),
    "tiptoe": ("crawl",),
    "kneel": ("crawl",),
    "fall_down": ("roll", "cartwheel", "stumble"),
}
# Motions the figure can only approximate with a near action: the plan says so
# (pattern, the action the rules read it as, note).
APPROXIMATIONS = (
    (re.compile(r"\bsalut(e|es|ing|ed)\b", re.I), "wave",
     "there is no salute motion; the figure waves"),
)
# A generic "dance" takes the style named anywhere in its clause, else this default.
DANCE_STYLES = _STYLES
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
