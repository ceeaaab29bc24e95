"""The Training tab with real trainers: ``python -m training`` processes on a tiny model and the
tiny synthetic dataset, driven through the panel's own buttons.

Start -> events and curves -> Stop (a checkpoint) -> Resume -> finished -> Use This Model ->
generate with it; a failing trainer says why; a SIGKILLed trainer resumes from its checkpoint;
a reopened tab lists the runs and re-attaches to a live one; one run folder never gets two
trainers.
"""
import json

import numpy as np
import yaml
from PySide6.QtCore import QSettings, Qt

from training import runs as tr
from stickgen_studio.views.training_panel import TrainingPanel
from test_app_support import generate
from test_training_runs import clip_folder  # noqa: F401

TIMEOUT = 90_000  # ms; a trainer process starts in a few seconds, slower on a busy machine
FAST = "threads=1 eval_batches=1 batch_size=4 crop_frames=32 min_crop_frames=16"


def make_panel(qtbot, tmp_path, data, steps=300, extra=FAST, name="settings.ini"):
    settings = QSettings(str(tmp_path / name), QSettings.IniFormat)
    panel = TrainingPanel(runs_root=tmp_path / "runs", settings=settings, poll_ms=100)
    qtbot.addWidget(panel)
    panel.resize(1400, 850)
    panel.show()
    panel.data.dataset.setText(str(data))
    panel.settings_panel.steps.setValue(steps)
    panel.settings_panel.extra.setText(extra)
    return panel


def events_of(run, kind):
    return [e for e in tr.parse_events(tr.FileTail(run / "events.jsonl").read_lines())
            if e["event"] == kind]


def running(pid: int) -> bool:
    """Whether process ``pid`` still runs (a killed one may linger as a zombie for a moment)."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except FileNotFoundError:
        return False


def click(qtbot, button):
    assert button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.LeftButton)


def test_start_watch_stop_resume_finish_and_generate(qtbot, tmp_path, tiny_data, window):
    win = window                      # the app's main window, its Training tab on tmp_path/runs
    win.tabs.setCurrentWidget(win.training)
    panel = win.training
    assert isinstance(panel, TrainingPanel) and panel.root == tmp_path / "runs"
    panel.data.dataset.setText(str(tiny_data))
    panel.settings_panel.steps.setValue(300)
    panel.settings_panel.extra.setText(FAST)
    view = panel.view
    assert panel.start_button.isEnabled(), panel.start_status.text()
    assert "s for 300 steps" in panel.settings_panel.estimate.text()

    click(qtbot, panel.start_button)
    run = next(iter(panel.jobs.values())).run
    job = panel.jobs[str(run)]
    assert view.job is job and panel.runs.selected_path() == str(run)
    config = yaml.safe_load((run / "config.yaml").read_text())
    assert config["model"] == "tiny" and config["data_dir"] == str(tiny_data.resolve())

    # live: the trainer's events arrive, the curve grows, the progress bar and rate move
    qtbot.waitUntil(lambda: view.curves.points[0] >= 2, timeout=TIMEOUT)
    assert job.info.status == tr.RUNNING and job.info.pid
    assert panel.runs.status_of(str(run)) == tr.RUNNING
    assert view.stop_button.isEnabled() and view.kill_button.isEnabled()
    assert not view.resume_button.isEnabled()
    assert "samples/s" in view.rate.text() and view.progress.value() > 0
    assert "started at step 0 of 300" in view.log.toPlainText()

    # Stop: a checkpoint is written, then the trainer ends; Resume is offered
    click(qtbot, view.stop_button)
    qtbot.waitUntil(lambda: job.info.status == tr.STOPPED, timeout=TIMEOUT)
    stopped_at = job.info.step
    assert 0 < stopped_at < 300
    assert events_of(run, "checkpoint")[-1]["reason"] in ("stop", "interval")
    assert job.info.last_checkpoint == stopped_at
    assert view.resume_button.isEnabled() and not view.stop_button.isEnabled()
    assert "Stopped" in view.summary.text() and f"step {stopped_at}" in view.summary.text()

    # Resume: the trainer continues from that checkpoint to the end
    click(qtbot, view.resume_button)
    qtbot.waitUntil(lambda: job.info.status == tr.FINISHED, timeout=TIMEOUT)
    starts = events_of(run, "start")
    assert len(starts) == 2 and starts[1]["step"] == stopped_at
    assert starts[1]["resumed_from"].endswith(f"step_{stopped_at:07d}.pt")
    assert view.curves.train_x[-1] == 300 and view.curves.points[1] >= 2
    assert view.curves.train_x == sorted(view.curves.train_x)
    assert "Finished" in view.summary.text() and "Validation loss" in view.summary.text()
    assert panel.runs.status_of(str(run)) == tr.FINISHED
    assert "finished 300 steps" in win.message_bar.text.text()

    # Use This Model: the Animate tab's generator switches to it, and it generates motion
    from stickgen_studio.jobs.model_service import READY

    with qtbot.waitSignal(panel.use_model) as used:
        click(qtbot, view.use_button)
    model = str(run / "model.pt")
    assert used.args == [model] and win.tabs.currentWidget() is win.page
    assert win.service.model_ref == model
    assert win.prompt_panel.model.currentData() == model
    qtbot.waitUntil(lambda: win.service.state == READY, timeout=TIMEOUT)
    actor = generate(qtbot, win, "a person walks forward", seed=1, seconds=2.0)
    assert actor.motion.num_frames == 50 and np.isfinite(actor.motion.positions).all()

    # the finished run offers its model as a base for a fine-tune
    bases = [panel.settings_panel.base.itemData(i)
             for i in range(panel.settings_panel.base.count())]
    assert model in bases


def test_failing_trainer_shows_why(qtbot, tmp_path, tiny_data):
    broken = tmp_path / "broken_data"
    (broken / "train").mkdir(parents=True)
    (broken / "train" / "shard_00000.npz").write_bytes(b"this is not a shard")
    panel = make_panel(qtbot, tmp_path, broken)
    with qtbot.waitSignal(panel.message, timeout=TIMEOUT,
                          check_params_cb=lambda text, level: level == "error") as said:
        run = panel.start()
    job = panel.jobs[str(run)]
    assert job.info.status == tr.FAILED
    error = events_of(run, "error")[-1]["message"]
    assert error in job.info.reason and run.name in said.args[0]
    assert panel.view.reason.text().lower().startswith(job.info.reason[:20].lower())
    assert "error:" in panel.view.log.toPlainText()
    assert panel.view.resume_button.isEnabled() and not panel.view.use_button.isEnabled()

    # A trainer that refuses its settings (exit status 2) is reported from its stderr.
    (run / "config.yaml").write_text("steps: -5\n")
    click(qtbot, panel.view.resume_button)
    qtbot.waitUntil(lambda: job.info.status == tr.FAILED and "steps" in job.info.reason,
                    timeout=TIMEOUT)
    assert "config.yaml: steps = -5 is out of range" in job.info.reason
    assert "│ error:" in panel.view.log.toPlainText()

    # A dataset folder without shards is refused before any process starts.
    panel.data.dataset.setText(str(tmp_path))
    assert not panel.start_button.isEnabled()
    assert "no training shards" in panel.start_status.text()


def test_killed_trainer_resumes_and_a_reopened_tab_reattaches(qtbot, tmp_path, tiny_data):
    panel = make_panel(qtbot, tmp_path, tiny_data, steps=600,
                       extra=FAST + " ckpt_interval=20 eval_interval=100")
    run = panel.start()
    job = panel.jobs[str(run)]
    qtbot.waitUntil(lambda: job.info.last_checkpoint is not None, timeout=TIMEOUT)
    pid = job.info.pid

    click(qtbot, panel.view.kill_button)      # SIGKILL: no chance to write anything
    qtbot.waitUntil(lambda: job.info.status == tr.INTERRUPTED, timeout=TIMEOUT)
    assert not events_of(run, "stopped") and not events_of(run, "done")
    assert "killed or crashed" in job.info.reason
    assert "killed or crashed" in panel.view.reason.text()
    checkpoint = job.info.last_checkpoint
    assert checkpoint >= 20 and panel.view.resume_button.isEnabled()
    assert tr.lock_owner(run) is None and not running(pid)

    click(qtbot, panel.view.resume_button)
    qtbot.waitUntil(lambda: len(events_of(run, "start")) == 2, timeout=TIMEOUT)
    assert job.info.status == tr.RUNNING
    start = events_of(run, "start")[-1]
    assert start["step"] >= checkpoint and start["resumed_from"]

    # The same folder never gets a second trainer, from the tab or anywhere else.
    with qtbot.waitSignal(panel.message) as said:
        assert not panel.resume(str(run))
    assert "already working" in said.args[0]

    # Close the tab and open it again (as after restarting the app): it lists the run as
    # running, re-attaches, and follows it to the end.
    panel.shutdown()
    panel.close()
    again = make_panel(qtbot, tmp_path, tiny_data, name="again.ini")
    assert again.runs.status_of(str(run)) in (tr.RUNNING, tr.FINISHED)
    assert again.view.job is not None and again.view.job.run == run
    follower = again.jobs[str(run)]
    qtbot.waitUntil(lambda: follower.info.status == tr.FINISHED, timeout=TIMEOUT)
    assert again.runs.status_of(str(run)) == tr.FINISHED
    assert again.view.curves.train_x[-1] == 600
    assert (run / "model.pt").exists()
    assert [x["resume"] for x in json.loads((run / "job.json").read_text())["launches"]] == \
        ["auto", "auto"]


def test_my_clips_table_preview_captions_and_a_run_on_them(qtbot, tmp_path, clip_folder):
    from stickgen_studio.views.training.data_panel import COL_ACTION, COL_STATUS, MIX

    panel = make_panel(qtbot, tmp_path, "", steps=20)
    data = panel.data
    data.set_source(MIX)
    data.procedural.setValue(20)
    data.open_clips(str(clip_folder))
    qtbot.waitUntil(lambda: data.table.rowCount() == 3 and not data.reading_clips,
                    timeout=TIMEOUT)
    status = [data.table.item(r, COL_STATUS).text() for r in range(3)]
    assert status[0] == "needs a caption" and status[1].startswith("⚠ line ")
    assert status[2] == "ok" and "2 clips" not in data.clips_status.text()
    assert "1 could not be read" in data.clips_status.text()
    assert str(clip_folder / "broken.bvh") in data.table.item(1, COL_STATUS).toolTip()
    assert not panel.start_button.isEnabled()
    assert "Write a caption for 131_01.bvh.gz" in panel.start_status.text()

    # the selected clip plays in the preview; a broken one says why instead
    data.table.selectRow(0)
    assert data.preview.frames is not None and "131_01" in data.preview.caption.text()
    frame = data.preview.frame
    qtbot.waitUntil(lambda: data.preview.frame != frame, timeout=5000)
    data.table.selectRow(1)
    assert data.preview.frames is None and "could not be read" in data.preview.caption.text()

    # captions are edited in the table and saved beside the clips; the action follows
    data.set_caption(0, "a person kicks with the left leg")
    assert data.table.item(0, COL_ACTION).text() == "kick"
    saved = json.loads((clip_folder / "captions.json").read_text())["clips"]
    assert saved["131_01.bvh.gz"]["caption"] == "a person kicks with the left leg"
    assert panel.start_button.isEnabled(), panel.start_status.text()

    # a bad take is removed (and can be put back)
    data.table.selectRow(2)
    click(qtbot, data.remove_button)
    assert data.table.item(2, COL_STATUS).text() == "removed"
    assert json.loads((clip_folder / "captions.json").read_text())["clips"][
        "walk_left_02.bvh.gz"]["skip"] is True
    click(qtbot, data.restore_button)
    click(qtbot, data.remove_button)

    # Start: the run's dataset is built from the kept clip + procedural motions, then trained
    run = panel.start()
    job = panel.jobs[str(run)]
    qtbot.waitUntil(lambda: job.info.status == tr.FINISHED, timeout=TIMEOUT)
    manifest = json.loads((run / "data" / "manifest.json").read_text())
    assert [c["caption"] for c in manifest["user_clips"]] == ["a person kicks with the left leg"]
    assert manifest["procedural_samples"] == 20 and manifest["left_out"]
    assert json.loads((run / "job.json").read_text())["data"]["source"] == MIX
    assert (run / "model.pt").exists()


def test_the_training_tab_is_built_when_first_shown(qtbot, tmp_path, window):
    """Start-up does not build the Training tab (animating does not need it); clicking its tab
    builds it in place, shows it, and it reports to the window like any other panel."""
    win = window
    bar = win.tabs.tabBar()
    assert [win.tabs.tabText(i) for i in range(win.tabs.count())] == ["Animate", "Training"]
    assert not isinstance(win.tabs.widget(1), TrainingPanel)
    qtbot.mouseClick(bar, Qt.LeftButton, pos=bar.tabRect(1).center())
    panel = win.tabs.currentWidget()
    assert isinstance(panel, TrainingPanel) and win.training is panel
    assert win.tabs.tabText(1) == "Training" and panel.root == tmp_path / "runs"
    with qtbot.waitSignal(panel.message, timeout=5_000):
        panel.message.emit("a note from the Training tab", "warning")
    assert "a note from the Training tab" in win.message_bar.text.text()
    qtbot.mouseClick(bar, Qt.LeftButton, pos=bar.tabRect(0).center())
    assert win.tabs.currentWidget() is win.page and win.training is panel
