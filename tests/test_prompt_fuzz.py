"""A thousand generated prompts through the planner's rules (no text encoder): each plans to
finite, positive, bounded segments of known actions, or is refused with a PlanError; nothing
else escapes. Numbers are the usual weak spot: 400-digit counts, absurd durations, negatives.
"""
import math
import random

from engine.actions import ACTIONS
from engine.planner import PlanError, plan_prompt
from engine.planner.rules import MAX_TOTAL_S, MIN_SEGMENT_S

SUBJECTS = ["a man", "the woman", "someone", "a child", "he", "she", "", "two people",
            "a robot", "\u0447\u0435\u043b\u043e\u0432\u0435\u043a", "\u4e00\u4e2a\u4eba"]
VERBS = ["walks", "runs", "jumps", "waves", "sits down", "spins", "claps", "kicks", "dances",
         "turns left", "crawls", "flibbers", "does a backflip", "stands still", "punches",
         "\U0001f600", "bailando", "is", "", "walks backwards", "hops on one foot"]
COUNTS = ["", "twice", "three times", "5 times", "0 times", "-3 times", "1.5 times",
          "9" * 400 + " times", "10**30 times", "one million times", "nan times"]
DURATIONS = ["", "for 3 seconds", "for 0 seconds", "for -2 seconds", "for 1e308 seconds",
             "for " + "9" * 60 + " seconds", "for 0.0001 seconds", "for a minute",
             "for 2 hours", "for inf seconds", "for 3.5.5 seconds", "slowly", "quickly"]
JOINERS = [", then ", " and ", " while ", ". ", " after that ", "; ", " then "]


def _prompt(rng: random.Random) -> str:
    parts = []
    for _ in range(rng.randint(1, 4)):
        words = [rng.choice(SUBJECTS), rng.choice(VERBS), rng.choice(COUNTS),
                 rng.choice(DURATIONS)]
        rng.shuffle(words) if rng.random() < 0.1 else None
        parts.append(" ".join(w for w in words if w))
    text = rng.choice(JOINERS).join(parts)
    roll = rng.random()
    if roll < 0.03:
        text = text * rng.randint(50, 400)               # very long
    elif roll < 0.06:
        text = "".join(rng.choice("(),.;:!?\"'\t\n-") for _ in range(rng.randint(1, 40)))
    elif roll < 0.08:
        text = text.upper()
    return text


def test_a_thousand_generated_prompts_plan_or_are_refused():
    rng = random.Random(15)
    prompts = [_prompt(rng) for _ in range(1000)] + ["", " ", "\n\t", "0", "-1", "1e999"]
    crashes, refused, planned = [], 0, 0
    for prompt in prompts:
        seconds = rng.choice([None, None, None, 0.5, 10.0, 120.0])
        try:
            plan = plan_prompt(prompt, seconds)
        except PlanError:
            refused += 1
            continue
        except Exception as exc:  # noqa: BLE001 - any other escape is the failure counted
            crashes.append(f"{type(exc).__name__}: {exc} <- {prompt[:120]!r}")
            continue
        planned += 1
        assert plan.segments, prompt[:120]
        for seg in plan.segments:
            assert seg.action in ACTIONS, (seg.action, prompt[:120])
            assert math.isfinite(seg.duration) and 0 < seg.duration <= MAX_TOTAL_S, \
                (seg.duration, prompt[:120])
        # The rules keep every segment at least MIN_SEGMENT_S long after fitting the total,
        # so a total may overshoot by that much per segment, never more.
        slack = MIN_SEGMENT_S * len(plan.segments) + 1e-6
        assert plan.duration <= MAX_TOTAL_S + slack, (plan.duration, prompt[:120])
        if seconds is not None:
            wanted = min(max(seconds, MIN_SEGMENT_S * len(plan.segments)), MAX_TOTAL_S)
            assert abs(plan.duration - wanted) <= slack, (seconds, plan.duration, prompt[:80])
    assert not crashes, "\n".join(crashes[:20])
    assert planned > 800 and refused >= 3      # the blank prompts, at least


def test_huge_numbers_are_capped_with_a_warning_not_shrunk():
    plan = plan_prompt("a man walks for " + "9" * 60 + " seconds")
    assert plan.duration >= 60.0, plan.duration     # long, not half a second
    assert plan.warnings
    plan = plan_prompt("a man jumps " + "9" * 400 + " times")
    assert plan.segments[0].action == "jump" and plan.warnings
