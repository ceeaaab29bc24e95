"""Sharing the cores (engine.cpu): a process that runs the model picks its thread count for each
generation from what runs on the machine at that moment (two threads on a free machine, one
beside a busy process); a trainer started from the app runs at a lower priority with sleeping
threads, so the app's generation gets the cores when it needs them."""
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import engine.cpu as cpu
from engine.cpu import background_command, background_env, sensible_threads

ROOT = Path(__file__).resolve().parents[1]
posix_only = pytest.mark.skipif(os.name != "posix", reason="niceness is POSIX")
proc_stat = pytest.mark.skipif(not Path("/proc/stat").exists(), reason="no /proc (not Linux)")
BUSY_LOOP = "print('go', flush=True)\nwhile True: pass"


def _child_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("OMP_NUM_THREADS", "OMP_WAIT_POLICY", "STICKGEN_THREADS")}
    return dict(env, PYTHONPATH=str(ROOT), **extra)


def test_thread_count_comes_from_the_user_when_set(monkeypatch):
    monkeypatch.setattr(cpu, "_fixed", None)
    monkeypatch.setenv("STICKGEN_THREADS", "3")
    assert sensible_threads() == 3
    monkeypatch.delenv("STICKGEN_THREADS")
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    assert sensible_threads() == 1
    monkeypatch.delenv("OMP_NUM_THREADS")
    assert 1 <= sensible_threads() <= (os.cpu_count() or 1)


def test_the_model_runs_on_the_cores_others_leave_free_up_to_its_cap():
    assert cpu.threads_for(2, 0.0) == 2 == cpu.MODEL_THREADS   # a free 2-core machine
    assert cpu.threads_for(2, 0.2) == 2     # a process runnable a fifth of the time: no core
    assert cpu.threads_for(2, 0.5) == 1     # ... half the time: a core
    assert cpu.threads_for(2, 1.0) == 1     # a training job
    assert cpu.threads_for(2, 3.0) == 1     # never fewer than one
    assert cpu.threads_for(8, 1.0) == 2     # never more than the cap
    assert cpu.threads_for(8, 5.0, cap=8) == 3
    assert cpu.threads_for(1, 0.0) == 1


def test_without_proc_the_load_average_stands_in(monkeypatch):
    for key in ("STICKGEN_THREADS", "OMP_NUM_THREADS"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setattr(cpu, "_fixed", None)
    monkeypatch.setattr(cpu, "others_running", lambda: None)
    monkeypatch.setattr(cpu, "available_cores", lambda: 4)
    monkeypatch.setattr(cpu.os, "getloadavg", lambda: (0.2, 0.5, 0.5))
    assert cpu.sensible_threads() == 2
    monkeypatch.setattr(cpu.os, "getloadavg", lambda: (3.0, 1.0, 1.0))
    assert cpu.sensible_threads() == 1


@proc_stat
def test_a_busy_process_is_seen_at_once_and_forgotten_when_it_stops():
    before = cpu.others_running(samples=40)
    busy = subprocess.Popen([sys.executable, "-c", BUSY_LOOP], stdout=subprocess.PIPE)
    try:
        assert busy.stdout.readline().strip() == b"go"
        during = cpu.others_running(samples=40)
    finally:
        busy.kill()
        busy.wait()
    after = cpu.others_running(samples=40)
    assert during >= before + 0.6, (before, during)
    assert after <= during - 0.6, (during, after)


@pytest.fixture
def auto_threads(monkeypatch):
    """This test process set up as the app and the CLI set theirs up (threads chosen per
    generation); torch's thread count is put back afterwards."""
    import torch

    for key in ("STICKGEN_THREADS", "OMP_NUM_THREADS"):
        monkeypatch.delenv(key, raising=False)
    was = torch.get_num_threads()
    for name, value in (("_prepared", False), ("_fixed", None), ("_written", None)):
        monkeypatch.setattr(cpu, name, value)
    cpu.prepare_process()
    yield
    torch.set_num_threads(was)


def test_each_generation_runs_on_the_cores_free_at_that_moment(auto_threads, monkeypatch,
                                                               tiny_checkpoint):
    import torch

    from engine.generate import Generator

    gen = Generator(tiny_checkpoint).load()
    monkeypatch.setattr(cpu, "available_cores", lambda: 2)
    monkeypatch.setattr(cpu, "others_running", lambda: 0.0)   # a free machine
    free = gen.generate("a man walks forward", seconds=2, seed=0)
    monkeypatch.setattr(cpu, "others_running", lambda: 1.0)   # a training job starts
    shared = gen.generate("a man walks forward", seconds=2, seed=0)
    assert (free.threads, shared.threads) == (2, 1) and torch.get_num_threads() == 1
    monkeypatch.setattr(cpu, "others_running", lambda: 0.0)   # ... and stops
    out = gen.regenerate(shared.motion, 10, 30, "jumps", seed=1)
    assert torch.get_num_threads() == 2 and out.motion.num_frames == shared.motion.num_frames
    assert out.threads == 2
    # the thread count does not change the motion
    np.testing.assert_allclose(shared.motion.positions, free.motion.positions, atol=1e-4)


def test_prepare_process_reaches_torch_when_called_before_it_loads():
    code = ("from engine.cpu import prepare_process, fit_threads; n = prepare_process({}); "
            "import os, torch; print(n, torch.get_num_threads(), fit_threads(), "
            "os.environ.get('OMP_WAIT_POLICY', '-'))")

    def child(arg, **env):
        return subprocess.run([sys.executable, "-c", code.format(arg)], env=_child_env(**env),
                              capture_output=True, text=True, check=True,
                              timeout=300).stdout.split()

    assert child(1) == ["1", "1", "1", "-"]   # fixed by the caller; idle threads spin a moment
    # what the user set wins
    assert child("", OMP_WAIT_POLICY="PASSIVE", STICKGEN_THREADS="1") == ["1", "1", "1", "PASSIVE"]
    # left to choose, torch starts on the cores free now and fits each generation to the moment
    out = child("")
    assert out[0] == out[1] and 1 <= int(out[0]) <= min(cpu.MODEL_THREADS, cpu.available_cores())
    assert 1 <= int(out[2]) <= cpu.MODEL_THREADS
    # a second call does not take the OMP_NUM_THREADS the first one wrote for the user's
    code = ("import engine.cpu as c; c.prepare_process(); c.prepare_process(); import torch; "
            "c.available_cores = lambda: 2; c.others_running = lambda: 0.0; a = c.fit_threads(); "
            "c.others_running = lambda: 1.0; print(a, c.fit_threads())")
    out = subprocess.run([sys.executable, "-c", code], env=_child_env(), capture_output=True,
                         text=True, check=True, timeout=300).stdout.split()
    assert out == ["2", "1"]


@posix_only
def test_a_background_job_runs_at_lower_priority_with_sleeping_threads():
    code = "import os; print(os.nice(0), os.environ['OMP_WAIT_POLICY'], " \
           "os.environ.get('OMP_NUM_THREADS', '-'))"
    argv = background_command([sys.executable, "-c", code])
    env = background_env(_child_env(OMP_NUM_THREADS="1"))
    out = subprocess.run(argv, env=env, capture_output=True, text=True, check=True,
                         timeout=60).stdout.split()
    assert out == [str(os.nice(0) + 10), "PASSIVE", "-"]


@posix_only
def test_a_trainer_started_from_the_app_yields_the_cores(qtbot, tmp_path, tiny_data):
    from stickgen_studio.jobs.training_process import TrainingJob
    from training import runs as tr

    run = tmp_path / "run"
    run.mkdir()
    tr.write_config(run, {"model": "tiny", "data_dir": str(tiny_data), "steps": 100000,
                          "batch_size": 4, "crop_frames": 32, "min_crop_frames": 16,
                          "eval_interval": 100000, "ckpt_interval": 100000})
    job = TrainingJob(run, poll_ms=100)
    job.start()
    try:
        qtbot.waitUntil(lambda: (tr.lock_owner(run) or 0) > 0, timeout=90_000)
        pid = tr.lock_owner(run)
        assert os.getpriority(os.PRIO_PROCESS, pid) == os.nice(0) + 10
        environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
        assert b"OMP_WAIT_POLICY=PASSIVE" in environ
    finally:
        job.kill()
        qtbot.waitUntil(lambda: tr.lock_owner(run) is None, timeout=90_000)
        job.close()


@proc_stat
def test_a_busy_main_thread_counts_when_the_model_runs_on_another():
    """In the app the model runs off the main thread, where the window draws: while the main
    thread works, a generation leaves it its core."""
    code = """if True:
        import hashlib, threading
        from engine.cpu import others_running
        data, go, done, out = bytes(64 << 20), threading.Event(), threading.Event(), []
        def model_lane():
            out.append(others_running(samples=40))
            go.set()
            out.append(others_running(samples=40))
            done.set()
        threading.Thread(target=model_lane).start()
        go.wait()
        while not done.is_set():
            hashlib.sha256(data).digest()      # works without holding the GIL
        print(out[0], out[1])
        """
    out = subprocess.run([sys.executable, "-c", code], env=_child_env(), capture_output=True,
                         text=True, check=True, timeout=300).stdout.split()
    before, during = map(float, out)
    assert during >= before + 0.6, (before, during)
