"""Getting up means the way back from where the body is; a clause that only says where the
body starts is a starting posture; a verb that opens a path phrase is still the action."""
import pytest

from engine.planner import plan_prompt


@pytest.mark.parametrize("prompt, actions", [
    ("a person sits, then gets back up", ["sit_down", "stand_up"]),
    ("the kid sits down on the floor, then gets up", ["sit_down", "stand_up"]),
    ("he lies down, then stands up", ["lie_down", "get_up"]),
    ("a girl crouches and then stands again", ["crouch", "stand_up"]),
    ("lying on the floor, she gets up", ["get_up"]),
    ("sitting on a chair, he stands up", ["stand_up"]),
    ("he walks, then sits down", ["walk", "sit_down"]),
    ("she sits down, then waves", ["sit_down", "wave"]),
])
def test_posture_sense_across_segments(prompt, actions):
    assert [s.action for s in plan_prompt(prompt).segments] == actions


def test_a_circle_walked_clockwise_is_a_walk_not_a_turn():
    seg = plan_prompt("a woman walks a big circle clockwise").segments[0]
    assert seg.action == "walk" and seg.path.shape == "circle" and seg.path.turn_deg == -360
    assert plan_prompt("he turns clockwise").segments[0].action == "turn_right"
