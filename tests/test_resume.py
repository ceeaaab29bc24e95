"""Resuming: k steps + resume for N - k equals N steps straight, also after kill -9."""
import json
import os
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

    a = torch.load(tmp_path / "straight" / "model.pt", weights_only=True)["model"]
    b = torch.load(tmp_path / "split" / "model.pt", weights_only=True)["model"]
    assert a.keys() == b.keys()
    for k in a:
        assert torch.allclose(a[k], b[k], atol=1e-6, rtol=1e-5), k

    def losses(run):
        return {e["step"]: e["loss"] for e in read_events(run) if e["event"] == "step"}

    straight, split = losses(tmp_path / "straight"), losses(tmp_path / "split")
    assert sorted(split) == list(range(1, 25))
    for step in range(12, 25):
        assert abs(straight[step] - split[step]) < 1e-5 * max(1.0, straight[step])
    starts = [e for e in read_events(tmp_path / "split") if e["event"] == "start"]
    assert starts[1]["step"] == 11 and starts[1]["resumed_from"].endswith("step_0000011.pt")


def test_kill_9_mid_run_then_resume_finishes(tiny_data, tmp_path):
    run = tmp_path / "run"
    (tmp_path / "c.yaml").write_text(json.dumps(cfg_for(
        tiny_data, steps=150, ckpt_interval=10, log_interval=5, eval_interval=0).to_dict()))
    cmd = [sys.executable, "-m", "training", "--config", str(tmp_path / "c.yaml"),
           "--run-dir", str(run), "--resume", "auto"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    seen = 0
    try:
        for line in proc.stdout:
            event = json.loads(line)
            seen += event["event"] == "checkpoint"
            if seen == 2:            # killed right after its second checkpoint
                os.kill(proc.pid, signal.SIGKILL)
                break
    finally:
        proc.stdout.close()
        proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    assert not (run / "model.pt").exists()

    out = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    events = [json.loads(x) for x in out.stdout.splitlines()]
    start = next(e for e in events if e["event"] == "start")
    assert start["step"] >= 20 and start["resumed_from"]
    assert events[-1]["event"] == "done" and events[-1]["step"] == 150
    assert (run / "model.pt").exists()
    assert not [p for p in (run / "checkpoints").iterdir() if p.name.startswith(".")]
