"""The planner says when it did not understand a prompt, and never guesses silently
(engine.planner.understood); the CLI prints each warning as one line on stderr."""
import pytest

from engine.planner import NearestAction, plan_prompt
from engine.planner.suites import read_rows, score
from engine.planner.understood import language_problem, unknown_words
from resources import ROOT


def idles_with(plan, text):
    assert [s.action for s in plan.segments] == ["idle"], plan.segments
    assert any(text in w for w in plan.warnings), plan.warnings


@pytest.mark.parametrize("prompt, said", [
    ("qwzx blorf 12345 !!!", "did not understand 'qwzx blorf'; the figure idles"),
    ("asdkjh qwe", "did not understand 'asdkjh qwe'"),
    ("!!!", "did not understand '!!!'"),
])
def test_gibberish_idles_with_a_warning(prompt, said):
    idles_with(plan_prompt(prompt), said)


@pytest.mark.parametrize("prompt, script", [
    ("一个人在走路", "Chinese"), ("человек идёт вперёд", "Cyrillic"),
    ("人が歩いている", "Japanese"), ("رجل يمشي", "Arabic"), ("🙂🙂🎉", "emoji"),
    ("un hombre camina hacia la puerta", None), ("ein Mann geht nach Hause", None),
])
def test_other_languages_say_so_and_idle(prompt, script):
    plan = plan_prompt(prompt)
    idles_with(plan, "the prompt is not in English")
    if script:
        assert script in plan.warnings[0]
    assert len(plan.warnings) == 1      # one clear line, not one per word


def test_the_meaning_match_does_not_guess_gibberish(text_encoder):
    nearest = NearestAction(text_encoder)
    for prompt in ["qwzx blorf 12345 !!!", "flibber the jabberwock", "人が歩いている",
                   "un hombre camina hacia la puerta"]:
        plan = plan_prompt(prompt, nearest=nearest)
        assert [s.action for s in plan.segments] == ["idle"] and plan.warnings, prompt
    # real words the rules do not know still go to the meaning match, without a warning
    plan = plan_prompt("a person ambles about the garden", nearest=nearest)
    assert plan.segments[0].action == "walk" and plan.warnings == []


def test_an_understood_action_with_unknown_words_still_warns():
    plan = plan_prompt("a man walks blorfily across the yard, then waves")
    assert [s.action for s in plan.segments] == ["walk", "wave"]
    assert plan.warnings == ["did not understand 'blorfily' in 'a man walks blorfily across the yard'"]
    assert plan_prompt("the acrobat flips backwards").warnings == []   # who acts need not be known


def test_emoji_the_planner_knows_are_understood():
    plan = plan_prompt("🏃")      # understood, and the user is told how it was read
    assert plan.segments[0].action == "run"
    assert plan.warnings == ["the prompt is emoji, not words; read as run"]


def test_words_and_languages():
    assert unknown_words("a person hobbles, lurches and waddles gracefully") == []
    assert unknown_words("qwzx walks") == ["qwzx"]
    assert language_problem("a man walks into a café") is None
    assert language_problem("she waves hello") is None


def test_no_false_warnings_on_the_blind_and_open_suites():
    for name in ("blind_paraphrases.tsv", "blind_compositions.tsv", "open_paths.tsv",
                 "open_styles.tsv"):
        for _, prompt, _ in read_rows(ROOT / "eval" / name):
            said = [w for w in plan_prompt(prompt).warnings if "understand" in w or "English" in w]
            assert said == [], (prompt, said)


@pytest.mark.parametrize("name", ["open_paths.tsv", "open_styles.tsv"])
def test_the_open_suites_plan_with_their_paths_and_styles(name):
    result = score(read_rows(ROOT / "eval" / name), plan_prompt)
    assert result["full_accuracy"] >= 0.9, result["misses"]


def test_the_cli_prints_each_warning_as_one_line(capsys, tiny_checkpoint, tmp_path):
    from engine.cli import main

    rc = main(["generate", "qwzx blorf, then 人が歩いている", "--model", str(tiny_checkpoint),
               "--out", str(tmp_path / "x.motion.json"), "--steps", "1"])
    err = capsys.readouterr().err.splitlines()
    assert rc == 0
    warnings = [line for line in err if line.startswith("stickgen: warning:")]
    assert warnings and any("English" in w for w in warnings)


def test_emoji_are_never_passed_over_silently():
    only = plan_prompt("🚶💃🎉")
    assert [s.action for s in only.segments] == ["walk"]
    assert only.warnings == ["the prompt is emoji, not words; read as walk"]
    mixed = plan_prompt("a man walks 😀")
    assert [s.action for s in mixed.segments] == ["walk"]
    assert any("😀" in w and "not read" in w for w in mixed.warnings)
    assert plan_prompt("a man walks").warnings == []
