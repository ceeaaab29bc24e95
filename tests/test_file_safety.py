"""Writes that fail midway leave the old file whole; finished files get the user's umask; what a
killed export left is removed by the next one, and its ffmpeg dies with it; writers refuse
what readers would refuse."""
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from conftest import synthetic_motion
from engine.formats.motion_json import Actor, MotionFile, read_motion_json, write_motion_json
from engine.motion import Motion


def _doc(frames: int = 20) -> MotionFile:
    return MotionFile([Actor("A", Motion(synthetic_motion("walk", frames, 1), 25.0))], "walks", 1)


# Runs in a child process: file writes past LIMIT bytes fail with EFBIG (SIGXFSZ ignored), a
# real full-disk condition that strikes inside the write, after the temporary file is open.
_FULL_DISK = textwrap.dedent("""
    import resource, signal, sys
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    kind, target, limit = sys.argv[1], sys.argv[2], int(sys.argv[3])
    sys.path.insert(0, "tests")
    from conftest import synthetic_motion
    from engine.motion import Motion
    motion = Motion(synthetic_motion("walk", 400, 2), 25.0)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    try:
        if kind == "project":
            from engine.formats.project_file import save_project
            from engine.project import Actor, Project
            save_project(target, Project(actors=[Actor("A", motion)]))
        elif kind == "motion":
            from engine.formats.motion_json import Actor, MotionFile, write_motion_json
            write_motion_json(target, MotionFile([Actor("A", motion)]))
        else:
            import torch
            from engine.model.checkpoint import save_checkpoint
            save_checkpoint(target, {"weights": torch.zeros(200_000)})
    except OSError as exc:
        print("failed:", exc.strerror)
        sys.exit(3)
""")


@pytest.mark.parametrize("kind, name", [("project", "p.stickgen"), ("motion", "m.motion.json"),
                                        ("checkpoint", "c.pt")])
def test_a_write_that_fails_inside_leaves_the_old_file_whole(tmp_path, kind, name):
    target = tmp_path / name
    old = b"the user's earlier work\n" * 100
    target.write_bytes(old)
    out = subprocess.run([sys.executable, "-c", _FULL_DISK, kind, str(target), "20000"],
                         capture_output=True, text=True, timeout=120, cwd=Path(__file__).parents[1])
    assert out.returncode == 3 and "failed: File too large" in out.stdout, out.stderr[-2000:]
    assert target.read_bytes() == old
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]    # no temporary left


def test_written_files_get_the_umask_or_keep_their_mode(tmp_path):
    from engine.export import ExportOptions, export

    previous = os.umask(0o027)
    try:
        write_motion_json(tmp_path / "new.motion.json", _doc())
        assert (tmp_path / "new.motion.json").stat().st_mode & 0o777 == 0o640
        (tmp_path / "kept.motion.json").write_text("{}")
        os.chmod(tmp_path / "kept.motion.json", 0o604)
        write_motion_json(tmp_path / "kept.motion.json", _doc())
        assert (tmp_path / "kept.motion.json").stat().st_mode & 0o777 == 0o604
        export(_doc(4), tmp_path / "frames", ExportOptions(width=64, height=48), fmt="png")
        assert (tmp_path / "frames").stat().st_mode & 0o777 == 0o750
    finally:
        os.umask(previous)


def test_the_next_write_removes_what_a_killed_writer_left(tmp_path):
    from engine.export import ExportOptions, export

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    try:
        stale_file = tmp_path / f".clip.motion.json.{dead.pid}.abcd1234.json"
        stale_dir = tmp_path / f".frames.{dead.pid}.wxyz_678"
        busy = tmp_path / f".clip.motion.json.{live.pid}.efgh5678.json"
        for p in (stale_file, busy):
            p.write_text("partial")
        stale_dir.mkdir()
        (stale_dir / "frame_00000.png").write_bytes(b"partial")
        mine = tmp_path / f".clip.motion.json.{dead.pid}.notes"     # not a temporary of ours
        mine.write_text("keep")
        write_motion_json(tmp_path / "clip.motion.json", _doc())
        export(_doc(3), tmp_path / "frames", ExportOptions(width=32, height=32), fmt="png")
        assert not stale_file.exists() and not stale_dir.exists()
        assert busy.exists() and mine.exists()    # a live writer's temporary is left alone
    finally:
        live.kill()
        live.wait()


def test_a_killed_render_leaves_temporaries_that_the_rerun_removes(tmp_path):
    src = tmp_path / "long.motion.json"
    write_motion_json(src, _doc(1500))
    out = tmp_path / "clip.mp4"
    proc = subprocess.Popen([sys.executable, "-m", "engine.cli", "render", str(src), str(out),
                             "--width", "640", "--height", "360"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while proc.poll() is None and not _hidden(tmp_path):   # until the encoder writes
            pass
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL and _hidden(tmp_path) and not out.exists()
    short = tmp_path / "short.motion.json"
    write_motion_json(short, _doc(10))
    rerun = subprocess.run([sys.executable, "-m", "engine.cli", "render", str(short), str(out),
                            "--width", "64", "--height", "48"], capture_output=True, text=True,
                           timeout=120)
    assert rerun.returncode == 0, rerun.stderr
    assert out.exists() and not _hidden(tmp_path)


def _hidden(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.startswith(".")]


# The writer process starts a real ffmpeg, then a bystander that inherits ffmpeg's input pipe:
# once the writer dies, the open pipe keeps ffmpeg waiting for frames, so only the parent-death
# signal can end it.
_ORPHAN = textwrap.dedent("""
    import subprocess, sys, time
    from engine.video import FfmpegPipe, mp4_args
    pipe = FfmpegPipe(sys.argv[1], 64, 48, 25.0, mp4_args())
    pipe.write(bytes(64 * 48 * 3))
    fd = pipe._proc.stdin.fileno()
    holder = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)"],
                              pass_fds=(fd,))
    print(pipe._proc.pid, holder.pid, flush=True)
    time.sleep(300)
""")


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return "gone"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="parent-death signal is Linux")
def test_ffmpeg_dies_with_the_process_that_started_it(tmp_path):
    writer = subprocess.Popen([sys.executable, "-c", _ORPHAN, str(tmp_path / "x.mp4")],
                              stdout=subprocess.PIPE, text=True, cwd=Path(__file__).parents[1])
    ffmpeg, holder = map(int, writer.stdout.readline().split())
    try:
        assert _state(ffmpeg) not in ("gone", "Z")
        writer.kill()
        writer.wait(timeout=60)
        # SIGKILL is already sent when the writer is reaped; give the kernel a bounded while
        # to finish ffmpeg off (an ffmpeg that survived would sit here blocked on its pipe)
        deadline = time.monotonic() + 20
        while _state(ffmpeg) not in ("gone", "Z", "X") and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _state(ffmpeg) in ("gone", "Z", "X")
    finally:
        writer.stdout.close()
        os.kill(holder, signal.SIGKILL)
        if _state(ffmpeg) not in ("gone", "Z", "X"):
            os.kill(ffmpeg, signal.SIGKILL)


def test_writers_refuse_what_readers_refuse(tmp_path):
    from engine.export import ExportOptions, export
    from engine.formats.bvh import write_bvh

    m = _doc().motion
    huge = Motion(m.positions * 1e37, 25.0)
    with pytest.raises(ValueError, match="within 10000 m"):
        write_bvh(tmp_path / "x.bvh", huge)
    nan = m.positions.copy()
    nan[3, 2, 1] = np.nan
    with pytest.raises(ValueError, match="NaN or infinity at frame 3"):
        write_motion_json(tmp_path / "x.motion.json", MotionFile([Actor("A", Motion(nan, 25.0))]))
    loops = Motion(m.positions, 25.0, joints=m.joints, parents=(-1,) + (99,) * 15)
    with pytest.raises(ValueError, match="parents entry 1 is 99"):
        export(MotionFile([Actor("A", loops)]), tmp_path / "x.gif")
    with pytest.raises(ValueError, match=r"frame rate must be in \[0.1, 1000\]"):
        export(_doc(), tmp_path / "y.mp4", ExportOptions(fps=1e12))
    assert sorted(p.name for p in tmp_path.iterdir()) == []
    write_motion_json(tmp_path / "ok.motion.json", _doc())
    assert read_motion_json(tmp_path / "ok.motion.json").motion.num_frames == 20
