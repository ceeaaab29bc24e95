"""What state a run is in, and why it ended, derived from its folder: the trainer's lock, its
events and the app's launch record, never remembered, so it survives the app restarting and is
right for jobs started from a terminal too. Also the listing of the runs under a folder.
"""
from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from training.runlock import lock_owner

from .folder import (CONFIG_FILE, EVENTS_FILE, JOB_FILE, LOG_FILE, RUN_FILE, final_model,
                     launches, read_events, read_json, read_run_config, stop_requested)

STARTING, RUNNING, STOPPING = "starting", "running", "stopping"
FINISHED, STOPPED, FAILED, INTERRUPTED, NEW = "finished", "stopped", "failed", "interrupted", "new"
LIVE = (STARTING, RUNNING, STOPPING)
START_GRACE_S = 30.0   # a launched trainer that holds no lock after this long did not start


@dataclass
class RunInfo:
    """One run folder's state, derived from its files."""
    path: Path
    status: str = NEW
    reason: str = ""            # what is happening, or why it ended, in words for the user
    step: int = 0
    steps: int = 0
    loss: float | None = None
    val_loss: float | None = None
    first_val_loss: float | None = None
    best_val_loss: float | None = None
    samples_per_s: float | None = None
    eta_s: float | None = None
    last_checkpoint: int | None = None
    model_path: str = ""        # model.pt / adapters.pt once finished
    method: str = ""            # scratch, sft or lora
    variant: str = ""
    data_dir: str = ""
    pid: int | None = None
    updated: float = 0.0
    wall_s: float = 0.0
    job: dict = field(default_factory=dict, repr=False)

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def live(self) -> bool:
        return self.status in LIVE

    @property
    def can_resume(self) -> bool:
        return not self.live and self.status != FINISHED and (self.path / CONFIG_FILE).exists()


def run_status(run: Path, events: list[dict], job: dict) -> tuple[str, str, int | None]:
    """(status, reason, pid) from the lock, the events and the app's launch record."""
    owner = lock_owner(run)
    last = launches(job)[-1] if launches(job) else {}
    if owner:
        if stop_requested(run):
            return STOPPING, "stopping: a checkpoint is written, then the trainer exits", owner
        return RUNNING, "", owner
    # events since the latest start (or prepare) of the trainer tell how that session ended
    if not last and job.get("build_error"):
        return FAILED, f"the run's data could not be built: {job['build_error']}", None
    log_error = _log_error(run, last.get("log_offset", 0))
    if last and not any(e.get("time", 0) >= last["time"] for e in events):
        if log_error:
            return FAILED, explain(log_error), None
        if time.time() - last["time"] < START_GRACE_S:
            return STARTING, "starting the trainer…", None
        return FAILED, f"the trainer did not start (no events, no error; see {LOG_FILE})", None
    end = next((e for e in reversed(events) if e["event"] in ("done", "stopped", "error",
                                                                "start", "prepare")), None)
    if end is None:
        return NEW, "not started yet", None
    kind = end["event"]
    if kind == "done":
        return FINISHED, f"finished {end.get('step', 0)} steps", None
    if kind == "stopped":
        return STOPPED, f"stopped at step {end.get('step', 0)}; Resume continues it", None
    if kind == "error":
        return FAILED, explain(end.get("message", "")), None
    if log_error:
        return FAILED, explain(log_error), None
    step = max((e.get("step", 0) for e in events if e["event"] == "step"), default=0)
    return INTERRUPTED, (f"the trainer ended without finishing at step {step} (it was killed "
                         "or crashed); Resume continues from its last checkpoint"), None


def _log_error(run: Path, offset: int) -> str:
    """The last ``error: ...`` line the trainer wrote to stderr since ``offset``."""
    try:
        with open(run / LOG_FILE, "rb") as fh:
            fh.seek(offset)
            text = fh.read().decode("utf-8", errors="replace")
    except OSError:
        return ""
    errors = [ln[len("error:"):].strip() for ln in text.splitlines() if ln.startswith("error:")]
    return errors[-1] if errors else ""


def explain(message: str) -> str:
    """A trainer's error message, told so that a user knows what to do."""
    low = message.lower()
    if "no space left" in low or "errno 28" in low or "disk quota" in low:
        return ("the disk is full: free some space, then Resume — the checkpoints already "
                f"written are intact ({message})")
    if "no shard_" in low:
        return ("the dataset has no training data: the folder needs train/shard_*.npz "
                f"(build it, or pick another folder) ({message})")
    if "action vocabulary" in low:
        return f"the dataset was built with another action list: rebuild it ({message})"
    if "out of memory" in low or "memoryerror" in low or "cannot allocate memory" in low:
        return f"out of memory: lower the batch size or the crop length ({message})"
    if "in use by process" in low:
        return message
    if "text encoder" in low or "checkpointerror" in low:
        return f"the base model cannot be used for this run: {message}"
    return message or "the trainer failed without a message"


def run_info(run: Path, events: list[dict]) -> RunInfo:
    """The state of ``run`` given the events read from it so far."""
    job = read_json(run / JOB_FILE)
    info = RunInfo(run, job=job)
    info.status, info.reason, info.pid = run_status(run, events, job)
    summarise(info, events)
    if info.status == FINISHED:
        info.model_path = final_model(run)
    return info


def read_run(run: str | os.PathLike) -> RunInfo:
    run = Path(run)
    info = run_info(run, read_events(run))
    config = read_run_config(run) or info.job.get("config") or {}
    info.method = info.job.get("method") or (
        ("lora" if (config.get("lora") or {}).get("rank") else "sft")
        if config.get("init_from") else "scratch")
    info.variant = str(config.get("model", ""))
    info.data_dir = str(config.get("data_dir", ""))
    try:
        info.updated = max(p.stat().st_mtime for p in run.iterdir())
    except (OSError, ValueError):
        info.updated = 0.0
    return info


def summarise(info: RunInfo, events: list[dict]) -> None:
    """Fold events into ``info`` (steps, losses, speed, checkpoints)."""
    for e in events:
        kind = e["event"]
        if kind in ("start", "step", "done", "stopped"):
            info.step = int(e.get("step", info.step))
            info.steps = int(e.get("steps", info.steps) or info.steps)
        if kind == "step":
            info.loss = e.get("loss")
            info.samples_per_s, info.eta_s = e.get("samples_per_s"), e.get("eta_s")
        elif kind == "eval" and e.get("val_loss") is not None:
            v = float(e["val_loss"])
            info.val_loss = v
            info.first_val_loss = v if info.first_val_loss is None else info.first_val_loss
            info.best_val_loss = min(v, info.best_val_loss or v)
        elif kind == "checkpoint":
            info.last_checkpoint = int(e.get("step", 0))
        elif kind == "done":
            info.wall_s += float(e.get("wall_s") or 0.0)
            info.eta_s = 0.0


def is_run_folder(path: Path) -> bool:
    return path.is_dir() and any((path / n).exists() for n in (JOB_FILE, RUN_FILE, EVENTS_FILE))


def list_runs(root: str | os.PathLike) -> list[RunInfo]:
    """Every run folder directly under ``root``, most recently changed first."""
    root = Path(root)
    if not root.is_dir():
        return []
    runs = [read_run(p) for p in root.iterdir() if is_run_folder(p)]
    return sorted(runs, key=lambda r: r.updated, reverse=True)
