"""The SFT stage's curated data: bad samples are dropped, rare (action, style) pairs drawn
as often as common ones."""
import numpy as np

from training.curate import curated_weights
from training.data.shards import Sample, Segment
from training.procedural.sequence import make_sequence


def _sample(action, seed, style=None):
    clip = make_sequence([action], np.random.default_rng(seed))
    T = len(clip.positions)
    return Sample.from_labels(clip.positions, [action] * T, f"a person does {action}",
                              [Segment(0, T, action, action, style)])


def test_sunken_and_sliding_samples_are_dropped():
    good = [_sample("walk", k) for k in range(4)]
    sunk = _sample("walk", 9)
    sunk.positions = sunk.positions - np.array([0, 0.1, 0], np.float32)   # 10 cm underground
    slide = _sample("idle", 10)
    slide.positions = slide.positions.copy()
    slide.positions[:, :, 0] += np.arange(len(slide.positions))[:, None] * 0.05  # skates 1.25 m/s
    samples = good + [sunk, slide]
    lengths = np.array([s.num_frames for s in samples])
    w, report = curated_weights(samples, lengths)
    assert w[4] == 0 and w[5] == 0 and (w[:4] > 0).all() and np.isclose(w.sum(), 1.0)
    assert report["penetration"] == 1 and report["foot skate"] >= 1 and report["kept"] == 4


def test_rare_pairs_are_drawn_as_often_as_common_ones():
    common = [_sample("walk", k) for k in range(6)]
    rare = [_sample("walk", 20, style="zombie")]
    samples = common + rare
    lengths = np.array([s.num_frames for s in samples])
    w, _ = curated_weights(samples, lengths)
    share_rare = w[-1] / w.sum()
    plain_share = lengths[-1] / lengths.sum()
    assert share_rare > 3 * plain_share                 # 1 of 7 samples, ~half of the draws
    assert 0.3 < share_rare < 0.7
