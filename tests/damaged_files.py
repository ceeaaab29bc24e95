"""A seeded corpus of damaged files, one family per file type the command line opens.

``build_corpus(folder, seed)`` writes valid seed files (motion JSON, project, BVH, model
checkpoint, batch file, training config) and derives damaged copies from them: truncations,
flipped bytes, binary junk, hostile values (NaN, infinity, 1e308, huge integers, wrong types,
out-of-range indices) put at random places in the parsed structure, deleted keys and deep
nesting; the generators that derive the damaged copies live in ``damage_generators``.
``open_case`` opens one file with the project's own reader and sorts the outcome:

- ``ok``: it loaded, and what it loaded was written out again and read back;
- ``refused``: the reader raised its documented error with one line naming the file;
- ``unclear``: a documented error, but more than one line or without the file's name;
- ``crash``: any other exception, or an output its own reader rejects.
"""
from __future__ import annotations

import json
import random
import shutil
from dataclasses import dataclass
from pathlib import Path

from damage_generators import (  # noqa: F401  (HOSTILE, BATCH_LINES, YAML_LINES re-exported)
    BATCH_LINES, HOSTILE, YAML_LINES, _bvh_damage, _byte_damage, _checkpoint_damage,
    _json_damage, _npz_damage, _random_lines, _shipped_npz)


CAMERA = {"frame": 0, "move": "static", "position": [0.0, 1.2, 4.0], "target": [0.0, 1.0, 0.0],
          "fov": 40.0, "roll": 0.0, "easing": "ease_in_out"}


@dataclass
class Case:
    kind: str       # motion_json, project, bvh, npz, deepmimic, checkpoint, batch, run_config
    path: Path
    how: str        # what was done to the seed file


def _motion(frames: int = 12):
    from conftest import synthetic_motion
    from engine.motion import Motion

    return Motion(synthetic_motion("walk", frames, 3), 25.0, ["walk"] * frames)


def _seed_files(folder: Path) -> dict[str, Path]:
    from engine.formats.bvh import write_bvh
    from engine.formats.motion_json import Actor, MotionFile, write_motion_json
    from engine.formats.project_file import _encode_array

    folder.mkdir(parents=True, exist_ok=True)
    m = _motion()
    seeds = {"motion_json": folder / "seed.motion.json", "project": folder / "seed.stickgen",
             "bvh": folder / "seed.bvh", "batch": folder / "seed.txt",
             "run_config": folder / "seed.yaml", "checkpoint": folder / "seed.pt"}
    write_motion_json(seeds["motion_json"], MotionFile([Actor("A", m)], "a man walks", 3,
                                                       [CAMERA]))
    # Written as plain JSON, so the corpus does not depend on the project dataclasses.
    seeds["project"].write_text(json.dumps({
        "format": "stickgen.project", "schema_version": 2, "fps": 25.0, "camera": [CAMERA],
        "history": [{"prompt": "a man walks", "seed": 3, "seconds": 0.5, "model": "small"}],
        "settings": {}, "actors": [{
            "name": "A", "color": "#2b6cb0", "prompt": "a man walks", "seed": 3, "visible": True,
            "segments": [{"action": "walk", "text": "walk", "duration": 0.48, "start": 0,
                          "stop": 12}],
            "motion": {"positions": _encode_array(m.positions), "fps": 25.0,
                       "joints": list(m.joints), "parents": list(m.parents),
                       "actions": m.actions, "expressions": m.expressions, "speech": m.speech},
            "expression_keys": [{"frame": 2, "expression": "happy"}],
            "speech": [{"start": 1, "stop": 5, "style": "talk"}],
            "pose_keys": [{"frame": 4, "positions": m.positions[4].tolist()}]}]}),
        encoding="utf-8")
    write_bvh(seeds["bvh"], m)
    seeds["batch"].write_text("a man walks\n2.5\ta woman waves\n# comment\n", encoding="utf-8")
    seeds["run_config"].write_text("model: tiny\nsteps: 10\nbatch_size: 2\nlr: 0.001\n",
                                   encoding="utf-8")
    _write_checkpoint(seeds["checkpoint"], _checkpoint_payload())
    shutil.copy(_shipped_npz(), seeds.setdefault("npz", folder / "seed_positions.npz"))
    seeds["deepmimic"] = folder / "seed_clip.txt"
    seeds["deepmimic"].write_text(json.dumps(_deepmimic_clip()), encoding="utf-8")
    return seeds


def _deepmimic_clip(frames: int = 12) -> dict:
    """A DeepMimic humanoid3d clip: the root bobbing forward, every joint at rest."""
    from engine.formats.mocap_clips import HUMANOID3D

    rows = []
    for t in range(frames):
        row = [1 / 30]
        for _, _, kind, _ in HUMANOID3D:
            row += {"none": [0.03 * t, 0.9 + 0.01 * (t % 2), 0.0, 1.0, 0.0, 0.0, 0.0],
                    "spherical": [1.0, 0.0, 0.0, 0.0], "revolute": [-0.1],
                    "fixed": []}[kind]
        rows.append(row)
    return {"Loop": "none", "Frames": rows}


def _checkpoint_payload() -> dict:
    import torch

    from engine.model.checkpoint import describe
    from engine.model.config import load_model_config
    from engine.model.transformer import MotionTransformer

    torch.manual_seed(0)
    model = MotionTransformer(load_model_config("tiny", text_dim=8))
    payload = describe(model, "tiny-encoder", 8)
    payload["model"] = {k: v.detach().clone() for k, v in model.state_dict().items()}
    return payload


def _write_checkpoint(path: Path, payload) -> None:
    import torch

    with open(path, "wb") as fh:
        torch.save(payload, fh)


def build_corpus(folder: Path, seed: int = 0, per_kind: int = 40) -> list[Case]:
    """Seed files plus ``per_kind`` or so damaged copies of each type under ``folder``."""
    rng = random.Random(seed)
    seeds = _seed_files(folder / "seed")
    cases = [Case(kind, path, "valid seed") for kind, path in seeds.items()]
    for kind, path in seeds.items():
        data = path.read_bytes()
        variants: list[tuple[str, object]] = _byte_damage(rng, data)
        if kind in ("motion_json", "project"):
            variants += _json_damage(rng, data, per_kind)
        elif kind == "bvh":
            variants += _bvh_damage(rng, data.decode(), per_kind)
        elif kind == "deepmimic":
            variants += _json_damage(rng, data, per_kind // 2)
            evil = _deepmimic_clip(6)
            for row in evil["Frames"]:
                row[0] = 1e-9
            evil["Frames"][0][0] = 1000.0     # resampling this would need 10**12 frames
            variants.append(("durations 1e-9 s and 1000 s", json.dumps(evil).encode()))
        elif kind == "npz":
            variants += _npz_damage(rng, per_kind // 2)
        elif kind == "checkpoint":
            variants += _checkpoint_damage(rng, _checkpoint_payload(), per_kind // 2)
        elif kind == "batch":
            variants += _random_lines(rng, BATCH_LINES, "\n", per_kind // 3)
            variants += [(f"line {v!r}", v.encode()) for v in (
                "nan\tjumps", "-1\twalks", "0\twalks", "1e308\truns", "inf\twaves",
                "abc\twalks", "\t", "a man jumps " + "9" * 400 + " times",
                "a man walks for " + "9" * 50 + " seconds", "\x00\x01\x02", "ok\nnan\tx\nok2")]
        else:
            variants += _random_lines(rng, YAML_LINES, "\n", per_kind // 3)
            variants += [(f"yaml {v!r}", v.encode()) for v in (
                "steps: -5", "steps: 1e308", "lr: .nan", "batch_size: 0", "model: 7",
                "steps: [1, 2]", "- a\n- b", "steps: 'ten'", "lr: .inf", "layers: 1000000000",
                "model: {a: 1}", "crop_frames: -1", ": :", "threads: 10000000000000000000000")]
        suffix = {"motion_json": ".motion.json", "npz": "_positions.npz"}.get(
            kind, "".join(path.suffixes))
        for n, (how, content) in enumerate(variants):
            target = folder / kind / f"{n:03d}{suffix}"
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                target.write_bytes(content)
            else:
                _write_checkpoint(target, content)
            cases.append(Case(kind, target, how))
    return cases


def _open(case: Case, out_dir: Path):
    """Open with the reader the CLI uses; write what loaded and read it back."""
    from engine.formats.loader import load_any, save_any

    if case.kind in ("motion_json", "bvh", "npz", "deepmimic"):
        doc = load_any(case.path)
    elif case.kind == "project":
        from engine.formats.project_file import load_project
        from engine.project import to_motion_file

        project = load_project(case.path)
        if not any(a.visible for a in project.actors):
            return
        doc = to_motion_file(project)
    elif case.kind == "checkpoint":
        from engine.model.checkpoint import load_model

        load_model(case.path)
        return
    elif case.kind == "batch":
        from engine.cli.batch import read_batch

        read_batch(case.path, 120.0)
        return
    else:
        from training.run_config import read_run_config

        read_run_config(case.path)
        return
    for name in ("out.motion.json", "out.bvh"):
        if name.endswith(".bvh") and len(doc.actors) != 1:
            continue
        try:
            save_any(out_dir / name, doc)
        except ValueError:
            continue         # a clean refusal to write is fine
        try:
            load_any(out_dir / name)
        except Exception as exc:  # written but unreadable
            raise AssertionError(f"wrote {name} that its reader refuses: {exc}") from None


def refusal_types() -> tuple[type, ...]:
    from engine.cli import CliError
    from engine.formats.errors import FormatError
    from engine.model.checkpoint import CheckpointError

    return (FormatError, CheckpointError, CliError, ValueError, FileNotFoundError)


def open_case(case: Case, out_dir: Path) -> tuple[str, str]:
    """(outcome, detail) for one case; outcome is ok, refused, unclear or crash."""
    try:
        _open(case, out_dir)
    except AssertionError as exc:
        return "crash", str(exc)
    except refusal_types() as exc:
        text = str(exc)
        if "\n" in text or case.path.name not in text:
            return "unclear", text[:300]
        return "refused", text
    except BaseException as exc:  # noqa: BLE001 - sorting every outcome is the point
        if isinstance(exc, KeyboardInterrupt):
            raise
        return "crash", f"{type(exc).__name__}: {str(exc)[:200]}"
    return "ok", ""
