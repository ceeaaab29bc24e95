"""Training runs as the app sees them: what is in a run folder, what state it is in, and why it
ended. No Qt: the training tab's views and the job wrapper build on these functions.

A run folder (the trainer's contract, see ``training.loop``) holds ``run.json``,
``events.jsonl``, ``checkpoints/``, ``trainer.lock`` while a trainer lives, and the final
``model.pt`` or ``adapters.pt``. The app adds ``job.json`` (how it launched the job: method,
data, launches), ``config.yaml`` (the settings it trains with) and ``trainer.log`` (the
trainer's stderr). Status is always derived from these files and the lock, never remembered,
so it survives the app restarting and is right for jobs started from a terminal too.
"""
from __future__ import annotations

import json
import os
import signal
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from engine.atomic import write_text_atomic
from training.runlock import lock_owner

JOB_FILE, CONFIG_FILE, LOG_FILE = "job.json", "config.yaml", "trainer.log"
STARTING, RUNNING, STOPPING = "starting", "running", "stopping"
FINISHED, STOPPED, FAILED, INTERRUPTED, NEW = "finished", "stopped", "failed", "interrupted", "new"
LIVE = (STARTING, RUNNING, STOPPING)
START_GRACE_S = 30.0   # a launched trainer that holds no lock after this long did not start


class FileTail:
    """New complete lines of a growing text file, read from where the last call stopped.
    A partial last line (a writer mid-line, or killed mid-line) waits for its newline."""

    def __init__(self, path: Path, offset: int = 0) -> None:
        self.path, self.offset = Path(path), offset

    def read_lines(self) -> list[str]:
        try:
            with open(self.path, "rb") as fh:
                fh.seek(self.offset)
                data = fh.read()
        except OSError:
            return []
        end = data.rfind(b"\n")
        if end < 0:
            return []
        self.offset += end + 1
        return data[:end].decode("utf-8", errors="replace").split("\n")


def parse_events(lines: list[str]) -> list[dict]:
    out = []
    for line in lines:
        try:
            e = json.loads(line)
        except ValueError:
            continue
        if isinstance(e, dict) and "event" in e:
            out.append(e)
    return out


def read_json(path: Path) -> dict:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


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


def launches(job: dict) -> list[dict]:
    return list(job.get("launches") or [])


def run_status(run: Path, events: list[dict], job: dict) -> tuple[str, str, int | None]:
    """(status, reason, pid) from the lock, the events and the app's launch record."""
    owner = lock_owner(run)
    last = launches(job)[-1] if launches(job) else {}
    if owner:
        if (run / "STOP").exists():
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


def read_run(run: str | os.PathLike) -> RunInfo:
    run = Path(run)
    events = parse_events(FileTail(run / "events.jsonl").read_lines())
    job = read_json(run / JOB_FILE)
    info = RunInfo(run, job=job)
    info.status, info.reason, info.pid = run_status(run, events, job)
    summarise(info, events)
    config = read_json(run / "run.json").get("config") or job.get("config") or {}
    info.method = job.get("method") or (("lora" if (config.get("lora") or {}).get("rank")
                                         else "sft") if config.get("init_from") else "scratch")
    info.variant = str(config.get("model", ""))
    info.data_dir = str(config.get("data_dir", ""))
    for name in ("model.pt", "adapters.pt"):
        if info.status == FINISHED and (run / name).exists():
            info.model_path = str(run / name)
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
    return path.is_dir() and any((path / n).exists() for n in (JOB_FILE, "run.json",
                                                                "events.jsonl"))


def list_runs(root: str | os.PathLike) -> list[RunInfo]:
    """Every run folder directly under ``root``, most recently changed first."""
    root = Path(root)
    if not root.is_dir():
        return []
    runs = [read_run(p) for p in root.iterdir() if is_run_folder(p)]
    return sorted(runs, key=lambda r: r.updated, reverse=True)


def new_run_dir(root: str | os.PathLike, label: str) -> Path:
    """A fresh, unused run folder name under ``root`` (created)."""
    base = Path(root) / f"{label}-{time.strftime('%Y%m%d-%H%M%S')}"
    path, n = base, 1
    while True:
        try:
            path.mkdir(parents=True)
            return path
        except FileExistsError:
            n += 1
            path = base.with_name(f"{base.name}-{n}")


def write_job(run: Path, job: dict) -> None:
    write_text_atomic(run / JOB_FILE, json.dumps(job, indent=1) + "\n")


def write_config(run: Path, config: dict) -> Path:
    import yaml

    path = run / CONFIG_FILE
    write_text_atomic(path, "# settings of this run, written by Stick-Gen Studio\n" +
                      yaml.safe_dump(config, sort_keys=False))
    return path


def ensure_config(run: Path) -> Path:
    """The run's config file, recreated from run.json for a run started elsewhere."""
    path = run / CONFIG_FILE
    if not path.exists():
        config = read_json(run / "run.json").get("config")
        if not config:
            raise FileNotFoundError(f"{run} has neither {CONFIG_FILE} nor run.json to resume")
        write_config(run, config)
    return path


def trainer_command(run: Path, resume: str = "auto") -> list[str]:
    """argv of the trainer for ``run`` (its config.yaml), continuing its checkpoint."""
    return [sys.executable, "-m", "training", "--config", str(run / CONFIG_FILE),
            "--run-dir", str(run), "--resume", resume]


def trainer_env() -> dict[str, str]:
    """Environment for a trainer: the packages importable wherever the app runs from."""
    import training

    env = dict(os.environ)
    root = str(Path(training.__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join([root] + [p for p in env.get("PYTHONPATH", "").split(
        os.pathsep) if p])
    env["PYTHONUNBUFFERED"] = "1"
    return env


def kill(run: Path) -> bool:
    """Kill the process that holds ``run`` at once (it keeps its last checkpoint)."""
    pid = lock_owner(run)
    if not pid or pid < 0:
        return False
    try:
        os.kill(pid, getattr(signal, "SIGKILL", signal.SIGTERM))
    except (ProcessLookupError, PermissionError):
        return False
    return True


# -- time estimates from measured throughput ---------------------------------------------------

# Rough training speed (frames per second, forward + backward) on a 2-core laptop CPU, used only
# until a run of the same variant has been measured on this machine.
PRIOR_FRAMES_PER_S = {"tiny": 20000.0, "small": 10000.0, "medium": 3500.0, "large": 1600.0}


def mean_crop(config: dict) -> float:
    hi = int(config.get("crop_frames", 128))
    return (hi + min(int(config.get("min_crop_frames", 24)), hi)) / 2


@dataclass
class Speed:
    """Measured training speed of one run."""
    variant: str
    lora: bool
    frames_per_s: float
    run: str


def measured_speeds(runs: list[RunInfo]) -> list[Speed]:
    """The median speed of every run that logged at least four steps, newest run first."""
    out = []
    for r in runs:
        meta = read_json(r.path / "run.json")
        config = meta.get("config") or {}
        rates = [e["frames_per_s"] for e in parse_events(FileTail(r.path / "events.jsonl")
                                                          .read_lines())
                 if e["event"] == "step" and e.get("frames_per_s")][1:]  # the first warms up
        if len(rates) >= 3:
            variant = (meta.get("model_config") or {}).get("name") or str(config.get("model"))
            out.append(Speed(variant, bool((config.get("lora") or {}).get("rank")),
                             statistics.median(rates), r.name))
    return out


def estimate_seconds(config: dict, variant: str, speeds: list[Speed]) -> tuple[float, str]:
    """Seconds the optimiser steps of ``config`` will take, and what the figure rests on: the
    newest measured run of the same variant (of the same kind, full or LoRA, if there is one)."""
    lora = bool((config.get("lora") or {}).get("rank"))
    frames = int(config.get("steps", 0)) * int(config.get("batch_size", 1)) * mean_crop(config)
    same = [s for s in speeds if s.variant == variant]
    found = next((s for s in same if s.lora == lora), same[0] if same else None)
    if found is not None:
        return frames / found.frames_per_s, (f"measured {found.frames_per_s:,.0f} frames/s "
                                             f"in run {found.run}")
    rate = PRIOR_FRAMES_PER_S.get(variant, PRIOR_FRAMES_PER_S["small"])
    return frames / rate, "a rough guess until a run of this model has been measured here"


def format_duration(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    s = int(round(max(0.0, seconds)))
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min {s % 60:02d} s"
    return f"{s // 3600} h {s % 3600 // 60:02d} min"
