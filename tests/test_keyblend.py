"""Pose keys shape the motion around them: met exactly on their frame, eased into and out of
over a neighbourhood, no pop, bones whole; with a tiny model trained here on synthetic walks."""
import numpy as np
import pytest
import torch

from conftest import synthetic_motion
from engine.ik import two_bone_ik
from engine.model.keyblend import (blend_frames, honour_keys, join_seams, key_pop, key_weights,
                                   pose_steps, regenerated_frames)
from engine.model.features import headings
from engine.motion import Motion
from engine.skeleton import JOINT_INDEX, max_bone_length_drift

HAND, ELBOW, SHOULDER = JOINT_INDEX["r_hand"], JOINT_INDEX["r_elbow"], JOINT_INDEX["r_shoulder"]


@pytest.fixture(scope="module")
def gen(tiny_data, tmp_path_factory):
    from engine.generate import Generator
    from training.config import TrainConfig
    from training.loop import train

    torch.set_num_threads(1)
    cfg = TrainConfig.from_dict(dict(
        model="tiny", data_dir=str(tiny_data), crop_frames=64, min_crop_frames=32, batch_size=16,
        steps=300, warmup_steps=20, lr=2e-3, eval_interval=0, ckpt_interval=0, log_interval=100))
    done = train(cfg, tmp_path_factory.mktemp("keyblend_run"), resume="never", stdout=False)
    return Generator(done["model_path"]).load()


@pytest.fixture(scope="module")
def walk(gen):
    """A generated 4 s walk (physics-corrected), the motion the keys are made on."""
    base = Motion(synthetic_motion("walk", 100, 3), 25.0, ["walk"] * 100)
    return gen.through_keyposes(base, {0: base.positions[0]}, seed=4).motion


def raised_hand(pose: np.ndarray, lift) -> np.ndarray:
    """``pose`` (J, 3) with the right hand moved by ``lift`` (3,) through two-bone IK, bones
    kept: what dragging the hand in the app makes."""
    out = np.array(pose, dtype=np.float64)
    l1 = np.linalg.norm(out[ELBOW] - out[SHOULDER])
    l2 = np.linalg.norm(out[HAND] - out[ELBOW])
    pole = out[ELBOW] - 0.5 * (out[SHOULDER] + out[HAND]) + [0.0, -0.05, -0.1]
    mid, end = two_bone_ik(out[SHOULDER][None], (out[HAND] + lift)[None], l1, l2, pole[None])
    out[ELBOW], out[HAND] = mid[0], end[0]
    return out.astype(np.float32)


def body_frame(positions: np.ndarray) -> np.ndarray:
    """Joints relative to the pelvis's floor point, turned to face +Z: (T, J, 3)."""
    th = headings(positions)
    rel = positions - positions[:, :1] * np.array([1.0, 0.0, 1.0], np.float32)
    c, s = np.cos(-th)[:, None], np.sin(-th)[:, None]
    out = rel.copy()
    out[..., 0] = c * rel[..., 0] + s * rel[..., 2]
    out[..., 2] = -s * rel[..., 0] + c * rel[..., 2]
    return out


def test_weights_ease_in_and_out_and_close_keys_share_the_frames_between():
    w = key_weights([10, 40, 46], 60, 8)
    assert w[10, 0] == 1.0 and w[40, 1] == 1.0 and w[46, 2] == 1.0
    assert w[2, 0] == 0.0 and w[18, 0] == 0.0 and 0.0 < w[14, 0] < 1.0     # 8 frames each way
    assert np.all(np.diff(w[10:19, 0]) <= 0) and np.all(np.diff(w[2:11, 0]) >= 0)
    # Keys 6 frames apart: neither reaches past the other, and between them they sum to one,
    # so each is met exactly and the difference glides from one to the other.
    assert w[46, 1] == 0.0 and w[40, 2] == 0.0
    np.testing.assert_allclose(w[40:47, 1] + w[40:47, 2], 1.0)
    assert blend_frames(0.4, 25.0) == 10
    with pytest.raises(ValueError):
        blend_frames(-1.0, 25.0)


def test_honouring_keys_meets_them_keeps_bones_and_reaches_as_far_as_set():
    pos = synthetic_motion("walk", 120, 5)
    keys = {40: raised_hand(pos[40], [0.0, 0.45, 0.15]),
            46: raised_hand(pos[46], [0.1, 0.5, 0.0]),
            90: raised_hand(pos[90], [0.0, 0.3, 0.3])}
    out = honour_keys(pos, keys, 10)
    for f, k in keys.items():
        assert np.abs(out[f] - k).max() < 1e-3                       # each key on its frame
    assert max_bone_length_drift(out) < 1e-4                        # limbs whole in between
    near, ordinary = key_pop(out, list(keys), near=3, away=13)
    assert near <= 1.5 * ordinary
    np.testing.assert_array_equal(out[:30], pos[:30])                # beyond the reach: as was
    np.testing.assert_array_equal(out[101:], pos[101:])
    wider = honour_keys(pos, keys, 25)
    assert np.abs(wider[25] - pos[25]).max() > 0.05                  # now it reaches frame 25
    with pytest.raises(ValueError, match="key pose frames"):
        honour_keys(pos, {120: pos[0]}, 10)


def test_a_remade_stretch_is_eased_onto_the_kept_motion_at_both_ends():
    base = synthetic_motion("walk", 80, 2)
    remade = np.zeros(80, bool)
    remade[30:50] = True
    other = synthetic_motion("walk", 80, 9)                          # another gait, elsewhere
    other = other - other[:1, :1] * [1, 0, 1] + base[30:31, :1] * [1, 0, 1]
    moved = np.where(remade[:, None, None], other, base).astype(np.float32)
    joined = join_seams(moved, base, remade, 5)
    np.testing.assert_array_equal(joined[~remade], base[~remade])
    np.testing.assert_array_equal(joined[36:44], moved[36:44])       # the middle is the new one
    assert pose_steps(joined)[[29, 49]].max() < 0.5 * pose_steps(moved)[[29, 49]].max()
    assert max_bone_length_drift(joined) < 1e-4


def test_a_key_is_eased_into_and_out_of_without_a_pop(gen, walk):
    key = raised_hand(walk.positions[50], [0.05, 0.45, 0.15])
    popped = gen.through_keyposes(walk, {50: key}, seed=4, key_blend_s=0.0).motion.positions
    eased = gen.through_keyposes(walk, {50: key}, seed=4).motion.positions   # 0.4 s default
    for pos in (popped, eased):
        assert np.abs(pos[50] - key).max() < 1e-3                    # met on its frame, 1 mm
    # The pop: the largest pose change between neighbouring frames within 3 frames of the
    # key, against this motion's ordinary fast frame-to-frame change away from it.
    near, ordinary = key_pop(popped, [50], near=3, away=13)
    assert near > 2.0 * ordinary                                     # one-frame key pops
    near, ordinary = key_pop(eased, [50], near=3, away=13)
    assert near <= 1.5 * ordinary, (near, ordinary)
    assert max_bone_length_drift(eased) < 1e-4
    assert eased[..., 1].min() > -1e-4                               # nothing under the floor
    # The rest of the take stays as it was; where the remade stretch hands over, no jump.
    remade = regenerated_frames([50], 100, 10, 5)
    assert np.flatnonzero(remade).tolist() == list(range(35, 66))
    np.testing.assert_array_equal(eased[~remade], walk.positions[~remade])
    steps = pose_steps(eased)
    assert max(steps[32:38].max(), steps[63:69].max()) <= 1.5 * ordinary
    # Frames around the key lean into it: the hand is already most of the way up.
    body, k = body_frame(eased), body_frame(key[None])[0]
    before = body_frame(popped)
    for f in (47, 53):
        assert np.linalg.norm(body[f, HAND] - k[HAND]) < 0.5 * np.linalg.norm(
            before[f, HAND] - k[HAND])


def test_several_keys_are_each_met(gen, walk):
    keys = {20: raised_hand(walk.positions[20], [0.0, 0.4, 0.2]),
            26: raised_hand(walk.positions[26], [0.1, 0.5, 0.1]),
            70: raised_hand(walk.positions[70], [-0.1, 0.3, 0.3])}
    pos = gen.through_keyposes(walk, keys, seed=4, key_blend_s=0.4).motion.positions
    for f, k in keys.items():
        assert np.abs(pos[f] - k).max() < 1e-3
    near, ordinary = key_pop(pos, list(keys), near=3, away=13)
    assert near <= 1.5 * ordinary, (near, ordinary)
    assert max_bone_length_drift(pos) < 1e-4


def test_the_neighbourhood_sets_how_far_a_key_reaches(gen, walk):
    key = raised_hand(walk.positions[50], [0.05, 0.45, 0.15])
    k = body_frame(key[None])[0, HAND]

    def gap(seconds: float, frame: int) -> float:
        pos = gen.through_keyposes(walk, {50: key}, seed=4, key_blend_s=seconds).motion.positions
        return float(np.linalg.norm(body_frame(pos)[frame, HAND] - k))

    # 8 frames (0.32 s) out, a 0.2 s neighbourhood has let go and a 1 s one still holds on.
    assert gap(1.0, 42) < 0.5 * gap(0.2, 42)
    assert gap(1.0, 58) < 0.5 * gap(0.2, 58)
    # Made shorter again, the blend takes the longer one's bend away when told how far it
    # reached; otherwise the frames beyond its own reach keep that bend.
    wide = gen.through_keyposes(walk, {50: key}, seed=4, key_blend_s=1.0).motion
    kept = gen.through_keyposes(wide, {50: key}, seed=4, key_blend_s=0.2).motion.positions
    gone = gen.through_keyposes(wide, {50: key}, seed=4, key_blend_s=0.2,
                                remake_s=1.0).motion.positions
    np.testing.assert_array_equal(kept[:35], wide.positions[:35])
    for f in (40, 60):
        assert np.linalg.norm(body_frame(gone)[f, HAND] - k) > \
            1.5 * np.linalg.norm(body_frame(kept)[f, HAND] - k)


def test_a_prompt_generation_honours_keys(gen, walk):
    key = raised_hand(walk.positions[30], [0.0, 0.45, 0.2])
    r = gen.generate("a person walks forward", 3.0, seed=1, keyposes={30: key})
    pos = r.motion.positions
    assert np.abs(pos[30] - key).max() < 1e-3
    assert r.motion.actions[30] == "walk"
    near, ordinary = key_pop(pos, [30], near=3, away=13)
    assert near <= 1.5 * ordinary, (near, ordinary)
    with pytest.raises(ValueError, match="key pose frames"):
        gen.generate("a person walks forward", 1.0, seed=1, keyposes={30: key})
