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
    # physics post-processing fixes what it claims on any model
    assert fixed["bone_error_mm"] < 0.1 and fixed["penetration_cm"] < 0.01
    assert real["motions"] >= 1 and 0 <= report["planner_accuracy_on_heldout_text"] <= 1
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
