import pytest

from engine.actions import ACTIONS
from engine.phrases import PHRASE_SPLITS
from engine.planner import NearestAction, PlanError, match_action, plan_prompt, split_clauses
from engine.planner.nearest import core_text


def actions(prompt, **kw):
    return [s.action for s in plan_prompt(prompt, **kw).segments]


@pytest.mark.parametrize("prompt, expected", [
    ("a man walks forward, then jumps and waves", ["walk", "jump", "wave"]),
    ("walks backwards then turns left and runs", ["walk_backward", "turn_left", "run"]),
    ("sits down. stands up! lies down; gets up", ["sit_down", "stand_up", "lie_down", "get_up"]),
    ("the dancer spins", ["spin"]),
    ("dances salsa", ["dance_salsa"]),
    ("a person is standing and then sits", ["idle", "sit_down"]),
    ("someone does a cartwheel then a backflip", ["cartwheel", "backflip"]),
    ("jumps over a gap and falls", ["jump_forward", "fall_down"]),
    ("she picks up a box, lifts it and throws it", ["pick_up", "lift", "throw"]),
    ("🏃", ["run"]),
])
def test_rules_split_and_match(prompt, expected):
    assert actions(prompt) == expected


def test_durations_speed_repeats_and_cues():
    plan = plan_prompt("A woman slowly walks for 5 seconds and then happily waves three times "
                       "with her left hand, then shouts")
    walk, wave, shout = plan.segments
    assert walk.duration == pytest.approx(5.0) and walk.explicit_duration and walk.speed < 1
    assert wave.repeats == 3 and wave.expression == "happy" and "left hand" in wave.text
    assert shout.speech == "shout"
    fitted = plan_prompt("walks for two seconds, then jumps", seconds=10)
    assert fitted.segments[0].duration == pytest.approx(2.0)
    assert fitted.duration == pytest.approx(10.0)


def test_frame_bounds_are_contiguous():
    plan = plan_prompt("walks, then jumps, then waves", seconds=7)
    bounds = plan.frame_bounds(25)
    assert bounds[0][0] == 0 and bounds[-1][1] == 175
    assert all(a[1] == b[0] for a, b in zip(bounds, bounds[1:]))


@pytest.mark.parametrize("prompt", ["x" * 10000, "asdkjh qwe", "🙂🙂", "人が歩く", "!!!", "walk " * 3000])
def test_odd_input_gives_a_plan_never_an_exception(prompt):
    plan = plan_prompt(prompt, seconds=10)
    assert plan.segments and all(s.action in ACTIONS for s in plan.segments)
    assert 0 < plan.duration <= 120
    assert len(plan.segments) <= 16


@pytest.mark.parametrize("prompt", ["", "   ", "\n\t"])
def test_empty_prompt_is_a_clear_error(prompt):
    with pytest.raises(PlanError, match="empty"):
        plan_prompt(prompt)


@pytest.mark.parametrize("seconds", [0, -3])
def test_bad_duration_is_a_clear_error(seconds):
    with pytest.raises(PlanError, match="positive"):
        plan_prompt("walks", seconds=seconds)


def test_absurd_duration_is_capped_with_a_warning():
    plan = plan_prompt("walks", seconds=1e6)
    assert plan.duration == pytest.approx(120) and plan.warnings


def test_unknown_verbs_use_the_nearest_matcher():
    calls = []

    def nearest(clause):
        calls.append(clause)
        return "dance_ballet", 0.8

    plan = plan_prompt("a man pirouettes-ish and then vorbles", nearest=nearest)
    assert plan.segments[-1].action == "dance_ballet"
    assert plan.segments[-1].matched_by == "embedding" and calls == ["vorbles"]
    assert match_action("vorbles") is None and split_clauses("a, then b") == ["a", "b"]


@pytest.mark.parametrize("prompt, expected", [
    ("she bends down and picks up a box", ["pick_up"]),      # a verb-less lead-in joins the next
    ("does a long jump", ["jump_forward"]),                  # "jump" inside "long jump"
    ("runs at full speed", ["sprint"]),                      # a generic verb gives way
    ("walks on tiptoe", ["tiptoe"]),
    ("jumps on one leg", ["hop"]),
    ("throws a punch", ["punch"]),
    ("picks herself up", ["get_up"]),
    ("stands up from lying down", ["get_up"]),
    ("gets up from the chair", ["stand_up"]),
    ("trots wearily at a slow pace", ["jog"]),               # "pace" is not a walk
    ("topples over triumphantly", ["fall_down"]),            # "triumphantly" is not a cheer
    ("turns all the way around", ["turn_around"]),
    ("reverses direction", ["turn_around"]),                 # not a walk backward
    ("doubles back", ["turn_around"]),
    ("pirouettes in place", ["spin"]),                       # a pirouette is a spin
    ("bounces the ball", ["dribble"]),                       # a ball, not a jump
    # everyday verbs that describe another action ("lifts", "throws", "jabs", "swings", "rises")
    ("lifts both shoulders", ["shrug"]),
    ("throws the arms in the air", ["cheer"]),
    ("punches the air in celebration", ["cheer"]),
    ("throws an uppercut", ["punch"]),
    ("strikes with the foot", ["kick"]),
    ("jabs a finger at the screen", ["point"]),
    ("swings the left hand overhead in greeting", ["wave"]),   # a hand, not a turn
    ("rises onto pointe", ["dance_ballet"]),
    ("twirls a partner at a Latin club", ["dance_salsa"]),
    ("pushes up out of the chair", ["stand_up"]),
    ("gets up off the couch", ["stand_up"]),
    ("stands up after lying down", ["get_up"]),
    ("crawls on hands and knees", ["crawl"]),                # "knees" alone is not a kneel
    ("staggers, nearly falling", ["stumble"]),               # nearly falling is not a fall
    ("flips sideways over the hands", ["cartwheel"]),
    ("tumbles forward on the mat", ["roll"]),
    ("pivots ninety degrees to the left", ["turn_left"]),
    ("rotates clockwise", ["turn_right"]),
    ("rotates anticlockwise", ["turn_left"]),
    ("goes for a light run", ["jog"]),
    ("runs like the wind", ["sprint"]),
    ("walks favouring the left leg", ["limp"]),
])
def test_specific_actions_win_over_generic_words(prompt, expected):
    assert actions(prompt) == expected


def test_the_planner_understands_the_training_and_validation_phrasings(text_encoder):
    """Every phrasing the captions use outside the test split plans to its action (rules, then
    the meaning match); three are genuinely two actions or ambiguous."""
    nearest = NearestAction(text_encoder)
    ambiguous = {"picks up and lifts", "tumbles", "stumbles and catches itself"}
    texts = [(action, phrase.replace("{side}", "left").replace("{hand}", "with the left hand"))
             for action, splits in PHRASE_SPLITS.items() for phrase in splits["train"] + splits["val"]]
    text_encoder.encode(["a person " + core_text(t) for _, t in texts])  # one batch, then cached
    wrong = []
    for action, text in texts:
        got = actions("a person " + text, nearest=nearest)
        if text not in ambiguous and got != [action]:
            wrong.append((text, action, got))
    assert wrong == []


def test_core_text_strips_manner_words_for_the_meaning_match():
    assert core_text("receives a pass tiredly at a slow pace") == "receives a pass"
    assert core_text("faces right leisurely and furiously") == "faces right"
    assert core_text("waves with the left hand twice") == "waves"
    assert core_text("slowly") == "slowly"  # nothing else left: keep the clause


class _Scores:
    """A meaning match with fixed scores: the rules' check without an encoder."""

    def __init__(self, **scores):
        self.scores = scores

    def similarities(self, clause):
        import numpy as np

        return np.array([self.scores.get(a, 0.2) for a in ACTIONS], dtype=np.float32)

    def __call__(self, clause):
        sims = self.similarities(clause)
        return ACTIONS[int(sims.argmax())], float(sims.max())

    def known_action(self, clause):
        return None   # no bank: every clause is checked

    def prepare(self, clauses, extra=()):
        pass          # nothing to encode ahead


def test_the_meaning_match_overrules_the_rules_only_when_clearly_better():
    def planned(**scores):
        seg = plan_prompt("a man walks like a crab", nearest=_Scores(**scores)).segments[0]
        return seg.action, seg.matched_by

    assert planned(walk=0.5, sidestep=0.55) == ("walk", "rule")            # close: the rule
    assert planned(walk=0.4, sidestep=0.7) == ("sidestep", "embedding")   # clearly better
    # a turn's side comes from the words: the mirror's score does not overrule it
    seg = plan_prompt("turns to the left", nearest=_Scores(turn_right=0.9, turn_left=0.5)).segments[0]
    assert (seg.action, seg.matched_by) == ("turn_left", "rule")
    # among several rule candidates the meaning match may pick the better one
    seg = plan_prompt("walks on tiptoe", nearest=_Scores(tiptoe=0.3, walk=0.8, sidestep=0.85))
    assert (seg.segments[0].action, seg.segments[0].matched_by) == ("walk", "rule")
    # a clause worded exactly like a known phrasing of the rules' choice is not re-checked
    known = _Scores(walk=0.4, sidestep=0.7)
    known.known_action = lambda clause: "walk"
    assert plan_prompt("a man walks like a crab", nearest=known).segments[0].action == "walk"


def test_the_phrase_bank_loads_and_its_shipped_embeddings_are_current(text_encoder, tmp_path):
    from engine.planner.bank import bank_embeddings, cache_path, digest, load_bank

    texts, owners = load_bank()
    assert len(texts) > 2000 and set(owners) == set(ACTIONS)
    import numpy as np

    with np.load(cache_path()) as z:   # rebuild with `python -m engine.planner.bank`
        assert str(z["digest"]) == digest(texts, text_encoder.name)
    sample = texts[::97]
    fresh = text_encoder.encode(sample)
    shipped = bank_embeddings(text_encoder, texts)[::97]
    assert np.abs(fresh - shipped).max() < 5e-3
    bad = tmp_path / "bank.tsv"
    bad.write_text("# comment\nwalk\tstrolls about\nwalkk\tambles\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line 3"):
        load_bank(bad)


def test_independent_descriptions_plan_to_their_action(text_encoder):
    """Descriptions in no phrase list the planner knows still find their action: the rules'
    first guess is checked against the meaning of the whole clause."""
    nearest = NearestAction(text_encoder)
    assert nearest.known_action("the man walks") == "walk"       # worded like the bank: no encoding
    assert nearest.known_action("a man ambles about the garden") is None
    assert actions("a person ambles about the garden", nearest=nearest) == ["walk"]
    assert actions("a person pirouettes across the stage", nearest=nearest) == ["spin"]
    assert actions("a person does ballet across the stage", nearest=nearest) == ["dance_ballet"]


def test_the_model_hears_the_plain_phrasing_with_the_clauses_own_manner_words():
    from engine.planner.wording import model_text

    assert model_text("cartwheel", "flips sideways over her hands happily") == \
        "a person does a cartwheel happily"
    assert model_text("wave", "waves with her left hand twice") == \
        "a person waves with her left hand twice"
    assert model_text("kick", "lashes out with the left leg") == "a person kicks with the left leg"
    assert model_text("sidestep", "edges along the wall to the left") == "a person sidesteps to the left"
    assert model_text("walk", "strolls slowly") == "a person walks slowly"
