"""``python -m training export``: a training checkpoint becomes a slim inference checkpoint."""
import torch

from engine.model import load_model
from training.__main__ import main as training_main
from training.loop import train
from test_training import tiny_cfg


def test_export_keeps_the_model_and_drops_training_state(tiny_data, tmp_path):
    run = tmp_path / "run"
    train(tiny_cfg(tiny_data, steps=5, eval_interval=0), run, resume="never", stdout=False)
    out = tmp_path / "model.pt"
    assert training_main(["export", str(run / "checkpoints" / "latest"), "--out", str(out)]) == 0
    ck = torch.load(out, weights_only=True)
    assert "training" not in ck and ck["step"] == 5
    a, _ = load_model(run / "checkpoints" / "step_0000005.pt")
    b, meta = load_model(out)
    assert meta.step == 5 and meta.encoder == "all-MiniLM-L6-v2"
    for (ka, va), (kb, vb) in zip(a.state_dict().items(), b.state_dict().items()):
        assert ka == kb and torch.equal(va, vb)
    assert out.stat().st_size < (run / "checkpoints" / "step_0000005.pt").stat().st_size
    assert training_main(["export", str(tmp_path / "missing.pt"), "--out", str(out)]) == 1
