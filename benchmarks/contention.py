"""Generation latency while a training job runs (DESIGN.md section 5: at most 2x idle).

  python benchmarks/contention.py [--prompts 8] [--setups before now now-2] [--data DIR]

For each setup, a fresh generation process times ``--prompts`` 10 s clips with the model loaded
(after a warm-up) on an idle machine, then a real trainer is started on a tiny dataset (built
once, ``python -m training.data build --samples 60``), and once it is taking steps the same
clips are timed again; then the trainer is killed. The setups:

  before     the trainer as the app first started it (plain priority, spinning OpenMP
             threads) and generation on 2 threads with spinning threads
  now        the trainer as the app starts it (engine.cpu.background_command and
             background_env: lower priority, sleeping OpenMP threads) and generation as the
             CLI and the app run it: each generation picks its threads from what runs at that
             moment (engine.cpu.fit_threads: two spinning threads on a free machine, one
             beside the trainer)
  one        as ``now``, generation always on 1 thread with sleeping threads (the app's
             setting before per-generation threads; not run unless named)
  two        as ``now``, generation always on 2 sleeping threads (not run unless named)

Each row prints idle and busy medians, their ratio, and the trainer's steps per second while
generation ran (what the training job gave up). Other processes on the machine shift all
figures: the 1-minute load average is printed with them.
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
sys.path.insert(0, str(ROOT))

SETUPS = {  # name: (trainer launch, generation threads (0: per generation), OpenMP environment)
    "before": ("plain", 2, {}),
    "now": ("background", 0, {}),
    "one": ("background", 1, {"OMP_WAIT_POLICY": "PASSIVE"}),
    "two": ("background", 2, {"OMP_WAIT_POLICY": "PASSIVE"}),
}
TRAIN_SETTINGS = ["steps=1000000", "log_interval=1", "eval_interval=1000000",
                  "ckpt_interval=1000000", "batch_size=16", "crop_frames=96"]


def gen_child(threads: int, prompts: int, seconds: float) -> int:
    """Inside a generation process: warm up, then print the latency of each prompt and the
    threads it ran on (JSON)."""
    from engine.cpu import prepare_process

    prepare_process(threads or None)   # before torch loads
    from engine.generate import Generator
    from generate import PROMPTS   # benchmarks/generate.py, beside this file

    gen = Generator("small").load()
    gen.generate("a man walks", seconds, 0)
    out = []
    for i, prompt in enumerate(PROMPTS[:prompts]):
        t = time.perf_counter()
        r = gen.generate(prompt, seconds, seed=i)
        out.append((time.perf_counter() - t, r.threads))
    print(json.dumps(out), flush=True)
    return 0


def run_generation(threads: int, omp: dict[str, str], prompts: int,
                   seconds: float) -> list[tuple[float, int]]:
    env = dict(os.environ, PYTHONPATH=str(ROOT), STICKGEN_EMBEDDING_CACHE="0")  # all texts new
    for key in ("OMP_WAIT_POLICY", "OMP_NUM_THREADS", "GOMP_SPINCOUNT", "STICKGEN_THREADS"):
        env.pop(key, None)
    env.update(omp)
    done = subprocess.run([sys.executable, str(HERE), "--gen-child", "--threads", str(threads),
                           "--prompts", str(prompts), "--seconds", str(seconds)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800)
    if done.returncode != 0:
        raise RuntimeError(f"generation failed: {done.stderr.strip()[-600:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def start_trainer(launch: str, data: Path, run: Path) -> subprocess.Popen:
    """A real trainer on ``data``, started the way ``launch`` says (see the module doc)."""
    from engine.cpu import background_command, background_env
    from training.runs import trainer_env

    argv = [sys.executable, "-m", "training", "--config", "small", "--run-dir", str(run),
            "--resume", "never", "--set", f"data_dir={data}"]
    for s in TRAIN_SETTINGS:
        argv += ["--set", s]
    env = trainer_env()
    env.pop("OMP_NUM_THREADS", None)
    if launch == "background":
        argv, env = background_command(argv), background_env(env)
    else:
        env.pop("OMP_WAIT_POLICY", None)
    return subprocess.Popen(argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=open(run.parent / f"{run.name}.log", "w"))


def _steps(run: Path) -> list[tuple[float, int]]:
    from training.runs import read_events

    return [(e["time"], e["step"]) for e in read_events(run) if e["event"] == "step"]


def wait_for_steps(proc: subprocess.Popen, run: Path, timeout: float = 900) -> None:
    t0 = time.time()
    while len(_steps(run)) < 3:
        if proc.poll() is not None:
            raise RuntimeError(f"the trainer exited ({proc.returncode}); see {run}.log")
        if time.time() - t0 > timeout:
            raise RuntimeError("the trainer took no steps in time")
        time.sleep(1.0)


def steps_per_second(run: Path, t0: float, t1: float) -> float:
    inside = [(t, s) for t, s in _steps(run) if t0 <= t <= t1]
    if len(inside) < 2:
        return 0.0
    return (inside[-1][1] - inside[0][1]) / max(inside[-1][0] - inside[0][0], 1e-9)


def build_data(folder: Path) -> Path:
    subprocess.run([sys.executable, "-m", "training.data", "build", "--out", str(folder),
                    "--samples", "60", "--real-repeats", "0", "--mocap-weight", "0"],
                   cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT)), check=True,
                   capture_output=True, timeout=1800)
    return folder


def measure(name: str, data: Path, work: Path, prompts: int, seconds: float) -> dict:
    launch, threads, omp = SETUPS[name]
    load_idle = os.getloadavg()[0]
    idle = run_generation(threads, omp, prompts, seconds)
    run = work / f"run-{name}"
    proc = start_trainer(launch, data, run)
    try:
        wait_for_steps(proc, run)
        load_busy, t0 = os.getloadavg()[0], time.time()
        busy = run_generation(threads, omp, prompts, seconds)
        t1 = time.time()
        # the trainer alone, as long again, for what it gives up while generation runs
        time.sleep(min(t1 - t0, 60))
        alone = steps_per_second(run, t1, time.time())
    finally:
        proc.kill()         # only the trainer this benchmark started
        proc.wait()
    return {"setup": name, "idle": statistics.median(t for t, _ in idle),
            "busy": statistics.median(t for t, _ in busy),
            "idle_max": max(t for t, _ in idle), "busy_max": max(t for t, _ in busy),
            "threads": (_counts(idle), _counts(busy)),
            "train_during": steps_per_second(run, t0, t1), "train_alone": alone,
            "load": (load_idle, load_busy)}


def _counts(runs: list[tuple[float, int]]) -> str:
    """Thread counts the generations ran on, e.g. "2x8" or "1x7 2x1"."""
    n = [k for _, k in runs]
    return " ".join(f"{k}x{n.count(k)}" for k in sorted(set(n)))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--prompts", type=int, default=8)
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--setups", nargs="+", choices=tuple(SETUPS), default=["before", "now"])
    ap.add_argument("--data", type=Path, help="a built dataset (default: build a tiny one)")
    ap.add_argument("--gen-child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--threads", type=int, default=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.gen_child:
        return gen_child(args.threads, args.prompts, args.seconds)
    rows = []
    with tempfile.TemporaryDirectory(prefix="stickgen-contention-") as tmp:
        work = Path(tmp)
        data = args.data or build_data(work / "data")
        for name in args.setups:
            rows.append(measure(name, data, work, args.prompts, args.seconds))
            r = rows[-1]
            print(f"{name}: idle {r['idle'] * 1000:.0f} ms, busy {r['busy'] * 1000:.0f} ms",
                  file=sys.stderr, flush=True)
    print(f"{args.prompts} prompts, {args.seconds:g} s clips, medians; {os.cpu_count()} cores")
    print(f"{'setup':<8}{'idle ms':>9}{'busy ms':>9}{'busy/idle':>10}{'max idle':>10}"
          f"{'max busy':>10}{'train steps/s during':>22}{'alone':>7}{'load idle/busy':>16}"
          "  threads idle / busy")
    for r in rows:
        print(f"{r['setup']:<8}{r['idle'] * 1000:9.0f}{r['busy'] * 1000:9.0f}"
              f"{r['busy'] / r['idle']:9.2f}x{r['idle_max'] * 1000:10.0f}"
              f"{r['busy_max'] * 1000:10.0f}{r['train_during']:22.2f}{r['train_alone']:7.2f}"
              f"{r['load'][0]:8.1f}/{r['load'][1]:.1f}"
              f"  {r['threads'][0]} / {r['threads'][1]}")
    print("target: busy <= 2x idle")
    return 0


if __name__ == "__main__":
    sys.exit(main())
