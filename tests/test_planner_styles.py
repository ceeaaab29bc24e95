"""The verb chooses the action; actor nouns and manner phrases choose a style or an intensity
(engine.planner.styles, engine.planner.verbs); the model hears the style's word."""
import pytest

from engine.motion_styles import STYLE_INFO, STYLES
from engine.planner import plan_prompt
from engine.planner.styles import read_intensity, read_style
from engine.planner.verbs import split_subject
from engine.planner.wording import model_text


def first(prompt, **kw):
    return plan_prompt(prompt, **kw).segments[0]


@pytest.mark.parametrize("prompt, allowed", [
    ("a dancer walks to the door", {"walk"}),
    ("a climber stretches", {"stretch"}),
    ("the kicker walks back", {"walk", "walk_backward"}),
    ("a boxer strolls into the ring", {"walk"}),
    ("the swimmer sits down", {"sit_down"}),
    ("a jumper waves", {"wave"}),
    ("the runner claps", {"clap"}),
    ("a ballet dancer bows", {"bow"}),
    ("a kick boxer nods", {"nod"}),
    ("the skater glides across the ice", {"walk"}),
])
def test_nouns_naming_the_actor_do_not_choose_the_action(prompt, allowed):
    assert first(prompt).action in allowed


def test_the_meaning_match_cannot_replace_the_verb_with_an_object_s_action(text_encoder):
    from engine.planner import NearestAction

    nearest = NearestAction(text_encoder)
    for prompt, action in [("a dancer walks to the door", "walk"),
                           ("a boxer walks into the ring", "walk"),
                           ("a climber stretches", "stretch"),
                           ("the kicker walks back", "walk_backward")]:
        assert first(prompt, nearest=nearest).action == action, prompt


def test_a_salute_is_shown_as_a_wave_and_says_so():
    plan = plan_prompt("a soldier salutes")
    assert plan.segments[0].action == "wave" and plan.segments[0].style == "proud"
    assert any("salute" in w for w in plan.warnings)


@pytest.mark.parametrize("prompt, action, style", [
    ("an old man hobbles along bent over", "limp", "elderly"),
    ("a zombie lurches toward us with arms out", "walk", "zombie"),
    ("a drunk guy wobbles down the road", "stumble", "drunk"),
    ("he walks like a penguin", "walk", "penguin"),
    ("a cat burglar sneaks through the house", "tiptoe", "sneaky"),
    ("a man struts down the street", "walk", "swaggering"),
    ("she trudges home", "walk", "tired"),
    ("the kid walks to school", "walk", "childlike"),
    ("a robot walks forward", "walk", "robotic"),
    ("she walks gracefully across the stage", "walk", "graceful"),
    ("a heavy man lumbers along", "walk", "heavy"),
    ("she walks with a bounce in her step", "walk", "bouncy"),
    ("he marches stiffly", "march", "stiff"),
    ("an angry woman stomps off", "walk", "angry"),
    ("the soldier walks with his chest out", "walk", "proud"),
    ("he walks sadly with his head down", "walk", "sad"),
    ("she skips happily", "skip", "happy"),
    ("a man walks cautiously on the ice", "walk", "cautious"),
    ("the injured player walks off", "walk", "injured"),
    ("a relaxed guy strolls along the beach", "walk", "relaxed"),
    ("he runs in a hurry", "run", "hurried"),
    ("an elderly woman shuffles along", "walk", "elderly"),
    ("a man waddles like a penguin", "walk", "penguin"),
])
def test_plain_words_reach_a_style_and_never_change_the_action(prompt, action, style):
    seg = first(prompt)
    assert (seg.action, seg.style) == (action, style)


def test_manner_words_win_over_the_actor_and_the_actor_carries_to_later_clauses():
    assert first("an old man walks proudly").style == "proud"
    plan = plan_prompt("an old woman walks to the bench, then sits down")
    assert [s.style for s in plan.segments] == ["elderly", "elderly"]
    assert first("a man walks").style is None
    assert read_style("", "a zombie") == "zombie" and read_style("walks", "") is None


def test_every_style_is_a_known_style():
    for prompt in ["a zombie walks", "walks like a robot", "a drunk walks", "an old man walks",
                   "a toddler walks", "a thief walks", "a giant walks"]:
        assert first(prompt).style in STYLES


@pytest.mark.parametrize("prompt, high", [
    ("a girl waves as hard as she can", True), ("the boxer punches wildly", True),
    ("he claps vigorously", True), ("she kicks with all her might", True),
    ("he waves gently", False), ("she nods a little", False), ("he bows slightly", False),
])
def test_intensity(prompt, high):
    seg = first(prompt)
    assert (seg.intensity > 1) if high else (seg.intensity < 1)
    assert seg.action in ("wave", "punch", "clap", "kick", "nod", "bow")


def test_intensity_is_neutral_by_default_and_a_little_kid_is_not_gentle():
    assert read_intensity("waves") == 1.0
    assert first("a little kid waves").intensity == 1.0
    assert first("runs lightly").action == "jog"      # a manner word may still refine the verb


def test_the_model_hears_the_style_word():
    word = STYLE_INFO["zombie"].word
    assert model_text("walk", "lurches toward us", "zombie") == f"a person walks {word}"
    assert model_text("walk", "walks like a zombie", "zombie").count(word) == 1
    assert model_text("walk", "walks") == "a person walks"


def test_the_subject_ends_where_the_verb_starts():
    assert split_subject("a big heavy man lumbers along") == ("a big heavy man", "lumbers along")
    assert split_subject("the dancers walk") == ("the dancers", "walk")
    assert split_subject("a backflip") == ("", "a backflip")
    assert split_subject("she waves") == ("she", "waves")
