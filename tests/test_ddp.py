"""Distributed data-parallel training: two CPU processes (gloo) started by torchrun."""
import json
import subprocess
import sys

import torch

from training.config import TrainConfig
from training.runs import read_events


def test_two_processes_train_in_lockstep_and_resume(tiny_data, tmp_path):
    cfg = TrainConfig.from_dict(dict(
        model="tiny", data_dir=str(tiny_data), crop_frames=32, min_crop_frames=16, batch_size=4,
        steps=12, warmup_steps=2, lr=2e-3, eval_interval=6, eval_batches=1, ckpt_interval=6,
        log_interval=3, threads=1, device="cpu"))
    (tmp_path / "c.yaml").write_text(json.dumps(cfg.to_dict()))
    run = tmp_path / "run"
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc-per-node", "2",
           "-m", "training", "--config", str(tmp_path / "c.yaml"), "--run-dir", str(run)]
    out = subprocess.run(cmd + ["--set", "steps=8"], capture_output=True, text=True, timeout=240)
    assert out.returncode == 0, out.stderr[-3000:]
    events = read_events(run)
    start = next(e for e in events if e["event"] == "start")
    assert start["world_size"] == 2
    done = events[-1]
    assert done["event"] == "done" and done["step"] == 8
    a, b = done["rank_checksums"]
    assert a == b                                       # both ranks hold identical weights
    steps = [e for e in events if e["event"] == "step"]
    assert steps[-1]["samples_seen"] == 2 * 4 * 8       # each rank trains on its own crops

    ck = torch.load(run / "checkpoints" / "step_0000008.pt", weights_only=True)
    assert len(ck["training"]["rng"]) == 2 and ck["training"]["rng"][0] != ck["training"]["rng"][1]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=240)   # on to 12 steps
    assert out.returncode == 0, out.stderr[-3000:]
    events = read_events(run)
    resumed = [e for e in events if e["event"] == "start"][-1]
    assert resumed["step"] == 8 and resumed["world_size"] == 2
    assert events[-1]["event"] == "done" and events[-1]["step"] == 12
    a, b = events[-1]["rank_checksums"]
    assert a == b
