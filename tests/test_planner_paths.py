"""The planner reads where a segment goes: circles, sides, toward/away from the camera, back and
forth, there and back, step counts, distances and stops (engine.planner.paths)."""
import pytest

from engine.planner import plan_prompt
from engine.planner.paths import CADENCE, SPEED_MS


def first(prompt, **kw):
    return plan_prompt(prompt, **kw).segments[0]


@pytest.mark.parametrize("prompt, action, shape, turn", [
    ("a boy jogs around in a circle", "jog", "circle", 360),
    ("the woman walks in circles", "walk", "circle", 360),
    ("he runs in a big circle clockwise", "run", "circle", -360),
    ("she strolls anticlockwise in a circle", "walk", "circle", 360),
    ("a man walks in a circle to the right", "walk", "circle", -360),
    ("jog two circles around the yard", "jog", "circle", 720),
])
def test_circles_turn_a_full_turn_and_clockwise_is_to_the_right(prompt, action, shape, turn):
    seg = first(prompt)
    assert (seg.action, seg.path.shape, seg.path.turn_deg) == (action, shape, turn)
    assert seg.path.direction is None          # the side says which way round, not where to go


@pytest.mark.parametrize("prompt, action, direction", [
    ("she walks off to the right", "walk", "right"),
    ("the boy runs to his left", "run", "left"),
    ("a woman walks toward the camera", "walk", "toward"),
    ("a man jogs towards us", "jog", "toward"),
    ("the girl walks away from the viewer", "walk", "away"),
    ("he heads away from us at a run", "run", "away"),
])
def test_directions(prompt, action, direction):
    seg = first(prompt)
    assert (seg.action, seg.path.direction) == (action, direction)


@pytest.mark.parametrize("prompt, action, shape", [
    ("a man paces back and forth", "walk", "back_and_forth"),
    ("the kid runs to and fro", "run", "back_and_forth"),
    ("a man strolls to the window and comes back", "walk", "there_and_back"),
    ("she jogs to the fence and back", "jog", "there_and_back"),
    ("walk there and back", "walk", "there_and_back"),
])
def test_back_and_forth_and_there_and_back(prompt, action, shape):
    plan = plan_prompt(prompt)
    assert [s.action for s in plan.segments] == [action]     # "comes back" is no walk backward
    assert plan.segments[0].path.shape == shape


def test_step_counts_set_the_duration_from_the_cadence():
    seg = first("he walks four steps and halts")
    assert seg.action == "walk" and seg.path.steps == 4 and seg.path.stops
    assert seg.duration == pytest.approx(4 / CADENCE["walk"]) and seg.explicit_duration
    run = first("she runs twelve steps")
    assert run.path.steps == 12 and run.duration == pytest.approx(12 / CADENCE["run"])
    assert first("a man takes a few steps forward").path.steps == 3


@pytest.mark.parametrize("prompt, action, metres", [
    ("walk ten metres", "walk", 10), ("he runs 100 meters", "run", 100),
    ("she jogs 2 km", "jog", 2000), ("the man sprints 60m", "sprint", 60),
    ("a woman walks 30 feet", "walk", 9.144),
])
def test_distances_set_the_duration_from_the_speed(prompt, action, metres):
    seg = first(prompt, seconds=None)
    assert seg.action == action and seg.path.distance_m == pytest.approx(metres)
    expected = min(metres / SPEED_MS[action], 120)
    assert seg.duration == pytest.approx(expected, rel=1e-3)


def test_an_explicit_duration_wins_over_the_path():
    seg = first("a woman jogs in circles for 20 seconds")
    assert seg.path.shape == "circle" and seg.duration == pytest.approx(20)


@pytest.mark.parametrize("prompt", [
    "he walks four steps and halts", "walk ten metres and stop", "she jogs, then stops",
    "take three steps forward then stop", "a man walks forward and comes to a halt",
    "the girl runs and then she stops dead",
])
def test_a_stop_ends_the_travel_and_is_no_action_of_its_own(prompt):
    plan = plan_prompt(prompt)
    assert len(plan.segments) == 1 and plan.segments[0].path.stops
    assert plan.segments[0].action in ("walk", "jog", "run")


def test_stops_to_do_something_is_not_a_stop():
    plan = plan_prompt("he walks and stops to look around")
    assert [s.action for s in plan.segments][-1] == "look_around"


def test_paths_need_a_travelling_action():
    assert first("she waves to the left").path is None
    assert first("he spins in circles").action == "spin"
    assert first("turns clockwise").action == "turn_right"
    assert first("jabs a finger at the screen").action == "point"
    assert first("someone side-steps three paces to the left").action == "sidestep"


def test_several_segments_keep_their_own_paths():
    plan = plan_prompt("someone walks forwards 10 metres, turns left, walks 5 metres and then stops")
    walk1, turn, walk2 = plan.segments
    assert (walk1.path.distance_m, walk1.path.stops) == (10, False)
    assert turn.action == "turn_left" and turn.path is None
    assert (walk2.path.distance_m, walk2.path.stops) == (5, True)


@pytest.mark.parametrize("prompt", [
    "the jumper jumps " + "9" * 400 + " times",
    "walks " + "9" * 60 + " steps",
    "runs " + "9" * 400 + " metres",
    "walk for " + "9" * 400 + " seconds",
    "jog in " + "9" * 30 + " circles",
])
def test_huge_numbers_are_clamped_with_a_warning(prompt):
    plan = plan_prompt(prompt)
    assert plan.segments and 0 < plan.duration <= 120
    assert any("too large" in w for w in plan.warnings)
    seg = plan.segments[0]
    assert seg.repeats is None or seg.repeats <= 50
    assert seg.path is None or seg.path.steps is None or seg.path.steps <= 500


def test_a_stop_after_another_action_ends_it_and_a_stop_alone_stands():
    plan = plan_prompt("she dances, then stops")
    assert [(s.action, s.path) for s in plan.segments] == [("dance_hiphop", None)]
    plan = plan_prompt("stop")
    assert [s.action for s in plan.segments] == ["idle"] and plan.warnings == []


def test_coming_back_in_a_clause_of_its_own_makes_the_trip_there_and_back():
    plan = plan_prompt("a woman walks 4 metres and then comes back")
    assert [s.action for s in plan.segments] == ["walk"]
    assert (plan.segments[0].path.shape, plan.segments[0].path.distance_m) == ("there_and_back", 4)
    assert [s.action for s in plan_prompt("walks forward, then walks back").segments] == \
        ["walk", "walk_backward"]
    assert first("a man walks nonchalantly away").path.direction == "away"
