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
    ("bounces the ball", ["dribble"]),                       # a ball, not a jump
])
def test_specific_actions_win_over_generic_words(prompt, expected):
    assert actions(prompt) == expected


def test_the_planner_understands_the_training_and_validation_phrasings(text_encoder):
    """Every phrasing the captions use outside the test split plans to its action (rules, then
    the meaning match); three are genuinely two actions or ambiguous."""
    nearest = NearestAction(text_encoder)
    ambiguous = {"picks up and lifts", "tumbles", "stumbles and catches itself"}
    wrong = []
    for action, splits in PHRASE_SPLITS.items():
        for phrase in splits["train"] + splits["val"]:
            text = phrase.replace("{side}", "left").replace("{hand}", "with the left hand")
            got = actions("a person " + text, nearest=nearest)
            if phrase not in ambiguous and got != [action]:
                wrong.append((phrase, action, got))
    assert wrong == []


def test_core_text_strips_manner_words_for_the_meaning_match():
    assert core_text("receives a pass tiredly at a slow pace") == "receives a pass"
    assert core_text("faces right leisurely and furiously") == "faces right"
    assert core_text("waves with the left hand twice") == "waves"
    assert core_text("slowly") == "slowly"  # nothing else left: keep the clause
