"""The run folder's files: their names, reading and tailing the event log, the files the app
writes beside the trainer's, the trainer's command line and environment, and killing it.

A run folder is the contract between the trainer (``training.loop``) and whoever follows it
(the app's training tab, a terminal). The trainer writes ``run.json`` (its settings),
``events.jsonl`` (one JSON object a line), ``checkpoints/``, ``trainer.lock`` while it lives
(``training.runlock``) and, at the end, ``model.pt`` or ``adapters.pt``; a ``STOP`` file asks it
to stop cleanly. The app adds ``job.json`` (how it launched the job: method, data, launches),
``config.yaml`` (the settings the trainer is started with) and ``trainer.log`` (its stderr).
Nothing here imports torch or Qt.
"""
from __future__ import annotations

import json
import os
import signal
import sys
import time
from pathlib import Path

from engine.atomic import write_text_atomic
from training.runlock import lock_owner

RUN_FILE, EVENTS_FILE, STOP_FILE = "run.json", "events.jsonl", "STOP"
CHECKPOINTS_DIR = "checkpoints"
MODEL_FILE, ADAPTERS_FILE = "model.pt", "adapters.pt"
JOB_FILE, CONFIG_FILE, LOG_FILE = "job.json", "config.yaml", "trainer.log"


def final_model_name(lora: bool) -> str:
    """The inference artefact a finished run leaves: adapters alone for LoRA, else the model."""
    return ADAPTERS_FILE if lora else MODEL_FILE


def final_model(run: Path) -> str:
    """The path of the finished run's model or adapters, or "" when there is none."""
    found = [run / n for n in (MODEL_FILE, ADAPTERS_FILE) if (run / n).exists()]
    return str(found[-1]) if found else ""


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
    """The events among ``lines``: JSON objects with an ``event`` key (anything else is skipped)."""
    out = []
    for line in lines:
        try:
            e = json.loads(line)
        except ValueError:
            continue
        if isinstance(e, dict) and "event" in e:
            out.append(e)
    return out


def event_tail(run: Path) -> FileTail:
    """A tail of the run's event log, from its beginning."""
    return FileTail(Path(run) / EVENTS_FILE)


def read_events(run: str | os.PathLike) -> list[dict]:
    """All complete events of a run (a torn last line from a killed process is skipped)."""
    return parse_events(event_tail(Path(run)).read_lines())


def read_json(path: Path) -> dict:
    """A JSON object from ``path``; {} when it is missing, unreadable or not an object."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def write_run_meta(run: Path, meta: dict) -> None:
    """The trainer's ``run.json``: its config, model config, world size and text encoder."""
    write_text_atomic(Path(run) / RUN_FILE, json.dumps(meta, indent=2) + "\n")


def read_run_config(run: Path) -> dict:
    """The training settings recorded in ``run.json`` ({} before the trainer wrote it)."""
    return read_json(Path(run) / RUN_FILE).get("config") or {}


def launches(job: dict) -> list[dict]:
    return list(job.get("launches") or [])


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


def record_launch(run: Path, resume: str) -> int:
    """Append a launch to ``job.json``; returns where the trainer's stderr log starts for it."""
    log_path = run / LOG_FILE
    offset = log_path.stat().st_size if log_path.exists() else 0
    job = read_json(run / JOB_FILE)
    job.setdefault("format", "stickgen.training-job")
    job.setdefault("version", 1)
    job["launches"] = launches(job) + [{"time": round(time.time(), 3), "resume": resume,
                                        "log_offset": offset}]
    write_job(run, job)
    return offset


def log_start(run: Path) -> int:
    """Where to begin showing the trainer's stderr: its latest launch (or the last 8 KB)."""
    done = launches(read_json(run / JOB_FILE))
    if done:
        return int(done[-1].get("log_offset", 0))
    try:
        return max(0, (run / LOG_FILE).stat().st_size - 8192)
    except OSError:
        return 0


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
        config = read_run_config(run)
        if not config:
            raise FileNotFoundError(f"{run} has neither {CONFIG_FILE} nor {RUN_FILE} to resume")
        write_config(run, config)
    return path


def request_stop(run: Path, who: str = "Stick-Gen Studio") -> None:
    """Ask the trainer to write a checkpoint and exit (it clears the file when it starts)."""
    (run / STOP_FILE).write_text(f"stop requested by {who}\n", encoding="utf-8")


def stop_requested(run: Path) -> bool:
    return (run / STOP_FILE).exists()


def clear_stop(run: Path) -> None:
    (run / STOP_FILE).unlink(missing_ok=True)


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
