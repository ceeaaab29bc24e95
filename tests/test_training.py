"""The training loop, its run folder (events, run.json, checkpoints), configs and text cache."""
import json
import subprocess
import sys

import numpy as np
import pytest
import torch

from engine.model import load_model
from training.config import TrainConfig, load_train_config
from training.runs import read_events
from training.loop import lr_at, train


def tiny_cfg(data, **kw) -> TrainConfig:
    base = dict(model="tiny", data_dir=str(data), crop_frames=32, min_crop_frames=16,
                batch_size=8, steps=20, warmup_steps=4, lr=2e-3, eval_interval=10,
                eval_batches=2, ckpt_interval=5, keep_checkpoints=2, log_interval=5, threads=1)
    return TrainConfig.from_dict({**base, **kw})


def test_a_run_writes_events_config_and_checkpoints(tiny_data, tmp_path):
    done = train(tiny_cfg(tiny_data), tmp_path, resume="never", stdout=False)
    events = read_events(tmp_path)
    kinds = [e["event"] for e in events]
    assert kinds[:3] == ["prepare", "prepare", "start"] and events[0]["texts"] == 5
    assert kinds[-1] == "done" and done["step"] == 20
    steps = [e for e in events if e["event"] == "step"]
    assert [e["step"] for e in steps] == [5, 10, 15, 20]
    for e in steps:
        assert set(e["losses"]) == {"root", "pose", "physics", "action"}
        assert all(v > 0 for v in e["losses"].values())
        assert e["samples_per_s"] > 0 and e["frames_per_s"] > e["samples_per_s"]
        assert e["lr"] > 0 and e["eta_s"] >= 0
    evals = [e for e in events if e["event"] == "eval"]
    assert [e["step"] for e in evals] == [10, 20] and all(e["val_loss"] > 0 for e in evals)
    assert set(evals[0]["val_losses"]) == {"root", "pose", "physics", "action"}
    saved = [e["step"] for e in events if e["event"] == "checkpoint"]
    assert saved == [5, 10, 15, 20]
    ckpts = sorted(p.name for p in (tmp_path / "checkpoints").glob("step_*.pt"))
    assert ckpts == ["step_0000015.pt", "step_0000020.pt"]                 # keeps the last 2
    assert (tmp_path / "checkpoints" / "latest").read_text().strip() == "step_0000020.pt"
    run = json.loads((tmp_path / "run.json").read_text())
    assert run["config"]["model"] == "tiny" and run["config"]["steps"] == 20
    assert run["model_config"]["width"] == 64 and run["encoder"]["dim"] == 384
    assert TrainConfig.from_dict(run["config"]) == tiny_cfg(tiny_data)


def test_training_checkpoints_are_plain_data_and_loadable(tiny_data, tmp_path):
    train(tiny_cfg(tiny_data, steps=5, eval_interval=0), tmp_path, resume="never", stdout=False)
    ck = torch.load(tmp_path / "checkpoints" / "step_0000005.pt", weights_only=True)
    assert ck["format"] == "stickgen.checkpoint" and ck["step"] == 5
    assert ck["encoder"] == {"name": "all-MiniLM-L6-v2", "dim": 384}
    assert len(ck["joints"]) == 16 and len(ck["feature_mean"]) == 54
    assert {"optimizer", "rng", "schedule", "samples_seen"} <= set(ck["training"])
    model, meta = load_model(tmp_path / "checkpoints" / "step_0000005.pt")
    assert meta.config.name == "tiny" and meta.config.max_frames == 32
    assert torch.allclose(model.feature_std, torch.tensor(ck["feature_std"]))


def test_loss_goes_down(tiny_data, tmp_path):
    done = train(tiny_cfg(tiny_data, steps=120, ckpt_interval=0, eval_interval=0,
                          log_interval=20), tmp_path, resume="never", stdout=False)
    steps = [e for e in read_events(tmp_path) if e["event"] == "step"]
    assert done["event"] == "done" and steps[-1]["loss"] < 0.75 * steps[0]["loss"]
    assert steps[-1]["losses"]["pose"] < 0.5 * steps[0]["losses"]["pose"]


def test_stop_file_ends_the_run_cleanly_with_a_checkpoint(tiny_data, tmp_path):
    def on_event(e):
        if e["event"] == "step" and e["step"] == 10:
            (tmp_path / "STOP").write_text("")

    end = train(tiny_cfg(tiny_data, steps=1000, log_interval=1, ckpt_interval=0),
                tmp_path, on_event=on_event, stdout=False)
    assert end["event"] == "stopped" and end["step"] == 10
    ck = [e for e in read_events(tmp_path) if e["event"] == "checkpoint"]
    assert ck[-1]["step"] == 10 and ck[-1]["reason"] == "stop"


def test_learning_rate_warms_up_then_decays():
    cfg = TrainConfig(lr=1e-3, warmup_steps=10, steps=110, min_lr_ratio=0.1)
    lrs = [lr_at(s, cfg) for s in range(110)]
    assert lrs[0] == pytest.approx(1e-4) and lrs[9] == pytest.approx(1e-3)
    assert all(a >= b for a, b in zip(lrs[9:], lrs[10:]))
    assert lrs[-1] == pytest.approx(1e-4, rel=0.01)


def test_config_from_yaml_with_overrides(tmp_path):
    (tmp_path / "c.yaml").write_text("model: tiny\nbatch_size: 4\nlora:\n  rank: 2\n"
                                     "init_from: base.pt\nloss_weights:\n  action: 0.5\n")
    cfg = load_train_config(tmp_path / "c.yaml", ["lora.alpha=4", "steps=7", "betas=[0.8, 0.9]"])
    assert (cfg.model, cfg.batch_size, cfg.steps, cfg.betas) == ("tiny", 4, 7, (0.8, 0.9))
    assert (cfg.lora.rank, cfg.lora.alpha) == (2, 4)
    assert cfg.loss_weights == {"root": 1.0, "pose": 1.0, "physics": 0.5, "action": 0.5}
    with pytest.raises(ValueError, match="unknown training settings: bogus"):
        load_train_config(tmp_path / "c.yaml", ["bogus=1"])
    # YAML reads 3e-4 (no dot) as text: number settings still come out as numbers
    cfg = load_train_config(tmp_path / "c.yaml", ["lr=3e-4", "warmup_steps=1e2", "lora.alpha=8"])
    assert (cfg.lr, cfg.warmup_steps, cfg.lora.alpha) == (3e-4, 100, 8.0)
    assert isinstance(cfg.warmup_steps, int)
    with pytest.raises(ValueError, match="lr must be a number, not 'fast'"):
        load_train_config(tmp_path / "c.yaml", ["lr=fast"])
    with pytest.raises(ValueError, match="needs init_from"):
        load_train_config(None, ["lora.rank=4"])
    for preset in ("small", "finetune_sft", "finetune_lora"):
        assert load_train_config(preset, ["init_from=x.pt"]).steps > 0


def test_missing_data_is_an_error_event_and_a_clean_exit(tmp_path):
    (tmp_path / "c.yaml").write_text(f"model: tiny\ndata_dir: {tmp_path / 'nowhere'}\n")
    out = subprocess.run([sys.executable, "-m", "training", "--config", str(tmp_path / "c.yaml"),
                          "--run-dir", str(tmp_path / "run")], capture_output=True, text=True)
    assert out.returncode == 1
    assert out.stderr.strip().startswith("error: FileNotFoundError")
    assert read_events(tmp_path / "run")[-1]["event"] == "error"
    bad = subprocess.run([sys.executable, "-m", "training", "--config", str(tmp_path / "no.yaml"),
                          "--run-dir", str(tmp_path / "run")], capture_output=True, text=True)
    assert bad.returncode == 2 and "no training config" in bad.stderr


def test_text_cache_grows_with_new_texts(tiny_data, tmp_path, text_encoder):
    from training.dataset import TextTable, ensure_text_cache, text_cache_path

    cached = TextTable.load(text_cache_path(tiny_data, "all-MiniLM-L6-v2"))
    import shutil
    shutil.copy(text_cache_path(tiny_data, "all-MiniLM-L6-v2"), tmp_path)
    table = ensure_text_cache(tmp_path, cached.texts + ["a person jumps"], "all-MiniLM-L6-v2")
    assert table.texts[-1] == "a person jumps" and len(table.texts) == len(cached.texts) + 1
    assert np.allclose(table.embeddings[-1], text_encoder.encode(["a person jumps"])[0], atol=1e-5)
    again = TextTable.load(text_cache_path(tmp_path, "all-MiniLM-L6-v2"))
    assert again.texts == table.texts


def test_training_reads_the_text_cache_without_loading_the_encoder(tiny_data, tmp_path):
    code = ("import sys, torch\nfrom training.config import TrainConfig\n"
            "from training.loop import train\n"
            f"cfg = TrainConfig.from_dict(dict(model='tiny', data_dir={str(tiny_data)!r}, "
            "crop_frames=16, min_crop_frames=16, batch_size=2, steps=2, eval_interval=0, "
            "ckpt_interval=0, threads=1))\n"
            f"train(cfg, {str(tmp_path)!r}, stdout=False)\n"
            "print('sentence_transformers' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"


def test_action_weights_draw_the_named_actions_more_often(tiny_data):
    from training.data.shards import read_split
    from engine.model.features import FeatureStats
    from training.dataset import CropDataset, compute_features, ensure_text_cache, sample_texts

    samples = read_split(tiny_data / "train")
    feats = compute_features(samples)
    table = ensure_text_cache(tiny_data, sample_texts(samples), "all-MiniLM-L6-v2")
    stats = FeatureStats.compute(feats)
    target = samples[0].segments[0].action
    has = np.array([any(g.action == target for g in s.segments) for s in samples])
    assert 0 < has.sum() < len(samples)
    plain = CropDataset(samples, feats, stats, table, 0)
    boosted = CropDataset(samples, feats, stats, table, 0, action_weights={target: 4.0})
    share = lambda ds: ds.weights[has].sum()  # noqa: E731
    odds = lambda p: p / (1 - p)  # noqa: E731
    assert odds(share(boosted)) == pytest.approx(4 * odds(share(plain)))
    with pytest.raises(ValueError, match="unknown actions in action_weights: moonwalk"):
        load_train_config(None, ["action_weights.moonwalk=2"])
    assert load_train_config(None, ["action_weights.stumble=3"]).action_weights == {"stumble": 3}
