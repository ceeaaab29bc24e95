"""Motion features, the transformer, checkpoints and the text encoder."""
import numpy as np
import pytest
import torch

from conftest import synthetic_motion
from engine.actions import ACTIONS
from engine.model.checkpoint import CheckpointError, describe, load_model, save_checkpoint, save_model
from engine.model.config import ModelConfig, load_model_config
from engine.model.diffusion import CosineSchedule, _turn_loss, diffusion_losses
from engine.model.features import (FeatureStats, canonical_transform, from_features, place,
                                   to_features)
from engine.model.transformer import MotionTransformer, apply_rope, rope_tables
from engine.skeleton import JOINT_INDEX


def _turned(pos, angle, shift):
    c, s = np.cos(angle), np.sin(angle)
    out = pos.copy()
    out[..., 0] = c * pos[..., 0] + s * pos[..., 2] + shift[0]
    out[..., 2] = -s * pos[..., 0] + c * pos[..., 2] + shift[1]
    return out


def tiny_config(**kw) -> ModelConfig:
    return ModelConfig(**{"name": "tiny", "width": 32, "layers": 2, "heads": 4,
                          "max_frames": 32, **kw})


def test_features_round_trip_within_a_millimetre():
    pos = synthetic_motion("walk", 120, seed=3)
    feats = to_features(pos)
    assert feats.shape == (120, 54) and feats.dtype == np.float32
    back = place(from_features(feats), *canonical_transform(pos))
    assert np.abs(back - pos).max() < 1e-3
    canon = from_features(feats)
    assert np.abs(canon[0, 0, [0, 2]]).max() < 1e-6      # starts at the origin ...
    assert canon[0, JOINT_INDEX["l_hip"], 0] > 0          # ... facing +Z (left at +X)


def test_features_do_not_depend_on_where_the_body_stands_or_faces():
    pos = synthetic_motion("walk", 60, seed=1)
    moved = _turned(pos, 1.3, (4.0, -2.0))
    assert np.abs(to_features(pos) - to_features(moved)).max() < 1e-4


def test_a_cartwheel_keeps_a_steady_facing_through_the_handstand():
    """Upside down sideways the hip line's floor shadow flips; the facing must not."""
    import training.procedural  # noqa: F401  (registers the generators)
    from training.procedural.base import REGISTRY, ActionParams

    clip = REGISTRY["cartwheel"](ActionParams(duration=3.0), np.random.default_rng(0))
    feats = to_features(clip.positions)
    assert np.abs(feats[:, 3]).max() < 0.3                # heading rate, rad/frame: no flips
    local = feats[:, 4:52]
    assert np.abs(np.diff(local, axis=0)).max() < 0.5     # no joint jumps across the body
    back = place(from_features(feats), *canonical_transform(clip.positions))
    assert np.abs(back - clip.positions).max() < 1e-3
    # read pose by pose (separate key poses) the handstand's facing is the raw, flipping one
    from engine.model.features import headings
    raw = np.abs(np.diff(np.unwrap(headings(clip.positions, along_time=False))))
    assert raw.max() > 2.0


def test_contacts_mark_standing_feet_and_not_lifted_ones():
    pos = synthetic_motion("wave", 40, seed=0)
    assert to_features(pos)[:, -2:].min() == 1.0
    lifted = pos.copy()
    lifted[:, JOINT_INDEX["l_foot"], 1] += 0.3
    assert to_features(lifted)[:, -2].max() == 0.0


def test_feature_stats_normalise_and_restore():
    feats = [to_features(synthetic_motion(k, 50, i)) for i, k in enumerate(["walk", "wave"])]
    stats = FeatureStats.compute(feats)
    z = stats.normalize(feats[0])
    assert np.allclose(stats.denormalize(z), feats[0], atol=1e-5)
    assert np.all(stats.std > 0) and np.all(stats.motion_scale > 0)


def test_variants_match_the_design():
    shapes = {v: (c.width, c.layers, c.heads) for v in ("small", "medium", "large")
              for c in [load_model_config(v)]}
    assert shapes == {"small": (256, 6, 8), "medium": (384, 8, 12), "large": (512, 10, 16)}
    assert load_model_config("tiny").width <= 64
    with pytest.raises(ValueError, match="unknown model variant"):
        load_model_config("huge")


def test_rotary_attention_scores_depend_only_on_distance():
    cos, sin = rope_tables(16, 8, 10000.0)
    q, k = torch.randn(1, 1, 1, 8), torch.randn(1, 1, 1, 8)
    rq = apply_rope(q.expand(1, 1, 16, 8), cos, sin)[0, 0]
    rk = apply_rope(k.expand(1, 1, 16, 8), cos, sin)[0, 0]
    assert torch.allclose(rq[3] @ rk[1], rq[12] @ rk[10], atol=1e-5)


def _inputs(cfg, B=2, T=24, S=2, seed=0):
    g = torch.Generator().manual_seed(seed)
    C = cfg.feature_dim
    return (torch.randn(B, T, C, generator=g), torch.randint(0, 1000, (B,), generator=g),
            torch.randn(B, T, C, generator=g), (torch.rand(B, T, C, generator=g) > 0.5).float(),
            torch.randint(0, cfg.num_actions, (B, T), generator=g),
            torch.randn(B, cfg.text_dim, generator=g), torch.randn(B, S, cfg.text_dim, generator=g),
            torch.randint(0, S, (B, T), generator=g))


def test_transformer_outputs_every_head_per_frame():
    cfg = tiny_config()
    out = MotionTransformer(cfg)(*_inputs(cfg))
    J, A = cfg.num_joints, len(ACTIONS)
    shapes = {k: tuple(v.shape) for k, v in out.items()}
    assert shapes == {"x0": (2, 24, 54), "root": (2, 24, 4), "pose": (2, 24, 3 * J),
                      "contacts": (2, 24, 2), "velocity": (2, 24, 3 * J),
                      "acceleration": (2, 24, 3 * J), "action_logits": (2, 24, A)}
    with pytest.raises(ValueError, match="multiple of frames_per_token"):
        MotionTransformer(cfg)(*_inputs(cfg, T=23))


def test_each_frames_own_action_and_segment_text_reach_the_model():
    cfg = tiny_config(frames_per_token=1)
    net = MotionTransformer(cfg).eval()
    args = list(_inputs(cfg, B=1, T=8))
    base = net(*args)["x0"]
    args[4] = args[4].clone()
    args[4][0, 5] = (args[4][0, 5] + 1) % cfg.num_actions          # one frame's action
    assert not torch.allclose(net(*args)["x0"], base)
    args = list(_inputs(cfg, B=1, T=8))
    args[7] = torch.zeros(1, 8, dtype=torch.long)                      # every frame in segment 0
    before = net(*args)["x0"]
    args[6] = args[6].clone()
    args[6][0, 1] += 1.0                                               # change segment 1's text
    assert torch.equal(net(*args)["x0"], before)                       # ... no frame uses it
    args[7][0, 4:] = 1                                                 # frames 4.. now do
    assert not torch.allclose(net(*args)["x0"], before)


def test_every_head_is_trained(tiny_data):
    from training.data.shards import read_split
    from training.dataset import CropDataset, TextTable, compute_features, text_cache_path

    samples = read_split(tiny_data / "train")
    feats = compute_features(samples)
    table = TextTable.load(text_cache_path(tiny_data, "all-MiniLM-L6-v2"))
    cfg = tiny_config(text_dim=table.dim)
    net = MotionTransformer(cfg)
    ds = CropDataset(samples, feats, FeatureStats.compute(feats), table, net.null_action)
    batch = ds.batch(np.random.default_rng(0), 4, 32, 32, inpaint_prob=0.5, cond_drop=0.25)
    total, parts = diffusion_losses(net, batch, CosineSchedule(), torch.Generator().manual_seed(0))
    assert set(parts) == {"root", "pose", "physics", "action"}
    assert all(torch.isfinite(v) and v > 0 for v in parts.values())
    total.backward()
    for head in ("root_head", "pose_head", "physics_head", "action_head"):
        w = getattr(net, head).weight.grad
        assert w is not None and w.abs().sum() > 0, head


def test_the_root_loss_weighs_a_turn_by_its_total_angle():
    net = MotionTransformer(tiny_config())
    net.feature_std[3] = 0.05
    T = 32
    x0 = torch.zeros(2, T, net.cfg.feature_dim)
    x0[..., 3] = 0.04 / 0.05                       # turning 0.04 rad a frame, 1.28 rad in all
    w = torch.ones(2, T)
    assert _turn_loss(net, x0[..., :4], x0, w) == 0
    still = x0[..., :4].clone()
    still[..., 3] = 0.0                            # the same window without the turn
    missed = _turn_loss(net, still, x0, w)
    # the per-frame root loss barely sees the miss; the missing angle grows to 1.28 rad by the
    # end of the window and weighs more
    per_frame = (still - x0[..., :4]).pow(2).mean()
    assert missed > 1.5 * per_frame
    half = still.clone()
    half[..., 3] = 0.02 / 0.05
    assert _turn_loss(net, half, x0, w) < missed
    w[:, T // 2:] = 0.0                            # padding frames count for nothing
    assert _turn_loss(net, still, x0, w) < missed


def test_checkpoint_round_trip_gives_the_same_model(tmp_path):
    cfg = tiny_config()
    net = MotionTransformer(cfg).eval()
    with torch.no_grad():
        net.feature_std.fill_(2.0)
    save_model(tmp_path / "m.pt", net, "all-MiniLM-L6-v2", 384, step=7)
    raw = torch.load(tmp_path / "m.pt", weights_only=True)
    assert raw["format"] == "stickgen.checkpoint" and raw["actions"] == list(ACTIONS)
    loaded, meta = load_model(tmp_path / "m.pt")
    assert meta.step == 7 and meta.encoder == "all-MiniLM-L6-v2" and meta.encoder_dim == 384
    assert meta.config == cfg
    x = _inputs(cfg)
    with torch.no_grad():
        assert torch.equal(loaded(*x)["x0"], net(*x)["x0"])


def test_corrupt_and_foreign_checkpoints_are_refused_clearly(tmp_path):
    (tmp_path / "junk.pt").write_bytes(b"\x00not a checkpoint" * 10)
    with pytest.raises(CheckpointError, match="not a Stick-Gen checkpoint"):
        load_model(tmp_path / "junk.pt")
    torch.save({"state_dict": {"w": torch.zeros(2)}}, tmp_path / "foreign.pt")
    with pytest.raises(CheckpointError, match="not a Stick-Gen checkpoint"):
        load_model(tmp_path / "foreign.pt")
    with pytest.raises(CheckpointError, match="no such checkpoint"):
        load_model(tmp_path / "missing.pt")


def test_mismatched_vocabulary_encoder_and_version_are_named(tmp_path):
    net = MotionTransformer(tiny_config())
    good = describe(net, "all-MiniLM-L6-v2", 384)
    good["model"] = net.state_dict()
    bad = dict(good, actions=list(ACTIONS[:-1]) + ["moonwalk"])
    save_checkpoint(tmp_path / "vocab.pt", bad)
    with pytest.raises(CheckpointError, match="action vocabulary differs.*moonwalk"):
        load_model(tmp_path / "vocab.pt")
    save_checkpoint(tmp_path / "new.pt", dict(good, version=99))
    with pytest.raises(CheckpointError, match="newer"):
        load_model(tmp_path / "new.pt")
    save_checkpoint(tmp_path / "ok.pt", good)
    with pytest.raises(CheckpointError, match=r"all-MiniLM-L6-v2 \(384-d\) but bge-large is 1024-d"):
        load_model(tmp_path / "ok.pt", encoder=("bge-large", 1024))


def test_text_encoder_embeds_and_caches(text_encoder):
    emb = text_encoder.encode(["a man walks forward", "a person is walking", "she waves hello"])
    assert emb.shape == (3, 384) and emb.dtype == np.float32 and text_encoder.dim == 384
    assert np.allclose(np.linalg.norm(emb, axis=1), 1.0, atol=1e-5)
    assert emb[0] @ emb[1] > emb[0] @ emb[2]
    assert np.array_equal(text_encoder.encode(["she waves hello"])[0], emb[2])
    with pytest.raises(TypeError):
        text_encoder.encode("one string")
