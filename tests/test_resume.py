"""Resuming: k steps + resume for N - k equals N steps straight, bit for bit (weights,
optimiser and random states), also after kill -9 at random points and inside a checkpoint write."""
import json
import os
import random
import resource
import signal
import subprocess
import sys

import torch

from training.config import TrainConfig
from training.runs import read_events
from training.loop import train


def cfg_for(data, **kw) -> TrainConfig:
    base = dict(model="tiny", data_dir=str(data), crop_frames=32, min_crop_frames=16,
                batch_size=6, steps=24, warmup_steps=4, lr=2e-3, eval_interval=8,
                eval_batches=1, ckpt_interval=8, log_interval=1, inpaint_prob=0.5,
                cond_drop=0.2, threads=1)
    return TrainConfig.from_dict({**base, **kw})


def test_stop_and_resume_equals_training_straight(tiny_data, tmp_path):
    cfg = cfg_for(tiny_data)
    train(cfg, tmp_path / "straight", resume="never", stdout=False)

    def stop_at_11(e):  # 11 is between checkpoints: the STOP checkpoint is the one resumed
        if e["event"] == "step" and e["step"] == 11:
            (tmp_path / "split" / "STOP").write_text("")

    first = train(cfg, tmp_path / "split", resume="auto", on_event=stop_at_11, stdout=False)
    assert first["event"] == "stopped" and first["step"] == 11
    second = train(cfg, tmp_path / "split", resume="auto", stdout=False)
    assert second["event"] == "done" and second["step"] == 24

    same_state(final_state(tmp_path / "straight", 24), final_state(tmp_path / "split", 24))

    def losses(run):
        return {e["step"]: e["loss"] for e in read_events(run) if e["event"] == "step"}

    straight, split = losses(tmp_path / "straight"), losses(tmp_path / "split")
    assert sorted(split) == list(range(1, 25))
    for step in range(12, 25):
        assert straight[step] == split[step], step      # resuming is exact, not close
    starts = [e for e in read_events(tmp_path / "split") if e["event"] == "start"]
    assert starts[1]["step"] == 11 and starts[1]["resumed_from"].endswith("step_0000011.pt")


def same_state(a, b, where: str = "checkpoint") -> None:
    """Assert two checkpoint trees are identical: every tensor bit for bit (torch.equal), every
    number and string equal."""
    if isinstance(a, torch.Tensor):
        assert isinstance(b, torch.Tensor) and a.dtype == b.dtype and torch.equal(a, b), where
    elif isinstance(a, dict):
        assert isinstance(b, dict) and a.keys() == b.keys(), (where, set(a) ^ set(b))
        for k in a:
            same_state(a[k], b[k], f"{where}.{k}")
    elif isinstance(a, (list, tuple)):
        assert isinstance(b, (list, tuple)) and len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b)):
            same_state(x, y, f"{where}[{i}]")
    else:
        assert a == b, (where, a, b)


def final_state(run, step):
    ck = torch.load(run / "checkpoints" / f"step_{step:07d}.pt", weights_only=True)
    ck.pop("extra")                    # holds the run's config, identical by construction
    for rank in ck["training"]["rng"]:
        # Python's and numpy's global generators are saved and restored but never seeded or
        # drawn from by training: they differ between any two processes, resumed or not.
        rank.pop("python")
        rank.pop("numpy_global")
    return ck


def _run_until(cmd, stop_after_step=None, preexec=None, stderr=subprocess.DEVNULL):
    """Run the trainer; SIGKILL it once it reports ``stop_after_step`` (None: let it finish)."""
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=stderr, text=True,
                            preexec_fn=preexec)
    try:
        for line in proc.stdout:
            event = json.loads(line)
            if event["event"] == "step" and event["step"] == stop_after_step:
                os.kill(proc.pid, signal.SIGKILL)
                break
    finally:
        proc.stdout.close()
        proc.wait(timeout=120)
    return proc.returncode


def _limit_file_size():
    # A full disk for files over 200 kB: the write of a checkpoint (about 2 MB) fails midway
    # with EFBIG (Python ignores SIGXFSZ), while the event log, far smaller, goes on.
    resource.setrlimit(resource.RLIMIT_FSIZE, (200_000, 200_000))


def test_kills_at_random_points_and_inside_a_checkpoint_write_resume_exactly(tiny_data,
                                                                            tmp_path):
    cfg = cfg_for(tiny_data, steps=40, ckpt_interval=10, log_interval=1, eval_interval=0)
    train(cfg, tmp_path / "straight", resume="never", stdout=False)
    run = tmp_path / "run"
    (tmp_path / "c.yaml").write_text(json.dumps(cfg.to_dict()))
    cmd = [sys.executable, "-m", "training", "--config", str(tmp_path / "c.yaml"),
           "--run-dir", str(run), "--resume", "auto"]
    rng = random.Random(15)
    # a kill at a random step between the first two checkpoints
    assert _run_until(cmd, rng.randint(11, 19)) == -signal.SIGKILL
    # then a failure inside the write of the step-20 checkpoint: step 10 stays the one resumed
    err = tmp_path / "err.txt"
    with open(err, "w") as fh:
        assert _run_until(cmd, preexec=_limit_file_size, stderr=fh) == 1
    assert "File too large" in err.read_text()
    ckpts = run / "checkpoints"
    assert sorted(p.name for p in ckpts.iterdir()) == ["latest", "step_0000010.pt"]
    events = read_events(run)
    assert events[-1]["event"] == "error" and events[-2]["step"] == 20
    assert _run_until(cmd, rng.randint(21, 35)) == -signal.SIGKILL
    assert _run_until(cmd) == 0
    starts = [e for e in read_events(run) if e["event"] == "start"]
    assert [s["step"] for s in starts][:3] == [0, 10, 10]
    assert starts[2]["resumed_from"].endswith("step_0000010.pt")
    same_state(final_state(tmp_path / "straight", 40), final_state(run, 40))
    assert (run / "model.pt").exists()
    assert not [p for p in ckpts.iterdir() if p.name.startswith(".")]
