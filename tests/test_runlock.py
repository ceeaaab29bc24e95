"""The one-trainer lock survives the deletion of its file: the folder itself is locked."""
import os
import subprocess
import sys

import pytest

from training.runlock import LOCK_NAME, RunInUse, RunLock, lock_owner


def test_deleting_the_lock_file_does_not_free_the_folder(tmp_path):
    run = tmp_path / "run"
    with RunLock(run):
        (run / LOCK_NAME).unlink()
        with pytest.raises(RunInUse):
            RunLock(run).acquire(patience_s=0.05)
        assert lock_owner(run) == -1        # held, though the pid file is gone
        # a second trainer process is refused too, before it writes anything
        out = subprocess.run([sys.executable, "-m", "training", "--run-dir", str(run),
                              "--set", "steps=1"], capture_output=True, text=True, timeout=60)
        assert out.returncode == 1 and "in use" in out.stderr
        assert not (run / "events.jsonl").exists()
    assert lock_owner(run) is None
    with RunLock(run):
        assert lock_owner(run) == os.getpid()


def test_a_killed_holder_frees_the_folder(tmp_path):
    run = tmp_path / "run"
    code = ("import sys, time; from training.runlock import RunLock; "
            f"RunLock({str(run)!r}).acquire(); print('held', flush=True); time.sleep(60)")
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "held"
        assert lock_owner(run) == proc.pid
        with pytest.raises(RunInUse, match=f"process {proc.pid}"):
            RunLock(run).acquire(patience_s=0.05)
    finally:
        proc.kill()
        proc.wait(timeout=30)
        proc.stdout.close()
    assert lock_owner(run) is None
    RunLock(run).acquire().release()
