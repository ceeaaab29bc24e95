"""Smoke test of what ships: ``resources/models/stickgen-small.pt`` and its 4-step distilled
student ``stickgen-small-fast.pt`` load, and a short walk and a wave each generates are
plausible motions that the shipped judge
(``resources/models/motion-classifier.pt``) recognises. Every other test uses a tiny random
model, so this is the one that fails when the shipped checkpoint breaks.
"""
import collections

import numpy as np
import pytest

from resources import ROOT

MODEL = ROOT / "models" / "stickgen-small.pt"
FAST = ROOT / "models" / "stickgen-small-fast.pt"
JUDGE = ROOT / "models" / "motion-classifier.pt"


@pytest.fixture(scope="module", params=[MODEL, FAST], ids=["small", "small-fast"])
def shipped(request):
    from engine.generate import Generator
    from training.classifier import load_classifier

    return Generator(request.param).load(), load_classifier(JUDGE)


def _judged(judge_model, positions: np.ndarray) -> str:
    """The judge's majority label over the middle 60 % of the frames."""
    from training.classifier import judge

    labels = judge(judge_model, positions).labels
    T = len(labels)
    return collections.Counter(labels[int(0.2 * T):int(0.8 * T)]).most_common(1)[0][0]


def _plausible(motion) -> None:
    from engine.skeleton import max_bone_length_drift

    p = motion.positions
    assert np.isfinite(p).all() and p.shape[1:] == (len(motion.joints), 3)
    assert max_bone_length_drift(p) < 1e-3                 # bones keep their length
    feet = p[:, [motion.joints.index("l_foot"), motion.joints.index("r_foot")], 1]
    assert feet.min() > -0.02 and np.median(feet.min(axis=1)) < 0.1   # on, not under, the floor
    head = p[:, motion.joints.index("head"), 1]
    assert 1.3 < np.median(head) < 2.0                     # a standing adult's head height


@pytest.mark.parametrize("path", [MODEL, FAST], ids=["small", "small-fast"])
def test_the_shipped_checkpoint_loads_with_its_card_settings(path):
    from engine.model.checkpoint import load_model

    model, meta = load_model(path)
    assert meta.config.name == "small" and meta.kind == "model" and meta.step > 0
    assert (meta.config.width, meta.config.layers) == (256, 6)
    assert all(bool(np.isfinite(v.numpy()).all()) for v in model.state_dict().values())


def test_the_fast_model_samples_in_its_own_four_unguided_steps():
    from engine.generate import Generator
    from engine.model.checkpoint import load_model

    _, meta = load_model(FAST)
    sampler = meta.extra["sampler"]
    assert sampler["steps"] == 4 and sampler["guidance"] == 1.0
    assert sampler["times"] == [999, 750, 500, 0]          # the last pass: a clean-up at 0
    gen = Generator("small-fast").load()
    assert (gen.steps, gen.guidance, gen.times) == (4, 1.0, [999, 750, 500, 0])
    assert Generator("small").load().steps == 8


@pytest.mark.parametrize("seed", [0, 1])
def test_a_shipped_walk_walks(shipped, seed):
    from training import gait

    gen, judge_model = shipped
    motion = gen.generate("a person walks forward", 4.0, seed).motion
    assert motion.num_frames == 100 and motion.fps == 25.0
    _plausible(motion)
    g = gait.describe(motion.positions)
    assert 0.6 < g["speed_m_s"] < 2.2 and 1.2 < g["steps_per_s"] < 2.6
    assert g["arm_leg_corr"] < -0.3                        # arms swing against the legs
    assert _judged(judge_model, motion.positions) == "walk"


@pytest.mark.parametrize("seed", [0, 1])
def test_a_shipped_wave_waves(shipped, seed):
    gen, judge_model = shipped
    motion = gen.generate("a person waves hello", 3.0, seed).motion
    _plausible(motion)
    p, J = motion.positions, motion.joints
    pelvis = p[:, J.index("pelvis")]
    assert np.linalg.norm(pelvis[-1, [0, 2]] - pelvis[0, [0, 2]]) < 0.5   # stays in place
    raised = np.maximum(p[:, J.index("r_hand"), 1] - p[:, J.index("r_shoulder"), 1],
                        p[:, J.index("l_hand"), 1] - p[:, J.index("l_shoulder"), 1])
    assert (raised > 0).mean() > 0.5                       # a hand is up most of the time
    assert _judged(judge_model, motion.positions) == "wave"


def test_the_same_seed_gives_the_same_shipped_motion(shipped):
    gen, _ = shipped
    a = gen.generate("a person walks forward", 2.0, 7).motion.positions
    b = gen.generate("a person walks forward", 2.0, 7).motion.positions
    assert np.array_equal(a, b)
