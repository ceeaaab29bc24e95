"""Distributed data-parallel training: two CPU processes (gloo) started by torchrun."""
import json
import subprocess
import sys

import torch

from training.config import TrainConfig
from test_resume import final_state, same_state
from training.runs import read_events


def test_two_processes_train_in_lockstep_and_resume(tiny_data, tmp_path):
    cfg = TrainConfig.from_dict(dict(
        model="tiny", data_dir=str(tiny_data), crop_frames=32, min_crop_frames=16, batch_size=4,
        steps=12, warmup_steps=2, lr=2e-3, eval_interval=6, eval_batches=1, ckpt_interval=6,
        log_interval=1, threads=1, device="cpu"))
    (tmp_path / "c.yaml").write_text(json.dumps(cfg.to_dict()))
    run = tmp_path / "run"
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc-per-node", "2",
           "-m", "training", "--config", str(tmp_path / "c.yaml"), "--run-dir", str(run)]
    # a clean stop part way (STOP file), so the split run keeps the 12-step schedule
    err = tmp_path / "stderr.txt"    # shown when the run fails (it failed once under load)
    with err.open("w") as fh:         # the child keeps its own handle
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=fh, text=True)
    try:
        for line in proc.stdout:
            event = json.loads(line)
            if event["event"] == "step" and event["step"] == 7:
                (run / "STOP").write_text("")
    finally:
        proc.stdout.close()
        assert proc.wait(timeout=240) == 0, err.read_text()[-3000:]
    events = read_events(run)
    start = next(e for e in events if e["event"] == "start")
    assert start["world_size"] == 2
    stopped = events[-1]
    assert stopped["event"] == "stopped" and 7 <= stopped["step"] < 12
    stop = stopped["step"]
    steps = [e for e in events if e["event"] == "step"]
    assert steps[-1]["samples_seen"] == 2 * 4 * stop    # each rank trains on its own crops

    ck = torch.load(run / "checkpoints" / f"step_{stop:07d}.pt", weights_only=True)
    assert len(ck["training"]["rng"]) == 2 and ck["training"]["rng"][0] != ck["training"]["rng"][1]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=240)   # on to 12 steps
    assert out.returncode == 0, out.stderr[-3000:]
    events = read_events(run)
    resumed = [e for e in events if e["event"] == "start"][-1]
    assert resumed["step"] == stop and resumed["world_size"] == 2
    assert events[-1]["event"] == "done" and events[-1]["step"] == 12
    a, b = events[-1]["rank_checksums"]
    assert a == b
    # and stopping then resuming equals twelve steps straight, bit for bit
    straight = tmp_path / "straight"
    cmd[cmd.index(str(run))] = str(straight)
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=240)
    assert out.returncode == 0, out.stderr[-3000:]
    same_state(final_state(straight, 12), final_state(run, 12))
