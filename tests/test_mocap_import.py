"""Importing the shipped real motion capture (resources/mocap) onto the canonical skeleton, the
DeepMimic and npz readers, retargeting details (units, up axis, handedness, T-pose frames,
floor) and the loader/CLI entry points."""
from __future__ import annotations

import csv
import json

import numpy as np
import pytest

from engine.actions import ACTIONS
from engine.cli import main as cli_main
from engine.formats.errors import FormatError
from engine.formats.loader import (action_for_tags, default_mocap_root, load_any, load_mocap,
                                   load_mocap_catalogue)
from engine.formats.mocap_clips import HUMANOID3D, parse_deepmimic, read_deepmimic
from engine.progress import CancelToken
from engine.retarget import detect_tpose, facing, floor_height, retarget
from engine.rigs import detect_rig
from engine.skeleton import (HEAD_RADIUS, JOINT_INDEX as I, JOINT_NAMES, PARENTS,
                             REST_BONE_LENGTHS, bone_lengths, rest_pose)

ROOT = default_mocap_root()
FEET = [I["l_foot"], I["r_foot"]]


@pytest.fixture(scope="module")
def index() -> dict[str, dict[str, str]]:
    with open(ROOT / "INDEX.tsv", encoding="utf-8", newline="") as fh:
        return {r["file"]: r for r in csv.DictReader(fh, delimiter="\t")}


@pytest.fixture(scope="module")
def catalogue():
    # Native frame rate: one import of every clip, shared by the tests below.
    return load_mocap_catalogue(fps=None)


def test_every_indexed_clip_is_shipped_and_licensed(index):
    assert len(index) >= 40
    for file, row in index.items():
        assert (ROOT / file).is_file(), file
        if file.startswith("deepmimic"):   # MIT by its repository; per-clip source unstated
            assert "MIT" in row["licence"] and "does not document" in row["licence"]
        else:
            assert "CMU" in row["licence"]
    terms = (ROOT / "LICENSES" / "CMU_MOCAP_TERMS.txt").read_text()
    assert "Permission is hereby granted" in (ROOT / "LICENSES" /
                                              "LICENSE_DeepMimic_repo.txt").read_text()
    assert "NSF EIA-0196217" in terms
    assert "mocap.cs.cmu.edu" in (ROOT / "README.md").read_text()


def test_clips_import_with_documented_frames_and_rate(catalogue, index):
    assert len(catalogue) == len(index)
    for clip in catalogue:
        row = index[clip.file]
        assert clip.dropped_frames == int(row["dropped_frames"]), clip.clip_id
        assert clip.motion.num_frames == int(row["import_frames"]), clip.clip_id
        assert clip.motion.fps == float(row["play_fps"]), clip.clip_id
        resampled = clip.motion.resample(25.0)
        expected = round((clip.motion.num_frames - 1) * 25.0 / clip.motion.fps) + 1
        assert resampled.fps == 25.0 and resampled.num_frames == expected


def test_salsa_plays_at_sixty_not_the_header_rate(catalogue):
    salsa = [c for c in catalogue if "salsa" in c.clip_id]
    assert len(salsa) == 2
    for clip in salsa:
        assert clip.motion.fps == 60.0 and clip.motion.actions[0] == "dance_salsa"
        assert 36.0 < clip.motion.duration < 38.0


def test_bone_lengths_are_constant_and_canonical_in_proportion(catalogue):
    for clip in catalogue:
        L = bone_lengths(clip.motion.positions)
        assert np.abs(L - L[:1]).max() < 1e-4, clip.clip_id
        ratio = L[0, 1:] / REST_BONE_LENGTHS[1:]
        np.testing.assert_allclose(ratio, ratio[0], rtol=1e-4)


def test_feet_on_the_floor_and_plausible_figures(catalogue):
    for clip in catalogue:
        p = clip.motion.positions
        assert abs(p[:, FEET, 1].min()) < 0.02, clip.clip_id
        size = bone_lengths(p[:1])[0, I["spine"]] / REST_BONE_LENGTHS[I["spine"]]
        # Standing tall (the top of the head over the lower foot) in the tallest frames.
        stature = np.percentile(p[:, I["head"], 1] - p[:, FEET, 1].min(axis=1), 98) \
            + HEAD_RADIUS * size
        if clip.motion.actions[0] == "crawl":     # on all fours throughout
            assert 0.3 < stature < 0.8, (clip.clip_id, stature)
            continue
        assert 1.35 < stature < 2.05, (clip.clip_id, stature)
        if clip.motion.actions[0] in ("cartwheel", "backflip", "get_up", "roll"):
            continue                              # upside down or on the floor much of the time
        # Upright for most of the clip: head above pelvis above the feet.
        assert np.median(p[:, I["head"], 1] - p[:, 0, 1]) > 0.4, clip.clip_id
        assert np.median(p[:, 0, 1] - p[:, FEET, 1].min(axis=1)) > 0.5, clip.clip_id


def test_every_clip_starts_facing_plus_z_at_the_origin(catalogue):
    for clip in catalogue:
        p = clip.motion.positions
        f = facing(p[:5]).mean(axis=0)
        assert f[2] > 0.95, clip.clip_id
        np.testing.assert_allclose(p[0, 0, [0, 2]], 0.0, atol=1e-5)


def test_walkers_walk_the_way_they_face(catalogue):
    """Handedness: a mirrored import (left/right swapped) would walk backwards."""
    checked = 0
    for clip in catalogue:
        action = clip.motion.actions[0]
        if action not in ("walk", "run", "walk_backward"):
            continue
        p = clip.motion.positions
        step = np.diff(p[:, 0], axis=0)
        along = float(np.einsum("ti,ti->", step, facing(p)[:-1]))
        assert (along < 0) == (action == "walk_backward"), clip.clip_id
        assert abs(along) > 0.5, clip.clip_id
        checked += 1
    assert checked >= 15


def test_feet_point_the_way_the_figure_faces():
    """Handedness again, on a rig with toes: standing in frame 0, toes are ahead of ankles."""
    from engine.formats.bvh import read_bvh
    from engine.retarget import source_points, to_y_up
    for name in ("cmu_dragonforged_iclone/002_01.bvh.gz", "cmu_tmoco_inversekinematics/02_01.bvh.gz",
                 "cmu_bvh11/131_01.bvh.gz", "cmu_beemsoft_salsa/60_01_scaled.bvh.gz"):
        bvh = read_bvh(ROOT / name)
        rig = detect_rig(bvh.names)
        toes = [n for n in bvh.names if n.endswith(("L_ToeBase", "LeftToeBase", "LeftToe",
                                                    "lFoot_end"))][0]
        pts = to_y_up(source_points(bvh.names, bvh.positions, rig), rig.up_axis)
        toe = bvh.positions[:, bvh.names.index(toes)].astype(np.float64)
        foot_dir = (toe - pts[:, I["l_foot"]])[:, [0, 2]]
        fwd = facing(pts)[:, [0, 2]]
        assert np.median(np.einsum("ti,ti->t", foot_dir, fwd)) > 0, name


def test_labels_and_captions(catalogue):
    by_id = {c.clip_id.split("/")[-1]: c for c in catalogue}
    assert all(c.motion.actions[0] in ACTIONS for c in catalogue)
    assert by_id["002_03"].motion.actions[0] == "run"
    assert by_id["006_06"].motion.actions[0] == "dribble"
    assert by_id["005_06"].motion.actions[0] == "dance_ballet"
    assert by_id["amp_humanoid_backflip"].motion.actions[0] == "backflip"
    assert by_id["02_01"].caption == "walk"
    cid, motion, caption, licence = by_id["001_08"]
    assert cid == "cmu_dragonforged_iclone/001_08" and "climb" in caption and "CMU" in licence
    assert action_for_tags("get-up(from lying face up)") == "get_up"
    assert action_for_tags("sit;crawl") == "sit_down"
    assert action_for_tags("walk-backward") == "walk_backward"


def test_catalogue_at_25_fps_keeps_bone_lengths_and_reports_progress(index):
    seen = []
    clips = load_mocap_catalogue(progress=lambda fraction, message: seen.append(fraction))
    assert len(clips) == len(index) and seen[-1] == 1.0
    for clip in clips:
        row = index[clip.file]
        assert clip.motion.fps == 25.0
        assert clip.source_fps == float(row["play_fps"])
        assert clip.source_frames == int(row["import_frames"])
        assert clip.motion.num_frames == round((clip.source_frames - 1) * 25.0
                                               / clip.source_fps) + 1
        L = bone_lengths(clip.motion.positions)
        assert np.abs(L - L[:1]).max() < 1e-4, clip.clip_id
        assert abs(clip.motion.positions[:, FEET, 1].min()) < 0.02, clip.clip_id
    token = CancelToken()
    token.cancel()
    stop = load_mocap_catalogue(cancel=token)
    assert stop == []


def test_tpose_detection_and_robust_floor():
    T = 50
    walk = np.repeat(rest_pose()[None].astype(np.float64), T, axis=0)
    walk[:, :, 2] += np.linspace(0, 2, T)[:, None]
    assert detect_tpose(walk) == 0   # arms down: never a T-pose
    tpose = rest_pose().astype(np.float64)
    for side, sx in (("l", 1), ("r", -1)):
        sh = tpose[I[f"{side}_shoulder"]]
        tpose[I[f"{side}_elbow"]] = sh + [sx * 0.29, 0, 0]
        tpose[I[f"{side}_hand"]] = sh + [sx * 0.56, 0, 0]
    with_t = np.concatenate([tpose[None] + [0, 0, -3], walk])
    assert detect_tpose(with_t) == 1
    held = np.concatenate([np.repeat(tpose[None], 5, axis=0), walk])
    assert detect_tpose(held) == 0   # a held pose is motion, not a calibration frame
    dipped = walk.copy()
    dipped[20, FEET, 1] -= 0.3      # one glitching frame
    assert floor_height(dipped) == pytest.approx(0.0, abs=1e-6)


def test_units_and_up_axis_are_detected_for_an_unknown_scale():
    """The canonical pose as a Z-up AMP-style humanoid in centimetres, walking forward."""
    from engine.rigs import AMP, Rig
    names = ["pelvis", "torso", "head", "head_centre"] + [
        f"{s}_{n}" for s in ("left", "right")
        for n in ("upper_arm", "lower_arm", "hand", "thigh", "shin", "foot")]
    ours = {"pelvis": "pelvis", "torso": "spine", "head": "neck", "head_centre": "head"}
    for s, c in (("left", "l"), ("right", "r")):
        ours.update({f"{s}_upper_arm": f"{c}_shoulder", f"{s}_lower_arm": f"{c}_elbow",
                     f"{s}_hand": f"{c}_hand", f"{s}_thigh": f"{c}_hip",
                     f"{s}_shin": f"{c}_knee", f"{s}_foot": f"{c}_foot"})
    pose = rest_pose()[[I[ours[n]] for n in names]].astype(np.float64)
    # Y-up facing +Z becomes Z-up facing -Y: (x, y, z) -> (x, -z, y); then walk 80 cm.
    frames = np.repeat(np.stack([pose[:, 0], -pose[:, 2], pose[:, 1]], axis=1)[None] * 100.0,
                       30, axis=0)
    frames[:, :, 1] -= np.linspace(0, 80, 30)[:, None]
    unknown = Rig("amp_without_units", AMP.points, AMP.signature, units=None, up_axis="")
    info: dict = {}
    m = retarget(names, frames, 30.0, unknown, info=info)
    assert info["units"] == "cm" and info["up_axis"] == "z" and info["size"] == pytest.approx(1)
    np.testing.assert_allclose(m.positions[0], rest_pose(), atol=1e-4)
    np.testing.assert_allclose(m.positions[-1, 0], [0, 0.95, 0.8], atol=1e-4)


def _deepmimic_json(frames: int = 4, knee: float = 0.0) -> dict:
    width = 1 + sum({"none": 7, "spherical": 4, "revolute": 1, "fixed": 0}[k]
                    for _, _, k, _ in HUMANOID3D)
    rows = []
    for t in range(frames):
        row = [1 / 30, 0.1 * t, 0.9, 0.0, 1, 0, 0, 0]  # duration, root xyz, root wxyz
        for name, _, kind, _ in HUMANOID3D[1:]:
            if kind == "spherical":
                row += [1, 0, 0, 0]
            elif kind == "revolute":
                row += [knee if name.endswith("knee") else 0.0]
        assert len(row) == width
        rows.append(row)
    rows[-1][0] = 0.0
    return {"Loop": "none", "Frames": rows}


def test_deepmimic_reader_forward_kinematics(tmp_path):
    clip = parse_deepmimic(_deepmimic_json())
    assert clip.fps == 30.0 and clip.positions.shape == (4, 16, 3)
    p = clip.positions[0]
    names = clip.names
    np.testing.assert_allclose(p[names.index("chest")], [0, 0.9 + 0.236151, 0], atol=1e-6)
    np.testing.assert_allclose(p[names.index("left_ankle")],
                               [0, 0.9 - 0.421546 - 0.40987, -0.084887], atol=1e-6)
    np.testing.assert_allclose(p[names.index("head_centre")],
                               [0, 0.9 + 0.236151 + 0.223894 + 0.175, 0], atol=1e-6)
    # Knees flex with negative angles about local Z: the shin swings back, to -X, behind a
    # figure that faces +X.
    bent = parse_deepmimic(_deepmimic_json(knee=-np.pi / 2)).positions[0]
    knee, ankle = bent[names.index("right_knee")], bent[names.index("right_ankle")]
    np.testing.assert_allclose(ankle - knee, [-0.40987, 0, 0], atol=1e-6)
    path = tmp_path / "humanoid3d_test.txt"
    path.write_text(json.dumps(_deepmimic_json(frames=10)))
    assert read_deepmimic(path).positions.shape == (10, 16, 3)
    motion = load_any(path).motion
    assert motion.joints == JOINT_NAMES and motion.num_frames == 10
    assert motion.positions[-1, 0, 2] > 0.5  # root moved along DeepMimic +X = its forward


def test_deepmimic_variable_durations_and_errors(tmp_path):
    data = _deepmimic_json(frames=6)
    data["Frames"][2][0] = 2 / 30  # one dropped frame
    clip = parse_deepmimic(data)
    assert clip.fps == 30.0 and len(clip.positions) == 7
    np.testing.assert_allclose(clip.positions[3, 0, 0] - clip.positions[2, 0, 0], 0.05, atol=1e-6)
    with pytest.raises(FormatError, match="rows of 44 numbers"):
        parse_deepmimic({"Frames": [[0.1, 1, 2]]})
    bad = tmp_path / "x.txt"
    bad.write_text('{"Frames": [[0.1, 1, ')
    with pytest.raises(FormatError, match="x.txt, line 1: the DeepMimic clip is cut off"):
        load_any(bad)


def test_loader_entry_points(tmp_path):
    amp = ROOT / "cmu_isaacgymenvs_amp" / "amp_humanoid_run_positions.npz"
    m = load_mocap(amp, fps=25.0)
    assert m.fps == 25.0 and m.joints == JOINT_NAMES and m.parents == PARENTS
    with pytest.raises(FormatError, match="pickle"):
        load_any(tmp_path / "clip.npy")
    with pytest.raises(FormatError, match="unknown file type"):
        load_any(tmp_path / "clip.fbx")
    foreign = tmp_path / "foreign.bvh"
    foreign.write_text("HIERARCHY\nROOT a\n{\nOFFSET 0 0 0\nCHANNELS 3 Xposition Yposition "
                       "Zposition\n}\nMOTION\nFrames: 1\nFrame Time: 0.1\n0 0 0\n")
    with pytest.raises(FormatError, match="unknown skeleton"):
        load_any(foreign)


def test_stickgen_convert_bvh_to_motion_json(tmp_path, capsys):
    src = ROOT / "cmu_dragonforged_iclone" / "002_01.bvh.gz"
    out = tmp_path / "walk.motion.json"
    assert cli_main(["convert", str(src), str(out)]) == 0
    assert "171 frames at 60 fps" in capsys.readouterr().out
    doc = load_any(out)
    assert doc.motion.num_frames == 171
    assert cli_main(["convert", str(tmp_path / "nope.bvh"), str(out)]) == 2
