"""Every export format reads back; cancelled and failing exports leave nothing behind."""
import math
import os

import imageio.v3 as iio
import numpy as np
import pytest

from engine.camera import CameraTrack, make_move
from engine.cli import main
from engine.export import ExportError, ExportOptions, export, format_for_path
from engine.formats.motion_json import Actor, MotionFile, read_motion_json, write_motion_json
from engine.motion import Motion
from engine.progress import CancelToken, Cancelled
from engine.skeleton import JOINT_INDEX, rest_pose

SMALL = dict(width=160, height=90)


def _swing(T: int = 20, fps: float = 25.0) -> Motion:
    """Rest pose with the right arm swinging forward and back about the shoulder."""
    rest = rest_pose().astype(np.float64)
    sh = rest[JOINT_INDEX["r_shoulder"]]
    frames = []
    for t in range(T):
        a = 0.9 * math.sin(2 * math.pi * t / fps)
        rot = np.array([[1, 0, 0], [0, math.cos(a), -math.sin(a)], [0, math.sin(a), math.cos(a)]])
        p = rest.copy()
        for j in ("r_elbow", "r_hand"):
            p[JOINT_INDEX[j]] = sh + rot @ (rest[JOINT_INDEX[j]] - sh)
        frames.append(p)
    m = Motion(np.array(frames, dtype=np.float32), fps)
    m.expressions = ["neutral"] * (T // 2) + ["happy"] * (T - T // 2)
    m.speech = [None] * 5 + ["talk"] * (T - 5)
    return m


def _doc(T: int = 20) -> MotionFile:
    m = _swing(T)
    return MotionFile([Actor("A", m)], prompt="a wave", seed=3,
                      camera=CameraTrack(make_move("orbit", [m])).to_list())


def _leftovers(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def test_format_from_path():
    assert format_for_path("a.mp4") == "mp4" and format_for_path("a.GIF") == "gif"
    assert format_for_path("x.motion.json") == "motion.json" and format_for_path("x.bvh") == "bvh"
    assert format_for_path("frames/") == "png" and format_for_path("frames") == "png"
    with pytest.raises(ValueError, match="cannot tell the format"):
        format_for_path("clip.avi")


def test_mp4_reads_back_with_frame_count_and_even_size(tmp_path):
    seen = []
    out = export(_doc(), tmp_path / "clip.mp4", ExportOptions(width=161, height=91),
                 progress=lambda f, msg: seen.append(f))
    frames = iio.imread(out)
    assert frames.shape == (20, 90, 160, 3)      # 161x91 rounded down to even for yuv420p
    assert seen == sorted(seen) and seen[-1] == 1.0
    assert frames[:, 5, 5].mean() > 200          # light background, not a black frame
    assert _leftovers(tmp_path) == []


def test_gif_reads_back(tmp_path):
    out = export(_doc(), tmp_path / "clip.gif", ExportOptions(**SMALL))
    frames = iio.imread(out)
    assert frames.shape[0] == 20 and frames.shape[1:3] == (90, 160)


def test_png_sequence_and_replacing_an_older_export(tmp_path):
    target = tmp_path / "frames"
    export(_doc(), target, ExportOptions(**SMALL))
    names = sorted(p.name for p in target.iterdir())
    assert len(names) == 20 and names[0] == "frame_00000.png"
    assert iio.imread(target / names[3]).shape == (90, 160, 3)
    export(_doc(8), target, ExportOptions(**SMALL))          # an older export is replaced
    assert len(list(target.iterdir())) == 8
    (target / "notes.txt").write_text("mine")                  # a folder with other files is not
    with pytest.raises(ExportError, match="holds other files"):
        export(_doc(), target, ExportOptions(**SMALL))
    assert (target / "notes.txt").read_text() == "mine" and len(list(target.iterdir())) == 9
    assert _leftovers(tmp_path) == []


def test_motion_json_round_trip_with_range_and_fps(tmp_path):
    doc = _doc(40)
    out = export(doc, tmp_path / "cut.motion.json", ExportOptions(start=10, end=30))
    back = read_motion_json(out)
    assert np.allclose(back.motion.positions, doc.motion.positions[10:30], atol=1e-5)
    assert back.motion.speech == doc.motion.speech[10:30] and back.prompt == "a wave"
    track, cut = CameraTrack.from_list(doc.camera), CameraTrack.from_list(back.camera)
    ms, mb = [doc.motion], [back.motion]
    assert cut.evaluate(0, mb).position == pytest.approx(track.evaluate(10, ms).position, abs=1e-5)
    assert cut.evaluate(12, mb).position == pytest.approx(track.evaluate(22, ms).position, abs=1e-5)
    half = read_motion_json(export(doc, tmp_path / "half.motion.json", ExportOptions(fps=12.5)))
    assert half.fps == 12.5 and half.motion.num_frames == doc.motion.resample(12.5).num_frames
    assert np.allclose(half.motion.positions[5], doc.motion.positions[10], atol=1e-5)


def test_video_fps_and_range(tmp_path):
    out = export(_doc(40), tmp_path / "c.gif", ExportOptions(fps=12.5, start=0, end=20, **SMALL))
    assert iio.imread(out).shape[0] == 10


def test_bvh_reimports_within_a_millimetre(tmp_path):
    bvh = pytest.importorskip("engine.formats.bvh")
    if not hasattr(bvh, "write_bvh"):
        pytest.skip("the BVH writer is not in this build yet")
    doc = _doc()
    out = export(doc, tmp_path / "clip.bvh")
    from engine.formats.loader import load_any

    back = load_any(out).motion
    idx = [back.joints.index(n) for n in doc.motion.joints]
    assert np.abs(back.positions[:, idx] - doc.motion.positions).max() < 1e-3


def _existing(path, text="the user's own file"):
    path.write_text(text)
    return path.stat().st_mtime_ns


def test_cancel_leaves_no_file_and_keeps_the_old_one(tmp_path):
    for name in ("clip.mp4", "clip.gif", "frames"):
        target = tmp_path / name
        if name != "frames":
            stamp = _existing(target)
        token = CancelToken()

        def progress(f, msg, token=token):
            if f > 0.2:
                token.cancel()

        with pytest.raises(Cancelled):
            export(_doc(40), target, ExportOptions(**SMALL), progress=progress, cancel=token)
        if name == "frames":
            assert not target.exists()
        else:
            assert target.read_text() == "the user's own file"
            assert target.stat().st_mtime_ns == stamp
    assert _leftovers(tmp_path) == []


def test_ffmpeg_failure_is_a_clear_error_and_leaves_nothing(tmp_path):
    target = tmp_path / "clip.mp4"
    _existing(target)
    with pytest.raises(ExportError, match="ffmpeg failed.*: .+"):
        export(_doc(), target, ExportOptions(preset="no-such-preset", **SMALL))
    assert target.read_text() == "the user's own file"
    assert _leftovers(tmp_path) == []


def test_unwritable_target_fails_without_side_effects(tmp_path):
    blocker = tmp_path / "not_a_folder"
    blocker.write_text("x")
    with pytest.raises(OSError):
        export(_doc(), blocker / "clip.mp4", ExportOptions(**SMALL))
    with pytest.raises(ExportError, match="not a folder"):
        export(_doc(), blocker, ExportOptions(**SMALL), fmt="png")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["not_a_folder"]


def test_cli_render_writes_and_reports_errors_in_one_line(tmp_path, capsys):
    src = tmp_path / "in.motion.json"
    write_motion_json(src, _doc())
    out = tmp_path / "out.gif"
    rc = main(["render", str(src), str(out), "--camera", "crane", "--expression", "angry",
               "--width", "128", "--height", "72", "--background", "#202020"])
    assert rc == 0 and iio.imread(out).shape == (20, 72, 128, 3)
    assert iio.imread(out)[0, 2, 2].tolist() == [32, 32, 32]
    rc = main(["render", str(src), str(tmp_path / "x.avi")])
    err = capsys.readouterr().err.strip()
    assert rc == 2 and "cannot tell the format" in err and len(err.splitlines()) == 1
    rc = main(["render", str(tmp_path / "missing.motion.json"), str(out)])
    assert rc == 2 and "no such file" in capsys.readouterr().err
    assert os.path.exists(out)


def test_actors_of_different_lengths_export_the_longest(tmp_path):
    long_, short = _swing(24), _swing(10)
    short.positions[:, :, 0] += 1.0
    out = export([long_, short], tmp_path / "two.gif", ExportOptions(start=12, **SMALL))
    assert iio.imread(out).shape[0] == 12   # the short actor holds its last pose
