"""Motion quality metrics shared by evaluation and benchmarks: physical plausibility (foot skate,
penetration, bone-length error, jerk), pose error, diversity and the Fréchet distance."""
from __future__ import annotations

import numpy as np

from engine.model.features import local_slice, to_features
from engine.physics import foot_skate_ratio, jerk, penetration
from engine.skeleton import REST_BONE_LENGTHS, bone_lengths


def bone_length_error(positions: np.ndarray) -> float:
    """Largest deviation of any bone from its median length over the clip, metres (a motion
    may have its own proportions; what must not happen is a bone changing length)."""
    lengths = bone_lengths(positions)[:, 1:]
    return float(np.abs(lengths - np.median(lengths, axis=0)).max()) if len(lengths) else 0.0


def canonical_bone_error(positions: np.ndarray) -> float:
    """Mean absolute deviation from the canonical rest bone lengths, metres."""
    return float(np.abs(bone_lengths(positions)[:, 1:] - REST_BONE_LENGTHS[1:]).mean())


def physical(positions: np.ndarray, fps: float = 25.0) -> dict[str, float]:
    return {"foot_skate": foot_skate_ratio(positions, fps),
            "penetration_m": penetration(positions),
            "bone_error_m": bone_length_error(positions),
            "jerk": jerk(positions, fps)}


def pose_error(a: np.ndarray, b: np.ndarray) -> float:
    """Mean joint distance (metres) between two motions' body poses, each in its own heading
    frame relative to its pelvis floor point, over the common frames (trajectory excluded)."""
    n = min(len(a), len(b))
    la = to_features(a[:n])[:, local_slice()].reshape(n, -1, 3)
    lb = to_features(b[:n])[:, local_slice()].reshape(n, -1, 3)
    return float(np.linalg.norm(la - lb, axis=-1).mean())


def frechet_distance(x: np.ndarray, y: np.ndarray) -> float:
    """FID between two sets of feature vectors (N, D) and (M, D)."""
    from scipy import linalg

    mu1, mu2 = x.mean(0), y.mean(0)
    s1, s2 = np.cov(x, rowvar=False), np.cov(y, rowvar=False)
    covmean = np.real(linalg.sqrtm(s1 @ s2))
    return float(((mu1 - mu2) ** 2).sum() + np.trace(s1 + s2 - 2 * covmean))


def diversity(groups: list[np.ndarray]) -> float:
    """Mean pairwise distance between embeddings of the same prompt under different seeds:
    groups is a list of (K, D) arrays, one per prompt."""
    d = []
    for g in groups:
        for i in range(len(g)):
            for j in range(i + 1, len(g)):
                d.append(float(np.linalg.norm(g[i] - g[j])))
    return float(np.mean(d)) if d else 0.0
