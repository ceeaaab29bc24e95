"""The Generator facade and ``stickgen generate`` on a tiny real checkpoint."""
import json

import numpy as np
import pytest

from engine.cli import main as cli
from engine.formats.motion_json import read_motion_json
from engine.generate import Generator, resolve_model
from engine.skeleton import REST_BONE_LENGTHS, bone_lengths


@pytest.fixture(scope="module")
def gen(tiny_checkpoint):
    return Generator(tiny_checkpoint).load()


def test_generate_follows_the_plan_and_is_seeded(gen):
    a = gen.generate("a man walks forward, then waves happily", seconds=4, seed=1)
    m = a.motion
    assert m.num_frames == 100 and m.fps == 25
    assert m.actions[0] == "walk" and m.actions[-1] == "wave"
    assert m.expressions[-1] == "happy"
    assert np.abs(bone_lengths(m.positions)[:, 1:] - REST_BONE_LENGTHS[1:]).max() < 1e-4
    assert m.positions[..., 1].min() > -1e-4
    again = gen.generate("a man walks forward, then waves happily", seconds=4, seed=1)
    np.testing.assert_array_equal(again.motion.positions, m.positions)
    other = gen.generate("a man walks forward, then waves happily", seconds=4, seed=2)
    assert np.abs(other.motion.positions - m.positions).max() > 1e-3
    assert set(a.timings) >= {"plan", "sample", "physics", "total"}


def test_regenerate_keeps_frames_outside_the_selection(gen):
    base = gen.generate("a person walks", seconds=3, seed=0).motion
    out = gen.regenerate(base, 25, 50, "jumps", seed=3).motion
    np.testing.assert_array_equal(out.positions[:25], base.positions[:25])
    np.testing.assert_array_equal(out.positions[50:], base.positions[50:])
    assert out.actions[30] == "jump" and out.actions[0] == "walk"
    with pytest.raises(ValueError, match="not inside"):
        gen.regenerate(base, 50, 200, "jumps")


def test_guidance_is_a_setting_of_the_generator(tiny_checkpoint, gen):
    guided = gen.generate("a person jumps", seconds=2, seed=4).motion.positions
    plain = Generator(tiny_checkpoint, guidance=1.0).load()
    unguided = plain.generate("a person jumps", seconds=2, seed=4).motion.positions
    assert np.abs(guided - unguided).max() > 1e-3
    assert gen.guide(8) == {"guidance": gen.guidance, "guided_steps": 4, "bf16": gen.bf16,
                            "times": None}
    with pytest.raises(ValueError, match="guidance must be positive"):
        Generator(tiny_checkpoint, guidance=0.0)


def test_bfloat16_sampling_stays_close_to_float32(tiny_checkpoint):
    fp32 = Generator(tiny_checkpoint, precision="fp32").load()
    bf16 = Generator(tiny_checkpoint, precision="bf16").load()
    assert (fp32.bf16, bf16.bf16) == (False, True)
    a = fp32.generate("a person waves", seconds=2, seed=4).motion.positions
    b = bf16.generate("a person waves", seconds=2, seed=4).motion.positions
    assert 0 < np.abs(a - b).max() < 0.15          # metres: the same motion, rounded
    with pytest.raises(ValueError, match="precision"):
        Generator(tiny_checkpoint, precision="fp16")


def test_the_generators_planner_checks_rules_against_the_meaning(gen):
    # "hit" is a punch word; the clause as a whole describes a block
    seg = gen.plan("a woman deflects an incoming hit with the forearm").segments
    assert [(s.action, s.matched_by) for s in seg] == [("block", "embedding")]
    seg = gen.plan("a man walks forward").segments
    assert [(s.action, s.matched_by) for s in seg] == [("walk", "rule")]


def test_unknown_model_is_a_clear_error():
    with pytest.raises(FileNotFoundError, match="no model 'nonexistent'"):
        resolve_model("nonexistent")


def test_cli_generate_single_variations_and_batch(tiny_checkpoint, tmp_path, capsys):
    out = tmp_path / "clip.motion.json"
    assert cli(["generate", "a man jumps", "--seconds", "2", "--model", str(tiny_checkpoint),
                "--out", str(out)]) == 0
    doc = read_motion_json(out)
    assert doc.prompt == "a man jumps" and doc.motion.num_frames == 50
    assert cli(["generate", "waves", "--seconds", "1", "--variations", "2", "--seed", "5",
                "--model", str(tiny_checkpoint), "--out", str(tmp_path / "v.motion.json")]) == 0
    seeds = [json.loads((tmp_path / f"v_{i}.motion.json").read_text())["seed"] for i in (0, 1)]
    assert seeds == [5, 6]
    batch = tmp_path / "prompts.txt"
    batch.write_text("1.5\ta woman claps\n\n# comment\nsomeone bows\n")
    assert cli(["generate", "--batch", str(batch), "--out-dir", str(tmp_path / "b"),
                "--model", str(tiny_checkpoint)]) == 0
    files = sorted(p.name for p in (tmp_path / "b").iterdir())
    assert files == ["000_a_woman_claps.motion.json", "001_someone_bows.motion.json"]
    assert read_motion_json(tmp_path / "b" / files[0]).motion.num_frames == 38


@pytest.mark.parametrize("args, message", [
    (["generate", "   ", "--out", "x.motion.json"], "empty"),
    (["generate", "walks"], "--out"),
    (["generate", "walks", "--out", "x.motion.json", "--seconds", "-2"], "seconds"),
    (["generate", "walks", "--out", "x.motion.json", "--model", "nope.pt"], "no model"),
    (["generate", "walks", "--out", "x.motion.json", "--guidance", "0"], "--guidance"),
])
def test_cli_errors_are_one_line_and_nonzero(tiny_checkpoint, args, message, capsys, tmp_path,
                                             monkeypatch):
    monkeypatch.chdir(tmp_path)
    if "--model" not in args:
        args = args + ["--model", str(tiny_checkpoint)]
    assert cli(args) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0]
    assert not (tmp_path / "x.motion.json").exists()
