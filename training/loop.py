"""The training loop: AdamW with warm-up + cosine, gradient clipping, checkpoints, resume, STOP,
validation, LoRA and distributed data-parallel (torchrun; gloo on CPU, NCCL on CUDA).

``train(cfg, run_dir, resume="auto")`` is a plain function: no Qt, progress as events (see
``training.events``). The run folder is the contract (``training.runs``): run.json,
events.jsonl, checkpoints/, and a STOP file that ends the run cleanly after writing a checkpoint.
``_train`` is the recipe: set up (``training.session``), then step, evaluate and checkpoint
until the steps are done or a stop is asked for; the processes are ``training.distributed``.
"""
from __future__ import annotations

import math
import time
import traceback
from pathlib import Path
from typing import Callable

import torch
import torch.distributed as dist

from engine.model.diffusion import HEADS

from .config import TrainConfig
from .dataset import batch_to
from .distributed import Dist, Stopper, barrier, checksum, gather, setup
from .events import EventLog
from .session import Session, open_session


def lr_at(step: int, cfg: TrainConfig) -> float:
    """Learning rate for optimiser step ``step`` (0-based): linear warm-up, then cosine."""
    if step < cfg.warmup_steps:
        return cfg.lr * (step + 1) / cfg.warmup_steps
    span = max(1, cfg.steps - cfg.warmup_steps)
    progress = min(1.0, (step - cfg.warmup_steps) / span)
    floor = cfg.lr * cfg.min_lr_ratio
    return floor + (cfg.lr - floor) * 0.5 * (1 + math.cos(math.pi * progress))


def train(cfg: TrainConfig, run_dir: str | Path, resume: str | None = "auto",
          on_event: Callable[[dict], None] | None = None, stdout: bool = True) -> dict:
    """Run (or continue) training in ``run_dir``; returns the final event.

    resume: "auto" continues from the run's latest checkpoint if there is one, "never" starts
    over, any other value is a checkpoint path to continue from.
    on_event: called with every event (after it is written), e.g. to drive a progress bar.
    """
    run_dir = Path(run_dir)
    d = setup(cfg)
    run_dir.mkdir(parents=True, exist_ok=True)
    log = EventLog(run_dir, enabled=d.main, stdout=stdout)

    def emit(kind: str, **fields) -> dict:
        rec = log.emit(kind, **fields)
        if on_event is not None and d.main:
            on_event(rec)
        return rec

    try:
        return _train(cfg, run_dir, resume, d, emit)
    except Exception as exc:
        emit("error", message=f"{type(exc).__name__}: {exc}",
             traceback=traceback.format_exc(limit=8))
        raise
    finally:
        log.close()
        if d.world > 1 and dist.is_initialized():
            dist.destroy_process_group()


def _train(cfg: TrainConfig, run_dir: Path, resume, d: Dist, emit) -> dict:
    s = open_session(cfg, run_dir, resume, d, emit)
    stop = Stopper(run_dir, d)   # clears an old STOP file before the start is announced
    emit("start", **s.start_fields())
    s.prepare_validation()
    s.model.train()
    last_saved = s.step if s.resumed_from is not None else -1
    meter = _Meter(s.step)
    stopped = False
    while s.step < cfg.steps:
        meter.add(*_step(s))
        if s.step % cfg.log_interval == 0 or s.step == cfg.steps:
            emit("step", **meter.report(s))
        if s.val_batches and d.main and (s.step % cfg.eval_interval == 0 or s.step == cfg.steps):
            v = s.evaluate()
            emit("eval", step=s.step, val_loss=v["loss"], val_losses={k: v[k] for k in HEADS})
        if cfg.ckpt_interval > 0 and s.step % cfg.ckpt_interval == 0 and s.step < cfg.steps:
            s.save("interval")
            last_saved = s.step
        if stop():
            stopped = True
            break
    stop.close()
    if last_saved != s.step:
        s.save("stop" if stopped else "final")
    return _finish(s, stopped, meter.t_start)


def _step(s: Session):
    """One optimiser step; returns (lr, loss, per-head losses, frames in the batch)."""
    cfg, d = s.cfg, s.d
    lr = lr_at(s.step, cfg)
    for group in s.optimizer.param_groups:
        group["lr"] = lr
    batch = batch_to(s.train_ds.batch(s.data_rng, cfg.batch_size, s.lo, s.hi, cfg.inpaint_prob,
                                      cfg.cond_drop, path_prob=cfg.path_prob,
                                      start_prob=cfg.start_prob), d.device)
    with s.autocast():
        total, parts = s.losses(batch, s.noise)
    s.optimizer.zero_grad(set_to_none=True)
    total.backward()
    if cfg.grad_clip > 0:
        torch.nn.utils.clip_grad_norm_(
            [p for p in s.model.parameters() if p.requires_grad], cfg.grad_clip)
    s.optimizer.step()
    s.step += 1
    n_frames = batch.frames * d.world
    s.samples_seen += cfg.batch_size * d.world
    s.frames_seen += n_frames
    return lr, total, parts, n_frames


class _Meter:
    """Losses and throughput since the last ``step`` event."""

    def __init__(self, start_step: int) -> None:
        self.t_start = self.t_log = time.perf_counter()
        self.start_step = start_step
        self._reset()

    def _reset(self) -> None:
        self.acc = dict.fromkeys(("loss",) + HEADS, 0.0)
        self.n, self.frames = 0, 0

    def add(self, lr: float, total, parts: dict, n_frames: int) -> None:
        self.lr = lr
        self.acc["loss"] += total.item()
        for k, v in parts.items():
            self.acc[k] += v.item()
        self.n += 1
        self.frames += n_frames

    def report(self, s: Session) -> dict:
        cfg, step, now = s.cfg, s.step, time.perf_counter()
        dt = max(now - self.t_log, 1e-9)
        rate = (step - self.start_step) / max(now - self.t_start, 1e-9)
        fields = dict(step=step, steps=cfg.steps, lr=self.lr, loss=self.acc["loss"] / self.n,
                      losses={k: self.acc[k] / self.n for k in HEADS},
                      samples_per_s=self.n * cfg.batch_size * s.d.world / dt,
                      frames_per_s=self.frames / dt, eta_s=(cfg.steps - step) / max(rate, 1e-9),
                      samples_seen=s.samples_seen, frames_seen=s.frames_seen)
        self._reset()
        self.t_log = now
        return fields


def _finish(s: Session, stopped: bool, t_start: float) -> dict:
    """The last event: ``stopped``, or ``done`` once the finished model is exported."""
    sums = gather(checksum(s.model), s.d)
    if stopped:
        barrier(s.d)
        return s.emit("stopped", step=s.step, steps=s.cfg.steps)
    export = s.export()
    barrier(s.d)  # tear the process group down together (gloo aborts on a lone peer)
    return s.emit("done", step=s.step, steps=s.cfg.steps, model_path=str(export),
                  rank_checksums=sums, wall_s=time.perf_counter() - t_start)
