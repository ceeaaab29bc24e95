"""Procedural dances move like the real dance clips we ship: limb energy inside their range,
steps to the beat with the weight going from foot to foot, turns, and arm work."""
from __future__ import annotations

import numpy as np
import pytest

import training.procedural  # noqa: F401  (registers the generators)
from engine.formats.loader import load_mocap_catalogue
from engine.skeleton import JOINT_INDEX
from training.gait import limb_energy
from training.procedural.base import REGISTRY, ActionParams, contact_runs, sample_params

DANCES = ("dance_disco", "dance_hiphop", "dance_ballet", "dance_salsa", "spin")
SOCIAL = ("dance_disco", "dance_hiphop", "dance_salsa")


def run(name: str, seed: int = 0, **kw):
    return REGISTRY[name](ActionParams(**kw), np.random.default_rng(seed))


def joint(clip, name: str) -> np.ndarray:
    return clip.positions[:, JOINT_INDEX[name]]


def turned(clip) -> float:
    """Largest heading change over the clip (radians), from the hip line."""
    across = joint(clip, "l_hip") - joint(clip, "r_hip")
    return float(np.ptp(np.unwrap(np.arctan2(across[:, 2], across[:, 0]))))


@pytest.fixture(scope="module")
def real_range() -> tuple[float, float]:
    """Limb energy (m/s) of the shipped real dance clips (salsa pair, modern/ballet, AMP,
    DeepMimic)."""
    clips = load_mocap_catalogue(include=lambda row: "dance" in row.get("action_tags", ""))
    assert len(clips) >= 8
    energies = [limb_energy(c.motion.positions, c.motion.fps) for c in clips]
    return min(energies), max(energies)


def test_the_real_dances_span_what_we_aim_for(real_range):
    lo, hi = real_range
    assert 0.25 < lo < 0.4 and 1.0 < hi < 1.7, real_range


@pytest.mark.parametrize("name", DANCES)
def test_limb_energy_inside_the_real_dance_range(name, real_range):
    lo, hi = real_range
    rng = np.random.default_rng(11)
    energies = []
    for _ in range(8):   # every mood, tempo, size and body the dataset draws
        p = sample_params(rng, duration=float(rng.uniform(4.0, 10.0)))
        clip = REGISTRY[name](p, rng)
        energies.append(limb_energy(clip.positions, p.fps))
    assert lo <= np.mean(energies) <= hi, energies
    assert min(energies) > 0.9 * lo and max(energies) < 1.1 * hi, energies


@pytest.mark.parametrize("name", SOCIAL)
def test_social_dances_step_to_the_beat_and_shift_the_weight(name):
    clip = run(name, 3, duration=8.0)
    for k in range(2):
        assert len(contact_runs(~clip.contacts[:, k])) >= 4, "each foot steps again and again"
    pelvis = joint(clip, "pelvis")[:, [0, 2]]
    assert np.ptp(pelvis, axis=0).max() > 0.1, "the pelvis does not follow the weight"
    for s in "lr":  # arm work: hands move about the shoulders, not held still
        rel = joint(clip, f"{s}_hand") - joint(clip, f"{s}_shoulder")
        assert np.linalg.norm(np.diff(rel, axis=0), axis=-1).mean() * 25 > 0.4


@pytest.mark.parametrize("name", ("dance_disco", "dance_salsa"))
def test_long_dances_change_figure_and_turn(name):
    turns = [turned(run(name, seed, duration=12.0)) for seed in range(8)]
    assert max(turns) > 2 * np.pi - 0.2, "no dancer ever turns"
    assert min(turns) < 1.0, "every dancer turns: the plain figure is gone"


def test_counted_dances_keep_their_countable_figure():
    for name in ("dance_disco", "dance_salsa"):
        assert turned(run(name, 5, repeats=4, duration=9.0)) < 1.0


def test_hiphop_arms_change_figure_between_eight_counts():
    heights = []
    for seed in range(6):
        clip = run("dance_hiphop", seed, duration=12.0)
        heights.append(float((joint(clip, "r_hand")[:, 1] > joint(clip, "head")[:, 1]).mean()))
    assert max(heights) > 0.05, "nobody raises the roof"
    assert min(heights) == 0.0, "everybody raises the roof"


def test_ballet_adds_a_grand_battement():
    found = False
    for seed in range(6):
        clip = run("dance_ballet", seed, duration=8.0)
        fwd = np.stack([np.zeros(clip.num_frames), np.zeros(clip.num_frames),
                        np.ones(clip.num_frames)], -1)
        for s in "lr":
            foot = joint(clip, f"{s}_foot") - joint(clip, "pelvis")
            ahead = np.einsum("tc,tc->t", foot, fwd)
            found |= bool(((joint(clip, f"{s}_foot")[:, 1] > 0.3) & (ahead > 0.35)).any())
    assert found, "no leg brushes up in front"


def test_spin_prepares_from_fourth():
    clip = run("spin", 0, duration=5.0)
    gap = joint(clip, "l_foot")[:, 2] - joint(clip, "r_foot")[:, 2]
    both = clip.contacts.all(axis=1)
    assert (np.abs(gap[both]) > 0.2).any(), "the feet never stand apart front to back"
