"""Real clips in the dataset: weighted to a share of the training frames, labelled with their
action, worded without sides the recording may not show, and split by recording."""
from __future__ import annotations

import numpy as np
import pytest

from engine.formats.loader import load_mocap_catalogue
from training.data.build import REAL_WINDOW_S, BuildConfig, build, real_samples
from training.data.real_windows import (real_split, real_target_frames, window_texts,
                                        windows_per_clip)
from training.data.shards import read_split


@pytest.fixture(scope="module")
def clips():
    chosen = ("002_01.bvh.gz", "002_03.bvh.gz", "60_01_scaled.bvh.gz", "131_03.bvh.gz",
              "amp_humanoid_hop_positions.npz", "005_02.bvh.gz")
    entries = load_mocap_catalogue(include=lambda row: row["file"].endswith(chosen))
    return [(e.clip_id, e.trial, e.motion, e.caption) for e in entries]


def test_windows_reach_the_target_share_in_proportion_to_length(clips):
    target = 20000.0
    windows = windows_per_clip(clips, target, REAL_WINDOW_S)
    train = {cid: m for cid, trial, m, _ in clips if real_split(trial or cid) == "train"}
    assert set(windows) == set(train)
    frames = sum(n * min(train[c].num_frames, int(REAL_WINDOW_S * train[c].fps))
                 for c, n in windows.items())
    assert abs(frames - target) < 0.1 * target
    longest = max(train, key=lambda c: train[c].num_frames)
    assert windows[longest] == max(windows.values())
    assert real_target_frames(880, 0.12) == pytest.approx(120.0)
    with pytest.raises(ValueError):
        real_target_frames(100, 1.0)


def test_real_windows_are_labelled_and_say_no_side(clips):
    out = real_samples(clips, 0, 2, windows=None)
    for split, samples in out.items():
        for s in samples:
            label = {g.action for g in s.segments}
            assert len(label) == 1 and label <= {"walk", "run", "dance_salsa", "hop",
                                                 "dance_ballet"}
            for g in s.segments:
                assert "left" not in g.text and "right" not in g.text, g.text
            assert "reference motion" not in s.caption and "retargeted" not in s.caption


def test_window_texts_keep_descriptions_and_build_sentences_from_single_words():
    rng = np.random.default_rng(0)
    caption, text = window_texts("AMP reference motion: hop (retargeted CMU mocap)", "hop",
                                 rng, "train")
    # a one-word description becomes a sentence around the action's phrasing
    assert caption.endswith(text) and len(caption) > len(text) and "AMP" not in caption
    caption, _ = window_texts("dance - expressive arms, pirouette", "dance_ballet", rng, "train")
    assert caption == "dance - expressive arms, pirouette"


def test_build_gives_real_clips_their_weight(tmp_path, clips):
    summary = build(BuildConfig(tmp_path / "ds", samples=30, seed=3, mocap_weight=0.3),
                    lambda: clips, progress=False)
    assert 0.25 < summary["real_train_frame_share"] < 0.4, summary["real_train_frame_share"]
    plain = build(BuildConfig(tmp_path / "plain", samples=30, seed=3, mocap_weight=0.0,
                              real_repeats=1), lambda: clips, progress=False)
    assert plain["real_train_frame_share"] < summary["real_train_frame_share"]
    train = read_split(tmp_path / "ds" / "train")
    assert any(s.source.startswith("mocap:") for s in train)
