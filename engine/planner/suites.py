"""Score the planner alone on prompt suites (no model): the open path and style suites, whose
third column names the path, style and intensity a reader expects, and the blind action suites.

A suite row is ``actions<TAB>prompt[<TAB>expect]``: actions comma-separated in order, each may
list alternatives (``walk|limp``); ``expect`` is space-separated ``[N:]field=value`` checks on
segment N (default 0): ``shape``, ``direction``, ``turn_deg``, ``distance_m``, ``steps``,
``stops`` (1/0) and ``duration`` on the segment's path or the segment, ``style=name``,
``intensity>1`` / ``intensity<1``. Numbers match within 10 %.

    python -m engine.planner.suites [--rules-only] [suite.tsv ...]
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

_CHECK = re.compile(r"^(?:(\d+):)?(\w+)(=|>|<)(\S+)$")


def read_rows(path: Path) -> list[tuple[list[list[str]], str, list[str]]]:
    """[(expected actions as alternatives, prompt, checks)]."""
    rows = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines()[1:], start=2):
        if not line.strip():
            continue
        cols = line.split("\t")
        if len(cols) < 2:
            raise ValueError(f"{path}:{n}: expected 'actions<TAB>prompt[<TAB>expect]'")
        actions = [a.strip().split("|") for a in cols[0].split(",") if a.strip()]
        checks = cols[2].split() if len(cols) > 2 else []
        bad = [c for c in checks if not _CHECK.match(c)]
        if bad:
            raise ValueError(f"{path}:{n}: bad check {bad[0]!r}")
        rows.append((actions, cols[1].strip(), checks))
    return rows


def _value(segment, field: str):
    if field in ("style", "intensity", "duration", "speed", "repeats"):
        return getattr(segment, field)
    path = segment.path
    return None if path is None else getattr(path, field)


def check(segment, check: str) -> bool:
    """Whether ``segment`` passes one ``field=value`` check (the index already applied)."""
    _, field, op, want = _CHECK.match(check).groups()
    got = _value(segment, field)
    if op in "<>":
        return got is not None and (got > float(want) if op == ">" else got < float(want))
    if got is None or isinstance(got, str):
        return str(got) == want
    if isinstance(got, bool):
        return got == bool(int(want))
    return abs(float(got) - float(want)) <= 0.1 * abs(float(want)) + 1e-6


def score(rows, plan) -> dict:
    """Action accuracy (every segment's action, in order) and full accuracy (actions and every
    check) of ``plan(prompt) -> Plan`` on ``rows``, with the misses."""
    actions_ok = full_ok = 0
    misses = []
    for expected, prompt, checks in rows:
        segs = plan(prompt).segments
        got = [s.action for s in segs]
        a_ok = len(got) == len(expected) and all(g in alts for g, alts in zip(got, expected))
        failed = []
        for c in checks:
            idx = int(_CHECK.match(c).group(1) or 0)
            if idx >= len(segs) or not check(segs[idx], re.sub(r"^\d+:", "", c)):
                failed.append(c)
        actions_ok += a_ok
        full_ok += a_ok and not failed
        if not a_ok or failed:
            misses.append({"prompt": prompt, "expected": ["|".join(e) for e in expected],
                           "planned": got, "failed": failed,
                           "segments": [(s.action, s.style, s.intensity, s.path) for s in segs]})
    n = max(len(rows), 1)
    return {"prompts": len(rows), "action_accuracy": actions_ok / n,
            "full_accuracy": full_ok / n, "misses": misses}


def main(argv: list[str]) -> int:
    from resources import ROOT

    from .rules import plan_prompt

    rules_only = "--rules-only" in argv
    files = [Path(a) for a in argv if not a.startswith("--")] or [
        ROOT / "eval" / name for name in ("blind_paraphrases.tsv", "blind_compositions.tsv",
                                          "open_paths.tsv", "open_styles.tsv")]
    nearest = None
    if not rules_only:
        from ..text import get_encoder
        from .nearest import NearestAction

        nearest = NearestAction(get_encoder())
    for f in files:
        result = score(read_rows(f), lambda p: plan_prompt(p, nearest=nearest))
        print(f"{f.name}: {result['prompts']} prompts, actions {result['action_accuracy']:.1%}, "
              f"actions+fields {result['full_accuracy']:.1%}")
        for m in result["misses"]:
            print(f"   {m['prompt']!r}: expected {m['expected']}, planned {m['planned']}"
                  + (f", failed {m['failed']}" if m["failed"] else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
