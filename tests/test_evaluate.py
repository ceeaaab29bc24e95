"""``python -m training.evaluate`` end to end on a tiny dataset and a tiny real checkpoint."""
import json

import numpy as np
import pytest

from training import gait
from training.data.build import BuildConfig, build
from training.evaluate import evaluate, main, to_markdown
from training.prompt_suite import read_suite
from test_dataset import _real_clips


def test_evaluation_report_has_every_row_and_metric(tiny_checkpoint, tmp_path):
    data = tmp_path / "ds"
    build(BuildConfig(data, samples=150, seed=1, real_repeats=1), _real_clips, progress=False)
    report = evaluate(str(tiny_checkpoint), data, data / "clf.pt", n=4, seeds=2,
                      log=lambda m: None, classifier_steps=30, behaviour_seeds=1)
    names = [r["name"] for r in report["rows"]]
    assert names == ["generated, raw", "generated, physics", "procedural references",
                     "real mocap clips (all splits)"]
    raw, fixed, refs, real = report["rows"]
    for key in ("action_accuracy", "foot_skate", "penetration_cm", "bone_error_mm", "jerk",
                "pose_error_cm", "fid", "diversity"):
        assert np.isfinite(raw[key])
    assert (raw["motions"], fixed["motions"], refs["motions"]) == (4, 4, 4) and real["motions"] > 4
    # physics post-processing fixes what it claims on any model ...
    assert fixed["bone_error_mm"] < 0.1 and fixed["penetration_cm"] < 0.01
    # ... and the metrics see the difference: a barely trained model's raw bones stretch, its
    # feet slide and its joints shake more than after physics, and more than the references'
    assert raw["bone_error_mm"] > 10 * max(fixed["bone_error_mm"], 0.01)
    assert fixed["foot_skate"] < raw["foot_skate"] and fixed["jerk"] < raw["jerk"]
    assert refs["foot_skate"] < raw["foot_skate"] and refs["jerk"] < raw["jerk"]
    assert refs["bone_error_mm"] < 0.1 and real["bone_error_mm"] < 0.1
    # the judge recognises real clips; different seeds give different motions
    assert real["action_accuracy"] >= 0.5 and raw["diversity"] > 0 and raw["fid"] > 0
    # every seed has its FID; the first is the one the "fid" column shows
    for row in (raw, fixed):
        assert len(row["fid_seeds"]) == 2 and row["fid_seeds"][0] == row["fid"]
        assert row["fid_mean"] == np.mean(row["fid_seeds"])
        assert row["fid_seeds"][0] != row["fid_seeds"][1]
        # so are foot skate and jerk: the first seed's is the plain column
        assert np.isclose(row["foot_skate_seeds"][0], row["foot_skate"])
        assert np.isclose(row["jerk_seeds"][0], row["jerk"])
        assert row["jerk_seeds"][0] != row["jerk_seeds"][1]
        assert np.isclose(row["jerk_mean"], np.mean(row["jerk_seeds"]))
        assert np.isclose(row["foot_skate_mean"], np.mean(row["foot_skate_seeds"]))
    assert report["planner_accuracy_on_heldout_text"] >= 0.9
    assert set(report["behaviour"]) == {"walk", "run", "jump"}
    md = to_markdown(report)
    assert "| generated, physics (4) |" in md and "| walk | generated |" in md
    assert (data / "clf.pt").exists()  # the judge is trained once and reused
    out = tmp_path / "rep"
    suite = tmp_path / "mine.tsv"
    suite.write_text("actions\tprompt\nwalk\ta person walks\nwave,jump\twaves, then jumps up\n")
    assert main(["--checkpoint", str(tiny_checkpoint), "--data", str(data), "--samples", "2",
                 "--seeds", "2", "--classifier", str(data / "clf.pt"), "--out", str(out),
                 "--prompts", str(suite)]) == 0
    saved = json.loads((out / "report.json").read_text())
    assert saved["test_samples"] == 2
    mine = saved["prompt_suites"]["mine"]
    # the planner reads both prompts right whatever the model; the motion score is the judge's
    assert mine["prompts"] == 2 and mine["actions"] == 3 and mine["planner_accuracy"] == 1.0
    assert 0 <= mine["motion_accuracy"] <= 1
    assert "| mine | 2 | 100.0% |" in (out / "report.md").read_text()


def test_a_bad_prompt_suite_is_a_clear_error_before_any_work(tmp_path, capsys):
    bad = tmp_path / "bad.tsv"
    bad.write_text("actions\tprompt\nwalk\ta person walks\nmoonwalk\tslides backwards\n")
    with pytest.raises(ValueError, match=r"bad.tsv:3: .*unknown action 'moonwalk'"):
        read_suite(bad)
    assert main(["--checkpoint", "small", "--data", str(tmp_path), "--prompts", str(bad)]) == 2
    assert "bad.tsv:3" in capsys.readouterr().err


def test_gait_measures_on_a_real_walk():
    (clip_id, _, motion, _), = [c for c in _real_clips() if c[0].endswith("002_01")]
    g = gait.describe(motion.positions)
    assert 1.4 < g["steps_per_s"] < 2.3 and g["arm_leg_corr"] < -0.5 and g["speed_m_s"] > 0.8


def test_evaluation_of_a_dataset_without_real_clips(tiny_checkpoint, tmp_path):
    data = tmp_path / "proc"
    build(BuildConfig(data, samples=150, seed=2), lambda: [], progress=False)
    report = evaluate(str(tiny_checkpoint), data, data / "clf.pt", n=3, seeds=2,
                      log=lambda m: None, classifier_steps=20, behaviour_seeds=1)
    assert [r["name"] for r in report["rows"]] == ["generated, raw", "generated, physics",
                                                  "procedural references"]
    assert report["behaviour"]["walk"]["real"] is None


def test_metrics_measure_known_motions():
    from training.metrics import bone_length_error, diversity, frechet_distance, physical
    from conftest import synthetic_motion

    walk = synthetic_motion("walk", 50, 0)
    m = physical(walk)
    assert m["bone_error_m"] < 1e-5 and m["penetration_m"] == 0.0
    stretched = walk.copy()
    stretched[10:, 5] += np.array([0.0, -0.03, 0.0])       # one hand 3 cm off its forearm
    assert abs(bone_length_error(stretched) - 0.03) < 0.01
    sunk = walk - np.array([0.0, walk[..., 1].min() + 0.05, 0.0])   # lowest point 5 cm under
    assert abs(physical(sunk)["penetration_m"] - 0.05) < 1e-4
    still = np.repeat(walk[:1], 50, axis=0)
    assert physical(still)["jerk"] == 0.0 and physical(still)["foot_skate"] == 0.0
    assert physical(walk)["jerk"] > 0.0
    x = np.random.default_rng(0).normal(size=(200, 4))
    assert abs(frechet_distance(x, x)) < 1e-6
    assert abs(frechet_distance(x, x + 2.0) - 16.0) < 1e-6     # the means move 2 in 4 axes
    assert diversity([np.array([[0.0, 0.0], [3.0, 4.0]])]) == 5.0
