"""What a training run works with, set up once: its data, the model (new, a base to fine-tune,
or the run's checkpoint), the optimiser and the random streams, restored when it resumes; and
what it does besides stepping: evaluate on held-out batches, write a checkpoint, export the
finished model. ``training.loop`` drives it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
import torch

from engine.actions import ACTIONS
from engine.model.checkpoint import build_model, describe, read_checkpoint, save_checkpoint
from engine.model.config import load_model_config
from engine.model.diffusion import HEADS, CosineSchedule, diffusion_losses
from engine.model.features import FeatureStats
from engine.model.lora import load_lora_state_dict, lora_state_dict
from engine.model.transformer import MotionTransformer
from training.data.shards import read_split

from .checkpointing import CheckpointManager, capture_rng, restore_rng
from .config import TrainConfig
from .distil import distil_losses, distil_spec, distilled_sampler, load_teacher
from .dataset import (CropDataset, batch_to, compute_features, ensure_text_cache, sample_texts,
                      text_cache_path)
from .distributed import Dist, barrier, gather, use_bf16
from .finetune import load_base, lora_header, setup_lora
from .runs.folder import final_model_name, write_run_meta


@dataclass
class Session:
    cfg: TrainConfig
    d: Dist
    run_dir: Path
    emit: Callable[..., dict]
    manager: CheckpointManager
    table: object                       # the text-embedding table of the data
    model: MotionTransformer
    base_fp: object                     # fingerprint of a fine-tune's base, else None
    train_ds: CropDataset
    val_ds: CropDataset | None
    lo: int                             # crop lengths, frames
    hi: int
    resumed_from: Path | None = None
    step: int = 0
    samples_seen: int = 0
    frames_seen: int = 0
    val_batches: list = field(default_factory=list)
    teacher: MotionTransformer | None = None   # set for few-step distillation (training.distil)
    teacher_fp: str = ""                       # the teacher's weights fingerprint

    def __post_init__(self) -> None:
        self.lora = self.cfg.lora.rank > 0
        self.model.to(self.d.device)
        self.optimizer = torch.optim.AdamW(_param_groups(self.model, self.cfg.weight_decay),
                                           lr=self.cfg.lr, betas=tuple(self.cfg.betas))
        self.data_rng = np.random.default_rng([self.cfg.seed, self.d.rank])
        self.noise = torch.Generator().manual_seed(self.cfg.seed * 7919 + self.d.rank)
        self.net = self.model
        self.schedule = CosineSchedule(self.model.cfg.diffusion_steps)
        self.bf16 = use_bf16(self.cfg.precision, self.d.device)

    def distribute(self) -> None:
        """Wrap the model for data-parallel training when there are several processes."""
        if self.d.world > 1:
            self.net = torch.nn.parallel.DistributedDataParallel(
                self.model, device_ids=[self.d.device.index] if self.d.device.type == "cuda"
                else None, forward_sync_buffers=False)  # the buffers (normalisation) never change

    def losses(self, batch, generator, net=None):
        """(total, per-head losses) of one batch through ``net`` (the training wrapper when
        None): the diffusion losses, or the distillation losses against the teacher when the
        run distils."""
        net = self.net if net is None else net
        if self.teacher is None:
            return diffusion_losses(net, batch, self.schedule, generator,
                                    self.cfg.loss_weights)
        return distil_losses(net, self.teacher, batch, self.schedule,
                             distil_spec(self.cfg.distil), generator,
                             self.cfg.loss_weights.get("action", 0.2))

    def autocast(self):
        return torch.autocast(self.d.device.type, dtype=torch.bfloat16, enabled=self.bf16)

    def resume(self, ck: dict) -> None:
        """Continue from checkpoint ``ck``: weights, optimiser, random streams and counters."""
        d, cfg = self.d, self.cfg
        if self.lora:
            load_lora_state_dict(self.model, ck["model"])
        else:
            self.model.load_state_dict(ck["model"])
        tr = ck["training"]
        self.optimizer.load_state_dict(tr["optimizer"])
        rngs = tr["rng"]
        restore_rng(rngs[d.rank] if len(rngs) == d.world else rngs[0], self.data_rng, self.noise)
        if len(rngs) != d.world:  # a different process count: keep going with fresh crops
            self.data_rng = np.random.default_rng([cfg.seed, d.rank, int(ck["step"])])
        self.step = int(ck["step"])
        self.samples_seen, self.frames_seen = int(tr["samples_seen"]), int(tr["frames_seen"])

    def start_fields(self) -> dict:
        """What the ``start`` event says about the run."""
        m, ds = self.model, self.train_ds
        return dict(step=self.step, steps=self.cfg.steps,
                    resumed_from=str(self.resumed_from or ""), model=m.cfg.name,
                    params=m.num_params(),
                    trainable_params=sum(p.numel() for p in m.parameters() if p.requires_grad),
                    world_size=self.d.world, train_samples=len(ds), train_frames=ds.total_frames,
                    val_samples=len(self.val_ds) if self.val_ds else 0, device=str(self.d.device),
                    lora=self.lora, threads=torch.get_num_threads(),
                    precision="bf16" if self.bf16 else "fp32")

    def prepare_validation(self) -> None:
        """The fixed held-out batches every evaluation uses."""
        if self.val_ds is not None and self.cfg.eval_interval > 0:
            vr = np.random.default_rng([self.cfg.seed, 12345])
            self.val_batches = [self.val_ds.batch(vr, self.cfg.batch_size, self.hi, self.hi)
                                for _ in range(self.cfg.eval_batches)]

    def evaluate(self) -> dict:
        """Mean loss (and per head) over the held-out batches, with a fixed noise stream."""
        self.model.eval()
        g = torch.Generator().manual_seed(self.cfg.seed + 1)
        sums = dict.fromkeys(("loss",) + HEADS, 0.0)
        with torch.no_grad(), self.autocast():
            for b in self.val_batches:
                total, parts = self.losses(batch_to(b, self.d.device), g, self.model)
                sums["loss"] += total.item()
                for k, v in parts.items():
                    sums[k] += v.item()
        self.model.train()
        return {k: v / len(self.val_batches) for k, v in sums.items()}

    def save(self, reason: str) -> Path | None:
        """Write a checkpoint that resumes exactly (every rank's random streams in it)."""
        rng_all = gather(capture_rng(self.data_rng, self.noise), self.d)
        if not self.d.main:
            return None
        payload = self.payload()
        payload["training"] = {"optimizer": self.optimizer.state_dict(), "rng": rng_all,
                               "schedule": {"name": "warmup_cosine", "step": self.step},
                               "samples_seen": self.samples_seen,
                               "frames_seen": self.frames_seen, "world_size": self.d.world}
        path = self.manager.save(self.step, payload)
        self.emit("checkpoint", step=self.step, path=str(path), reason=reason)
        return path

    def export(self) -> Path | str:
        """The inference artefact (model.pt, or adapters.pt for LoRA); "" on other ranks."""
        if not self.d.main:
            return ""
        path = self.run_dir / final_model_name(self.lora)
        save_checkpoint(path, self.payload())
        return path

    def payload(self) -> dict:
        """Self-describing header + weights (adapters only for LoRA) of the current model."""
        lora, cfg = self.lora, self.cfg
        payload = describe(self.model, self.table.encoder, self.table.dim, self.step,
                           "lora" if lora else "model")
        payload["model"] = lora_state_dict(self.model) if lora else {
            k: v.detach().cpu().clone() for k, v in self.model.state_dict().items()}
        if lora:
            payload.update(lora_header(cfg.lora, cfg.init_from, self.base_fp))
        payload["extra"] = {"train_config": cfg.to_dict()}
        if self.teacher is not None:
            payload["extra"]["sampler"] = distilled_sampler(cfg.distil, self.teacher_fp,
                                                             self.schedule)
        return payload


def open_session(cfg: TrainConfig, run_dir: Path, resume, d: Dist, emit) -> Session:
    """Everything the run needs, in the order that keeps it reproducible (the seed is set just
    before the model is built); continued from the latest checkpoint when ``resume`` asks."""
    manager = CheckpointManager(run_dir, cfg.keep_checkpoints)
    resume_path = manager.latest() if resume == "auto" else (
        None if resume in (None, "", "never") else Path(resume))
    ck = read_checkpoint(resume_path) if resume_path is not None else None
    train_samples, val_samples, table = _read_data(cfg, d, emit)
    train_feats = compute_features(train_samples)
    torch.manual_seed(cfg.seed)
    model, base_fp = _model(cfg, ck, table, train_feats)
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
    train_ds = CropDataset(train_samples, train_feats, stats, table, model.null_action,
                           mcfg.frames_per_token, cfg.action_weights, curate=cfg.curate)
    if train_ds.curation is not None and d.main:
        emit("prepare", stage="curate", **train_ds.curation)
    val_ds = (CropDataset(val_samples, compute_features(val_samples), stats, table,
                          model.null_action, mcfg.frames_per_token) if val_samples else None)
    session = Session(cfg, d, run_dir, emit, manager, table, model, base_fp, train_ds, val_ds,
                      min(cfg.min_crop_frames, hi), hi, resume_path)
    if cfg.distil.teacher:
        session.teacher, session.teacher_fp = load_teacher(cfg.distil.teacher, table,
                                                           d.device)
    if ck is not None:
        session.resume(ck)
    session.distribute()
    return session


def _read_data(cfg: TrainConfig, d: Dist, emit):
    """The train and validation samples and their text-embedding table (made by rank 0)."""
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
    barrier(d)
    if not d.main:
        table = ensure_text_cache(data_dir, texts, cfg.text_encoder)
    return train_samples, val_samples, table


def _model(cfg: TrainConfig, ck: dict | None, table, train_feats):
    """(model, base fingerprint): a fine-tune's base, the checkpoint's model, or a new one
    normalised by the training features; with LoRA adapters when the config asks."""
    base_fp = None
    if cfg.init_from:
        model, base_fp = load_base(cfg.init_from, cfg.text_encoder, table.dim)
    elif ck is not None:
        model = build_model(ck)
    elif cfg.distil.teacher:   # the student starts as a copy of its teacher
        model, _ = load_base(cfg.distil.teacher, cfg.text_encoder, table.dim)
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
    if cfg.lora.rank > 0:
        setup_lora(model, cfg.lora)
    return model, base_fp


def _param_groups(model: torch.nn.Module, weight_decay: float) -> list[dict]:
    decay, no_decay = [], []
    for name, p in model.named_parameters():
        if not p.requires_grad:
            continue
        is_matrix = p.dim() >= 2 and "emb" not in name
        (decay if is_matrix else no_decay).append(p)
    return [{"params": decay, "weight_decay": weight_decay},
            {"params": no_decay, "weight_decay": 0.0}]
