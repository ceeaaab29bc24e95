"""Hundreds of damaged files of every type the command line opens: none crashes a reader, each
refusal is one line naming the file, and whatever loads is written and read back.

The corpus is seeded (tests/damaged_files.py). Every file is opened in-process; a sample is
also handed to the real ``stickgen`` / ``python -m training`` processes, which must exit 0 or
with one error line, never a traceback.
"""
import collections
import json
import subprocess
import sys

import pytest
import torch

from damaged_files import build_corpus, open_case

SUBPROCESS_SAMPLE = 2   # damaged files per type also run through the real command


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("damaged")
    return folder, build_corpus(folder, seed=15, per_kind=45)


def test_no_damaged_file_crashes_a_reader(corpus):
    folder, cases = corpus
    assert len(cases) >= 250
    assert {c.kind for c in cases} == {"motion_json", "project", "bvh", "npz", "deepmimic",
                                       "checkpoint", "batch", "run_config"}
    outcomes = collections.Counter()
    bad = []
    for n, case in enumerate(cases):
        out = folder / "out" / f"{n:03d}"
        out.mkdir(parents=True)
        outcome, detail = open_case(case, out)
        outcomes[outcome] += 1
        if outcome in ("crash", "unclear"):
            bad.append(f"{case.kind} {case.path.name} ({case.how}): {outcome}: {detail}")
    assert not bad, "\n".join(bad)
    # most damage must be noticed: a corpus that only produced loadable files tests nothing
    assert outcomes["refused"] > 0.6 * len(cases), outcomes


def _command(case, out_dir):
    if case.kind in ("motion_json", "bvh", "npz", "deepmimic"):
        return ["-m", "engine.cli", "convert", str(case.path), str(out_dir / "out.motion.json")]
    if case.kind == "project":
        return ["-m", "engine.cli", "render", str(case.path), str(out_dir / "out.motion.json")]
    if case.kind == "batch":
        return ["-m", "engine.cli", "generate", "--batch", str(case.path), "--out-dir",
                str(out_dir)]
    if case.kind == "checkpoint":
        return ["-m", "training", "export", str(case.path), "--out", str(out_dir / "m.pt")]
    return ["-m", "training", "--config", str(case.path), "--run-dir", str(out_dir / "run"),
            "--set", "steps=0", "--set", f"data_dir={out_dir / 'no-data'}"]


def _sample(cases):
    """Damaged files the commands refuse before any model or data loads (a batch file with
    one good line would load the model, so only wholly unreadable batch files are sampled)."""
    picked = []
    for kind in ("motion_json", "bvh", "npz", "deepmimic", "project", "checkpoint",
                 "run_config", "batch"):
        damaged = [c for c in cases if c.kind == kind and c.how != "valid seed"]
        if kind == "batch":
            damaged = [c for c in damaged if c.how in ("empty", "binary junk", "utf-16")]
        picked += damaged[:SUBPROCESS_SAMPLE]
    return picked


def test_commands_refuse_damaged_files_in_one_line(corpus, tmp_path):
    folder, cases = corpus
    for n, case in enumerate(_sample(cases)):
        out_dir = tmp_path / f"{n:02d}"
        out_dir.mkdir()
        proc = subprocess.run([sys.executable, *_command(case, out_dir)], capture_output=True,
                              text=True, timeout=120)
        what = f"{case.kind} {case.path.name} ({case.how})"
        assert "Traceback" not in proc.stderr, f"{what}:\n{proc.stderr[-2000:]}"
        assert proc.returncode in (0, 1, 2), (what, proc.returncode)
        refused, _ = open_case(case, out_dir)
        if proc.returncode:
            errors = [ln for ln in proc.stderr.splitlines() if "error" in ln.lower()]
            assert errors, (what, proc.stderr)
            if refused == "refused":   # else the file was fine and something later failed
                assert case.path.name in errors[0], (what, proc.stderr)
                assert len(proc.stderr.strip().splitlines()) == 1, (what, proc.stderr)
            written = [p for p in out_dir.rglob("*") if p.is_file()]
            assert not [p for p in written if p.name.startswith(".")], (what, written)


def test_checkpoint_refusals_say_what_is_wrong(corpus):
    from engine.model.checkpoint import CheckpointError, load_model

    folder, cases = corpus
    by_how = {c.how: c.path for c in cases if c.kind == "checkpoint"}
    expected = {"empty": "empty", "layers 1e9": "layers = 1000000000 is out of range",
                "width 1e9": "width = 1000000000 is out of range",
                "no encoder": "'encoder' is missing", "no weights": "'model' must hold"}
    for how, words in expected.items():
        with pytest.raises(CheckpointError, match=words):
            load_model(by_how[how])
    nan = next(p for h, p in by_how.items() if h.startswith("NaN in"))
    with pytest.raises(CheckpointError, match="NaN or infinity"):
        load_model(nan)
    shape = next((p for h, p in by_how.items() if h.startswith("shape of")), None)
    if shape is not None:
        with pytest.raises(CheckpointError, match=r"of another shape \(.* is \(3, 5\)"):
            load_model(shape)


def test_deep_nesting_and_huge_numbers_are_refused(tmp_path):
    from engine.formats.errors import FormatError
    from engine.formats.loader import load_any

    deep = tmp_path / "deep.motion.json"
    deep.write_text("[" * 200_000 + "]" * 200_000)
    with pytest.raises(FormatError, match="nested too deeply"):
        load_any(deep)
    digits = tmp_path / "digits.motion.json"
    digits.write_text(json.dumps({"format": "stickgen.motion"})[:-1] + ', "fps": '
                      + "9" * 5000 + "}")
    with pytest.raises(FormatError, match="digits.motion.json"):
        load_any(digits)


def test_checkpoint_of_random_bytes_is_refused_without_torch_jargon(tmp_path):
    from engine.model.checkpoint import CheckpointError, load_model

    p = tmp_path / "junk.pt"
    p.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(CheckpointError) as info:
        load_model(p)
    assert "junk.pt" in str(info.value) and "weights_only" not in str(info.value)
    torch.save({"format": "stickgen.checkpoint", "version": 1}, tmp_path / "bare.pt")
    with pytest.raises(CheckpointError, match="bare.pt"):
        load_model(tmp_path / "bare.pt")


def test_a_diverged_model_is_not_written(tmp_path):
    from engine.model.checkpoint import CheckpointError, save_model
    from engine.model.config import load_model_config
    from engine.model.transformer import MotionTransformer

    model = MotionTransformer(load_model_config("tiny", text_dim=8))
    with torch.no_grad():
        next(model.parameters())[0] = float("nan")
    with pytest.raises(CheckpointError, match="not written: weight .* NaN or infinity"):
        save_model(tmp_path / "m.pt", model, "enc", 8)
    assert list(tmp_path.iterdir()) == []
