"""Few-step distillation (training.distil): the student's targets, the training preset, and a
distilled checkpoint that samples in its own few unguided steps."""
from dataclasses import replace

import torch

from engine.generate import Generator
from engine.model import load_model
from engine.model.diffusion import Batch, CosineSchedule
from engine.model.sampler import Conditioning, denoise
from training.config import TrainConfig
from training.distil import (DistilSpec, _ddim, distil_losses, distil_targets, feet_error,
                             head_errors, jitter_text, path_targets, repeat_batch,
                             teacher_predict)
from training.loop import train
from training.run_config import read_run_config
from training.runs import read_events


def _batch(model, B=3, T=16, known_share=0.0, seed=0) -> Batch:
    g = torch.Generator().manual_seed(seed)
    C, A = model.cfg.feature_dim, model.cfg.num_actions
    known = (torch.rand(B, T, 1, generator=g) < known_share).float().expand(B, T, C).clone()
    return Batch(x0=torch.randn(B, T, C, generator=g), valid=torch.ones(B, T),
                 known_mask=known, actions=torch.randint(0, A, (B, T), generator=g),
                 caption=torch.randn(B, 384, generator=g), segments=torch.randn(B, 1, 384, generator=g),
                 segment_index=torch.zeros(B, T, dtype=torch.long),
                 drop_cond=torch.zeros(B, dtype=torch.bool))


def test_one_teacher_step_unguided_gives_the_teachers_own_prediction(tiny_checkpoint):
    """With one teacher step per student step and no guidance, solving the DDIM step back for
    the clean motion must return what the teacher predicted: the algebra is exact."""
    teacher, _ = load_model(tiny_checkpoint)
    batch = _batch(teacher, B=8)
    spec = DistilSpec(student_steps=4, per=1, guidance=1.0)
    sched = CosineSchedule(teacher.cfg.diffusion_steps)
    x_s, s, target = distil_targets(teacher, batch, sched, spec, torch.Generator().manual_seed(3))
    assert set(s.tolist()) <= set(sched.sampling_steps(4))
    with torch.no_grad():
        own = teacher_predict(teacher, x_s, s, batch, spec)
    assert torch.allclose(target, own, atol=2e-3), (target - own).abs().max()


def test_text_jitter_nudges_each_embedding_within_its_bound_and_keeps_unit_length(
        tiny_checkpoint):
    teacher, _ = load_model(tiny_checkpoint)
    batch = _batch(teacher, B=64)
    unit = lambda e: e / e.norm(dim=-1, keepdim=True)
    batch.caption, batch.segments = unit(batch.caption), unit(batch.segments)
    assert jitter_text(batch, 0.0) is batch
    out = jitter_text(batch, 0.5, torch.Generator().manual_seed(0))
    assert torch.allclose(out.caption.norm(dim=-1), torch.ones(64), atol=1e-5)
    cos = (out.caption * batch.caption).sum(-1)
    # a nudge of length r <= 0.5 in any direction keeps the cosine at least sqrt(1 - 0.5**2)
    assert cos.min() >= 0.866 and cos.max() < 1.0
    assert (cos < 0.97).any()                         # lengths are drawn, some are large
    seg_cos = (out.segments * batch.segments).sum(-1)
    assert seg_cos.min() >= 0.866 and not torch.equal(out.segments, batch.segments)
    assert torch.equal(out.x0, batch.x0) and torch.equal(out.actions, batch.actions)


def test_guided_two_step_targets_differ_from_one_plain_prediction(tiny_checkpoint):
    teacher, _ = load_model(tiny_checkpoint)
    batch = _batch(teacher, B=8, known_share=0.3)
    sched = CosineSchedule(teacher.cfg.diffusion_steps)
    spec = DistilSpec(student_steps=4, per=2, guidance=3.0)
    x_s, s, target = distil_targets(teacher, batch, sched, spec, torch.Generator().manual_seed(1))
    with torch.no_grad():
        plain = teacher_predict(teacher, x_s, s, batch, DistilSpec(guidance=1.0))
    assert torch.isfinite(target).all()
    assert (target - plain).abs().max() > 1e-3          # guidance and the extra step matter
    km = batch.known_mask.bool()
    assert torch.equal(target[km], batch.x0[km])          # known values stay the data's


def test_path_targets_follow_the_teachers_own_sampler_from_noise_to_its_result(
        tiny_checkpoint):
    """A student that takes its targets' DDIM steps walks exactly the teacher's states, and its
    last target is what the app's sampler gives for the teacher at the same seed and times."""
    teacher, _ = load_model(tiny_checkpoint)
    batch = _batch(teacher, B=1, T=16, seed=4)
    sched = CosineSchedule(teacher.cfg.diffusion_steps)
    spec = DistilSpec(student_steps=4, per=2, guidance=3.0, guided_above=500, end_at=250)
    x_s, s, target = path_targets(teacher, batch, sched, spec, torch.Generator().manual_seed(11))
    assert s.tolist() == [999, 749, 500, 250]
    ab = sched.alpha_bar
    for k in range(3):                     # one student step lands on the next teacher state
        nxt = _ddim(x_s[k:k + 1], target[k:k + 1], ab[s[k:k + 1]], ab[s[k + 1:k + 2]])
        assert torch.allclose(nxt, x_s[k + 1:k + 2], atol=1e-4)
    cond = Conditioning(batch.caption[0].numpy(), batch.segments[0].numpy(),
                        batch.segment_index[0].numpy(), batch.actions[0].numpy())
    own, _ = denoise(teacher, cond, seed=11, guidance=3.0, guided_steps=4,
                     times=[999, 874, 749, 624, 500, 375, 250, 125, 0])
    assert torch.allclose(target[3], own, atol=1e-4), (target[3] - own).abs().max()
    assert not torch.allclose(target[3], target[2], atol=1e-2)   # each step its own target


def test_a_path_batch_teaches_every_student_step_of_a_share_of_the_crops(tiny_checkpoint):
    teacher, _ = load_model(tiny_checkpoint)
    student, _ = load_model(tiny_checkpoint)
    batch = _batch(teacher, B=8, known_share=0.3)
    sched = CosineSchedule(teacher.cfg.diffusion_steps)
    spec = DistilSpec(student_steps=4, per=2, end_at=250, on_path=1.0)
    total, parts = distil_losses(student, teacher, batch, sched, spec,
                                 torch.Generator().manual_seed(2))
    assert torch.isfinite(total) and total.requires_grad
    x_s, s, target = path_targets(teacher, batch, sched, spec, torch.Generator().manual_seed(2))
    km = batch.known_mask.bool().repeat(4, 1, 1)
    assert torch.equal(target[km], batch.x0.repeat(4, 1, 1)[km])   # known values stay the data's
    off = distil_losses(student, teacher, batch, sched, DistilSpec(student_steps=4, per=2,
                        end_at=250), torch.Generator().manual_seed(2))[0]
    assert not torch.isclose(total, off)


def test_a_distillation_run_writes_a_few_step_checkpoint_and_resumes(
        tiny_data, tiny_checkpoint, tmp_path):
    base = dict(data_dir=str(tiny_data), crop_frames=32, min_crop_frames=16, batch_size=4,
                steps=4, warmup_steps=1, lr=1e-3, eval_interval=2, eval_batches=1,
                ckpt_interval=2, log_interval=2, threads=1, cond_drop=0.0,
                distil={"teacher": str(tiny_checkpoint), "student_steps": 3, "per": 2,
                        "end_at": 250})
    train(TrainConfig.from_dict(base), tmp_path, resume="never", stdout=False)
    done = train(TrainConfig.from_dict({**base, "steps": 6}), tmp_path, resume="auto",
                 stdout=False)
    assert done["event"] == "done" and done["step"] == 6
    events = read_events(tmp_path)
    assert [e["step"] for e in events if e["event"] == "start"] == [0, 4]
    assert all(e["val_loss"] > 0 for e in events if e["event"] == "eval")
    model, meta = load_model(tmp_path / "model.pt")
    sampler = meta.extra["sampler"]
    assert sampler["steps"] == 3 and sampler["guidance"] == 1.0
    top = model.cfg.diffusion_steps - 1
    assert sampler["times"][0] == top and sampler["times"][-1] == 250 and len(sampler["times"]) == 3
    assert sampler["distilled_from"]["teacher_steps"] == 6
    gen = Generator(tmp_path / "model.pt").load()
    assert (gen.steps, gen.guidance, gen.times) == (3, 1.0, sampler["times"])
    assert gen.guide(3)["times"] == sampler["times"] and gen.guide(8)["times"] is None
    assert Generator(tmp_path / "model.pt", steps=5, guidance=2.0).load().steps == 5
    assert Generator(tiny_checkpoint).load().steps == 8        # an undistilled model: defaults
    motion = gen.generate("a man walks forward", 2.0, seed=0).motion
    assert motion.positions.shape[0] == 50 and torch.isfinite(torch.from_numpy(motion.positions)).all()


def test_a_student_that_ends_above_zero_learns_the_teachers_end(tiny_checkpoint):
    """With end_at > 0 the last student step's target is where the teacher's whole way down
    ends (a prediction at step 0), not a one-step jump."""
    teacher, _ = load_model(tiny_checkpoint)
    batch = _batch(teacher, B=16)
    sched = CosineSchedule(teacher.cfg.diffusion_steps)
    spec = DistilSpec(student_steps=3, per=1, guidance=1.0, end_at=300)
    times = spec.student_times(sched)
    assert times[0] == sched.steps - 1 and times[-1] == 300 and len(times) == 3
    x_s, s, target = distil_targets(teacher, batch, sched, spec, torch.Generator().manual_seed(5))
    last = s == 300
    assert last.any() and (~last).any()
    with torch.no_grad():
        own = teacher_predict(teacher, x_s, s, batch, spec)
    assert torch.allclose(target[~last], own[~last], atol=2e-3)     # one step: its own
    assert not torch.allclose(target[last], own[last], atol=1e-3)   # the end: further down


def test_the_distillation_preset_reads():
    cfg = read_run_config("distil_small", ["distil.teacher=resources/models/stickgen-small.pt"])
    assert cfg.distil.student_steps <= 4 and cfg.distil.guidance == 3.0 and cfg.cond_drop == 0.0


def test_a_student_walked_path_starts_where_the_teachers_does_and_then_follows_the_student(
        tiny_checkpoint):
    """On the student's own way down the first state is the same noise as on the teacher's;
    later states are where the student's own steps land, and the teacher's targets from there
    differ from the ones on its own path."""
    teacher, _ = load_model(tiny_checkpoint)
    student, _ = load_model(tiny_checkpoint)
    with torch.no_grad():                       # a student that has drifted from its teacher
        for p in student.parameters():
            p.add_(0.05 * torch.randn(p.shape, generator=torch.Generator().manual_seed(1)))
    batch = _batch(teacher, B=2, T=16, seed=6)
    sched = CosineSchedule(teacher.cfg.diffusion_steps)
    spec = DistilSpec(student_steps=4, per=2, end_at=250)
    xt, st, tt = path_targets(teacher, batch, sched, spec, torch.Generator().manual_seed(3))
    xs, ss, ts = path_targets(teacher, batch, sched, spec, torch.Generator().manual_seed(3),
                              student)
    assert torch.equal(st, ss) and torch.equal(xt[:2], xs[:2]) and torch.equal(tt[:2], ts[:2])
    with torch.no_grad():
        own = student(xs[:2], ss[:2], batch.x0, batch.known_mask, batch.actions, batch.caption,
                      batch.segments, batch.segment_index, torch.zeros(2, dtype=torch.bool))["x0"]
    ab = sched.alpha_bar
    assert torch.allclose(_ddim(xs[:2], own, ab[ss[:2]], ab[ss[2:4]]), xs[2:4], atol=1e-4)
    assert not torch.allclose(xs[2:], xt[2:], atol=1e-3)


def test_distillation_path_settings_are_checked():
    base = {"distil": {"teacher": "t.pt"}}
    for bad in ({"on_path": 1.5}, {"path_walker": "nobody"}, {"velocity": -1.0},
                {"last_weight": -0.5}, {"feet": -1.0}):
        try:
            TrainConfig.from_dict({"distil": {**base["distil"], **bad}}).validate()
        except ValueError as e:
            assert next(iter(bad)) in str(e)
        else:
            raise AssertionError(f"{bad} was accepted")


def test_the_velocity_term_makes_a_flickering_error_cost_more_than_a_drifting_one():
    J, T = 16, 20
    C = 4 + 3 * J + 2
    target = torch.zeros(1, T, C)
    sign = torch.tensor([(-1.0) ** t for t in range(T)])[None, :, None]
    flicker, drift = 0.1 * sign.expand(1, T, C), torch.full((1, T, C), 0.1)
    w = torch.ones(1, T)
    w[0, -3:] = 0                                        # padded frames count for nothing
    plain = [head_errors(e, target, w, J) for e in (flicker, drift)]
    assert all(torch.allclose(a, b) for a, b in zip(*plain))   # the same per-frame error
    (rf, pf, cf), (rd, pd, cd) = (head_errors(e, target, w, J, velocity=2.0)
                                  for e in (flicker, drift))
    assert torch.allclose(pd, plain[1][1]) and torch.allclose(rd, plain[1][0])   # drift: none
    flickered = torch.tensor(0.01 + 2.0 * 0.04)           # (0.1 - -0.1)**2 per frame pair
    assert torch.allclose(pf, flickered) and torch.allclose(rf, flickered)
    assert torch.allclose(cf, cd)                        # contacts: per frame only
    rows = torch.tensor([3.0])                           # a crop's weight scales both terms
    weighted = head_errors(flicker, target, w, J, velocity=2.0, rows=rows)
    assert torch.allclose(weighted[1], pf)               # one crop: a weighted mean is its own
    two = torch.cat([flicker, drift]), torch.cat([target, target]), torch.cat([w, w])
    _, pose2, _ = head_errors(*two, J, velocity=2.0, rows=torch.tensor([3.0, 1.0]))
    frames, pairs = 17, 16                               # real frames, real frame pairs
    per_frame = (3 * frames * 0.01 + frames * 0.01) / (4 * frames)
    per_pair = (3 * pairs * 0.04) / (4 * pairs)
    assert torch.allclose(pose2, torch.tensor(per_frame + 2.0 * per_pair))


def test_last_weight_zero_leaves_only_the_earlier_steps_in_the_loss(tiny_checkpoint):
    teacher, _ = load_model(tiny_checkpoint)
    student, _ = load_model(tiny_checkpoint)
    with torch.no_grad():
        for p in student.parameters():
            p.add_(0.05 * torch.randn(p.shape, generator=torch.Generator().manual_seed(2)))
    batch = _batch(teacher, B=4, T=16, seed=8)
    sched = CosineSchedule(teacher.cfg.diffusion_steps)
    spec = DistilSpec(student_steps=4, per=2, end_at=250, on_path=1.0, last_weight=0.0)
    _, parts = distil_losses(student, teacher, batch, sched, spec,
                             torch.Generator().manual_seed(5))
    g = torch.Generator().manual_seed(5)
    torch.rand(1, generator=g)                         # the draw that chose the path route
    batch = repeat_batch(batch, 1, 1)                  # a whole way down for a quarter of them
    x_s, s, target = path_targets(teacher, batch, sched, spec, g)
    early = s != 250
    rows = batch.x0.shape[0]
    rep = lambda t: torch.cat([t] * 4)[early]
    with torch.no_grad():
        out = student(x_s[early], s[early], rep(batch.x0), rep(batch.known_mask),
                      rep(batch.actions), rep(batch.caption), rep(batch.segments),
                      rep(batch.segment_index), torch.zeros(int(early.sum()), dtype=torch.bool))
    root, pose, _ = head_errors(out["x0"].float(), target[early], rep(batch.valid),
                                teacher.cfg.num_joints)
    assert int(early.sum()) == 3 * rows
    assert torch.allclose(parts["pose"], pose, atol=1e-5)
    assert torch.allclose(parts["root"], root, atol=1e-5)


def test_a_refining_student_spends_its_last_pass_on_the_teachers_clean_up_at_step_0(
        tiny_checkpoint):
    """With ``refine`` the student goes down to end_at in one pass fewer, then takes one pass at
    step 0; on its own way down, that pass's target is the teacher's clean-up of exactly the
    state the student's own previous step left."""
    teacher, _ = load_model(tiny_checkpoint)
    student, _ = load_model(tiny_checkpoint)
    with torch.no_grad():                  # a student that differs from its teacher
        for p in student.parameters():
            p.add_(0.05 * torch.randn(p.shape, generator=torch.Generator().manual_seed(1)))
    sched = CosineSchedule(teacher.cfg.diffusion_steps)
    spec = DistilSpec(student_steps=4, per=2, guidance=3.0, end_at=500, refine=True)
    assert spec.student_times(sched) == [999, 750, 500, 0]
    assert DistilSpec(student_steps=4, refine=True).student_times(sched) == [999, 500, 0]
    assert DistilSpec(student_steps=4, end_at=500).student_times(sched) == [999, 833, 666, 500]
    batch = _batch(teacher, B=2, T=16, seed=5)
    x_s, s, target = path_targets(teacher, batch, sched, spec, torch.Generator().manual_seed(3),
                                  student=student)
    assert s.tolist() == [999] * 2 + [750] * 2 + [500] * 2 + [0] * 2
    ab = sched.alpha_bar
    with torch.no_grad():
        own = student(x_s[4:6], s[4:6], batch.x0, batch.known_mask, batch.actions,
                      batch.caption, batch.segments, batch.segment_index,
                      torch.zeros(2, dtype=torch.bool))["x0"]
        left = _ddim(x_s[4:6], own, ab[s[4:6]], ab[s[6:8]])
        clean = teacher_predict(teacher, left, s[6:8], batch, spec)
    assert torch.allclose(x_s[6:8], left, atol=1e-4)          # the student's own state ...
    assert torch.allclose(target[6:8], clean, atol=1e-4)      # ... cleaned up by the teacher
    # the step before lands where the teacher's own way from there ends (500 -> 250 -> 0)
    assert not torch.allclose(target[4:6], target[6:8], atol=1e-3)
    # data noised to step 0 is the data; the clean-up row's target is the teacher's reading of it
    total, _ = distil_losses(student, teacher, batch, sched, spec,
                             torch.Generator().manual_seed(4))
    assert torch.isfinite(total) and total.requires_grad


def test_foot_steps_are_the_feet_world_steps_and_a_sliding_planted_foot_costs(tiny_checkpoint):
    """``foot_steps`` read from features equal the feet's steps in the positions that
    ``from_features`` integrates (turned into the body's heading frame); the feet loss is 0 for
    the target itself and grows when a foot the target plants slides."""
    import numpy as np

    from engine.model.features import from_features, headings, to_features
    from engine.start_pose import standing_pose
    from training.distil import FOOT_JOINTS, foot_steps

    model, _ = load_model(tiny_checkpoint)
    T = 30
    pose = standing_pose()
    t = np.arange(T)[:, None]
    pos = np.repeat(pose[None], T, 0).astype(np.float64)
    angle = 0.04 * t[:, 0]                                   # walking on a curve, turning left
    c, s = np.cos(angle), np.sin(angle)
    pos = np.einsum("tij,tkj->tki", np.stack([np.stack([c, 0 * c, s], -1),
                                              np.stack([0 * c, 1 + 0 * c, 0 * c], -1),
                                              np.stack([-s, 0 * c, c], -1)], 1), pos)
    pos[:, :, 2] += 0.03 * t                                 # and moving along
    pos[:, FOOT_JOINTS[0], 2] += 0.02 * np.sin(t[:, 0])      # one foot swings
    feats = to_features(pos.astype(np.float32))
    world = from_features(feats).astype(np.float64)
    theta = headings(world)
    d = world[1:, list(FOOT_JOINTS)][..., [0, 2]] - world[:-1, list(FOOT_JOINTS)][..., [0, 2]]
    cc, ss = np.cos(-theta[:-1])[:, None], np.sin(-theta[:-1])[:, None]
    want = np.stack([cc * d[..., 0] + ss * d[..., 1], -ss * d[..., 0] + cc * d[..., 1]], -1)
    mean, std = model.feature_mean, model.feature_std
    x = ((torch.from_numpy(feats) - mean) / std)[None]
    got = foot_steps(x, mean, std, model.cfg.num_joints)[0].numpy()
    assert np.allclose(got, want, atol=1e-4), np.abs(got - want).max()

    w = torch.ones(1, T)
    target = x.clone()
    target[..., -2:] = (torch.ones(2) - mean[-2:]) / std[-2:]   # both feet planted throughout
    assert float(feet_error(target, target, w, model)) == 0.0
    slid = target.clone()
    foot = 4 + 3 * FOOT_JOINTS[1]
    slid[0, 15:, foot + 2] += 0.05 / std[foot + 2]             # the right foot jumps 5 cm
    assert float(feet_error(slid, target, w, model)) > 0
    unplanted = target.clone()
    unplanted[..., -2:] = (torch.zeros(2) - mean[-2:]) / std[-2:]
    assert float(feet_error(slid, unplanted, w, model)) == 0.0   # a foot in the air may move
    batch = _batch(model, B=4, T=16, seed=7)
    sched = CosineSchedule(model.cfg.diffusion_steps)
    spec = DistilSpec(student_steps=4, end_at=500, refine=True, on_path=1.0)   # every pass
    student, _ = load_model(tiny_checkpoint)
    with torch.no_grad():                  # a student that differs from its teacher
        for q in student.parameters():
            q.add_(0.05 * torch.randn(q.shape, generator=torch.Generator().manual_seed(1)))
    plain, p0 = distil_losses(student, model, batch, sched, spec,
                              torch.Generator().manual_seed(5))
    feet, p1 = distil_losses(student, model, batch, sched, replace(spec, feet=1.0),
                             torch.Generator().manual_seed(5))
    assert p1["physics"].item() > p0["physics"].item() and feet.requires_grad
    assert torch.isclose(p1["pose"], p0["pose"])                  # only the physics part moves
    # feet_all counts the pass at end_at (500) too, whose prediction the clean-up starts from
    _, p2 = distil_losses(student, model, batch, sched, replace(spec, feet=1.0, feet_all=True),
                          torch.Generator().manual_seed(5))
    g = torch.Generator().manual_seed(5)
    torch.rand(1, generator=g)                               # the draw that chose the path route
    paths = repeat_batch(batch, 1, 1)                        # one crop's whole way down
    x_s, s, target = path_targets(model, paths, sched, spec, g)
    rows = repeat_batch(paths, 1, 4)
    with torch.no_grad():
        out = student(x_s, s, rows.x0, rows.known_mask, rows.actions, rows.caption,
                      rows.segments, rows.segment_index, torch.zeros(4, dtype=torch.bool))["x0"]
    for p, passes in ((p1, s == 0), (p2, s <= 500)):
        want = feet_error(out[passes], target[passes], rows.valid[passes], model)
        assert torch.isclose(p["physics"] - p0["physics"], want, rtol=1e-3, atol=1e-6)
    assert p2["physics"].item() != p1["physics"].item()
    assert torch.isclose(p2["pose"], p0["pose"])


def test_bone_error_holds_the_targets_body_to_one_size_and_counts_at_the_last_pass(
        tiny_checkpoint):
    """``bone_error`` is 0 for a motion whose bones keep the target's lengths, grows when a shin
    wobbles from frame to frame, and ignores padded frames; ``distil.bones`` adds exactly that
    error of the student's last pass to the pose part and nothing else."""
    import numpy as np

    from engine.model.features import to_features
    from engine.skeleton import JOINT_INDEX
    from engine.start_pose import standing_pose
    from training.distil import bone_error

    model, _ = load_model(tiny_checkpoint)
    mean, std = model.feature_mean, model.feature_std
    T = 20
    pos = np.repeat(standing_pose()[None], T, 0).astype(np.float32)
    pos[:, :, 2] += 0.04 * np.arange(T)[:, None]              # walking along, one body
    target = ((torch.from_numpy(to_features(pos)) - mean) / std)[None]
    w = torch.ones(1, T)
    assert float(bone_error(target, target, w, model)) < 1e-10
    wobbly = pos.copy()
    foot = JOINT_INDEX["r_foot"]
    wobbly[1::2, foot, 1] += 0.04                  # the shin 4 cm shorter every other frame
    pred = ((torch.from_numpy(to_features(wobbly)) - mean) / std)[None]
    err = float(bone_error(pred, target, w, model))
    assert err > 0
    half = torch.ones(1, T)
    half[:, T // 2:] = 0                                      # padded frames do not count
    pad = pred.clone()
    pad[:, T // 2:] = 0.0
    assert abs(float(bone_error(pad, target, half, model)) - err) < 0.2 * err
    # the target's body is its median over its frames: one bad target frame does not move it
    bad = target.clone()
    bad[0, 3] = pred[0, 1]
    assert float(bone_error(target, bad, w, model)) < 0.1 * err

    batch = _batch(model, B=4, T=16, seed=7)
    sched = CosineSchedule(model.cfg.diffusion_steps)
    spec = DistilSpec(student_steps=4, end_at=500, refine=True, on_path=1.0)   # every pass
    student, _ = load_model(tiny_checkpoint)
    with torch.no_grad():
        for q in student.parameters():
            q.add_(0.05 * torch.randn(q.shape, generator=torch.Generator().manual_seed(1)))
    _, p0 = distil_losses(student, model, batch, sched, spec, torch.Generator().manual_seed(5))
    total, p1 = distil_losses(student, model, batch, sched, replace(spec, bones=2.0),
                              torch.Generator().manual_seed(5))
    assert total.requires_grad
    g = torch.Generator().manual_seed(5)
    torch.rand(1, generator=g)                               # the draw that chose the path route
    paths = repeat_batch(batch, 1, 1)
    x_s, s, tgt = path_targets(model, paths, sched, spec, g)
    rows = repeat_batch(paths, 1, 4)
    with torch.no_grad():
        out = student(x_s, s, rows.x0, rows.known_mask, rows.actions, rows.caption,
                      rows.segments, rows.segment_index, torch.zeros(4, dtype=torch.bool))["x0"]
    last = s == 0
    want = 2.0 * bone_error(out[last], tgt[last], rows.valid[last], model)
    assert float(want) > 0
    assert torch.isclose(p1["pose"] - p0["pose"], want, rtol=1e-3, atol=1e-7)
    assert torch.isclose(p1["physics"], p0["physics"]) and torch.isclose(p1["root"], p0["root"])


def test_settled_targets_keep_a_planted_foot_still_and_touch_only_the_marked_rows(
        tiny_checkpoint):
    """``settle_targets`` replaces the marked rows' real frames with what the app's physics
    makes of them: a planted foot that creeps along the floor stays put, the bones keep their
    lengths; other rows and padded frames are left as they were."""
    import numpy as np

    from engine.model.features import from_features, to_features
    from engine.skeleton import REST_BONE_LENGTHS, bone_lengths
    from engine.start_pose import standing_pose
    from training.distil import FOOT_JOINTS, settle_targets

    model, _ = load_model(tiny_checkpoint)
    T, real = 40, 32
    pos = np.repeat(standing_pose()[None], T, 0).astype(np.float32)
    pos[:, FOOT_JOINTS[0], 0] += 0.004 * np.arange(T)       # the left foot creeps sideways
    mean, std = model.feature_mean, model.feature_std
    x = (torch.from_numpy(to_features(pos)) - mean) / std
    target = torch.stack([x, x + 0.1, x])                     # (3, T, C)
    valid = torch.ones(3, T)
    valid[0, real:] = 0                                       # row 0 is padded after 32 frames
    rows = torch.tensor([True, False, True])
    out = settle_targets(target, rows, valid, model)

    assert torch.equal(out[1], target[1])                     # not marked
    assert torch.equal(out[0, real:], target[0, real:])       # padding
    def travel(row, n):
        p = from_features((row[:n] * std + mean).numpy())
        return float(np.linalg.norm(np.diff(p[:, FOOT_JOINTS[0], [0, 2]], axis=0), axis=-1).sum())
    assert travel(target[2], T) > 0.15
    assert travel(out[2], T) < 0.2 * travel(target[2], T)
    assert travel(out[0], real) < 0.2 * travel(target[0], real)
    settled = from_features((out[2] * std + mean).numpy())
    assert np.abs(bone_lengths(settled)[:, 1:] - REST_BONE_LENGTHS[1:]).max() < 1e-3


def test_a_settling_student_learns_the_settled_target_at_its_last_pass(tiny_checkpoint):
    """With ``settle`` the loss of the last pass's rows is measured against the settled
    target: the same batch and draws give another loss than without it."""
    model, _ = load_model(tiny_checkpoint)
    teacher, _ = load_model(tiny_checkpoint)
    sched = CosineSchedule(model.cfg.diffusion_steps)
    spec = DistilSpec(student_steps=2, refine=True)
    batch = _batch(model, B=4, T=16)
    plain, _ = distil_losses(model, teacher, batch, sched, spec,
                             torch.Generator().manual_seed(5))
    settled, _ = distil_losses(model, teacher, batch, sched, replace(spec, settle=True),
                               torch.Generator().manual_seed(5))
    assert abs(float(settled.detach()) - float(plain.detach())) > 1e-4
