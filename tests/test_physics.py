import numpy as np

from engine import physics
from engine.skeleton import JOINT_INDEX as J, REST_BONE_LENGTHS, bone_lengths, rest_pose


def _sliding_walk(T=60, fps=25.0, seed=0):
    """A figure gliding forward with feet on the floor and jitter: everything physics fixes."""
    rng = np.random.default_rng(seed)
    pos = np.stack([rest_pose()] * T).astype(np.float64)
    pos[:, :, 2] += (np.arange(T) / fps * 1.0)[:, None]
    pos += rng.normal(0, 0.01, pos.shape)
    pos[:, J["l_foot"], 1] = -0.03  # sunk into the floor
    return pos.astype(np.float32)


def test_each_step_fixes_what_it_claims():
    raw = _sliding_walk()
    fixed, contacts = physics.postprocess(raw, 25.0, physics.PhysicsConfig(foot_lock=False))
    assert np.abs(bone_lengths(fixed)[:, 1:] - REST_BONE_LENGTHS[1:]).max() < 1e-4
    assert physics.penetration(fixed) < 1e-6 < physics.penetration(raw)
    assert physics.jerk(fixed, 25) < 0.5 * physics.jerk(raw, 25)


def test_foot_lock_stops_sliding_of_planted_feet():
    T, fps = 30, 25.0
    pos = np.stack([rest_pose()] * T)
    # the right foot creeps 5 mm a frame (0.125 m/s) while it stands on the floor
    pos[:, J["r_foot"], 2] += np.arange(T) * 0.005
    cfg = physics.PhysicsConfig(smooth=False)
    out, contacts = physics.postprocess(pos, fps, cfg)
    assert contacts[:, 1].all()
    foot = out[:, J["r_foot"]]
    assert np.ptp(foot[:, 0]) < 1e-3 and np.ptp(foot[:, 2]) < 1e-3
    assert np.abs(foot[:, 1]).max() < 0.01  # held still, within 1 cm of the floor
    assert np.abs(bone_lengths(out)[:, 1:] - REST_BONE_LENGTHS[1:]).max() < 1e-4


def test_smoothing_has_no_lag():
    t = np.linspace(0, 2 * np.pi, 100)
    x = np.sin(t)[:, None]
    y = physics.gaussian_smooth(x, 1.0)
    assert np.argmax(y[:, 0]) == np.argmax(x[:, 0])
    assert np.abs(y - x).max() < 0.01


def test_kinematics_of_uniform_motion():
    T, fps = 30, 25.0
    pos = np.stack([rest_pose()] * T)
    pos[:, :, 0] += (np.arange(T) / fps * 2.0)[:, None]  # 2 m/s along X
    k = physics.kinematics(pos, fps, body_mass=70.0)
    np.testing.assert_allclose(k.root_velocity[:, 0], 2.0, atol=1e-4)
    np.testing.assert_allclose(k.momentum[:, 0], 140.0, rtol=1e-4)
    assert np.abs(k.acceleration).max() < 1e-3
    assert physics.foot_skate_ratio(pos, fps) > 0.95  # both feet on the floor moving 2 m/s


def test_a_hovering_walk_is_settled_but_a_jump_keeps_its_flight():
    T, fps = 75, 25.0
    hover = np.stack([rest_pose()] * T)
    hover[:, :, 1] += 0.07  # floating 7 cm above the floor the whole time
    settled = physics.settle(hover, fps)
    assert np.abs(settled[:, [J["l_foot"], J["r_foot"]], 1].min(axis=1)).max() < 0.01
    jump = np.stack([rest_pose()] * T)
    t = np.arange(T) / fps
    air = (t > 1.0) & (t < 1.6)
    jump[:, :, 1] += np.where(air, 4.9 * (t - 1.0) * (1.6 - t), 0.0)[:, None]  # 0.44 m apex
    kept = physics.settle(jump, fps)
    assert kept[:, J["l_foot"], 1].max() > 0.4


def test_given_contacts_lock_a_sliding_foot():
    """A foot the generator says is planted is held still even where it slid in the motion."""
    from engine.physics import postprocess
    from engine.start_pose import standing_pose

    T = 20
    pos = np.repeat(standing_pose()[None], T, 0).astype(np.float32)
    lf = J["l_foot"]
    pos[:, lf, 2] += np.linspace(0.0, 0.6, T)          # the left foot slides at 0.8 m/s
    contacts = np.zeros((T, 2), np.float32)
    given = np.zeros((T, 2), bool)
    contacts[5:15, 0], given[:, 0] = 1.0, True           # planted from frame 5 to 14
    out, planted = postprocess(pos, 25.0, planted=(contacts, given))
    assert planted[5:15, 0].all() and not planted[:5, 0].any()
    assert np.ptp(out[6:14, lf, 2]) < 0.01               # held in place while planted
    free, _ = postprocess(pos, 25.0)
    assert np.ptp(free[6:14, lf, 2]) > 0.1               # without the given contacts it slides


def test_the_foot_eases_into_and_out_of_its_hold_without_a_kink():
    """A foot gliding along the floor, planted on frames 10-19, stops at its spot and leaves it
    along a smoothstep: the eased frames sit between where it was and the spot, nearer the spot
    the nearer the hold, and the foot's speed changes less from frame to frame than with a
    linear ease (whose speed jumps where the ease begins)."""
    from engine.start_pose import standing_pose

    T = 30
    pos = np.repeat(standing_pose()[None], T, 0).astype(np.float64)
    rf = J["r_foot"]
    pos[:, rf, 2] += 0.01 * np.arange(T)                     # 0.25 m/s, on the floor
    pos[:, rf, 1] = 0.0
    contacts = np.zeros((T, 2), bool)
    contacts[10:20, 1] = True
    out = physics.lock_feet(pos, contacts, REST_BONE_LENGTHS, blend=3)
    z = out[:, rf, 2].astype(np.float64)
    spot = np.median(pos[10:20, rf, 2])
    assert np.abs(z[10:20] - spot).max() < 1e-4
    for i in (1, 2, 3):                                       # the frames before the hold
        u = 1 - i / 4
        want = pos[10 - i, rf, 2] + u * u * (3 - 2 * u) * (spot - pos[10 - i, rf, 2])
        assert abs(z[10 - i] - want) < 1e-4
    assert np.allclose(z[:6], pos[:6, rf, 2], atol=1e-5) and np.allclose(z[24:], pos[24:, rf, 2],
                                                                        atol=1e-5)
    linear = z.copy()                                         # the same hold, eased linearly
    for i in (1, 2, 3):
        for t in (10 - i, 19 + i):
            linear[t] = pos[t, rf, 2] + (1 - i / 4) * (spot - pos[t, rf, 2])
    assert np.abs(np.diff(z, 2)).max() < 0.9 * np.abs(np.diff(linear, 2)).max()


def test_a_planted_foot_keeps_its_own_height_up_to_the_hold_height():
    """A foot planted 1.5 cm above the floor is held there (pulling it down would bend the knee);
    one planted 4 cm up is brought down to the hold height; none goes below the floor."""
    from engine.start_pose import standing_pose

    T = 20
    contacts = np.zeros((T, 2), bool)
    contacts[5:15, 1] = True
    rf = J["r_foot"]
    for height, want in ((0.015, 0.015), (0.04, physics.HOLD_HEIGHT), (-0.01, 0.0)):
        pos = np.repeat(standing_pose()[None], T, 0).astype(np.float64)
        pos[:, rf, 1] = height
        pos[:, rf, 2] += 0.004 * np.arange(T)                    # creeping forward
        out = physics.lock_feet(pos, contacts, REST_BONE_LENGTHS)
        assert np.abs(out[5:15, rf, 1] - want).max() < 1e-4, height
        assert np.ptp(out[5:15, rf, 2]) < 1e-4
