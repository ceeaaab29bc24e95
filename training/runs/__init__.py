"""The training run folder: the one contract between the trainer and the app.

``folder`` names its files and reads and writes them (events, run.json, the app's job.json and
config.yaml, STOP, the trainer's command line and environment, kill); ``status`` derives a run's
state and its reason in words from those files. ``from training import runs`` gives both.
"""
from training.runlock import LOCK_NAME, lock_owner

from .folder import (ADAPTERS_FILE, CHECKPOINTS_DIR, CONFIG_FILE, EVENTS_FILE, JOB_FILE,
                     LOG_FILE, MODEL_FILE, RUN_FILE, STOP_FILE, FileTail, clear_stop,
                     ensure_config, event_tail, final_model, final_model_name, kill, launches,
                     log_start, new_run_dir, parse_events, read_events, read_json,
                     read_run_config, record_launch, request_stop, stop_requested,
                     trainer_command, trainer_env, write_config, write_job, write_run_meta)
from .status import (FAILED, FINISHED, INTERRUPTED, LIVE, NEW, RUNNING, STARTING, STOPPED,
                     STOPPING, RunInfo, explain, is_run_folder, list_runs, read_run, run_info,
                     run_status, summarise)

__all__ = [
    "ADAPTERS_FILE", "CHECKPOINTS_DIR", "CONFIG_FILE", "EVENTS_FILE", "JOB_FILE", "LOCK_NAME",
    "LOG_FILE", "MODEL_FILE", "RUN_FILE", "STOP_FILE", "FileTail", "clear_stop", "ensure_config",
    "event_tail", "final_model", "final_model_name", "kill", "launches", "lock_owner",
    "log_start", "new_run_dir", "parse_events", "read_events", "read_json", "read_run_config",
    "record_launch", "request_stop", "stop_requested", "trainer_command", "trainer_env",
    "write_config", "write_job", "write_run_meta",
    "FAILED", "FINISHED", "INTERRUPTED", "LIVE", "NEW", "RUNNING", "STARTING", "STOPPED",
    "STOPPING", "RunInfo", "explain", "is_run_folder", "list_runs", "read_run", "run_info",
    "run_status", "summarise",
]
