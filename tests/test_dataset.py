import hashlib

import numpy as np
import pytest

from engine.actions import ACTIONS
from engine.skeleton import JOINT_INDEX as J, check_constant_bone_lengths
from training.data.build import BuildConfig, build, mirror_sample, procedural_sample
from training.data.captions import PHRASE_SPLITS, mirror_text
from training.data.shards import Sample, Segment, read_split


def _real_clips():
    """Two tiny 'real' clips so the test does not parse every shipped BVH."""
    from engine.formats.loader import load_mocap_catalogue

    clips = load_mocap_catalogue(include=lambda row: row["file"].endswith(("002_01.bvh.gz", "131_03.bvh.gz")))
    return [(c.clip_id, c.trial, c.motion, c.caption) for c in clips]


def _digest(folder):
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*.npz")):
        h.update(p.relative_to(folder).as_posix().encode())
        h.update(p.read_bytes())
    return h.hexdigest()


def test_build_is_deterministic_and_complete(tmp_path):
    real = _real_clips()
    assert len(real) == 2
    a = build(BuildConfig(tmp_path / "a", samples=40, seed=7, real_repeats=2), lambda: real,
              progress=False)
    build(BuildConfig(tmp_path / "b", samples=40, seed=7, real_repeats=2), lambda: real,
              progress=False)
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")
    build(BuildConfig(tmp_path / "c", samples=40, seed=8, real_repeats=2), lambda: real,
              progress=False)
    assert _digest(tmp_path / "c") != _digest(tmp_path / "a")
    assert sum(a["splits"].values()) >= 40 and 0 < a["real_frame_share"] < 1
    train = read_split(tmp_path / "a" / "train")
    assert any(s.source.startswith("mocap:") for s in train + read_split(tmp_path / "a" / "test")
               + read_split(tmp_path / "a" / "val"))
    for s in train:
        assert s.positions.shape[0] == len(s.action_ids) and s.segments
        assert s.segments[0].start == 0 and s.segments[-1].stop == s.num_frames
        check_constant_bone_lengths(s.positions, 1e-4)
        assert s.positions[..., 1].min() > -0.011


def test_held_out_captions_never_in_training():
    held_out = {p for a in PHRASE_SPLITS for split in ("val", "test")
                for p in PHRASE_SPLITS[a][split]}
    train_phrases = {p for a in PHRASE_SPLITS for p in PHRASE_SPLITS[a]["train"]}
    assert not held_out & train_phrases
    seen_splits = set()
    for i in range(60):
        split, s = procedural_sample(3, i)
        seen_splits.add(split)
        for g in s.segments:
            # every segment text starts with a phrasing (placeholders filled) of its own split
            options = [p.split("{")[0].strip() for p in PHRASE_SPLITS[g.action][split]]
            options += [mirror_text(o) for o in options]
            assert any(g.text.startswith(o) for o in options), (split, g.action, g.text)
    assert "train" in seen_splits


def test_mirror_swaps_sides_labels_and_words():
    T = 10
    from engine.skeleton import rest_pose
    pos = np.stack([rest_pose()] * T)
    pos[:, J["l_hand"], 1] += 0.6  # left hand up
    s = Sample.from_labels(pos, ["turn_left"] * T, "a man turns left waving the left hand",
                           [Segment(0, T, "turn_left", "turns left")])
    m = mirror_sample(s)
    assert m.positions[0, J["r_hand"], 1] == pytest.approx(pos[0, J["l_hand"], 1])
    assert ACTIONS[m.action_ids[0]] == "turn_right" and m.segments[0].action == "turn_right"
    assert m.caption == "a man turns right waving the right hand"
