"""How a Stick-Gen process shares a small CPU with others: torch thread counts, how idle
OpenMP threads wait, and the priority of background work.

On a 2-core machine the cores are often shared: a training job, another generation, the rest
of the desktop. torch's OpenMP threads spin while they wait for each other, so a 2-thread
generation that loses a core to another process spends its slices spinning, many times slower
than on one thread (benchmarks/contention.py). So every process that runs the model lets idle
threads sleep and picks its thread count from the cores others leave free
(``prepare_process``, before torch is imported), and a training job started from the app runs
at a lower priority (``background_command``, ``background_env``).
"""
from __future__ import annotations

import math
import os
import shutil
import sys

BACKGROUND_NICE = 10   # POSIX niceness of background jobs: the scheduler then gives such a
                       # job about a tenth of the share of a foreground process
# Threads for running the model. With idle OpenMP threads sleeping (prepare_process), every
# one of the model's many small operations has to wake the second thread, and that costs more
# than it saves: on the 2-core machine, 24 prompts, 1 and 2 threads run alternately, a 10 s clip
# took a median of 99-122 ms on one thread and 143-160 ms on two (benchmarks/generate.py
# --threads). With spinning threads two are about 1.5x faster on an idle machine, but 2-3x
# slower than one when another process holds a core; one sleeping thread is the setting that
# stays fast in both cases.
MODEL_THREADS = 1


def available_cores() -> int:
    """Cores this process may run on (its affinity mask where the OS has one)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def sensible_threads() -> int:
    """Threads for one model run now: ``STICKGEN_THREADS`` or ``OMP_NUM_THREADS`` if set, else
    the cores that other processes leave free by the 1-minute load average, at most
    ``MODEL_THREADS`` and at least 1."""
    for key in ("STICKGEN_THREADS", "OMP_NUM_THREADS"):
        try:
            if int(os.environ.get(key, "0")) > 0:
                return int(os.environ[key])
        except ValueError:
            pass
    cores = available_cores()
    try:
        busy = os.getloadavg()[0]
    except (AttributeError, OSError):      # no load average (Windows): use every core
        busy = 0.0
    # Each whole core of load that others carry costs a thread: a thread beyond the free
    # cores only waits for a core another process holds.
    return max(1, min(MODEL_THREADS, cores - math.floor(busy)))


def prepare_process(threads: int | None = None) -> int:
    """Set up this process to run the model: idle OpenMP threads sleep instead of spinning, and
    torch uses ``threads`` threads (default ``sensible_threads()``). Call it before torch is
    imported: OpenMP reads both settings when it loads (values the user set are kept), and
    nothing here imports torch, so a command that never needs it does not pay for it.
    Returns the thread count.
    """
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    n = int(threads) if threads else sensible_threads()
    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(n)
    else:
        os.environ.setdefault("OMP_NUM_THREADS", str(n))
    return n


def set_threads(threads: int | None = None) -> int:
    """``torch.set_num_threads`` to ``threads`` (default: ``sensible_threads()``); returns it."""
    import torch

    n = int(threads) if threads else sensible_threads()
    torch.set_num_threads(n)
    return n


def background_command(argv: list[str], nice: int = BACKGROUND_NICE) -> list[str]:
    """``argv`` run at a lower priority: behind ``nice -n`` where the OS has it (it execs the
    program, so the process id is the program's own). Elsewhere ``argv`` unchanged.
    """
    # TODO(issue 16): the below-normal priority class on Windows.
    nice_bin = shutil.which("nice") if os.name == "posix" else None
    return [nice_bin, "-n", str(int(nice)), *argv] if nice_bin and nice > 0 else list(argv)


def background_env(env: dict[str, str]) -> dict[str, str]:
    """``env`` for a job that must yield the cores to the app's generation: its idle OpenMP
    threads sleep, so a core it waits on goes to whoever needs it, and it picks its own thread
    count (the app's ``OMP_NUM_THREADS`` is not passed on)."""
    out = {k: v for k, v in env.items() if k != "OMP_NUM_THREADS"}
    out["OMP_WAIT_POLICY"] = "PASSIVE"
    return out


def native_bf16() -> bool:
    """Whether this CPU computes bfloat16 matrix products natively (AVX-512 BF16 or AMX), so
    the model runs faster in it; False where torch cannot tell."""
    import torch

    try:
        return bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except (AttributeError, RuntimeError):
        return False
