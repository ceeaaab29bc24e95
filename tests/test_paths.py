"""Planned root paths and the generator's controls: words about where to go become the root
channels the model is given, and the sampler keeps them."""
import numpy as np
import pytest
import torch

from engine.controls import plan_controls
from engine.model.features import from_features, headings, local_slice
from engine.paths import TRAVEL_SPEED, plan_root_path
from engine.planner import PathCue, Plan, PlanSegment
from engine.start_pose import standing_pose

FPS = 25.0


def _walk(cue, seconds=4.0, action="walk"):
    return PlanSegment(action, "a person walks", seconds, path=cue)


def _bounds(segments):
    return Plan("p", segments).frame_bounds(FPS)


def _integrate(values, n_frames):
    """Positions of a pelvis that follows the path channels (the rest of the body standing)."""
    feats = np.zeros((n_frames, 4 + 3 * 16 + 2), np.float32)
    feats[:, 1:4] = values
    feats[:, local_slice()] = (standing_pose() - standing_pose()[:1] * [1, 0, 1]).reshape(-1)
    return from_features(feats)


def test_a_circle_turns_once_round_and_comes_back():
    segs = [_walk(PathCue(shape="circle", turn_deg=360.0, stops=True))]
    path = plan_root_path(segs, _bounds(segs), 100)
    assert np.degrees(path.values[:, 2].sum()) == pytest.approx(360.0, abs=0.5)
    assert path.known.all()
    pos = _integrate(path.values, 100)
    loop = np.linalg.norm(np.diff(pos[:, 0, [0, 2]], axis=0), axis=1).sum()
    assert np.linalg.norm(pos[-1, 0, [0, 2]] - pos[0, 0, [0, 2]]) < 0.25 * loop


def test_a_circle_keeps_its_speed_so_it_closes_whatever_pace_the_model_likes():
    """A circle turns in step with its planned speed; were the speed free, a model that
    slowed down half way would leave the loop open, so the speed is fixed too."""
    segs = [_walk(PathCue(shape="circle", turn_deg=-360.0), 6.0, action="jog")]
    path = plan_root_path(segs, _bounds(segs), 150)
    assert path.known.all()
    assert path.values[40:110, 1].mean() * FPS == pytest.approx(TRAVEL_SPEED["jog"], rel=0.01)
    pos = _integrate(path.values, 150)
    loop = np.linalg.norm(np.diff(pos[:, 0, [0, 2]], axis=0), axis=1).sum()
    assert np.linalg.norm(pos[-1, 0, [0, 2]] - pos[0, 0, [0, 2]]) < 0.02 * loop


def test_off_to_the_right_ends_up_on_the_figures_right():
    segs = [_walk(PathCue(direction="right", distance_m=4.0))]
    path = plan_root_path(segs, _bounds(segs), 100)
    assert np.degrees(path.values[:, 2].sum()) == pytest.approx(-90.0, abs=0.5)
    pos = _integrate(path.values, 100)
    d = pos[-1, 0] - pos[0, 0]
    assert d[0] < -2.5 and abs(d[2]) < 1.5            # its right is -X when facing +Z
    walked = np.linalg.norm(np.diff(pos[:, 0, [0, 2]], axis=0), axis=1).sum()
    assert walked == pytest.approx(4.0, rel=0.02)


def test_steps_and_a_stop_come_to_rest_and_idle_stays_put():
    segs = [_walk(PathCue(steps=4, stops=True), 2.2), PlanSegment("idle", "stands", 2.0)]
    bounds = _bounds(segs)
    path = plan_root_path(segs, bounds, bounds[-1][1])
    speed = np.abs(path.values[:, 1]) * FPS
    a, b = bounds[0]
    assert speed[a] < 0.1 and speed[b - 1] < 0.1          # from standing, back to standing
    assert not speed[b - 10:b].any()                       # and still for the last 0.4 s
    assert speed[a:b].max() == pytest.approx(TRAVEL_SPEED["walk"], rel=0.01)
    assert path.known[bounds[1][0]:].all() and not path.values[bounds[1][0]:].any()


def test_there_and_back_turns_half_round_and_returns():
    segs = [_walk(PathCue(shape="there_and_back"), 6.0)]
    path = plan_root_path(segs, _bounds(segs), 150)
    assert np.degrees(path.values[:, 2].sum()) == pytest.approx(180.0, abs=0.5)
    pos = _integrate(path.values, 150)
    far = np.linalg.norm(pos[:, 0, [0, 2]] - pos[0, 0, [0, 2]], axis=1)
    assert far.max() > 2.5 and far[-1] < 0.35 * far.max()


def test_away_from_the_camera_turns_to_face_away_after_a_planned_turn():
    segs = [PlanSegment("turn_left", "turns left", 1.5), _walk(PathCue(direction="away"))]
    path = plan_root_path(segs, _bounds(segs), _bounds(segs)[-1][1])
    # the turn gives +90, and the walk another +90 to reach 180 (away from the camera)
    end = _bounds(segs)[0][1]
    assert np.degrees(path.values[:end, 2].sum()) == pytest.approx(90.0, abs=0.5)
    assert np.degrees(path.values[end:, 2].sum()) == pytest.approx(90.0, abs=0.5)
    assert path.known[:end, 2].all() and not path.known[:end, :2].any()


def test_free_speed_unless_the_words_fix_it():
    segs = [_walk(PathCue(direction="left"))]
    path = plan_root_path(segs, _bounds(segs), 100)
    assert path.known[:, [0, 2]].all() and not path.known[:, 1].any()
    no_cue = [_walk(None)]
    assert not plan_root_path(no_cue, _bounds(no_cue), 100).any
    gesture = [PlanSegment("wave", "waves", 3.0, path=PathCue(direction="left"))]
    assert not plan_root_path(gesture, _bounds(gesture), 75).any   # a wave goes nowhere


def test_controls_start_standing_unless_the_action_starts_elsewhere():
    sit = Plan("a woman sits down", [PlanSegment("sit_down", "sits down", 3.0)])   # no seat named
    values, known = plan_controls(sit, sit.frame_bounds(FPS), 75, 16, FPS)
    assert known[0, 0] and known[0, local_slice()].all() and not known[1:].any()
    assert values[0, 0] == pytest.approx(standing_pose()[0, 1])
    up = Plan("she gets up", [PlanSegment("stand_up", "stands up", 3.0)])
    values, known = plan_controls(up, up.frame_bounds(FPS), 75, 16, FPS)
    assert known[0].sum() == 2                           # its height only (root and pelvis)
    assert known[74, local_slice()].all()                # ... and it ends standing upright
    assert values[74, 0] == pytest.approx(standing_pose()[0, 1])


def test_the_sampler_keeps_the_planned_path(text_encoder):
    from engine.model import Conditioning, sample
    from engine.model.config import load_model_config
    from engine.model.transformer import MotionTransformer

    torch.manual_seed(0)
    net = MotionTransformer(load_model_config("tiny")).eval()   # the path holds untrained too
    segs = [_walk(PathCue(shape="circle", turn_deg=360.0, distance_m=5.0), 3.2)]
    plan = Plan("a person walks in a circle", segs)
    n = plan.frame_bounds(FPS)[-1][1]
    cond = Conditioning.from_segments(text_encoder, plan.prompt,
                                      [(0, n, "walk", "a person walks forward")], n)
    values, known = plan_controls(plan, plan.frame_bounds(FPS), n, net.cfg.num_joints, FPS)
    gen = sample(net, cond, seed=0, steps=4, channels=(values, known))
    assert np.allclose(gen.features[known], values[known], atol=1e-5)
    floor = _integrate(gen.features[:, 1:4], n)[:, 0, [0, 2]]   # where the body travels
    step = np.diff(floor, axis=0)
    assert np.linalg.norm(step, axis=1).sum() == pytest.approx(5.0, rel=0.02)
    course = np.unwrap(np.arctan2(step[:, 0], step[:, 1]))      # direction of travel
    assert np.degrees(course[-2] - course[1]) == pytest.approx(360.0, abs=20.0)
    assert gen.positions[0, 0, 1] == pytest.approx(standing_pose()[0, 1], abs=0.01)


def test_a_gesture_after_sitting_down_keeps_the_seat():
    from engine.controls import hold_postures, posture_holds

    segs = [PlanSegment("sit_down", "sits down", 2.0), PlanSegment("wave", "waves", 2.0),
            PlanSegment("stand_up", "stands up", 2.0), PlanSegment("wave", "waves", 2.0)]
    plan = Plan("he sits down, then waves, stands up and waves", segs)
    bounds = plan.frame_bounds(FPS)
    holds = posture_holds(plan, bounds)
    sit = (bounds[0][0] + bounds[0][1]) // 2, bounds[0][1]
    assert holds == [(bounds[1][0], bounds[1][1], sit)]                # not after standing
    first = np.zeros((bounds[-1][1], 4 + 3 * 16 + 2), np.float32)
    first[:, 0] = np.linspace(0.93, 0.45, len(first))
    values, known = hold_postures(None, first, holds, 16)
    a, b = bounds[1]
    assert known[a:b, 0].all() and known[a:b, 5].all()         # root and pelvis height
    assert known[:a].sum() == 0 and known[b:bounds[2][1] - 1].sum() == 0
    assert np.allclose(values[a:b, 0], first[bounds[0][1] - 1, 0])    # the lowest it got
    walk_after = Plan("p", [segs[0], PlanSegment("walk", "walks", 2.0)])
    assert posture_holds(walk_after, walk_after.frame_bounds(FPS)) == []


def test_getting_up_first_starts_low():
    chair = Plan("he gets up from a chair", [PlanSegment("stand_up", "gets up from a chair", 2.0)])
    values, known = plan_controls(chair, chair.frame_bounds(FPS), 50, 16, FPS)
    assert known[:3, 0].all() and known[:3, 5].all() and not known[3:40].any()
    assert 0.4 < values[0, 0] < 0.6 and values[0, 5] == values[0, 0]
    assert known[40:50, local_slice()].all()             # up for the last 0.4 s
    floor = Plan("she gets up off the floor",
                 [PlanSegment("stand_up", "she gets up off the floor", 2.0)])
    assert plan_controls(floor, floor.frame_bounds(FPS), 50, 16, FPS)[0][0, 0] < 0.2


def test_a_sit_that_names_its_seat_goes_down_to_that_seat_and_stays():
    from engine.controls import SEAT_HEIGHTS, seat_of
    from engine.skeleton import JOINT_INDEX
    from engine.start_pose import seated_chair_pose

    def controls(clause, prompt=None):
        segs = [PlanSegment("walk", "a man walks forward", 2.0),
                PlanSegment("sit_down", clause, 4.0)]
        plan = Plan(prompt or clause, segs)
        bounds = plan.frame_bounds(FPS)
        return plan_controls(plan, bounds, bounds[-1][1], 16, FPS), bounds[1]

    (values, known), (a, b) = controls("then sits on the ground")
    assert known[b - 50:b, 0].all() and np.allclose(values[b - 50:b, [0, 5]], 0.13)
    down = values[a + 5:b - 50, 0]
    assert known[a + 5:b - 50, 0].all() and (np.diff(down) <= 1e-6).all()   # eased down ...
    assert down[0] > 0.85 and not known[a:a + 5, 0].any()                  # ... from standing
    knee = 4 + 3 * JOINT_INDEX["l_knee"]
    assert not known[1:, knee].any()                     # the model's own floor sit
    (values, known), (a, b) = controls("then sits down on a chair")
    assert np.allclose(values[b - 50:b, 0], SEAT_HEIGHTS["chair"])
    seated = seated_chair_pose()
    assert known[b - 50:b, knee:knee + 3].all()           # trunk and legs as on a chair ...
    assert np.allclose(values[b - 1, knee:knee + 3], seated[JOINT_INDEX["l_knee"]], atol=1e-5)
    hand = 4 + 3 * JOINT_INDEX["r_hand"]
    assert not known[1:, hand:hand + 3].any()             # ... the arms free
    # a sit that names no seat is the model's to place; other actions never have one
    assert seat_of(PlanSegment("sit_down", "sits down", 2.0)) is None
    assert seat_of(PlanSegment("lie_down", "lies on the floor", 2.0)) is None
    assert seat_of(PlanSegment("sit_down", "takes a seat on the bench", 2.0)) == "chair"
    assert seat_of(PlanSegment("sit_down", "sits cross-legged", 2.0)) == "floor"
    # a seat named elsewhere in the prompt is the one sat on
    gp = PlanSegment("sit_down", "and sits down on it", 2.0)
    assert seat_of(gp, "grandpa wanders over to a chair and sits down on it") == "chair"
    assert seat_of(gp, "she walks over and sits down on it") is None
    plain = Plan("p", [PlanSegment("sit_down", "sits down", 4.0)])
    values, known = plan_controls(plain, plain.frame_bounds(FPS), 100, 16, FPS)
    assert not known[1:, 0].any()
    # a short sit gets down over all but its first fifth
    short = Plan("p", [PlanSegment("sit_down", "sits on the floor", 1.0)])
    values, known = plan_controls(short, short.frame_bounds(FPS), 25, 16, FPS)
    assert not known[1:5, 0].any() and known[5:25, 0].all() and values[24, 0] == pytest.approx(0.13)


def test_back_and_forth_ends_where_it_began():
    segs = [_walk(PathCue(shape="back_and_forth"), 8.0)]
    path = plan_root_path(segs, _bounds(segs), 200)
    assert np.degrees(path.values[:, 2].sum()) == pytest.approx(540.0, abs=1.0)   # 4 legs
    pos = _integrate(path.values, 200)
    far = np.linalg.norm(pos[:, 0, [0, 2]] - pos[0, 0, [0, 2]], axis=1)
    assert far.max() > 1.5 and far[-1] < 0.3 * far.max()


def test_a_held_seat_keeps_trunk_and_legs_and_frees_the_arms():
    from engine.controls import hold_postures
    from engine.skeleton import JOINT_INDEX

    first = np.random.default_rng(0).normal(size=(100, 4 + 3 * 16 + 2)).astype(np.float32)
    first[:, 0] = np.linspace(0.9, 0.1, 100)
    values, known = hold_postures(None, first, [(60, 100, (30, 60))], 16)
    hand = 4 + 3 * JOINT_INDEX["r_hand"]
    knee = 4 + 3 * JOINT_INDEX["l_knee"]
    assert not known[60:, hand:hand + 3].any()                    # the arms are free
    assert known[60:, knee:knee + 3].all()                        # the legs keep the seat
    assert np.allclose(values[60:, knee:knee + 3], first[59, knee:knee + 3])
    assert not known[:60].any()


def test_a_turn_on_the_spot_is_given_its_whole_angle():
    from engine.paths import plan_root_path

    segs = [PlanSegment("turn_around", "turns around", 2.0), PlanSegment("walk", "walks", 2.0)]
    plan = Plan("p", segs)
    bounds = plan.frame_bounds(FPS)
    path = plan_root_path(plan.segments, bounds, bounds[-1][1], FPS)
    a, b = bounds[0]
    assert path.known[a:b, 2].all() and not path.known[a:b, :2].any()   # it may step as it turns
    assert np.degrees(path.values[a:b, 2].sum()) == pytest.approx(180.0, abs=0.5)
    assert not path.known[b:].any()                                     # the walk is free
