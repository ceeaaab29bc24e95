"""How a Stick-Gen process shares a small CPU with others: torch thread counts, how idle
OpenMP threads wait, and the priority of background work.

On a 2-core machine the cores are often shared: a training job, another generation, the rest
of the desktop. torch's OpenMP threads spin for a moment while they wait for each other. On a
free machine that makes two threads about 1.5x faster than one; but a 2-thread generation that
loses a core to another process spends its slices spinning, 2-3x slower than on one thread
(benchmarks/contention.py). So a process that runs the model picks its thread count again for
every generation from what runs on the machine at that moment (``fit_threads``): two spinning
threads when a second core is free, one when another process holds it. A training job
started from the app runs at a lower priority with sleeping threads (``background_command``,
``background_env``), so it gives a core back at once.
"""
from __future__ import annotations

import math
import os
import shutil
import sys
import threading
import time

BACKGROUND_NICE = 10   # POSIX niceness of background jobs: the scheduler then gives such a
                       # job about a tenth of the share of a foreground process
# At most this many threads run the model. Measured on the 2-core machine (sampler.denoise of
# 10 s clips, small-fast, medians): one thread 83-115 ms; two spinning threads 56-65 ms on an
# idle machine but 220-267 ms beside one busy process; two sleeping threads 130-153 ms idle.
# More threads are not measured.
MODEL_THREADS = 2
# Another process counts as holding a core once it is runnable this share of the time.
BUSY_SHARE = 0.25
# How many times, and how far apart, runnable threads are counted before a generation.
LOAD_SAMPLES = 6
LOAD_GAP_S = 0.0004

_fixed: int | None = None   # threads fixed by prepare_process's caller
_written: str | None = None  # the OMP_NUM_THREADS that prepare_process wrote (not the user's)
_prepared = False           # prepare_process has run: generations then set torch's count


def available_cores() -> int:
    """Cores this process may run on (its affinity mask where the OS has one)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def user_threads() -> int | None:
    """The thread count the user set (``STICKGEN_THREADS``, else ``OMP_NUM_THREADS``), if any."""
    for key in ("STICKGEN_THREADS", "OMP_NUM_THREADS"):
        value = os.environ.get(key, "0")
        if key == "OMP_NUM_THREADS" and value == _written:
            continue                # prepare_process's own, for OpenMP's start
        try:
            if int(value) > 0:
                return int(value)
        except ValueError:
            pass
    return None


def _running_now() -> int | None:
    """Runnable threads on the whole machine (``procs_running``), None without /proc/stat."""
    try:
        with open("/proc/stat", "rb") as f:
            for line in f:
                if line.startswith(b"procs_running"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return None


def _own_running() -> int:
    """Threads of this process that are runnable now and take no core from the model: the
    caller and threads Python did not start (the model's own OpenMP threads among them). The
    main thread, when another thread asks, is not among them: the app's window draws there."""
    try:
        tasks = os.listdir("/proc/self/task")
    except OSError:
        return 1
    main = threading.main_thread().native_id
    caller = threading.get_native_id()
    n = 0
    for tid in tasks:
        try:
            with open(f"/proc/self/task/{tid}/stat", "rb") as f:
                stat = f.read()
        except OSError:         # the thread ended meanwhile
            continue
        state = stat.rindex(b")") + 2          # the field after the thread's (name)
        if stat[state:state + 1] == b"R" and not (int(tid) == main != caller):
            n += 1
    return max(n, 1)


def others_running(samples: int = LOAD_SAMPLES, gap_s: float = LOAD_GAP_S) -> float | None:
    """How many threads of other processes (and this process's main thread, when another thread
    asks) are runnable right now, the mean of ``samples`` counts ``gap_s`` apart (a few
    milliseconds in all); None where the OS does not say (no /proc). Unlike the load average,
    which trails by a minute, this sees a training job the moment it starts and forgets it the
    moment it stops."""
    counts = []
    for i in range(max(1, samples)):
        if i:
            time.sleep(gap_s)
        total = _running_now()
        if total is None:
            return None
        counts.append(max(0, total - _own_running()))
    return sum(counts) / len(counts)


def threads_for(cores: int, others: float, cap: int = MODEL_THREADS) -> int:
    """Threads for one model run on ``cores`` cores while ``others`` threads of other processes
    want to run: one per core they leave free, at most ``cap``, at least one. Another process
    takes a core once it is runnable more than ``BUSY_SHARE`` of the time."""
    taken = max(0, math.ceil(others - BUSY_SHARE))
    return max(1, min(cap, cores - taken))


def sensible_threads() -> int:
    """Threads for one model run now: what ``prepare_process``'s caller or the user fixed
    (``STICKGEN_THREADS``, ``OMP_NUM_THREADS``), else one per core that other processes leave
    free at this moment (``others_running``; where the OS has no /proc, the 1-minute load
    average), at most ``MODEL_THREADS``."""
    fixed = _fixed or user_threads()
    if fixed:
        return fixed
    others = others_running()
    if others is None:
        try:
            others = os.getloadavg()[0]
        except (AttributeError, OSError):      # no load average (Windows): one thread
            return 1
    return threads_for(available_cores(), others)


def prepare_process(threads: int | None = None) -> int:
    """Set up this process to run the model on ``threads`` threads or, by default, on as many
    as the machine has free at each generation (``fit_threads``; ``STICKGEN_THREADS`` or
    ``OMP_NUM_THREADS`` fix the count). Call it before torch is imported: OpenMP reads the
    thread count it starts with when it loads, and nothing here imports torch, so a command
    that never needs it does not pay for it. Idle OpenMP threads spin for a moment before they
    sleep (libgomp's default), unless the user set ``OMP_WAIT_POLICY``. Returns the thread
    count it starts with.
    """
    global _fixed, _written, _prepared
    _fixed = int(threads) if threads else None
    n = sensible_threads()
    _prepared = True
    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(n)
    elif os.environ.get("OMP_NUM_THREADS", _written) == _written:   # not the user's own
        _written = os.environ["OMP_NUM_THREADS"] = str(n)
    return n


def fit_threads() -> int:
    """Just before a generation, in a process that ``prepare_process`` set up: torch's thread
    count set to ``sensible_threads()`` (for what runs on the machine now, unless the count is
    fixed). Elsewhere (tests, training) the count stays as it is. Returns the count the
    generation runs on."""
    import torch

    if not _prepared:
        return torch.get_num_threads()
    n = sensible_threads()
    if torch.get_num_threads() != n:
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
