import os
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
# Tests keep their embedding cache (engine.text_cache) out of the user's cache folder.
os.environ.setdefault("STICKGEN_CACHE_DIR", tempfile.mkdtemp(prefix="stickgen-tests-"))


# --- model and training fixtures: a tiny synthetic dataset with its text cache -------------

import numpy as _np
import pytest as _pytest


def _rot(axis: str, angle):
    """Rotation matrices about one axis for angles (T,) -> (T, 3, 3)."""
    a = _np.asarray(angle, dtype=_np.float64)
    c, s = _np.cos(a), _np.sin(a)
    o, z = _np.ones_like(a), _np.zeros_like(a)
    rows = {"x": [[o, z, z], [z, c, -s], [z, s, c]],
            "y": [[c, z, s], [z, o, z], [-s, z, c]],
            "z": [[c, -s, z], [s, c, z], [z, z, o]]}[axis]
    return _np.stack([_np.stack(r, -1) for r in rows], -2)


def synthetic_motion(kind: str, frames: int, seed: int = 0):
    """A simple procedural 'walk' (root moves, legs and arms swing opposite) or 'wave'
    (standing, right arm raised and swinging): positions (frames, 16, 3) float32."""
    from engine.skeleton import JOINT_INDEX, NUM_JOINTS, forward_kinematics

    rng = _np.random.default_rng(seed)
    t = _np.arange(frames) / 25.0
    rots = _np.tile(_np.eye(3), (frames, NUM_JOINTS, 1, 1))
    heading = rng.uniform(-3, 3) + (rng.uniform(-0.3, 0.3) * t if kind == "walk" else 0 * t)
    rots[:, JOINT_INDEX["pelvis"]] = _rot("y", heading)
    root = _np.zeros((frames, 3))
    root[:, 1] = 0.95
    if kind == "walk":
        freq, speed = rng.uniform(0.8, 1.1), rng.uniform(1.0, 1.5)
        phase = 2 * _np.pi * freq * t
        swing = 0.45 * _np.sin(phase)
        rots[:, JOINT_INDEX["l_hip"]] = _rot("x", -swing)
        rots[:, JOINT_INDEX["r_hip"]] = _rot("x", swing)
        rots[:, JOINT_INDEX["l_knee"]] = _rot("x", 0.3 * (1 + _np.sin(phase + 1.0)))
        rots[:, JOINT_INDEX["r_knee"]] = _rot("x", 0.3 * (1 - _np.sin(phase + 1.0)))
        rots[:, JOINT_INDEX["l_shoulder"]] = _rot("x", swing * 0.8)
        rots[:, JOINT_INDEX["r_shoulder"]] = _rot("x", -swing * 0.8)
        step = speed / 25.0 * _np.stack([_np.sin(heading), 0 * t, _np.cos(heading)], 1)
        root[:, [0, 2]] = _np.cumsum(step, 0)[:, [0, 2]]
        root[:, 1] = 0.93 + 0.02 * _np.cos(2 * phase)
    else:
        rate = rng.uniform(1.5, 2.5)
        rots[:, JOINT_INDEX["r_shoulder"]] = _rot("z", _np.full(frames, -2.6))
        rots[:, JOINT_INDEX["r_elbow"]] = _rot("z", 0.5 * _np.sin(2 * _np.pi * rate * t))
    return forward_kinematics(rots, root)


def write_synthetic_dataset(folder, n_train: int = 8, n_val: int = 2):
    """train/ and val/ shards of walks, waves and walk-then-wave samples."""
    from training.data.shards import Sample, Segment, write_shard

    def make(i: int):
        kind = ("walk", "wave", "both")[i % 3]
        n = 64 + 8 * (i % 4)
        if kind == "both":
            a = synthetic_motion("walk", n // 2, i)
            b = synthetic_motion("wave", n - n // 2, i)
            b = b - b[:1, :1] * _np.array([1, 0, 1]) + a[-1:, :1] * _np.array([1, 0, 1])
            segs = [Segment(0, n // 2, "walk", "walk forward"),
                    Segment(n // 2, n, "wave", "wave hello")]
            labels = ["walk"] * (n // 2) + ["wave"] * (n - n // 2)
            return Sample.from_labels(_np.concatenate([a, b]), labels,
                                      "a person walks forward, then waves", segs)
        text = "a person walks forward" if kind == "walk" else "a person waves hello"
        return Sample.from_labels(synthetic_motion(kind, n, i), [kind] * n, text,
                                  [Segment(0, n, kind, text)])

    write_shard(folder / "train" / "shard_00000.npz", [make(i) for i in range(n_train)])
    write_shard(folder / "val" / "shard_00000.npz", [make(100 + i) for i in range(n_val)])
    return folder


@_pytest.fixture(scope="session")
def tiny_data(tmp_path_factory):
    """A tiny dataset folder with its text cache already built (real text encoder, once)."""
    from training.data.shards import read_split
    from training.dataset import ensure_text_cache, sample_texts

    folder = write_synthetic_dataset(tmp_path_factory.mktemp("tiny_data"))
    samples = read_split(folder / "train") + read_split(folder / "val")
    ensure_text_cache(folder, sample_texts(samples), "all-MiniLM-L6-v2")
    return folder


@_pytest.fixture(scope="session")
def text_encoder():
    from engine.text import get_encoder

    return get_encoder()


# The tiny real checkpoint and a main window on it (tests/test_app_support.py), for every module.
from test_app_support import tiny_checkpoint, window  # noqa: E402,F401
