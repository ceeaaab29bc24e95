import numpy as np
import torch

from engine.actions import ACTIONS
from training.classifier import (evaluate_classifier, judge, load_classifier, save_classifier,
                                 segment_accuracy, train_classifier)
from training.data.shards import read_split
from training import metrics as M


def test_classifier_learns_walk_versus_wave(tiny_data, tmp_path):
    torch.set_num_threads(1)
    train = read_split(tiny_data / "train")
    val = read_split(tiny_data / "val")
    model, report = train_classifier(train, val, steps=120, crop=48, batch=16, log=lambda m: None)
    assert report["frame_accuracy"] > 0.9
    path = tmp_path / "clf.pt"
    save_classifier(path, model, report)
    again = load_classifier(path)
    j1, j2 = judge(model, val[0].positions), judge(again, val[0].positions)
    np.testing.assert_allclose(j1.probs, j2.probs, atol=1e-6)
    assert j1.probs.shape == (val[0].num_frames, len(ACTIONS)) and j1.embedding.shape == (128,)
    assert evaluate_classifier(again, val)["segment_accuracy"] > 0.9


def test_segment_accuracy_ignores_transition_frames():
    pred = ["walk"] * 10 + ["wave"] * 10
    assert segment_accuracy(pred, [(0, 12, "walk"), (12, 20, "wave")]) == (2, 2)
    assert segment_accuracy(["idle"] * 10, [(0, 10, "walk")]) == (0, 1)


def test_metrics_on_known_inputs():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 4))
    assert M.frechet_distance(x, x) < 1e-6
    assert M.frechet_distance(x, x + 3.0) > 30.0
    same = [np.zeros((3, 4))]
    apart = [np.array([[0.0, 0, 0, 0], [3.0, 4.0, 0, 0]])]
    assert M.diversity(same) == 0.0 and M.diversity(apart) == 5.0


def test_a_judge_saved_with_four_layers_still_loads(tmp_path):
    """Judges written before the fifth (dilation 16) layer keep their own shape and results."""
    from training.classifier import MotionClassifier

    old = MotionClassifier(12, len(ACTIONS), width=16, dilations=(1, 2, 4, 8)).eval()
    path = tmp_path / "old.pt"
    save_classifier(path, old, {})
    blob = torch.load(path, weights_only=True)
    del blob["meta"]["dilations"]          # as the older code wrote it
    torch.save(blob, path)
    again = load_classifier(path)
    assert again.dilations == (1, 2, 4, 8) and len(again.blocks) == 4
    x = torch.randn(1, 40, 12)
    torch.testing.assert_close(again(x)[0], old(x)[0])
    assert MotionClassifier(12, len(ACTIONS)).dilations == (1, 2, 4, 8, 16)
