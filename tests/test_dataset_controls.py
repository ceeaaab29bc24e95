"""Training crops with the generator's controls: a known root path and a standing start."""
import numpy as np

from engine.model.features import FeatureStats, PATH_CHANNELS, local_slice
from training.data.shards import read_split
from training.dataset import CropDataset, compute_features, ensure_text_cache, sample_texts


def _dataset(tiny_data):
    samples = read_split(tiny_data / "train")
    feats = compute_features(samples)
    table = ensure_text_cache(tiny_data, sample_texts(samples), "all-MiniLM-L6-v2")
    return CropDataset(samples, feats, FeatureStats.compute(feats), table, 0)


def test_path_masks_give_only_root_path_channels(tiny_data):
    ds = _dataset(tiny_data)
    rng = np.random.default_rng(3)
    b = ds.batch(rng, 64, 16, 32, inpaint_prob=0.0, path_prob=1.0)
    mask = b.known_mask.numpy().astype(bool)                    # (B, L, C)
    C = mask.shape[2]
    others = np.ones(C, bool)
    others[PATH_CHANNELS] = False
    others[0] = False
    assert not mask[..., others].any()                          # pose and contacts stay free
    per_crop = mask.any(axis=(1, 2))
    assert per_crop.mean() > 0.9                                # (a span may be empty)
    full = mask[..., PATH_CHANNELS].all(axis=2).sum(1) == b.valid.numpy().sum(1)
    steer = mask[..., [1, 3]].all(2).any(1) & ~mask[..., 2].any(1)
    assert full.any() and steer.any()                           # both kinds are drawn
    height = mask[..., 0].any(1)
    assert height.any() and not (height & mask[..., PATH_CHANNELS].any((1, 2))).any()
    assert not mask[b.valid.numpy() == 0].any()                 # padding is never "known"


def test_start_crops_begin_at_the_sequence_start_with_its_pose(tiny_data):
    ds = _dataset(tiny_data)
    b = ds.batch(np.random.default_rng(0), 64, 16, 32, start_prob=1.0)
    x0 = b.x0.numpy()
    firsts = np.stack([f[0] for f in ds.feats])                 # every sample's frame 0
    dist = np.abs(x0[:, 0, None, :] - firsts[None]).max(-1).min(1)
    assert np.all(dist < 1e-6)                                  # every crop starts at frame 0
    mask = b.known_mask.numpy().astype(bool)
    loc = local_slice((x0.shape[2] - 6) // 3)
    with_pose = mask[:, 0, loc].all(1)
    assert 0.5 < with_pose.mean() < 0.9                         # most, not all, know the pose
    assert not mask[:, 1:, loc].any()


def test_without_controls_no_crop_gets_a_control_mask(tiny_data):
    ds = _dataset(tiny_data)
    b = ds.batch(np.random.default_rng(5), 64, 16, 32, inpaint_prob=1.0)
    mask = b.known_mask.numpy().astype(bool)                    # (B, L, C)
    C = mask.shape[2]
    loc = local_slice((C - 6) // 3)
    # in-painting gives whole frames or key poses (height + local joints), never a root path
    # alone and never a lone height
    path_only = mask[..., [1, 2, 3]].any(-1) & ~mask[..., loc].any(-1)
    height_only = mask[..., 0] & ~mask[..., loc].any(-1)
    assert mask.any() and not path_only.any() and not height_only.any()
