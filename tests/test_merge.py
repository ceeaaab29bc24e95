"""``python -m training merge ... --base``: adapters whose base has moved merge onto the base
named on the command line (and only onto the weights they were trained on), and the merged
model generates, in-process and through ``stickgen generate``."""
import shutil
import subprocess
import sys

import numpy as np
import torch

from engine.model import load_model
from engine.formats.motion_json import read_motion_json
from test_lora import base, cfg_for, inputs  # noqa: F401 - base is a fixture
from training.loop import train


def _merge(adapters, out, *extra):
    return subprocess.run([sys.executable, "-m", "training", "merge", str(adapters), "--out",
                           str(out), *extra], capture_output=True, text=True, timeout=120)


def test_merge_with_base_and_generate_from_the_merged_model(tiny_data, base, tmp_path):
    cfg = cfg_for(tiny_data, init_from=base, lora={"rank": 4, "alpha": 8}, steps=8, lr=1e-2)
    adapters = train(cfg, tmp_path / "lora", resume="never", stdout=False)["model_path"]
    moved = tmp_path / "elsewhere" / "base.pt"
    moved.parent.mkdir()
    shutil.copy(base, moved)
    recorded = torch.load(adapters, weights_only=True)["base"]["path"]
    hidden = tmp_path / "hidden.pt"
    shutil.move(recorded, hidden)                   # the base is gone from where it was
    try:
        out = _merge(adapters, tmp_path / "no.pt")
        assert out.returncode == 1 and "no such checkpoint" in out.stderr
        assert len(out.stderr.strip().splitlines()) == 1 and not (tmp_path / "no.pt").exists()

        out = _merge(adapters, tmp_path / "merged.pt", "--base", str(moved))
        assert out.returncode == 0, out.stderr
    finally:
        shutil.move(hidden, recorded)
    merged, meta = load_model(tmp_path / "merged.pt")
    tuned, _ = load_model(adapters, base=moved)
    x = inputs(meta.config)
    with torch.no_grad():
        assert torch.allclose(merged(*x)["x0"], tuned(*x)["x0"], atol=1e-5)

    # a base with other weights is refused, not silently merged
    other = train(cfg_for(tiny_data, seed=5, steps=2), tmp_path / "other", resume="never",
                  stdout=False)["model_path"]
    out = _merge(adapters, tmp_path / "wrong.pt", "--base", str(other))
    assert out.returncode == 1 and "different base weights" in out.stderr
    assert not (tmp_path / "wrong.pt").exists()

    from engine.generate import Generator

    gen = Generator(tmp_path / "merged.pt").load()
    a = gen.generate("a person walks forward", 2.0, 3).motion
    assert a.num_frames == 50 and np.isfinite(a.positions).all()
    assert np.array_equal(a.positions, gen.generate("a person walks forward", 2.0, 3)
                          .motion.positions)
    clip = tmp_path / "clip.motion.json"
    out = subprocess.run([sys.executable, "-m", "engine.cli", "generate", "a person waves",
                          "--seconds", "1.5", "--model", str(tmp_path / "merged.pt"),
                          "--out", str(clip)], capture_output=True, text=True, timeout=180)
    assert out.returncode == 0, out.stderr
    assert read_motion_json(clip).motion.num_frames == 38
