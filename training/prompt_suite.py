"""Score a model on a file of free-form prompts with the actions a person expects from them.

A suite is a tab-separated file with a header line: ``actions<TAB>prompt`` (or ``action``), the
expected actions comma-separated in order. Each prompt goes through the whole product pipeline
(planner -> sampler -> physics, as ``stickgen generate`` does) and is scored twice:

- planner: the plan's actions equal the expected ones, in order;
- motion: each expected action, laid on the plan's segment of the same place, is what the motion
  classifier sees in the generated motion (middle 60% of the segment, majority vote). A plan with
  the wrong number of segments scores none of its expected actions.
"""
from __future__ import annotations

from pathlib import Path

from engine.actions import ACTIONS

from .classifier import judge, segment_accuracy


def read_suite(path: Path) -> list[tuple[list[str], str]]:
    """[(expected actions, prompt)]; a clear ValueError names a bad line."""
    rows = []
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    for n, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        expected, sep, prompt = line.partition("\t")
        actions = [a.strip() for a in expected.split(",") if a.strip()]
        unknown = [a for a in actions if a not in ACTIONS]
        if not sep or not prompt.strip() or not actions or unknown:
            raise ValueError(f"{path}:{n}: expected 'action[,action...]<TAB>prompt'"
                             + (f"; unknown action {unknown[0]!r}" if unknown else ""))
        rows.append((actions, prompt.strip()))
    return rows


def score_suite(gen, clf, rows: list[tuple[list[str], str]], seed: int = 0) -> dict:
    """Planner and motion accuracy of ``gen`` (an engine Generator) on ``rows``."""
    plan_ok = seg_ok = seg_total = 0
    misses = []
    for expected, prompt in rows:
        result = gen.generate(prompt, seed=seed)
        planned = [s.action for s in result.plan.segments]
        plan_ok += planned == expected
        seg_total += len(expected)
        got = 0
        if len(planned) == len(expected):
            bounds = result.plan.frame_bounds(result.motion.fps)
            labels = judge(clf, result.motion.positions).labels
            got, _ = segment_accuracy(labels, [(a, b, e) for (a, b), e in zip(bounds, expected)])
        seg_ok += got
        if planned != expected or got < len(expected):
            misses.append({"prompt": prompt, "expected": expected, "planned": planned,
                           "motion_correct": got})
    return {"prompts": len(rows), "planner_accuracy": plan_ok / max(len(rows), 1),
            "motion_accuracy": seg_ok / max(seg_total, 1), "actions": seg_total,
            "misses": misses}


def suites_markdown(suites: dict) -> list[str]:
    if not suites:
        return []
    lines = ["", "| prompt suite | prompts | planner acc. | motion action acc. |", "|---|---|---|---|"]
    for name, s in suites.items():
        lines.append(f"| {name} | {s['prompts']} | {s['planner_accuracy']:.1%} | "
                     f"{s['motion_accuracy']:.1%} ({s['actions']} actions) |")
    return lines
