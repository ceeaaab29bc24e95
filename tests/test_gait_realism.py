"""Procedural walks and runs have the gait statistics of the real clips we ship: cadence, arm-leg
opposition that is not locked (real walks about -0.6, runs about -0.67), the flight share of a
real run and how high the feet are lifted. The real ranges are measured here from the shipped
CMU clips, the same way (training.gait)."""
from __future__ import annotations

import numpy as np
import pytest

import training.procedural  # noqa: F401  (registers the generators)
from engine.formats.loader import load_mocap_catalogue
from training import gait
from training.procedural.base import REGISTRY, sample_params

# real level-ground walks and runs (not the uneven-terrain or start-walk-stop takes)
PLAIN = {"walk", "slow walk", "brisk walk", "run/jog"}


def measure(positions: np.ndarray, fps: float) -> dict[str, float]:
    d = gait.describe(positions, fps)
    d["swing_m"] = gait.swing_clearance(positions)
    return d


@pytest.fixture(scope="module")
def real() -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {"walk": [], "run": []}
    clips = load_mocap_catalogue(include=lambda row: row["description"] in PLAIN
                                 or row["description"].startswith("AMP reference motion: run")
                                 or row["description"].startswith("AMP reference motion: walk"))
    for c in clips:
        out["run" if "run" in c.caption else "walk"].append(measure(c.motion.positions,
                                                                    c.motion.fps))
    assert len(out["walk"]) >= 8 and len(out["run"]) >= 2
    return out


def generated(name: str, n: int = 10) -> list[dict]:
    rng = np.random.default_rng(21)
    rows = []
    for _ in range(n):
        p = sample_params(rng, duration=8.0, variant="steady", mood="neutral")
        rows.append(measure(REGISTRY[name](p, rng).positions, p.fps))
    return rows


def span(rows, key) -> tuple[float, float]:
    vals = [r[key] for r in rows]
    return min(vals), max(vals)


def mean(rows, key) -> float:
    return float(np.mean([r[key] for r in rows]))


def test_walks_have_real_cadence_opposition_and_foot_lift(real):
    ours = generated("walk")
    for key in ("steps_per_s", "arm_leg_corr"):
        lo, hi = span(real["walk"], key)
        assert lo <= mean(ours, key) <= hi, (key, mean(ours, key), (lo, hi))
    # arms follow the legs loosely, as in the real walks, not locked to them
    assert -0.8 < mean(ours, "arm_leg_corr") < -0.5
    assert span(ours, "arm_leg_corr")[1] - span(ours, "arm_leg_corr")[0] > 0.1, "no variation"
    lo, hi = span(real["walk"], "swing_m")
    assert 0.8 * lo <= mean(ours, "swing_m") <= hi


def test_runs_fly_like_real_runs(real):
    ours = generated("run")
    lo, hi = span(real["run"], "flight")
    assert lo - 0.05 <= mean(ours, "flight") <= hi + 0.05, (mean(ours, "flight"), (lo, hi))
    assert mean(ours, "flight") > 0.5
    lo, hi = span(real["run"], "steps_per_s")
    assert lo - 0.15 <= mean(ours, "steps_per_s") <= hi + 0.15
    assert -0.8 < mean(ours, "arm_leg_corr") < -0.55
    lo, hi = span(real["run"], "swing_m")
    assert 0.8 * lo <= mean(ours, "swing_m") <= 1.2 * hi
