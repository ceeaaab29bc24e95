"""Motion styles in the procedural data: every style makes plausible motion that differs from
neutral in the physical numbers it should, the dataset build stores and captions styles, old
shards still load, and the style classifier trains, saves and loads."""
from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest

from engine.motion_styles import STYLES
from training.data.build import BuildConfig, build, mirror_sample
from training.data.captions import segment_text
from training.data.shards import Sample, Segment, read_shard, read_split, write_shard
from training.data.style_words import STYLE_SPLITS
from training.procedural import REGISTRY, sample_params
from training.procedural.plausibility import problems
from training.procedural.styles import GESTURE_STYLES, GESTURES, LOCOMOTION, styles_for
from training.style_metrics import style_means


@pytest.mark.parametrize("style", STYLES)
def test_every_styled_action_is_plausible(style):
    for action in LOCOMOTION + GESTURES:
        if style not in styles_for(action):
            continue
        rng = np.random.default_rng([3, len(action)])
        p = sample_params(rng, duration=3.5, style=style)
        clip = REGISTRY[action](p, rng)
        assert clip.params.style == style
        assert problems(clip) == [], (action, style, problems(clip))


def test_no_style_is_the_neutral_motion():
    for action in ("walk", "idle", "wave"):
        a = REGISTRY[action](sample_params(np.random.default_rng(1)), np.random.default_rng(2))
        b = REGISTRY[action](replace(sample_params(np.random.default_rng(1)), style=None),
                             np.random.default_rng(2))
        np.testing.assert_array_equal(a.positions, b.positions)


# What each style must do to a walk, against the neutral walk of the same bodies and
# parameters: (measure, op, value); op ">=r" / "<=r" bounds the ratio style / neutral, ">=d" /
# "<=d" the difference style - neutral (degrees for pitches and bends, metres for lengths).
WALK_EXPECT = {
    "elderly": [("trunk_pitch", ">=d", 10.0), ("speed", "<=r", 0.8)],
    "tired": [("speed", "<=r", 0.8), ("head_pitch", ">=d", 15.0), ("arm_swing", "<=r", 0.7)],
    "injured": [("asymmetry", ">=d", 0.15), ("speed", "<=r", 0.8)],
    "proud": [("trunk_pitch", "<=d", -2.0), ("head_pitch", "<=d", -5.0), ("stride", ">=r", 1.05)],
    "sad": [("head_pitch", ">=d", 20.0), ("arm_swing", "<=r", 0.5)],
    "happy": [("arm_swing", ">=r", 1.05), ("knee_lift", ">=r", 1.15), ("bob", ">=r", 1.15)],
    "angry": [("speed", ">=r", 1.1), ("cadence", ">=r", 1.08), ("trunk_pitch", ">=d", 2.0)],
    "sneaky": [("pelvis_height", "<=d", -0.03), ("knee_bend", ">=d", 15.0),
               ("speed", "<=r", 0.7)],
    "zombie": [("hands_forward", ">=d", 0.3), ("arm_swing", "<=r", 0.2), ("speed", "<=r", 0.7)],
    "drunk": [("sway", ">=r", 3.0)],
    "robotic": [("jerk", ">=r", 2.0), ("sway", "<=r", 0.6)],
    "heavy": [("stance_width", ">=r", 1.3), ("sway", ">=r", 2.0), ("speed", "<=r", 0.85)],
    "bouncy": [("bob", ">=r", 1.4), ("knee_lift", ">=r", 1.15)],
    "stiff": [("knee_bend", "<=d", -3.0), ("arm_swing", "<=r", 0.5), ("knee_lift", "<=r", 0.75)],
    "relaxed": [("sway", ">=r", 1.4), ("speed", "<=r", 0.95), ("arm_swing", ">=r", 1.05)],
    "childlike": [("cadence", ">=r", 1.12), ("stride", "<=r", 0.9)],
    "cautious": [("speed", "<=r", 0.7), ("hand_width", ">=d", 0.15), ("head_pitch", ">=d", 8.0)],
    "hurried": [("speed", ">=r", 1.2), ("cadence", ">=r", 1.1), ("trunk_pitch", ">=d", 3.0)],
    "swaggering": [("stance_width", ">=r", 1.3), ("sway", ">=r", 1.5), ("cadence", "<=r", 0.85)],
    "graceful": [("stride", ">=r", 1.1), ("stance_width", "<=r", 0.85)],
    "penguin": [("stride", "<=r", 0.55), ("arm_swing", "<=r", 0.1), ("sway", ">=r", 2.5),
                ("knee_bend", "<=d", -5.0)],
}


def _check(m: dict, base: dict, expect) -> list[str]:
    bad = []
    for key, op, value in expect:
        x = m[key] / base[key] if op.endswith("r") else m[key] - base[key]
        ok = x >= value if op.startswith(">=") else x <= value
        if not ok:
            bad.append(f"{key}: {m[key]:.3f} vs neutral {base[key]:.3f} ({op} {value})")
    return bad


@pytest.fixture(scope="module")
def neutral_walk():
    return style_means("walk", None, seeds=range(4))


@pytest.mark.parametrize("style", STYLES)
def test_styled_walk_differs_from_neutral(style, neutral_walk):
    m = style_means("walk", style, seeds=range(4))
    assert _check(m, neutral_walk, WALK_EXPECT[style]) == []


def test_every_style_has_walk_expectations():
    assert set(WALK_EXPECT) == set(STYLES)


def test_styles_show_while_standing_and_gesturing():
    idle = style_means("idle", None, seeds=range(3))
    assert _check(style_means("idle", "elderly", seeds=range(3)), idle,
                  [("trunk_pitch", ">=d", 10.0)]) == []
    assert _check(style_means("idle", "zombie", seeds=range(3)), idle,
                  [("hands_forward", ">=d", 0.3)]) == []
    assert _check(style_means("idle", "drunk", seeds=range(3)), idle,
                  [("sway", ">=r", 2.0)]) == []
    wave = style_means("wave", None, seeds=range(3))
    assert _check(style_means("wave", "elderly", seeds=range(3)), wave,
                  [("trunk_pitch", ">=d", 10.0)]) == []
    assert _check(style_means("wave", "sad", seeds=range(3)), wave,
                  [("head_pitch", ">=d", 20.0)]) == []
    assert _check(style_means("wave", "robotic", seeds=range(3)), wave,
                  [("jerk", ">=r", 1.3)]) == []
    assert _check(style_means("wave", "childlike", seeds=range(3)), wave,
                  [("bob", ">=d", 0.02)]) == []
    assert _check(style_means("wave", "relaxed", seeds=range(3)), wave,
                  [("sway", ">=d", 0.015)]) == []
    assert set(GESTURE_STYLES) <= set(STYLES)


def test_captions_say_the_style_with_split_phrasings():
    rng = np.random.default_rng(0)
    for style in STYLES:
        for split in ("train", "val", "test"):
            text = segment_text("walk", rng, split, style=style, mood="tired")
            assert any(w in text for w in STYLE_SPLITS[style][split]), (style, split, text)
        held_out = STYLE_SPLITS[style]["val"] + STYLE_SPLITS[style]["test"]
        assert not set(held_out) & set(STYLE_SPLITS[style]["train"])


def test_build_stores_and_captions_styles(tmp_path):
    summary = build(BuildConfig(out=tmp_path, samples=80, seed=0), load_real=lambda: [],
                    progress=False)
    styled = [(g, s) for split in ("train", "val", "test") if (tmp_path / split).exists()
              for s in read_split(tmp_path / split) for g in s.segments if g.style]
    assert len(styled) >= 5
    for g, s in styled:
        assert g.style in styles_for(g.action)
        words = [w for ws in STYLE_SPLITS[g.style].values() for w in ws]
        assert any(w in g.text for w in words), g.text
        assert g.text in s.caption
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert sum(v for k, v in manifest["train_segments_per_style"].items() if k != "neutral") > 0
    assert summary["splits"]["train"] > 0


def test_shards_keep_styles_and_old_shards_load(tmp_path):
    T = 10
    pos = np.zeros((T, 16, 3), np.float32)
    ids = np.zeros(T, np.int16)
    s = Sample(pos, ids, "a man walks like a zombie",
               [Segment(0, 5, "walk", "walks like a zombie", "zombie"),
                Segment(5, T, "idle", "stands still")])
    write_shard(tmp_path / "new.npz", [s])
    back = read_shard(tmp_path / "new.npz")[0]
    assert [g.style for g in back.segments] == ["zombie", None]
    assert mirror_sample(back).segments[0].style == "zombie"
    # a shard written before styles: four fields per segment
    with np.load(tmp_path / "new.npz") as z:
        arrays = dict(z)
    meta = json.loads(str(arrays["meta"]))
    for m in meta:
        m["segments"] = [seg[:4] for seg in m["segments"]]
    arrays["meta"] = np.array(json.dumps(meta))
    with open(tmp_path / "old.npz", "wb") as fh:
        np.savez(fh, **arrays)
    old = read_shard(tmp_path / "old.npz")[0]
    assert [g.style for g in old.segments] == [None, None]
    assert old.segments[0].text == "walks like a zombie"


def test_style_classifier_trains_saves_and_loads(tmp_path):
    import torch

    from training.style_classifier import (CLASSES, load_style_classifier, predict_style,
                                           save_style_classifier, style_windows,
                                           train_style_classifier)
    torch.set_num_threads(1)
    data = style_windows(1, seed=5, neutral_factor=1)
    assert len(data) == len(CLASSES) == len(STYLES) + 1
    model, report = train_style_classifier(data, data, steps=3, batch=4, log=lambda s: None)
    assert set(report["per_style"]) == set(CLASSES)
    save_style_classifier(tmp_path / "s.pt", model, report)
    loaded = load_style_classifier(tmp_path / "s.pt")
    clip = REGISTRY["walk"](sample_params(np.random.default_rng(0), style="zombie"),
                            np.random.default_rng(0))
    a, pa = predict_style(model, clip.positions)
    b, pb = predict_style(loaded, clip.positions)
    assert a == b and a in CLASSES
    np.testing.assert_allclose(pa, pb, atol=1e-6)


def test_shipped_style_classifier_recognises_styled_walks():
    from pathlib import Path

    import torch

    from training.style_classifier import load_style_classifier, predict_style
    path = Path(__file__).resolve().parents[1] / "resources" / "models" / "style-classifier.pt"
    assert path.stat().st_size < 2_000_000
    torch.set_num_threads(1)
    model = load_style_classifier(path)
    right = 0
    for i, style in enumerate((None, *STYLES)):
        rng = np.random.default_rng([99, i])
        p = sample_params(rng, duration=3.6, style=style, mood="neutral", variant="steady")
        got, _ = predict_style(model, REGISTRY["walk"](p, rng).positions)
        right += got == (style or "neutral")
    assert right >= 18, f"{right} of 22 styled walks recognised"   # 19 when shipped
