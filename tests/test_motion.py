import numpy as np
import pytest

from engine.motion import Motion, concatenate
from engine.skeleton import rest_pose


def _walkish(T=50, speed=1.0, fps=25.0, action="walk"):
    pos = np.stack([rest_pose()] * T)
    pos[:, :, 2] += (np.arange(T) / fps * speed)[:, None]
    return Motion(pos, fps, [action] * T)


def test_defaults_and_validation():
    m = _walkish()
    assert m.num_frames == 50 and m.duration == pytest.approx(2.0)
    assert m.expressions == ["neutral"] * 50 and m.speech == [None] * 50
    with pytest.raises(ValueError, match="actions track has 3 entries for 50 frames"):
        Motion(m.positions, 25, ["walk"] * 3)
    with pytest.raises(ValueError, match="unknown expressions"):
        Motion(m.positions, 25, expressions=["grumpy"] * 50)


def test_slice_and_resample():
    m = _walkish(T=51)
    s = m.slice(10, 20)
    assert s.num_frames == 10
    np.testing.assert_array_equal(s.positions, m.positions[10:20])
    r = m.resample(50)
    assert r.num_frames == 101 and r.fps == 50
    np.testing.assert_allclose(r.positions[2], m.positions[1], atol=1e-6)
    np.testing.assert_allclose(r.positions[1], (m.positions[0] + m.positions[1]) / 2, atol=1e-6)
    back = r.resample(25)
    np.testing.assert_allclose(back.positions, m.positions, atol=1e-5)


def test_concatenate_is_continuous_and_labels_follow():
    a = _walkish(40, action="walk")
    b = _walkish(40, speed=0.0, action="idle")
    b.positions[:, :, 0] += 5.0  # far away: concatenation must bring it back
    c = concatenate([a, b], blend_frames=8)
    assert c.num_frames == 72
    steps = np.linalg.norm(np.diff(c.positions[:, 0], axis=0), axis=-1)
    assert steps.max() < 0.06  # no pop: at most ~1.5 m/s per 25 fps frame
    assert c.actions[0] == "walk" and c.actions[-1] == "idle"
