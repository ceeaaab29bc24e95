"""Fine-tuning: LoRA adapters (frozen base, separate adapter file, merge) and --init-from."""
import subprocess
import sys

import pytest
import torch

from engine.model import CheckpointError, load_model
from engine.model.checkpoint import save_checkpoint
from engine.model.config import ModelConfig
from engine.model.lora import apply_lora, lora_state_dict, merge_lora
from engine.model.transformer import MotionTransformer
from training.config import TrainConfig
from training.runs import read_events
from training.loop import train


def cfg_for(data, **kw) -> TrainConfig:
    base = dict(model="tiny", data_dir=str(data), crop_frames=32, min_crop_frames=16,
                batch_size=6, steps=10, warmup_steps=2, lr=2e-3, eval_interval=0,
                ckpt_interval=0, log_interval=5, threads=1)
    return TrainConfig.from_dict({**base, **kw})


def inputs(cfg, T=16):
    g = torch.Generator().manual_seed(1)
    C = cfg.feature_dim
    return (torch.randn(2, T, C, generator=g), torch.tensor([10, 900]), torch.randn(2, T, C, generator=g),
            torch.zeros(2, T, C), torch.randint(0, cfg.num_actions, (2, T), generator=g),
            torch.randn(2, cfg.text_dim, generator=g), torch.randn(2, 1, cfg.text_dim, generator=g),
            torch.zeros(2, T, dtype=torch.long))


@pytest.fixture(scope="module")
def base(tiny_data, tmp_path_factory):
    run = tmp_path_factory.mktemp("base")
    return train(cfg_for(tiny_data), run, resume="never", stdout=False)["model_path"]


def test_adapters_start_as_a_no_op_and_only_they_train():
    cfg = ModelConfig(name="t", width=32, layers=2, heads=4, max_frames=16)
    net = MotionTransformer(cfg).eval()
    x = inputs(cfg)
    before = net(*x)["x0"]
    wrapped = apply_lora(net, rank=2, alpha=4)
    assert len(wrapped) == 2 * 5                            # qkv, proj, w1, w2, w3 per block
    assert torch.equal(net(*x)["x0"], before)
    trainable = {n for n, p in net.named_parameters() if p.requires_grad}
    assert trainable and all(n.endswith(("lora_a", "lora_b")) for n in trainable)


def test_lora_finetune_changes_only_adapters_and_merges_exactly(tiny_data, base, tmp_path):
    cfg = cfg_for(tiny_data, init_from=base, lora={"rank": 4, "alpha": 8}, steps=12, lr=1e-2)
    done = train(cfg, tmp_path / "lora", resume="never", stdout=False)
    start = next(e for e in read_events(tmp_path / "lora") if e["event"] == "start")
    assert start["lora"] and start["trainable_params"] < start["params"] // 5
    adapters = torch.load(done["model_path"], weights_only=True)
    assert adapters["kind"] == "lora"
    assert adapters["model"] and all(k.endswith(("lora_a", "lora_b")) for k in adapters["model"])

    tuned, meta = load_model(done["model_path"])
    plain, _ = load_model(base)
    base_sd, tuned_sd = plain.state_dict(), tuned.state_dict()
    for k, v in tuned_sd.items():
        if k.endswith(("lora_a", "lora_b")):
            continue
        assert torch.equal(v, base_sd[k.replace(".base.", ".")]), k      # base is frozen
    assert any(v.abs().sum() > 0 for k, v in lora_state_dict(tuned).items() if "lora_b" in k)

    out = subprocess.run([sys.executable, "-m", "training", "merge", done["model_path"],
                          "--out", str(tmp_path / "merged.pt")], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    merged, mmeta = load_model(tmp_path / "merged.pt")
    assert mmeta.kind == "model" and not any("lora" in k for k in merged.state_dict())
    x = inputs(meta.config)
    with torch.no_grad():
        a, b, c = tuned(*x)["x0"], merged(*x)["x0"], plain(*x)["x0"]
    assert torch.allclose(a, b, atol=1e-5)
    assert not torch.allclose(a, c, atol=1e-4)                            # it learned something
    again = merge_lora(load_model(done["model_path"])[0])
    with torch.no_grad():
        assert torch.allclose(again(*x)["x0"], b, atol=1e-6)


def test_lora_run_resumes_exactly(tiny_data, base, tmp_path):
    cfg = cfg_for(tiny_data, init_from=base, lora={"rank": 2}, steps=10, log_interval=1,
                  inpaint_prob=0.5)
    train(cfg, tmp_path / "straight", resume="never", stdout=False)

    def stop(e):
        if e["event"] == "step" and e["step"] == 4:
            (tmp_path / "split" / "STOP").write_text("")

    assert train(cfg, tmp_path / "split", on_event=stop, stdout=False)["event"] == "stopped"
    train(cfg, tmp_path / "split", stdout=False)
    a = torch.load(tmp_path / "straight" / "adapters.pt", weights_only=True)["model"]
    b = torch.load(tmp_path / "split" / "adapters.pt", weights_only=True)["model"]
    for k in a:
        assert torch.allclose(a[k], b[k], atol=1e-6), k


def test_init_from_keeps_the_base_normalisation_and_starts_from_its_weights(tiny_data, base,
                                                                            tmp_path):
    done = train(cfg_for(tiny_data, init_from=base, steps=3, lr=1e-5), tmp_path / "sft",
                 resume="never", stdout=False)
    tuned, _ = load_model(done["model_path"])
    plain, _ = load_model(base)
    assert torch.equal(tuned.feature_mean, plain.feature_mean)
    diff = max((a - b).abs().max().item() for a, b in
               zip(tuned.parameters(), plain.parameters()))
    assert 0 < diff < 1e-3                                   # a few tiny steps from the base


def test_init_from_a_model_of_another_encoder_or_foreign_adapters_fails_clearly(tiny_data, base,
                                                                                tmp_path):
    ck = torch.load(base, weights_only=True)
    ck["encoder"] = {"name": "other-encoder", "dim": 384}
    save_checkpoint(tmp_path / "other.pt", ck)
    with pytest.raises(CheckpointError, match=r"other-encoder \(384-d\) but this run uses "
                                              r"all-MiniLM-L6-v2 \(384-d\)"):
        train(cfg_for(tiny_data, init_from=str(tmp_path / "other.pt")), tmp_path / "r",
              stdout=False)
    done = train(cfg_for(tiny_data, init_from=base, lora={"rank": 2}, steps=2), tmp_path / "l",
                 stdout=False)
    ck["encoder"] = {"name": "all-MiniLM-L6-v2", "dim": 384}
    ck["model"] = {k: v + 0.01 if v.is_floating_point() else v for k, v in ck["model"].items()}
    save_checkpoint(tmp_path / "changed.pt", ck)
    with pytest.raises(CheckpointError, match="different base weights"):
        load_model(done["model_path"], base=tmp_path / "changed.pt")
