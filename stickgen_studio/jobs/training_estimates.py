"""How long a training job will take, from the speed of runs measured on this machine, and how
a duration is written for the user. Only the training tab needs these; the run folder itself
is ``training.runs``.
"""
from __future__ import annotations

import statistics
from dataclasses import dataclass

from training import runs

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


def measured_speeds(found: list[runs.RunInfo]) -> list[Speed]:
    """The median speed of every run that logged at least four steps, newest run first."""
    out = []
    for r in found:
        meta = runs.read_json(r.path / runs.RUN_FILE)
        config = meta.get("config") or {}
        rates = [e["frames_per_s"] for e in runs.read_events(r.path)
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


# Seconds from pressing Start to the first optimiser step, until this machine has measured it:
# the trainer process starting and embedding the captions, plus making the run's data (each
# procedural motion and each of the user's clips is made and checked).
PRIOR_START_S = 20.0
PRIOR_S_PER_MOTION = 0.0275
PRIOR_S_PER_CLIP = 1.0


def _prep_units(data: dict) -> float:
    return int(data.get("procedural") or 0) * PRIOR_S_PER_MOTION + \
        len(data.get("clips") or []) * PRIOR_S_PER_CLIP


def estimate_preparation(data: dict, found: list[runs.RunInfo]) -> tuple[float, str]:
    """Seconds from Start to the first training step for data described as in a run's
    job.json (``{"source": ..., "procedural": n, "clips": [...]}``), and what the figure
    rests on: the newest run here with the same kind of data, its data-making part scaled by
    size, or a rough guess."""
    source, want = data.get("source", "dataset"), _prep_units(data)
    for r in found:   # newest first
        job = r.job or {}
        have = job.get("data") or {}
        created = job.get("created")
        if have.get("source") != source or not isinstance(created, (int, float)):
            continue
        step = next((e for e in runs.read_events(r.path) if e["event"] == "step"), None)
        if step is None or step["time"] <= created:
            continue
        took = step["time"] - created
        units = _prep_units(have)
        if units > 0 and want > 0:   # the data-making part grows with the amount of data
            took = min(took, PRIOR_START_S) + max(0.0, took - PRIOR_START_S) * want / units
        return took, f"measured in run {r.name}"
    return PRIOR_START_S + want, "a rough guess"
