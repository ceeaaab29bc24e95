"""Words for a run: one log line per trainer event, and the summary shown when a run ends
(losses before and after, time, the model file, and the evaluation report when there is one).
No widgets here."""
from __future__ import annotations

import html
import time

from training import runs as tr

from ...jobs.training_estimates import format_duration


def _t(e: dict) -> str:
    return time.strftime("%H:%M:%S", time.localtime(e.get("time", 0)))


def describe_event(e: dict) -> str:
    """One log line for a trainer event."""
    kind = e.get("event")
    if kind == "prepare":
        if e.get("stage") == "texts" and "embedded" in e:
            return f"{_t(e)}  embedding captions: {e['embedded']:,} of {e.get('missing', 0):,}"
        if e.get("stage") == "texts":
            return f"{_t(e)}  preparing {e.get('texts', 0):,} captions of {e.get('samples', 0):,} samples"
        return f"{_t(e)}  preparing motion features ({e.get('frames', 0):,} frames)"
    if kind == "start":
        resumed = f", resumed from {e['resumed_from'].split('/')[-1]}" if e.get("resumed_from") \
            else ""
        return (f"{_t(e)}  started at step {e.get('step', 0):,} of {e.get('steps', 0):,}{resumed}: "
                f"{e.get('model', '')} model, {e.get('trainable_params', 0) / 1e6:.2f} M of "
                f"{e.get('params', 0) / 1e6:.2f} M weights train, {e.get('train_samples', 0):,} "
                f"samples, {e.get('device', '')} {e.get('precision', '')}, "
                f"{e.get('threads', 0)} threads")
    if kind == "step":
        return (f"{_t(e)}  step {e.get('step', 0):>6,}  loss {e.get('loss') or 0:.4f}  "
                f"lr {e.get('lr') or 0:.2e}  {e.get('samples_per_s') or 0:.0f} samples/s")
    if kind == "eval":
        return f"{_t(e)}  validation loss {e.get('val_loss') or 0:.4f} at step {e.get('step', 0):,}"
    if kind == "checkpoint":
        return f"{_t(e)}  checkpoint at step {e.get('step', 0):,} ({e.get('reason', '')})"
    if kind == "warning":
        return f"{_t(e)}  warning: {e.get('message', '')}"
    if kind == "done":
        return (f"{_t(e)}  finished {e.get('step', 0):,} steps in "
                f"{format_duration(e.get('wall_s'))}: {e.get('model_path', '')}")
    if kind == "stopped":
        return f"{_t(e)}  stopped at step {e.get('step', 0):,}"
    if kind == "error":
        return f"{_t(e)}  error: {e.get('message', '')}"
    return ""


def _change(a: float | None, b: float | None) -> str:
    if a is None or b is None:
        return ""
    if a <= 0:
        return f"{b:.3f}"
    return f"{a:.3f} → {b:.3f} ({(b - a) / a:+.0%})"


EVAL_COLUMNS = (("action_accuracy", "action accuracy", "{:.0%}"),
                ("pose_error_cm", "pose error", "{:.1f} cm"),
                ("foot_skate", "foot skate", "{:.3f}"),
                ("jerk", "jerk", "{:.0f}"))


def summary_html(info: tr.RunInfo, events: list[dict], report: dict, note: str = "") -> str:
    """What a user wants to know about a run that is no longer training."""
    lines = []
    if info.status == tr.FINISHED:
        lines.append(f"<b>Finished</b> {info.steps:,} steps in {format_duration(info.wall_s)}.")
    elif info.status in (tr.STOPPED, tr.INTERRUPTED, tr.FAILED):
        where = f" at step {info.step:,}" if info.step else ""
        ck = (f"; the latest checkpoint is step {info.last_checkpoint:,}"
              if info.last_checkpoint is not None else "; no checkpoint was written yet")
        lines.append(f"<b>{info.status.capitalize()}</b>{where}{ck}.")
    val = _change(info.first_val_loss, info.val_loss)
    if val:
        best = f", best {info.best_val_loss:.3f}" if info.best_val_loss is not None else ""
        lines.append(f"Validation loss {val}{best}.")
    steps = [e for e in events if e["event"] == "step" and e.get("loss") is not None]
    if steps:
        lines.append(f"Training loss {_change(steps[0]['loss'], steps[-1]['loss'])}; "
                     f"{steps[-1].get('samples_per_s') or 0:.0f} samples/s at the end.")
    if info.model_path:
        lines.append(f"Model: <code>{html.escape(info.model_path)}</code>")
    rows = {r.get("name"): r for r in report.get("rows", [])} if report else {}
    gen, ref = rows.get("generated, physics"), rows.get("procedural references")
    if gen:
        cells = []
        for key, label, fmt in EVAL_COLUMNS:
            if key in gen:
                value = fmt.format(gen[key])
                if ref and key in ref:
                    value += f" (data {fmt.format(ref[key])})"
                cells.append(f"{label} {value}")
        lines.append(f"<b>Evaluation</b> on {report.get('test_samples', 0)} held-out captions: "
                     + "; ".join(cells) + ".")
    if note:
        lines.append(f"<span style='color:#c92a2a'>{html.escape(note)}</span>")
    return "<br>".join(lines)
