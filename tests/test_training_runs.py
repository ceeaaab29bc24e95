"""Run folders without Qt: the one-trainer lock, how a run's status and its reason are read from
its files, time estimates, and datasets made from a user's own clips."""
import gzip
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from stickgen_studio.jobs import training_estimates as est
from training import runs as tr
from training.data.shards import read_split
from training.data.user_clips import (UserClip, build_user_dataset, default_caption,
                                      open_folder, read_captions, write_captions)
from training.runlock import RunInUse, RunLock, lock_owner

MOCAP = Path(__file__).resolve().parent.parent / "resources" / "mocap"


def write_events(run: Path, *events: dict) -> None:
    run.mkdir(parents=True, exist_ok=True)
    t = time.time() - 100
    with open(run / "events.jsonl", "a") as fh:
        for i, e in enumerate(events):
            fh.write(json.dumps({"time": t + i, **e}) + "\n")


def test_one_trainer_per_run_folder(tmp_path):
    run = tmp_path / "run"
    assert lock_owner(run) is None
    with RunLock(run):
        assert lock_owner(run) == os.getpid()
        with pytest.raises(RunInUse, match=f"process {os.getpid()}"):
            RunLock(run).acquire(patience_s=0.05)
        # the trainer itself refuses the folder before it writes anything
        out = subprocess.run([sys.executable, "-m", "training", "--run-dir", str(run),
                              "--set", "steps=1"], capture_output=True, text=True, timeout=60)
        assert out.returncode == 1 and "in use by process" in out.stderr
        assert not (run / "events.jsonl").exists()
    assert lock_owner(run) is None
    RunLock(run).acquire().release()          # free again once released


def test_status_and_reason_come_from_the_run_folder(tmp_path):
    done = tmp_path / "done"
    write_events(done, {"event": "start", "step": 0, "steps": 10},
                 {"event": "step", "step": 5, "steps": 10, "loss": 2.0, "frames_per_s": 900},
                 {"event": "eval", "step": 5, "val_loss": 3.0},
                 {"event": "checkpoint", "step": 10},
                 {"event": "eval", "step": 10, "val_loss": 1.5},
                 {"event": "done", "step": 10, "steps": 10, "wall_s": 12.0})
    (done / "model.pt").write_bytes(b"")
    info = tr.read_run(done)
    assert (info.status, info.step, info.steps, info.last_checkpoint) == (tr.FINISHED, 10, 10, 10)
    assert (info.first_val_loss, info.val_loss, info.best_val_loss) == (3.0, 1.5, 1.5)
    assert info.model_path.endswith("model.pt") and not info.can_resume

    killed = tmp_path / "killed"
    write_events(killed, {"event": "start", "step": 0, "steps": 10},
                 {"event": "step", "step": 4, "steps": 10, "loss": 1.0})
    info = tr.read_run(killed)
    assert info.status == tr.INTERRUPTED and "step 4" in info.reason

    full = tmp_path / "full"
    write_events(full, {"event": "start", "step": 0, "steps": 10},
                 {"event": "error", "message": "OSError: [Errno 28] No space left on device"})
    reason = tr.read_run(full).reason
    assert reason.startswith("the disk is full") and "Resume" in reason

    # A launch that never produced an event: its stderr says why, else it is still starting.
    early = tmp_path / "early"
    early.mkdir()
    tr.write_job(early, {"launches": [{"time": time.time(), "log_offset": 0}]})
    assert tr.read_run(early).status == tr.STARTING
    (early / tr.LOG_FILE).write_text("error: no training config nope\n")
    info = tr.read_run(early)
    assert info.status == tr.FAILED and info.reason == "no training config nope"

    bad_data = tmp_path / "bad_data"
    write_events(bad_data, {"event": "error", "message": "FileNotFoundError: no shard_*.npz "
                                                          "files in /x/train"})
    assert tr.read_run(bad_data).reason.startswith("the dataset has no training data")

    runs = tr.list_runs(tmp_path)
    assert {r.name for r in runs} == {"done", "killed", "full", "early", "bad_data"}


def test_file_tail_waits_for_whole_lines(tmp_path):
    path = tmp_path / "events.jsonl"
    path.write_text('{"event": "a"}\n{"event": "b", "x"')
    tail = tr.FileTail(path)
    assert tr.parse_events(tail.read_lines()) == [{"event": "a"}]
    assert tail.read_lines() == []
    with open(path, "a") as fh:
        fh.write(': 1}\nnot json\n')
    assert tr.parse_events(tail.read_lines()) == [{"event": "b", "x": 1}]


def test_time_estimate_uses_the_measured_speed_of_the_same_model(tmp_path):
    run = tmp_path / "measured"
    run.mkdir()
    (run / "run.json").write_text(json.dumps({"config": {"model": "small", "lora": {"rank": 0}},
                                              "model_config": {"name": "small"}}))
    write_events(run, *[{"event": "step", "step": i, "frames_per_s": 1000.0 * (i > 1) + 5}
                        for i in range(1, 6)])
    speeds = est.measured_speeds(tr.list_runs(tmp_path))
    assert [(s.variant, s.lora, s.frames_per_s) for s in speeds] == [("small", False, 1005.0)]
    config = {"steps": 100, "batch_size": 10, "crop_frames": 100, "min_crop_frames": 20}
    seconds, basis = est.estimate_seconds(config, "small", speeds)
    assert seconds == pytest.approx(100 * 10 * 60 / 1005.0) and "measured" in basis
    seconds, basis = est.estimate_seconds(config, "medium", speeds)
    assert "rough guess" in basis and seconds > 0
    assert est.format_duration(3725) == "1 h 02 min" and est.format_duration(75) == "1 min 15 s"


@pytest.fixture
def clip_folder(tmp_path):
    """Two real clips (one with a name that says what it is), a truncated one and a note."""
    folder = tmp_path / "clips"
    folder.mkdir()
    shutil.copy(MOCAP / "cmu_bvh11" / "131_01.bvh.gz", folder / "131_01.bvh.gz")
    shutil.copy(MOCAP / "cmu_dragonforged_iclone" / "002_01.bvh.gz", folder / "walk_left_02.bvh.gz")
    text = gzip.open(MOCAP / "cmu_bvh11" / "131_02.bvh.gz", "rt").read()
    (folder / "broken.bvh").write_text(text[:len(text) // 3].rsplit("\n", 1)[0] + "\n1.0 2.0\n")
    (folder / "notes.txt").write_text("my clips\n")
    return folder


def test_user_clips_become_a_dataset(clip_folder, tmp_path):
    assert default_caption("walk_left_02.bvh.gz") == "a person walk left"
    assert default_caption("131_01.bvh.gz") == ""
    clips = open_folder(clip_folder)
    assert [c.name for c in clips] == ["131_01.bvh.gz", "broken.bvh", "walk_left_02.bvh.gz"]
    broken = clips[1]
    assert not broken.ok and broken.error.startswith("line ")
    clips[0].caption = "a person kicks with the left leg"
    clips[2].caption = "a person walks forward slowly"
    write_captions(clip_folder / "captions.json", clips)
    assert read_captions(clip_folder / "captions.json")["131_01.bvh.gz"]["caption"] == \
        "a person kicks with the left leg"
    again = open_folder(clip_folder)
    assert again[0].caption == "a person kicks with the left leg"

    summary = build_user_dataset(again, tmp_path / "ds", repeats=4, procedural=0)
    assert summary["splits"]["train"] == 8 and summary["splits"]["val"] == 2
    assert [x["reason"] for x in summary["left_out"]] == [broken.error]
    assert summary["actions"] == {"kick": 1, "walk": 1}
    train = read_split(tmp_path / "ds" / "train")
    captions = {s.caption for s in train}
    assert captions == {"a person kicks with the left leg", "a person kicks with the right leg",
                        "a person walks forward slowly"}          # mirrored windows say so
    val = read_split(tmp_path / "ds" / "val")
    kick = next(c for c in again if c.name == "131_01.bvh.gz").motion
    tail = next(s for s in val if s.source == "user:131_01.bvh.gz")
    n_val = tail.num_frames
    assert np.allclose(tail.positions, kick.positions[-n_val:])  # the held-out tail
    assert all(s.num_frames <= kick.num_frames - n_val for s in train
               if s.source == "user:131_01.bvh.gz")

    with pytest.raises(ValueError, match="already holds a dataset"):
        build_user_dataset(again, tmp_path / "ds")
    removed = [UserClip(c.path, c.caption, skip=True, motion=c.motion) for c in again if c.ok]
    with pytest.raises(ValueError, match="no usable clips"):
        build_user_dataset(removed, tmp_path / "none")


def test_build_user_command(clip_folder, tmp_path):
    def build():
        return subprocess.run([sys.executable, "-m", "training.data", "build-user", "--clips",
                               str(clip_folder), "--out", str(tmp_path / "ds"),
                               "--procedural", "30"], capture_output=True, text=True, timeout=120)

    out = build()   # a clip whose name says nothing needs a caption (or to be removed)
    assert out.returncode == 2 and "clips without a caption: 131_01.bvh.gz" in out.stderr
    (clip_folder / "captions.json").write_text(json.dumps(
        {"format": "stickgen.captions", "version": 1,
         "clips": {"131_01.bvh.gz": {"caption": "", "skip": True}}}))
    out = build()
    assert out.returncode == 0, out.stderr
    assert "broken.bvh" in out.stderr and "line " in out.stderr
    summary = json.loads(out.stdout.strip().splitlines()[-1])
    assert summary["splits"]["train"] > 16 and summary["splits"]["test"] >= 0
    manifest = json.loads((tmp_path / "ds" / "manifest.json").read_text())
    assert manifest["procedural_samples"] == 30 and len(manifest["user_clips"]) == 1
    assert manifest["user_clips"][0]["caption"] == "a person walk left"
    assert sorted(x["reason"][:5] for x in manifest["left_out"]) == ["line ", "remov"]
