"""Damage generators for the damaged-file corpus (used by ``damaged_files.build_corpus``).

Each turns valid seed content into ``(how, content)`` variants: byte-level damage (truncation,
flipped bytes, junk, wrong encoding, deep nesting), hostile values or deleted keys at random
places in a JSON tree, damaged words in BVH text, broken checkpoints, hostile arrays in the
shipped joint-position archive, and random line files drawn from pools of bad batch and
training-config lines. All randomness comes from the ``random.Random`` passed in.
"""
from __future__ import annotations

import copy
import io
import json
import random
from pathlib import Path

import numpy as np


HOSTILE = [float("nan"), float("inf"), -float("inf"), 1e308, -1e308, 1e38, 10 ** 30, -10 ** 30,
           -1, 0, 99, 1e-12, 1e12, "a", "", None, True, [], {}, [[[]]], ["x"], "x" * 5000]


def _shipped_npz() -> Path:
    """The shipped joint-position archive: the npz seed file and the source of its damage."""
    from engine.formats.loader import default_mocap_root

    return default_mocap_root() / "cmu_isaacgymenvs_amp" / "amp_humanoid_walk_positions.npz"


def _npz_damage(rng: random.Random, n: int) -> list[tuple[str, bytes]]:
    """Joint-position archives with one array replaced by something hostile."""
    with np.load(_shipped_npz(), allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files}
    hostile = {"positions": [np.full((3, 15, 3), np.nan, np.float32), arrays["positions"] * 1e38,
                             np.zeros((0, 15, 3), np.float32), np.zeros((5, 4), np.float32),
                             arrays["positions"][:, :3]],
               "parents": [np.full(15, 99), np.full(15, -5), np.arange(15), np.zeros(2)],
               "fps": [np.float32(-1), np.float32(np.inf), np.float32(1e12), np.float32(0),
                       np.array(["x"])],
               "joint_names": [np.array(["a"] * 15), np.array(["pelvis"])],
               "local_rotation_xyzw": [np.zeros((154, 15, 4), np.float32),
                                       np.full((154, 15, 4), np.nan, np.float32)],
               "units": [np.array("parsecs")], "up_axis": [np.array("w")]}
    out = []
    for _ in range(n):
        key = rng.choice(sorted(hostile))
        value = rng.choice(hostile[key])
        changed = {**arrays, key: value}
        if rng.random() < 0.15:
            changed.pop(key)
        buf = io.BytesIO()
        np.savez(buf, **changed)
        out.append((f"{key} = {str(value)[:30]}", buf.getvalue()))
    return out


def _paths(node, prefix=()):
    """Every place in a parsed JSON tree (as key paths), sampling long lists."""
    out = [prefix]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, prefix + (k,))
    elif isinstance(node, list):
        for i in sorted({0, len(node) - 1, len(node) // 2} & set(range(len(node)))):
            out += _paths(node[i], prefix + (i,))
    return out


def _put(tree, path, value, delete=False):
    tree = copy.deepcopy(tree)
    if not path:
        return value
    node = tree
    for p in path[:-1]:
        node = node[p]
    if delete and isinstance(node, dict):
        node.pop(path[-1])
    else:
        node[path[-1]] = value
    return tree


def _json_text(value) -> str:
    return json.dumps(value, allow_nan=True)


def _byte_damage(rng: random.Random, data: bytes) -> list[tuple[str, bytes]]:
    cut = rng.randrange(1, max(2, len(data)))
    flipped = bytearray(data)
    for _ in range(8):
        i = rng.randrange(len(flipped))
        flipped[i] = rng.randrange(256)
    junk = bytes(rng.randrange(256) for _ in range(200))
    return [("empty", b""), (f"truncated at {cut}", data[:cut]),
            ("8 flipped bytes", bytes(flipped)),
            ("binary junk", junk), ("utf-16", data.decode("utf-8", "replace").encode("utf-16")),
            ("deep nesting", b"[" * 100000 + b"]" * 100000)]


def _json_damage(rng: random.Random, data: bytes, n: int) -> list[tuple[str, bytes]]:
    tree = json.loads(data)
    places = _paths(tree)
    out = []
    for _ in range(n):
        where = rng.choice(places)
        if where and rng.random() < 0.15:
            out.append((f"deleted {where}", _json_text(_put(tree, where, None, delete=True))
                        .encode()))
        else:
            value = rng.choice(HOSTILE)
            out.append((f"{where} = {str(value)[:20]}", _json_text(_put(tree, where, value))
                        .encode()))
    return out


def _bvh_damage(rng: random.Random, text: str, n: int) -> list[tuple[str, bytes]]:
    lines = text.splitlines()
    motion_at = next(i for i, ln in enumerate(lines) if ln.strip() == "MOTION")
    out = []
    for _ in range(n):
        i = rng.randrange(len(lines))
        words = lines[i].split()
        if not words:
            continue
        k = rng.randrange(len(words))
        words[k] = str(rng.choice(["1e308", "-1e308", "nan", "inf", "1e38", "x", "-1", "0",
                                   "999999999999999999999", "1e-12", "", "{", "}"]))
        out.append((f"line {i + 1} word {k}", "\n".join(lines[:i] + [" ".join(words)]
                                                         + lines[i + 1:]).encode()))
    out.append(("frames 10**9", "\n".join(lines[:motion_at + 1] + ["Frames: 1000000000"]
                                          + lines[motion_at + 2:]).encode()))
    out.append(("frame time 1e-12", "\n".join(lines[:motion_at + 2] + ["Frame Time: 1e-12"]
                                              + lines[motion_at + 3:]).encode()))
    return out


def _checkpoint_damage(rng: random.Random, payload: dict, n: int) -> list[tuple[str, dict]]:
    import torch

    out: list[tuple[str, object]] = [
        ("layers 1e9", _put(payload, ("model_config", "layers"), 10 ** 9)),
        ("width 1e9", _put(payload, ("model_config", "width"), 10 ** 9)),
        ("max_frames 1e12", _put(payload, ("model_config", "max_frames"), 10 ** 12)),
        ("no encoder", _put(payload, ("encoder",), None, delete=True)),
        ("no weights", _put(payload, ("model",), None, delete=True)),
        ("not a dict", [1, 2, 3]),
    ]
    weights = payload["model"]
    names = sorted(weights)
    for _ in range(n):
        choice = rng.random()
        if choice < 0.3:
            key = rng.choice(names)
            w = {**weights, key: torch.full_like(weights[key], float("nan"))}
            out.append((f"NaN in {key}", {**payload, "model": w}))
        elif choice < 0.5:
            key = rng.choice(names)
            w = {**weights, key: torch.zeros(3, 5)}
            out.append((f"shape of {key}", {**payload, "model": w}))
        elif choice < 0.6:
            key = rng.choice(names)
            w = {k: v for k, v in weights.items() if k != key}
            out.append((f"missing {key}", {**payload, "model": w}))
        else:
            field = rng.choice(["model_config", "encoder", "feature_mean", "feature_std",
                                "motion_scale", "actions", "joints", "version", "step", "kind"])
            sub = rng.choice([k for k in (payload[field] if isinstance(payload[field], dict)
                                          else [None])])
            where = (field,) if sub is None else (field, sub)
            value = rng.choice(HOSTILE)
            out.append((f"{where} = {str(value)[:20]}", _put(payload, where, value)))
    return out


BATCH_LINES = ["a man walks", "2.5\ta woman waves", "nan\tjumps", "-1\truns", "0\tsits",
               "1e308\tspins", "inf\tclaps", "abc\twalks", "\t", "3\t", "# note", "",
               "a man jumps " + "9" * 400 + " times", "walks for " + "9" * 60 + " seconds",
               "\u00e9l camina", "\U0001f600 dances", "x" * 20000, "121\twalks",
               "1e-300\twaves", "\ufeffa man waves"]
YAML_LINES = ["model: tiny", "steps: 5", "steps: -1", "lr: .nan", "lr: 1e308", "batch_size: 0",
              "batch_size: 2.5", "threads: 99999999999", "lora: 3", "lora: {rank: -2}",
              "loss_weights: {pose: .inf}", "crop_frames: 'x'", "seed: -5", "betas: [1]",
              "unknown_key: 1", "data_dir: 5", "steps: 1e9", "warmup_steps: [1]",
              "action_weights: {walk: -1}", "model_overrides: {layers: 1000000000}"]


def _random_lines(rng: random.Random, pool: list[str], sep: str, n: int
                  ) -> list[tuple[str, bytes]]:
    """``n`` files of 1-5 lines drawn from ``pool``."""
    out = []
    for _ in range(n):
        lines = rng.sample(pool, rng.randint(1, 5))
        out.append((f"lines {lines!r}"[:80], sep.join(lines).encode()))
    return out
