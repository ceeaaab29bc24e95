"""Open prompt suites judged by what the motion physically does.

A suite is a TSV file of ``prompt<TAB>checks`` lines (``#`` starts a comment). Checks are
``;``-separated conditions on the measurements of ``training.physical.Measure``:
``name>value``, ``name<value`` or ``name=low..high``. A prompt passes when every condition holds.

    python -m training.open_suites --checkpoint resources/models/stickgen-small.pt \\
        resources/eval/physical/*.tsv --seeds 0 1 --out report/open_suites.json
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from engine.atomic import atomic_path

from .physical import Measure, names

_CHECK = re.compile(r"^\s*([a-z_]+)\s*(?:(<|>)\s*(-?[\d.]+)|=\s*(-?[\d.]+)\s*\.\.\s*(-?[\d.]+))\s*$")


@dataclass(frozen=True)
class Check:
    name: str
    low: float = float("-inf")
    high: float = float("inf")

    def holds(self, value: float) -> bool:
        """``>`` and ``<`` are strict; a range ``a..b`` includes its ends."""
        if self.low == float("-inf") or self.high == float("inf"):
            return self.low < value < self.high
        return self.low <= value <= self.high

    def __str__(self) -> str:
        if self.low == float("-inf"):
            return f"{self.name}<{self.high:g}"
        if self.high == float("inf"):
            return f"{self.name}>{self.low:g}"
        return f"{self.name}={self.low:g}..{self.high:g}"


@dataclass
class SuitePrompt:
    prompt: str
    checks: list[Check]


def parse_checks(text: str) -> list[Check]:
    out = []
    known = set(names())
    for part in filter(None, (p.strip() for p in text.split(";"))):
        m = _CHECK.match(part)
        if not m:
            raise ValueError(f"cannot read the check {part!r} (use name>v, name<v or name=a..b)")
        name, op, v, lo, hi = m.groups()
        if name not in known:
            raise ValueError(f"no measurement {name!r} in {part!r}")
        if op == ">":
            out.append(Check(name, low=float(v)))
        elif op == "<":
            out.append(Check(name, high=float(v)))
        else:
            out.append(Check(name, float(lo), float(hi)))
    if not out:
        raise ValueError("a prompt needs at least one check")
    return out


def read_suite(path: str | Path) -> list[SuitePrompt]:
    rows = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) < 2:
            raise ValueError(f"{path}:{n}: expected 'prompt<TAB>checks'")
        try:
            rows.append(SuitePrompt(parts[0].strip(), parse_checks(parts[1])))
        except ValueError as e:
            raise ValueError(f"{path}:{n}: {e}") from None
    return rows


@dataclass
class Judged:
    prompt: str
    seed: int
    passed: bool
    values: dict[str, float]
    failed: list[str] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)


def judge(positions, fps: float, checks: list[Check]) -> tuple[bool, dict[str, float], list[str]]:
    m = Measure(positions, fps)
    values = {c.name: round(m.value(c.name), 3) for c in checks}
    failed = [f"{c} (got {values[c.name]:g})" for c in checks if not c.holds(values[c.name])]
    return not failed, values, failed


def run_suite(generator, suite: list[SuitePrompt], seeds: list[int]) -> list[Judged]:
    out = []
    for row in suite:
        for seed in seeds:
            res = generator.generate(row.prompt, seed=seed)
            ok, values, failed = judge(res.motion.positions, res.motion.fps, row.checks)
            out.append(Judged(row.prompt, seed, ok, values, failed,
                              [s.action for s in res.plan.segments]))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m training.open_suites", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("suites", nargs="+", help="suite TSV files")
    ap.add_argument("--checkpoint", default="small", help="model variant or checkpoint path")
    ap.add_argument("--seeds", type=int, nargs="+", default=[0])
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--out", help="write every judged prompt as JSON here")
    ap.add_argument("--quiet", action="store_true", help="print only the summary")
    args = ap.parse_args(argv)
    import torch

    from engine.generate import Generator

    torch.set_num_threads(max(1, args.threads))
    from .key_suite import read_key_suite, run_key_suite

    def is_keys(path: str) -> bool:
        return Path(path).stem.startswith("pose_keys")

    try:
        suites = {Path(p).stem: (read_key_suite(p) if is_keys(p) else read_suite(p))
                  for p in args.suites}
    except (OSError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    gen = Generator(args.checkpoint).load()
    report = {}
    for name, suite in suites.items():
        run = run_key_suite if name.startswith("pose_keys") else run_suite
        judged = run(gen, suite, args.seeds)
        share = sum(j.passed for j in judged) / max(1, len(judged))
        report[name] = {"pass_rate": share, "judged": [vars(j) for j in judged]}
        print(f"{name}: {100 * share:.1f} % of {len(judged)} pass")
        if not args.quiet:
            for j in judged:
                if not j.passed:
                    print(f"   FAIL {j.prompt!r} seed {j.seed} {j.actions}: {'; '.join(j.failed)}")
    if args.out:
        path = Path(args.out)
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(path, suffix=".json") as tmp:
            Path(tmp).write_text(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
