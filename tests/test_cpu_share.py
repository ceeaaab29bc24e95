"""Sharing the cores (engine.cpu): processes that run the model let idle threads sleep and set
their thread count before torch loads; a trainer started from the app runs at a lower priority
with sleeping threads, so the app's generation gets the cores when it needs them."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from engine.cpu import background_command, background_env, sensible_threads

ROOT = Path(__file__).resolve().parents[1]
posix_only = pytest.mark.skipif(os.name != "posix", reason="niceness is POSIX")


def _child_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("OMP_NUM_THREADS", "OMP_WAIT_POLICY", "STICKGEN_THREADS")}
    return dict(env, PYTHONPATH=str(ROOT), **extra)


def test_thread_count_comes_from_the_user_when_set(monkeypatch):
    monkeypatch.setenv("STICKGEN_THREADS", "3")
    assert sensible_threads() == 3
    monkeypatch.delenv("STICKGEN_THREADS")
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    assert sensible_threads() == 1
    monkeypatch.delenv("OMP_NUM_THREADS")
    assert 1 <= sensible_threads() <= (os.cpu_count() or 1)


def test_the_model_runs_on_the_free_cores_up_to_its_cap(monkeypatch):
    import engine.cpu as cpu

    for key in ("STICKGEN_THREADS", "OMP_NUM_THREADS"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setattr(cpu, "available_cores", lambda: 4)
    monkeypatch.setattr(cpu.os, "getloadavg", lambda: (0.2, 0.5, 0.5))
    assert cpu.sensible_threads() == cpu.MODEL_THREADS == 1   # a quiet 4-core machine
    monkeypatch.setattr(cpu, "MODEL_THREADS", 8)
    assert cpu.sensible_threads() == 4                          # every core, no more
    monkeypatch.setattr(cpu.os, "getloadavg", lambda: (2.6, 1.0, 1.0))
    assert cpu.sensible_threads() == 2                          # two cores are busy elsewhere
    monkeypatch.setattr(cpu.os, "getloadavg", lambda: (7.0, 1.0, 1.0))
    assert cpu.sensible_threads() == 1


def test_prepare_process_reaches_torch_when_called_before_it_loads():
    code = ("from engine.cpu import prepare_process; n = prepare_process(1); import os, torch; "
            "print(n, torch.get_num_threads(), os.environ['OMP_WAIT_POLICY'])")
    out = subprocess.run([sys.executable, "-c", code], env=_child_env(), capture_output=True,
                         text=True, check=True, timeout=300).stdout.split()
    assert out == ["1", "1", "PASSIVE"]
    # what the user set wins
    out = subprocess.run([sys.executable, "-c", code], env=_child_env(OMP_WAIT_POLICY="ACTIVE"),
                         capture_output=True, text=True, check=True, timeout=300).stdout.split()
    assert out[-1] == "ACTIVE"


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
