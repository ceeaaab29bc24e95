"""Sampling from a tiny model trained here for a few seconds on synthetic walks and waves."""
import numpy as np
import pytest
import torch

from conftest import synthetic_motion
from engine.actions import ACTIONS
from engine.model import Cancelled, Conditioning, load_model, regenerate, sample
from engine.model.sampler import _windows
from engine.skeleton import JOINT_INDEX

WALK = "a person walks forward"
WAVE = "a person waves hello"


@pytest.fixture(scope="module")
def model(tiny_data, tmp_path_factory):
    from training.config import TrainConfig
    from training.loop import train

    torch.set_num_threads(1)
    cfg = TrainConfig.from_dict(dict(
        model="tiny", data_dir=str(tiny_data), crop_frames=64, min_crop_frames=32, batch_size=16,
        steps=300, warmup_steps=20, lr=2e-3, eval_interval=0, ckpt_interval=0, log_interval=100))
    run = tmp_path_factory.mktemp("sampler_run")
    done = train(cfg, run, resume="never", stdout=False)
    net, _ = load_model(done["model_path"])
    return net


def cond(enc, segments, n):
    return Conditioning.from_segments(enc, ", then ".join(s[3] for s in segments), segments, n)


def travel(pos, a=0, b=None):
    b = len(pos) - 1 if b is None else b
    return float(np.linalg.norm(pos[b, 0, [0, 2]] - pos[a, 0, [0, 2]]))


def test_same_seed_same_motion_other_seed_other_motion(model, text_encoder):
    c = cond(text_encoder, [(0, 80, "walk", WALK)], 80)
    a, b = sample(model, c, seed=3), sample(model, c, seed=3)
    other = sample(model, c, seed=4)
    assert np.array_equal(a.positions, b.positions)
    assert a.positions.shape == (80, 16, 3) and a.positions.dtype == np.float32
    assert np.abs(a.positions - other.positions).max() > 0.05      # centimetres apart, at least
    assert a.action_probs.shape == (80, len(ACTIONS)) and np.allclose(a.action_probs.sum(1), 1, atol=1e-4)


def test_text_and_action_decide_what_happens(model, text_encoder):
    walk = sample(model, cond(text_encoder, [(0, 100, "walk", WALK)], 100), seed=0)
    wave = sample(model, cond(text_encoder, [(0, 100, "wave", WAVE)], 100), seed=0)
    hand = JOINT_INDEX["r_hand"]
    assert travel(walk.positions) > 2.0 and travel(wave.positions) < 0.5
    assert wave.positions[:, hand, 1].mean() > walk.positions[:, hand, 1].mean() + 0.5
    assert walk.actions.count("walk") > 90 and wave.actions.count("wave") > 90


def test_each_segment_follows_its_own_text(model, text_encoder):
    g = sample(model, cond(text_encoder, [(0, 60, "walk", "walk forward"),
                                          (60, 120, "wave", "wave hello")], 120), seed=1)
    hand = g.positions[:, JOINT_INDEX["r_hand"], 1]
    assert travel(g.positions, 0, 55) > 1.0 and travel(g.positions, 65, 119) < 0.4
    assert hand[70:].mean() > hand[:50].mean() + 0.5


def test_long_clip_is_one_motion_without_seams(model, text_encoder):
    T = 750                                                    # 30 s, the model's window is 64
    c = cond(text_encoder, [(0, T, "walk", WALK)], T)
    starts = _windows(T, 64, 16, 2)
    assert len(starts) > 10
    edges = starts[1:] + [s + 64 for s in starts[:-1]]         # where windows begin and end
    ratios = []
    for seed in range(3):
        pos = sample(model, c, seed=seed).positions
        assert pos.shape == (T, 16, 3) and np.isfinite(pos).all()
        path = np.linalg.norm(np.diff(pos[:, 0, [0, 2]], axis=0), axis=1).sum()
        assert path > 20.0                                     # kept walking all the way
        # Worst joint acceleration in a 7-frame span around each window edge, against the same
        # everywhere. Independently sampled windows pasted together score about 1.5 here.
        acc = np.linalg.norm(np.diff(pos, 2, axis=0), axis=-1).max(1)
        peak = [acc[max(0, s - 4):s + 3].max() for s in range(4, T - 4)]
        ratios.append(np.mean([acc[max(0, e - 4):e + 3].max() for e in edges]) / np.mean(peak))
    assert np.mean(ratios) < 1.25


def test_regenerating_a_range_keeps_everything_else(model, text_encoder):
    c = cond(text_encoder, [(0, 120, "walk", WALK)], 120)
    pos = sample(model, c, seed=0).positions
    out = regenerate(model, c, pos, 40, 80, seed=9).positions
    keep = np.ones(120, bool)
    keep[40:80] = False
    assert np.array_equal(out[keep], pos[keep])
    assert np.abs(out[40:80] - pos[40:80]).max() > 0.02          # it did change
    jump = np.linalg.norm(np.diff(out, axis=0), axis=-1).max(1)
    typical = np.median(jump)
    assert jump[39] < 6 * typical and jump[79] < 6 * typical     # joins at both ends
    with pytest.raises(ValueError, match="frame range"):
        regenerate(model, c, pos, 80, 40)


def test_generation_passes_through_key_poses(model, text_encoder):
    stand = synthetic_motion("wave", 1, seed=0)[0]
    moved = stand + np.array([2.0, 0.0, 1.0], np.float32)
    c = cond(text_encoder, [(0, 100, "walk", WALK)], 100)
    g = sample(model, c, seed=2, keyposes={10: stand, 90: moved})
    assert np.abs(g.positions[10] - stand).max() < 1e-3
    assert np.abs(g.positions[90] - moved).max() < 1e-3
    with pytest.raises(ValueError, match="key pose frames"):
        sample(model, c, keyposes={100: stand})


def test_lengths_from_one_second_and_guidance(model, text_encoder):
    for n in (25, 63, 64, 65):
        c = cond(text_encoder, [(0, n, "walk", WALK)], n)
        assert sample(model, c, steps=4).positions.shape == (n, 16, 3)
    c = cond(text_encoder, [(0, 40, "wave", WAVE)], 40)
    a = sample(model, c, seed=1, guidance=2.0).positions
    assert np.array_equal(a, sample(model, c, seed=1, guidance=2.0).positions)
    assert not np.array_equal(a, sample(model, c, seed=1).positions)


def test_guidance_applies_to_the_first_steps_only(model, text_encoder):
    c = cond(text_encoder, [(0, 40, "wave", WAVE)], 40)
    plain = sample(model, c, seed=3, steps=4).positions
    full = sample(model, c, seed=3, steps=4, guidance=3.0).positions
    first_two = sample(model, c, seed=3, steps=4, guidance=3.0, guided_steps=2).positions
    # no guided step is no guidance; guiding every step is the default
    assert np.array_equal(sample(model, c, seed=3, steps=4, guidance=3.0,
                                 guided_steps=0).positions, plain)
    assert np.allclose(sample(model, c, seed=3, steps=4, guidance=3.0,
                              guided_steps=4).positions, full, atol=1e-5)
    assert not np.allclose(first_two, plain, atol=1e-4)
    assert not np.allclose(first_two, full, atol=1e-4)


class _CancelOnThirdLook:
    """A cancel flag that turns on the third time the sampler looks at it."""

    def __init__(self, looks: list) -> None:
        self.looks = looks

    @property
    def cancelled(self) -> bool:
        self.looks.append(1)
        return len(self.looks) > 2


def test_progress_and_cancel(model, text_encoder):
    c = cond(text_encoder, [(0, 50, "walk", WALK)], 50)
    seen = []
    sample(model, c, steps=5, progress=lambda fraction, message: seen.append(fraction))
    assert len(seen) == 5 and seen == sorted(seen) and seen[-1] == 1.0
    calls = []
    with pytest.raises(Cancelled):
        sample(model, c, steps=5, cancel=_CancelOnThirdLook(calls))


def test_conditioning_from_segments_fills_gaps_with_the_nearest(text_encoder):
    c = Conditioning.from_segments(text_encoder, "walk then wave",
                                   [(5, 20, "walk", "walk"), (25, 40, None, "wave")], 45)
    assert c.segment_embeddings.shape == (2, 384) and c.caption.shape == (384,)
    assert list(c.segment_index[[0, 10, 21, 24, 30, 44]]) == [0, 0, 0, 1, 1, 1]
    assert c.action_ids[0] == c.action_ids[19] != -1 and c.action_ids[30] == -1
    with pytest.raises(ValueError, match="unknown action"):
        Conditioning.from_segments(text_encoder, "x", [(0, 5, "moonwalk", "x")], 5)
