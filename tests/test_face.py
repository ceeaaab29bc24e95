"""Expressions blend continuously; defaults follow actions; speech mouths move at their rate."""
import numpy as np
import pytest

from engine.actions import EXPRESSIONS
from engine.face import (BLEND_SECONDS, EXPRESSION_PARAMS, SPEECH, ExpressionTrack, FaceTracks,
                         face_params, viseme_curve, with_expression)
from engine.motion import Motion
from engine.skeleton import rest_pose


def _still(T: int, fps: float = 25.0) -> Motion:
    return Motion(np.repeat(rest_pose()[None], T, axis=0), fps)


def test_six_expressions_are_distinct_and_read_right():
    assert set(EXPRESSION_PARAMS) == set(EXPRESSIONS)
    arrays = [EXPRESSION_PARAMS[e].as_array() for e in EXPRESSIONS]
    for i in range(len(arrays)):
        for j in range(i + 1, len(arrays)):
            assert np.abs(arrays[i] - arrays[j]).max() > 0.2
    p = EXPRESSION_PARAMS
    assert p["happy"].mouth_curve > 0.5 and p["sad"].mouth_curve < -0.5
    assert p["surprised"].mouth_open > 0.5 and p["surprised"].brow_height > 0.5
    assert p["angry"].brow_angle < -0.5 and p["sad"].brow_angle > 0.5


def test_blend_starts_at_the_key_ends_after_blend_time_and_is_continuous():
    fps = 25.0
    track = ExpressionTrack.from_labels(["neutral"] * 10 + ["happy"] * 40)
    n, h = EXPRESSION_PARAMS["neutral"].as_array(), EXPRESSION_PARAMS["happy"].as_array()
    assert np.allclose(track.params_at(10, fps).as_array(), n)
    assert np.allclose(track.params_at(10 + BLEND_SECONDS * fps, fps).as_array(), h)
    mid = track.params_at(10 + BLEND_SECONDS * fps / 2, fps).as_array()
    assert np.allclose(mid, (n + h) / 2)  # halfway in time is halfway in value: no snap
    frames = np.arange(0, 30, 0.05)
    vals = np.array([track.params_at(f, fps).as_array() for f in frames])
    steps = np.abs(np.diff(vals, axis=0)).max(axis=0)
    # A smoothstep over 7.5 frames moves at most 1.5/7.5 of the change per frame.
    assert np.all(steps <= np.abs(h - n) * 1.5 / (BLEND_SECONDS * fps) * 0.05 + 1e-9)


def test_keys_closer_than_the_blend_time_stay_continuous():
    track = ExpressionTrack.from_labels(["neutral"] * 10 + ["happy"] * 2 + ["sad"] * 20)
    before = track.params_at(12 - 1e-6, 25.0).as_array()
    after = track.params_at(12, 25.0).as_array()
    assert np.allclose(before, after, atol=1e-5)
    assert np.allclose(track.params_at(12 + 7.5, 25.0).as_array(),
                       EXPRESSION_PARAMS["sad"].as_array())


def test_defaults_come_from_actions_and_overrides_win():
    actions = ["idle"] * 10 + ["cheer"] * 10 + ["fall_down"] * 10
    track = ExpressionTrack.from_actions(actions)
    assert [(k.frame, k.expression) for k in track.keys] == [
        (0, "neutral"), (10, "excited"), (20, "surprised")]
    user = ExpressionTrack.from_list([{"frame": 10, "expression": "sad"},
                                      {"frame": 25, "expression": "angry"}])
    merged = track.merged(user)
    labels = merged.labels(30)
    assert labels[:10] == ["neutral"] * 10
    assert labels[10:20] == ["sad"] * 10
    assert labels[20:25] == ["surprised"] * 5 and labels[25:] == ["angry"] * 5
    with pytest.raises(ValueError, match="unknown expression"):
        merged.set(3, "smug")


def test_face_params_sees_edits_of_the_motion():
    m = _still(40)
    assert face_params(m, 20) == EXPRESSION_PARAMS["neutral"]
    m.expressions = ["angry"] * 40
    assert face_params(m, 20) == EXPRESSION_PARAMS["angry"]
    assert face_params(with_expression(m, "happy"), 5) == EXPRESSION_PARAMS["happy"]


def _rate(openness: np.ndarray, fps: float) -> tuple[float, float, float]:
    """(syllables per second, FFT peak in Hz, share of power below half the rate)."""
    closed = np.sum((openness[1:] > 0.02) & (openness[:-1] <= 0.02))
    x = openness - openness.mean()
    power = np.abs(np.fft.rfft(x * np.hanning(len(x)))) ** 2
    freq = np.fft.rfftfreq(len(x), 1 / fps)
    return closed / (len(x) / fps), float(freq[power.argmax()]), power, freq


@pytest.mark.parametrize("fps", [25.0, 30.0, 60.0])
@pytest.mark.parametrize("style", ["talk", "shout", "whisper", "sing"])
def test_speech_mouth_moves_at_its_rate_without_a_slow_beat(style, fps):
    n = int(6 * fps)
    m = _still(n, fps)
    m.speech = [style] * n
    openness = FaceTracks.from_motion(m).mouth_openness()
    core = openness[int(0.5 * fps): -int(0.5 * fps)]  # leave out the on/off ramps
    rate = SPEECH[style].rate_hz
    syllables, peak, power, freq = _rate(core, fps)
    assert abs(syllables - rate) / rate < 0.15
    assert abs(peak - rate) / rate < 0.25
    low = power[(freq > 0.3) & (freq < rate / 2)].sum() / power.sum()
    assert low < 0.12  # no slow flicker: almost nothing below half the syllable rate
    # And the curve is what the face shows: frames drawn with open mouths.
    opens = [face_params(m, f).mouth_open for f in range(n)]
    assert max(opens) > 0.2 and min(opens[int(fps):]) < 0.05


def test_a_sampled_sine_would_have_failed_the_same_check():
    # Why the viseme curve exists: a 10 Hz sine at 25 fps closes the mouth only every fifth
    # frame, so the eye sees 5 openings a second with a weak-strong pattern, not 10.
    t = np.arange(150) / 25.0
    sine = (1 - np.cos(2 * np.pi * 10 * t)) / 2
    syllables, _, _, _ = _rate(sine, 25.0)
    assert abs(syllables - 10) / 10 > 0.15
    assert viseme_curve(150, 25.0, "whisper").min() == 0.0


def test_speech_ramps_on_and_off():
    m = _still(100)
    m.speech = [None] * 20 + ["shout"] * 50 + [None] * 30
    mouth = FaceTracks.from_motion(m).mouth_openness()
    assert np.all(mouth[:20] == 0) and np.all(mouth[70:] == 0)
    raw = viseme_curve(50, 25.0, "shout", seed=20)  # the phrase's syllables, unramped
    assert np.allclose(mouth[25:65], raw[5:45])
    assert np.all(mouth[20:25] <= raw[:5] + 1e-12) and mouth[20:25].sum() < 0.7 * raw[:5].sum()
    assert np.all(mouth[65:70] <= raw[45:] + 1e-12) and mouth[65:70].sum() < 0.7 * raw[45:].sum()
