"""Cold-start figures (DESIGN.md section 5): ``stickgen --help`` <= 0.5 s, a one-shot
``stickgen generate`` of a 10 s clip <= 3 s wall, and the app: launch -> window usable <= 1 s,
-> "model ready" <= 3 s, first generation after ready <= 1 s.

  python benchmarks/cold_start.py [--repeats 5] [--only cli|app] [--root OTHER_CHECKOUT]

Every figure is a fresh process, timed from just before it is started. The one-shot generate is
timed with an empty embedding cache (a prompt never seen) and with a warm one (the same prompt
again). The app is the real ``stickgen_studio.app.main`` under the offscreen platform with
throwaway settings: this script runs itself inside it (``--app-child``), waits for "model
ready", then types a prompt and presses Generate. ``--root`` times another checkout of the
project with the same script (e.g. ``git worktree add /tmp/before HEAD~3``) for a
before/after comparison in the same minute; rows of both then alternate.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve()
ROOT = HERE.parents[1]
PROMPT = "a man walks forward"
APP_PROMPT = "a woman walks forward, then jumps and waves"


def _env(root: Path, cache: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=str(root), STICKGEN_CACHE_DIR=str(cache),
               **extra)
    for key in ("OMP_NUM_THREADS", "OMP_WAIT_POLICY", "STICKGEN_THREADS"):
        env.pop(key, None)    # each process picks its own, as a user's would
    return env


def _timed(argv: list[str], root: Path, env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    done = subprocess.run(argv, cwd=root, env=env, capture_output=True, text=True, timeout=600)
    wall = time.perf_counter() - t0
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv[:5])} failed: {done.stderr.strip()[-400:]}")
    return wall


def cli_figures(root: Path, work: Path) -> dict[str, float]:
    """One round of the CLI figures for the checkout at ``root`` (seconds)."""
    cli = [sys.executable, "-m", "engine.cli"]
    shared = work / "cache-shared"
    out = work / "x.motion.json"
    gen = [*cli, "generate", PROMPT, "--seconds", "10", "--out", str(out)]
    fresh = Path(tempfile.mkdtemp(dir=work, prefix="cache-"))
    return {"help": _timed([*cli, "--help"], root, _env(root, shared)),
            "generate, new prompt": _timed(gen, root, _env(root, fresh)),
            "generate, cached prompt": _timed(gen, root, _env(root, shared))}


def app_figures(root: Path, work: Path) -> dict[str, float]:
    """Launch the real app once (offscreen) and read the figures its child reports."""
    home = Path(tempfile.mkdtemp(dir=work, prefix="app-"))
    env = _env(root, home / "cache", QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(home),
               XDG_DATA_HOME=str(home), STICKGEN_BENCH_T0=repr(time.time()))
    done = subprocess.run([sys.executable, str(HERE), "--app-child"], cwd=root, env=env,
                          capture_output=True, text=True, timeout=600)
    lines = [ln for ln in done.stdout.splitlines() if ln.startswith("{")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"the app run failed: {done.stderr.strip()[-600:]}")
    return json.loads(lines[-1])


def app_child() -> int:
    """Inside the app's process: run ``stickgen_studio.app.main`` and report when the window
    is usable, when the model says ready, and how long the first generation then takes."""
    t0 = float(os.environ["STICKGEN_BENCH_T0"])
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from stickgen_studio import app as studio

    qapp = QApplication([sys.argv[0]])
    times: dict[str, float] = {}

    def now() -> float:
        return time.time() - t0

    def finish(code: int = 0) -> None:
        print(json.dumps({k: round(v, 3) for k, v in times.items()}), flush=True)
        QApplication.exit(code)

    def generate(window) -> None:
        times["launch -> model ready"] = now()
        panel = window.prompt_panel
        panel.prompt.setPlainText(APP_PROMPT)
        panel.seconds.setValue(10.0)
        started = time.perf_counter()
        window.generation.generated.connect(
            lambda _i: (times.__setitem__("first generation", time.perf_counter() - started),
                        finish()))
        window.generation.error.connect(lambda m: (print(m, file=sys.stderr), finish(1)))
        if not panel.generate():
            finish(1)

    def hook() -> None:
        window = next(w for w in qapp.topLevelWidgets() if hasattr(w, "service"))
        times["launch -> window usable"] = now()
        service = window.service
        if service.state == "ready":
            generate(window)
            return
        service.state_changed.connect(
            lambda state, _m: generate(window) if state == "ready" else
            (finish(1) if state in ("failed", "missing") else None))

    QTimer.singleShot(0, hook)
    QTimer.singleShot(300_000, lambda: finish(1))
    return studio.main([])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--only", choices=("cli", "app"))
    ap.add_argument("--root", type=Path, help="also time this checkout (alternating rows)")
    ap.add_argument("--app-child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.app_child:
        return app_child()
    roots = {"this checkout": ROOT} | ({f"--root {args.root.name}": args.root.resolve()}
                                       if args.root else {})
    results: dict[str, dict[str, list[float]]] = {name: {} for name in roots}
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    with tempfile.TemporaryDirectory(prefix="stickgen-cold-") as tmp:
        for name, root in roots.items():   # one untimed round: caches and bytecode
            if args.only != "app":
                cli_figures(root, Path(tmp))
        for _ in range(args.repeats):
            for name, root in roots.items():
                rows = {}
                if args.only != "app":
                    rows |= cli_figures(root, Path(tmp))
                if args.only != "cli":
                    rows |= app_figures(root, Path(tmp))
                for k, v in rows.items():
                    results[name].setdefault(k, []).append(v)
    end_load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    targets = {"help": 0.5, "generate, new prompt": 3.0, "generate, cached prompt": 3.0,
               "launch -> window usable": 1.0, "launch -> model ready": 3.0,
               "first generation": 1.0}
    print(f"{args.repeats} runs each; 1-minute load average {load:.1f} at the start, "
          f"{end_load:.1f} at the end, {os.cpu_count()} cores")
    head = f"{'figure (s, median [min-max])':<32}" + "".join(f"{n:>24}" for n in roots)
    print(head + f"{'target':>9}")
    for key in targets:
        if not any(key in r for r in results.values()):
            continue
        cells = []
        for name in roots:
            v = results[name].get(key, [])
            cells.append(f"{statistics.median(v):.2f} [{min(v):.2f}-{max(v):.2f}]" if v else "-")
        print(f"{key:<32}" + "".join(f"{c:>24}" for c in cells) + f"{targets[key]:>9.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
