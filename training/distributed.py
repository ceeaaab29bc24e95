"""The processes of a training run: one, or several under torchrun (gloo on CPU, NCCL on
CUDA); which device and how many threads each uses; the clean stop (STOP file or SIGTERM) all
ranks agree on; gathering a value from every rank.
"""
from __future__ import annotations

import os
import signal
from dataclasses import dataclass
from pathlib import Path

import torch
import torch.distributed as dist

from .config import TrainConfig
from .runs.folder import STOP_FILE


@dataclass
class Dist:
    rank: int = 0
    world: int = 1
    local_rank: int = 0
    device: torch.device = torch.device("cpu")

    @property
    def main(self) -> bool:
        return self.rank == 0


def setup(cfg: TrainConfig) -> Dist:
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


class Stopper:
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


def gather(obj, d: Dist) -> list:
    if d.world == 1:
        return [obj]
    out = [None] * d.world
    dist.all_gather_object(out, obj)
    return out


def barrier(d: Dist) -> None:
    if d.world > 1:
        dist.barrier()


def checksum(model: torch.nn.Module) -> float:
    with torch.no_grad():
        return float(sum(p.double().sum() + p.double().abs().sum() for p in model.parameters()))
