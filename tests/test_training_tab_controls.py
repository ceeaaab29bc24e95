"""The Training tab's controls follow what is happening: Start is off while a run is busy,
Stop and Kill work (and Resume is off) while a new run's data is being made, the time estimate
counts the data preparation, and a disabled primary button looks disabled."""
import json

import numpy as np

from training import runs as tr
from stickgen_studio.views.theme import STYLE_SHEET
from stickgen_studio.views.training.data_panel import PROCEDURAL
from test_training_tab import TIMEOUT, click, make_panel


def test_start_is_off_while_a_run_is_busy_and_stop_cancels_a_data_build(qtbot, tmp_path,
                                                                        tiny_data):
    panel = make_panel(qtbot, tmp_path, "", steps=40)
    view = panel.view
    panel.data.set_source(PROCEDURAL)
    panel.data.procedural.setValue(2000)
    assert panel.start_button.isEnabled(), panel.start_status.text()
    run = panel.start()
    # The run's data is being made: it can be stopped or killed, not resumed or started again.
    assert str(run) in panel.building
    assert not panel.start_button.isEnabled()
    assert view.stop_button.isEnabled() and view.kill_button.isEnabled()
    assert not view.resume_button.isEnabled() and not view.use_button.isEnabled()
    with qtbot.waitSignal(panel.message, timeout=TIMEOUT) as said:
        click(qtbot, view.stop_button)
    assert "stopped while its data was being made" in said.args[0]
    assert not panel.building and panel.start_button.isEnabled()
    assert panel.jobs[str(run)].info.status == tr.FAILED
    assert not (run / "data" / "manifest.json").exists()

    # A run on a prepared dataset: Start is off until the trainer has ended.
    panel.data.set_source("dataset")
    panel.data.dataset.setText(str(tiny_data))
    second = panel.start()
    job = panel.jobs[str(second)]
    assert job.info.live and not panel.start_button.isEnabled()
    assert "already training" in panel.start_status.text()
    qtbot.waitUntil(lambda: job.info.status == tr.FINISHED, timeout=TIMEOUT)
    assert panel.start_button.isEnabled(), panel.start_status.text()


def _write_run(root, name, source, created, first_step):
    run = root / name
    run.mkdir(parents=True)
    (run / tr.JOB_FILE).write_text(json.dumps({"created": created, "data": {"source": source},
                                               "launches": []}))
    (run / "events.jsonl").write_text(json.dumps({"event": "step", "step": 1,
                                                  "time": first_step}) + "\n")


def test_the_time_estimate_counts_preparing_the_data(qtbot, tmp_path, tiny_data):
    from stickgen_studio.jobs.training_estimates import estimate_preparation

    # Measured: this machine took 70 s from creating a procedural run to its first step.
    _write_run(tmp_path / "runs", "old", PROCEDURAL, 1000.0, 1070.0)
    runs = tr.list_runs(tmp_path / "runs")
    seconds, basis = estimate_preparation({"source": PROCEDURAL, "procedural": 2000}, runs)
    assert seconds == 70.0 and "old" in basis
    prior, basis = estimate_preparation({"source": "dataset"}, [])
    assert prior > 5 and "guess" in basis

    panel = make_panel(qtbot, tmp_path, "", steps=40)
    panel.data.set_source(PROCEDURAL)
    text = panel.settings_panel.estimate.text()
    assert "1 min 10 s preparing the data" in text, text


def _mean_rgb(widget):
    img = widget.grab().toImage()
    img = img.convertToFormat(img.Format.Format_RGB888)
    w, h = img.width(), img.height()
    arr = np.frombuffer(img.constBits(), np.uint8, img.bytesPerLine() * h)
    arr = arr.reshape(h, img.bytesPerLine())[:, : w * 3].reshape(h, w, 3)
    return arr[h // 4: 3 * h // 4, w // 4: 3 * w // 4].reshape(-1, 3).mean(axis=0)


def test_a_disabled_use_this_model_looks_disabled(qtbot, tmp_path):
    panel = make_panel(qtbot, tmp_path, "")
    view = panel.view
    view.setStyleSheet(STYLE_SHEET)
    assert not view.use_button.isEnabled() and not view.stop_button.isEnabled()
    use, plain = _mean_rgb(view.use_button), _mean_rgb(view.stop_button)
    # Like any disabled button: greyish (no accent colour), close to a disabled plain button.
    assert use.max() - use.min() < 12, use
    assert np.abs(use - plain).max() < 16, (use, plain)
