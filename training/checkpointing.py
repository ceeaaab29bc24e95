"""Training checkpoints in a run folder: atomic writes, a ``latest`` pointer, pruning, RNG state.

``run_dir/checkpoints/step_0001000.pt`` files are written to a temp file and renamed, then
``checkpoints/latest`` (a one-line text file naming the newest) is replaced the same way. A
process killed at any moment leaves either the old or the new checkpoint, never half of one;
``latest_checkpoint`` falls back to the newest readable file if the pointer is missing.
"""
from __future__ import annotations

import json
import random
import re
from pathlib import Path

import numpy as np
import torch

from engine.atomic import write_text_atomic
from engine.model.checkpoint import CheckpointError, read_checkpoint, save_checkpoint

from .runs.folder import CHECKPOINTS_DIR

_NAME = re.compile(r"^step_(\d+)\.pt$")


class CheckpointManager:
    def __init__(self, run_dir: str | Path, keep: int = 3) -> None:
        self.dir = Path(run_dir) / CHECKPOINTS_DIR
        self.keep = max(1, int(keep))

    def path_for(self, step: int) -> Path:
        return self.dir / f"step_{step:07d}.pt"

    def all(self) -> list[Path]:
        """Checkpoint files, oldest first."""
        if not self.dir.is_dir():
            return []
        found = [(int(m.group(1)), p) for p in self.dir.iterdir() if (m := _NAME.match(p.name))]
        return [p for _, p in sorted(found)]

    def save(self, step: int, payload: dict) -> Path:
        path = self.path_for(step)
        save_checkpoint(path, payload)
        write_text_atomic(self.dir / "latest", path.name + "\n")
        for old in self.all()[:-self.keep]:
            old.unlink(missing_ok=True)
        for tmp in self.dir.glob(".step_*"):     # temp files left by a killed writer
            tmp.unlink(missing_ok=True)
        return path

    def latest(self) -> Path | None:
        """The newest checkpoint that loads, or None when there is none."""
        pointer = self.dir / "latest"
        candidates = list(reversed(self.all()))
        if pointer.exists():
            named = self.dir / pointer.read_text(encoding="utf-8").strip()
            if named in candidates:
                candidates.remove(named)
                candidates.insert(0, named)
        for path in candidates:
            try:
                read_checkpoint(path)
                return path
            except CheckpointError:
                continue
        return None


def capture_rng(data_rng: np.random.Generator, noise: torch.Generator) -> dict:
    """Every random state the training loop uses, as plain data (weights_only-loadable)."""
    np_state = np.random.get_state()
    return {
        "python": json.dumps(random.getstate()),
        "numpy_global": json.dumps([np_state[0], np_state[1].tolist(), *np_state[2:]]),
        "torch": torch.get_rng_state(),
        "cuda": torch.cuda.get_rng_state_all() if torch.cuda.is_available() else [],
        "data": json.dumps(data_rng.bit_generator.state),
        "noise": noise.get_state(),
    }


def restore_rng(state: dict, data_rng: np.random.Generator, noise: torch.Generator) -> None:
    py = json.loads(state["python"])
    random.setstate((py[0], tuple(py[1]), py[2]))
    g = json.loads(state["numpy_global"])
    np.random.set_state((g[0], np.array(g[1], dtype=np.uint32), *g[2:]))
    torch.set_rng_state(state["torch"])
    if state.get("cuda") and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])
    data_rng.bit_generator.state = json.loads(state["data"])
    noise.set_state(state["noise"])
