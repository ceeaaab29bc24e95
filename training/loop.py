"""The training loop: AdamW with warm-up + cosine, gradient clipping, checkpoints, resume, STOP,
validation, LoRA and distributed data-parallel (torchrun; gloo on CPU, NCCL on CUDA).

``train(cfg, run_dir, resume="auto")`` is a plain function: no Qt, progress as events (see
``training.events``). The run folder is the contract (``training.runs``): run.json,
events.jsonl, checkpoints/, and a STOP file that ends the run cleanly after writing a checkpoint.
"""
from __future__ import annotations

import math
import os
import signal
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import torch
import torch.distributed as dist

from engine.actions import ACTIONS
from engine.model.checkpoint import build_model, describe, read_checkpoint, save_checkpoint
from engine.model.config import load_model_config
from engine.model.diffusion import HEADS, CosineSchedule, diffusion_losses
from engine.model.features import FeatureStats
from engine.model.lora import lora_state_dict, load_lora_state_dict
from engine.model.transformer import MotionTransformer
from training.data.shards import read_split

from .checkpointing import CheckpointManager, capture_rng, restore_rng
from .config import TrainConfig
from .dataset import (CropDataset, batch_to, compute_features, ensure_text_cache, sample_texts,
                      text_cache_path)
from .events import EventLog
from .finetune import load_base, lora_header, setup_lora
from .runs.folder import STOP_FILE, final_model_name, write_run_meta


def lr_at(step: int, cfg: TrainConfig) -> float:
    """Learning rate for optimiser step ``step`` (0-based): linear warm-up, then cosine."""
    if step < cfg.warmup_steps:
        return cfg.lr * (step + 1) / cfg.warmup_steps
    span = max(1, cfg.steps - cfg.warmup_steps)
    progress = min(1.0, (step - cfg.warmup_steps) / span)
    floor = cfg.lr * cfg.min_lr_ratio
    return floor + (cfg.lr - floor) * 0.5 * (1 + math.cos(math.pi * progress))


@dataclass
class Dist:
    rank: int = 0
    world: int = 1
    local_rank: int = 0
    device: torch.device = torch.device("cpu")

    @property
    def main(self) -> bool:
        return self.rank == 0


def _setup(cfg: TrainConfig) -> Dist:
    world = int(os.environ.get("WORLD_SIZE", "1"))
    use_cuda = cfg.device == "cuda" or (cfg.device == "auto" and torch.cuda.is_available())
    d = Dist()
    if world > 1:
        d.rank, d.world = int(os.environ["RANK"]), world
        d.local_rank = int(os.environ.get("LOCAL_RANK", "0"))
        if not dist.is_initialized():
            dist.init_process_group("nccl" if use_cuda else "gloo")
    if use_cuda:
        d.device = torch.device("cuda", d.local_rank)
        torch.cuda.set_device(d.device)
    local = int(os.environ.get("LOCAL_WORLD_SIZE", str(world)))
    threads = cfg.threads or (max(1, (os.cpu_count() or 1) // local) if world > 1 else 0)
    if threads:
        torch.set_num_threads(threads)
    return d


def use_bf16(precision: str, device: torch.device) -> bool:
    """Whether to autocast to bfloat16: asked for, or "auto" and natively supported."""
    if precision != "auto":
        return precision == "bf16"
    if device.type == "cuda":
        return torch.cuda.is_bf16_supported()
    try:
        return bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except (AttributeError, RuntimeError):
        return False


def _param_groups(model: torch.nn.Module, weight_decay: float) -> list[dict]:
    decay, no_decay = [], []
    for name, p in model.named_parameters():
        if not p.requires_grad:
            continue
        is_matrix = p.dim() >= 2 and "emb" not in name
        (decay if is_matrix else no_decay).append(p)
    return [{"params": decay, "weight_decay": weight_decay},
            {"params": no_decay, "weight_decay": 0.0}]


def _checksum(model: torch.nn.Module) -> float:
    with torch.no_grad():
        return float(sum(p.double().sum() + p.double().abs().sum() for p in model.parameters()))


class _Stopper:
    """STOP file (checked by rank 0, shared with all ranks) or SIGTERM -> clean stop."""

    def __init__(self, run_dir: Path, d: Dist) -> None:
        self.file = run_dir / STOP_FILE
        self.d = d
        self.signalled = False
        self._previous = None
        if d.main:
            self.file.unlink(missing_ok=True)
        try:
            self._previous = signal.signal(signal.SIGTERM, self._on_signal)
        except ValueError:  # not the main thread (e.g. called from a worker thread)
            pass

    def close(self) -> None:
        if self._previous is not None:
            signal.signal(signal.SIGTERM, self._previous)

    def _on_signal(self, *_):
        self.signalled = True

    def __call__(self) -> bool:
        flag = self.signalled or (self.d.main and self.file.exists())
        if self.d.world > 1:
            t = torch.tensor([1.0 if flag else 0.0], device=self.d.device)
            dist.all_reduce(t, op=dist.ReduceOp.MAX)
            flag = bool(t.item() > 0)
        return flag


def _gather(obj, d: Dist) -> list:
    if d.world == 1:
        return [obj]
    out = [None] * d.world
    dist.all_gather_object(out, obj)
    return out


def train(cfg: TrainConfig, run_dir: str | Path, resume: str | None = "auto",
          on_event: Callable[[dict], None] | None = None, stdout: bool = True) -> dict:
    """Run (or continue) training in ``run_dir``; returns the final event.

    resume: "auto" continues from the run's latest checkpoint if there is one, "never" starts
    over, any other value is a checkpoint path to continue from.
    on_event: called with every event (after it is written), e.g. to drive a progress bar.
    """
    run_dir = Path(run_dir)
    d = _setup(cfg)
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
    manager = CheckpointManager(run_dir, cfg.keep_checkpoints)
    resume_path = manager.latest() if resume == "auto" else (
        None if resume in (None, "", "never") else Path(resume))
    ck = read_checkpoint(resume_path) if resume_path is not None else None

    data_dir = Path(cfg.data_dir)
    train_samples = read_split(data_dir / cfg.train_split)
    val_dir = data_dir / cfg.val_split if cfg.val_split else None
    val_samples = read_split(val_dir) if val_dir is not None and val_dir.is_dir() else []
    texts = sample_texts(train_samples + val_samples)
    if d.main:
        emit("prepare", stage="texts", texts=len(texts), samples=len(train_samples),
             cache=str(text_cache_path(data_dir, cfg.text_encoder)))
        table = ensure_text_cache(
            data_dir, texts, cfg.text_encoder,
            lambda done, total: emit("prepare", stage="texts", embedded=done, missing=total))
        emit("prepare", stage="features", frames=int(sum(s.num_frames for s in train_samples)))
    if d.world > 1:
        dist.barrier()
    if not d.main:
        table = ensure_text_cache(data_dir, texts, cfg.text_encoder)
    train_feats = compute_features(train_samples)

    torch.manual_seed(cfg.seed)
    base_fp = None
    if cfg.init_from:
        model, base_fp = load_base(cfg.init_from, cfg.text_encoder, table.dim)
    elif ck is not None:
        model = build_model(ck)
    else:
        mcfg = load_model_config(cfg.model, **{**cfg.model_overrides,
                                               "max_frames": cfg.crop_frames,
                                               "text_dim": table.dim,
                                               "num_actions": len(ACTIONS)})
        model = MotionTransformer(mcfg)
        stats = FeatureStats.compute(train_feats)
        with torch.no_grad():
            model.feature_mean.copy_(torch.from_numpy(stats.mean))
            model.feature_std.copy_(torch.from_numpy(stats.std))
            model.motion_scale.copy_(torch.from_numpy(stats.motion_scale))
    lora = cfg.lora.rank > 0
    if lora:
        setup_lora(model, cfg.lora)
    stats = FeatureStats(model.feature_mean.numpy(), model.feature_std.numpy(),
                         model.motion_scale.numpy())
    mcfg = model.cfg
    if d.main:
        write_run_meta(run_dir, {"config": cfg.to_dict(), "model_config": mcfg.to_dict(),
                                 "world_size": d.world,
                                 "encoder": {"name": table.encoder, "dim": table.dim}})
    if cfg.crop_frames > mcfg.max_frames and d.main:
        emit("warning", message=f"crop_frames {cfg.crop_frames} exceeds the model's window "
                                f"{mcfg.max_frames}; crops are limited to it")
    hi = min(cfg.crop_frames, mcfg.max_frames)
    lo = min(cfg.min_crop_frames, hi)
    train_ds = CropDataset(train_samples, train_feats, stats, table, model.null_action,
                           mcfg.frames_per_token, cfg.action_weights, curate=cfg.curate)
    if train_ds.curation is not None and d.main:
        emit("prepare", stage="curate", **train_ds.curation)
    val_ds = (CropDataset(val_samples, compute_features(val_samples), stats, table,
                          model.null_action, mcfg.frames_per_token) if val_samples else None)
    del train_samples, val_samples, train_feats   # the crop datasets hold what training needs

    model.to(d.device)
    optimizer = torch.optim.AdamW(_param_groups(model, cfg.weight_decay), lr=cfg.lr,
                                  betas=tuple(cfg.betas))
    data_rng = np.random.default_rng([cfg.seed, d.rank])
    noise = torch.Generator().manual_seed(cfg.seed * 7919 + d.rank)
    step, samples_seen, frames_seen = 0, 0, 0
    if ck is not None:
        if lora:
            load_lora_state_dict(model, ck["model"])
        else:
            model.load_state_dict(ck["model"])
        tr = ck["training"]
        optimizer.load_state_dict(tr["optimizer"])
        rngs = tr["rng"]
        restore_rng(rngs[d.rank] if len(rngs) == d.world else rngs[0], data_rng, noise)
        if len(rngs) != d.world:  # a different process count: keep going with fresh crops
            data_rng = np.random.default_rng([cfg.seed, d.rank, int(ck["step"])])
        step = int(ck["step"])
        samples_seen, frames_seen = int(tr["samples_seen"]), int(tr["frames_seen"])

    net = model
    if d.world > 1:
        net = torch.nn.parallel.DistributedDataParallel(
            model, device_ids=[d.device.index] if d.device.type == "cuda" else None,
            forward_sync_buffers=False)  # the buffers (normalisation) never change
    schedule = CosineSchedule(mcfg.diffusion_steps)
    bf16 = use_bf16(cfg.precision, d.device)

    def autocast():
        return torch.autocast(d.device.type, dtype=torch.bfloat16, enabled=bf16)
    stop = _Stopper(run_dir, d)
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    emit("start", step=step, steps=cfg.steps, resumed_from=str(resume_path or ""),
         model=mcfg.name, params=model.num_params(), trainable_params=trainable,
         world_size=d.world, train_samples=len(train_ds), train_frames=train_ds.total_frames,
         val_samples=len(val_ds) if val_ds else 0, device=str(d.device), lora=lora,
         threads=torch.get_num_threads(), precision="bf16" if bf16 else "fp32")

    def save(reason: str) -> Path | None:
        rng_all = _gather(capture_rng(data_rng, noise), d)
        if not d.main:
            return None
        payload = _payload(model, table, step, lora, cfg, base_fp)
        payload["training"] = {"optimizer": optimizer.state_dict(), "rng": rng_all,
                               "schedule": {"name": "warmup_cosine", "step": step},
                               "samples_seen": samples_seen, "frames_seen": frames_seen,
                               "world_size": d.world}
        path = manager.save(step, payload)
        emit("checkpoint", step=step, path=str(path), reason=reason)
        return path

    val_batches = []
    if val_ds is not None and cfg.eval_interval > 0:
        vr = np.random.default_rng([cfg.seed, 12345])
        val_batches = [val_ds.batch(vr, cfg.batch_size, hi, hi) for _ in range(cfg.eval_batches)]

    def evaluate() -> dict:
        model.eval()
        g = torch.Generator().manual_seed(cfg.seed + 1)
        sums = dict.fromkeys(("loss",) + HEADS, 0.0)
        with torch.no_grad(), autocast():
            for b in val_batches:
                total, parts = diffusion_losses(model, batch_to(b, d.device), schedule, g,
                                                cfg.loss_weights)
                sums["loss"] += total.item()
                for k, v in parts.items():
                    sums[k] += v.item()
        model.train()
        return {k: v / len(val_batches) for k, v in sums.items()}

    model.train()
    last_saved = step if ck is not None else -1
    acc = dict.fromkeys(("loss",) + HEADS, 0.0)
    n_acc, frames_acc, t_log = 0, 0, time.perf_counter()
    t_start, start_step = time.perf_counter(), step
    stopped = False
    while step < cfg.steps:
        lr = lr_at(step, cfg)
        for group in optimizer.param_groups:
            group["lr"] = lr
        batch = batch_to(train_ds.batch(data_rng, cfg.batch_size, lo, hi, cfg.inpaint_prob,
                                        cfg.cond_drop, path_prob=cfg.path_prob,
                                        start_prob=cfg.start_prob), d.device)
        with autocast():
            total, parts = diffusion_losses(net, batch, schedule, noise, cfg.loss_weights)
        optimizer.zero_grad(set_to_none=True)
        total.backward()
        if cfg.grad_clip > 0:
            torch.nn.utils.clip_grad_norm_(
                [p for p in model.parameters() if p.requires_grad], cfg.grad_clip)
        optimizer.step()
        step += 1
        n_frames = batch.frames * d.world
        samples_seen += cfg.batch_size * d.world
        frames_seen += n_frames
        acc["loss"] += total.item()
        for k, v in parts.items():
            acc[k] += v.item()
        n_acc += 1
        frames_acc += n_frames
        if step % cfg.log_interval == 0 or step == cfg.steps:
            now = time.perf_counter()
            dt = max(now - t_log, 1e-9)
            rate = (step - start_step) / max(now - t_start, 1e-9)
            emit("step", step=step, steps=cfg.steps, lr=lr,
                 loss=acc["loss"] / n_acc, losses={k: acc[k] / n_acc for k in HEADS},
                 samples_per_s=n_acc * cfg.batch_size * d.world / dt,
                 frames_per_s=frames_acc / dt, eta_s=(cfg.steps - step) / max(rate, 1e-9),
                 samples_seen=samples_seen, frames_seen=frames_seen)
            acc = dict.fromkeys(acc, 0.0)
            n_acc, frames_acc, t_log = 0, 0, now
        if val_batches and d.main and (step % cfg.eval_interval == 0 or step == cfg.steps):
            v = evaluate()
            emit("eval", step=step, val_loss=v["loss"], val_losses={k: v[k] for k in HEADS})
        if cfg.ckpt_interval > 0 and step % cfg.ckpt_interval == 0 and step < cfg.steps:
            save("interval")
            last_saved = step
        if stop():
            stopped = True
            break
    stop.close()
    if last_saved != step:
        save("stop" if stopped else "final")
    sums = _gather(_checksum(model), d)
    if stopped:
        if d.world > 1:
            dist.barrier()
        return emit("stopped", step=step, steps=cfg.steps)
    export = ""
    if d.main:  # the inference artefact: model.pt, or adapters.pt for LoRA
        export = run_dir / final_model_name(lora)
        save_checkpoint(export, _payload(model, table, step, lora, cfg, base_fp))
    if d.world > 1:
        dist.barrier()  # tear the process group down together (gloo aborts on a lone peer)
    return emit("done", step=step, steps=cfg.steps, model_path=str(export),
                rank_checksums=sums, wall_s=time.perf_counter() - t_start)


def _payload(model, table, step: int, lora: bool, cfg: TrainConfig, base_fp) -> dict:
    """Self-describing header + weights (adapters only for LoRA) of the current model."""
    payload = describe(model, table.encoder, table.dim, step, "lora" if lora else "model")
    payload["model"] = lora_state_dict(model) if lora else {
        k: v.detach().cpu().clone() for k, v in model.state_dict().items()}
    if lora:
        payload.update(lora_header(cfg.lora, cfg.init_from, base_fp))
    payload["extra"] = {"train_config": cfg.to_dict()}
    return payload
