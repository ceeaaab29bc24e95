"""Prompt -> Motion latency of the shipped small model on this CPU (DESIGN.md §5 target:
median <= 150 ms, p90 <= 250 ms for a 10-second clip, model loaded).

  python benchmarks/generate.py [--model small] [--seconds 10] [--threads 2|1|auto] [--steps N]
                                [--guidance G] [--baseline TEACHER.pt]

Times the whole Generator.generate call (planner, text encoding, sampling, physics) for 24
different prompts after one warm-up, and prints a table with the median and p90. Every figure
is also given against the floor measured in the same run: one forward pass of the model over
all windows of a clip as long, unguided (what a one-step sampler would cost at least).
"""
from __future__ import annotations

import argparse
import statistics
import time

PROMPTS = [
    "a man walks forward", "a woman runs fast", "someone jumps three times",
    "a person waves with the left hand", "he sits down, then stands up", "she dances salsa",
    "a boy skips happily", "the figure walks backwards slowly", "a man punches and kicks",
    "someone does a cartwheel", "a woman bows politely", "he jogs, then sprints",
    "a person turns left and walks", "she claps her hands and cheers", "a man limps along",
    "someone falls down and gets up", "a dancer spins around", "he picks up a box and throws it",
    "a girl hops on one leg", "the figure crawls on all fours", "a man shrugs and shakes his head",
    "a woman marches like a soldier", "someone tiptoes quietly, then looks around",
    "a man walks forward, then jumps and waves",
]


def forward_floor(gen, seconds: float, repeats: int = 10) -> float:
    """Median seconds of one unguided denoiser call over all windows of a ``seconds`` clip."""
    from engine.cpu import fit_threads
    from engine.model.sampler import Conditioning, denoise

    fit_threads()                                  # as a generation would now
    frames = int(round(seconds * 25))
    cond = Conditioning.from_segments(gen.encoder, "a man walks forward",
                                      [(0, frames, "walk", "walk forward")], frames)
    denoise(gen.model, cond, 0, steps=1)           # warm-up
    times = []
    for i in range(repeats):
        t = time.perf_counter()
        denoise(gen.model, cond, i, steps=1)       # 1 step, guidance off: one model call
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--model", default="small")
    p.add_argument("--seconds", type=float, default=10.0)
    p.add_argument("--threads", default="2",
                   help="torch threads, or auto: chosen for every generation from what runs on "
                        "the machine then, as the app and the CLI do (engine.cpu.fit_threads)")
    p.add_argument("--steps", type=int, default=None, help="default: the model's own")
    p.add_argument("--guidance", type=float, default=None, help="default: the model's own")
    p.add_argument("--baseline", default=None,
                   help="a second model (e.g. the undistilled teacher) timed interleaved on the "
                        "same prompts with its own sampler settings, for the speed-up")
    args = p.parse_args()
    import os

    from engine.cpu import prepare_process

    fixed = None if args.threads == "auto" else int(args.threads)
    prepare_process(fixed)   # before torch loads
    # Time every prompt as new: their texts are encoded, not read from the disk cache that
    # earlier runs filled.
    os.environ["STICKGEN_EMBEDDING_CACHE"] = "0"
    import torch

    from engine.generate import Generator

    t0 = time.perf_counter()
    extra = {} if args.guidance is None else {"guidance": args.guidance}
    gen = Generator(args.model, steps=args.steps, **extra).load()
    gen.generate("a man walks", args.seconds, 0)  # warm-up: encoder, prototypes, allocator
    load_s = time.perf_counter() - t0
    base = None
    if args.baseline:
        base = Generator(args.baseline).load()
        base.generate("a man walks", args.seconds, 0)
    floor = forward_floor(gen, args.seconds)
    rows = []
    for i, prompt in enumerate(PROMPTS):   # interleaved, so both see the same machine
        t = time.perf_counter()
        r = gen.generate(prompt, args.seconds, seed=i)
        tot = time.perf_counter() - t
        prev = None
        if base is not None:
            t = time.perf_counter()
            base.generate(prompt, args.seconds, seed=i)
            prev = time.perf_counter() - t
        rows.append((prompt, tot, r.timings["sample"], r.motion.num_frames, prev, r.threads))
    _report(args, gen, base, load_s, floor, rows)


def _report(args, gen, base, load_s: float, floor: float, rows: list) -> None:
    total = [r[1] for r in rows]
    print(f"model {args.model}: {gen.steps} steps, guidance {gen.guidance:g}, "
          f"{args.threads} threads, {args.seconds:g} s clips; load + warm-up {load_s:.1f} s")
    if base is not None:
        print(f"previous sampler: {args.baseline}: {base.steps} steps, guidance "
              f"{base.guidance:g}, timed interleaved on the same prompts")
    print(f"floor: one forward pass over the clip's windows {floor * 1000:.0f} ms "
          "(x: figures below as multiples of it)")
    print(f"{'prompt':<44} {'total ms':>9} {'x':>5} {'sample ms':>10} {'x':>5} {'frames':>7}"
          f" {'threads':>7}" + (f" {'prev ms':>8} {'speed-up':>8}" if base is not None else ""))
    for prompt, tot, smp, n, prev, threads in rows:
        print(f"{prompt[:44]:<44} {tot * 1000:9.0f} {tot / floor:5.1f} {smp * 1000:10.0f} "
              f"{smp / floor:5.1f} {n:7d} {threads:7d}"
              + (f" {prev * 1000:8.0f} {prev / tot:8.2f}" if prev is not None else ""))
    q = statistics.quantiles(total, n=10)
    med = statistics.median(total)
    print(f"median {med * 1000:.0f} ms ({med / floor:.1f}x floor), p90 {q[-1] * 1000:.0f} ms "
          f"({q[-1] / floor:.1f}x), max {max(total) * 1000:.0f} ms ({max(total) / floor:.1f}x) "
          f"over {len(total)} prompts (target median <= 150 ms, p90 <= 250 ms)")
    if base is not None:
        prev = [r[4] for r in rows]
        pm, pq = statistics.median(prev), statistics.quantiles(prev, n=10)[-1]
        print(f"previous sampler: median {pm * 1000:.0f} ms, p90 {pq * 1000:.0f} ms; "
              f"speed-up of the median {pm / med:.2f}x")


if __name__ == "__main__":
    main()
