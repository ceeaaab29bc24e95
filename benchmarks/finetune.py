"""A LoRA fine-tune on the CPU as the Training tab runs it, evaluated before and after.

DESIGN.md §5: a 1,000-step fine-tune from the GUI in <= 15 min on the 2-core CPU.

  python benchmarks/finetune.py --checkpoint resources/models/stickgen-small.pt \\
      --data DATASET [--steps 1000] [--out OUT] [--eval-samples 40] [--set key=value ...]

DATASET is a folder from ``python -m training.data build`` (train/, val/ and a test/ split of
held-out captions). The fine-tune is the same command the tab launches: ``python -m training``
with the finetune_lora preset in its own process and run folder (OUT/run). The model is
evaluated (``training.evaluate``: generate the test split's held-out captions, judge them with
the motion classifier) before and after, with the same samples and seeds; the classifier is
--classifier, else DATASET/motion_classifier.pt, else trained once into OUT (never written into
DATASET; pass that file as --classifier next time to skip the training).

Prints one table and writes OUT/finetune.json and OUT/finetune.md.
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

from training import runs

METRICS = (("action_accuracy", "action accuracy", "{:.1%}"), ("pose_error_cm", "pose error (cm)",
           "{:.1f}"), ("foot_skate", "foot skate", "{:.3f}"), ("jerk", "jerk", "{:.0f}"),
           ("fid", "FID", "{:.2f}"), ("diversity", "diversity", "{:.2f}"))


def evaluate(checkpoint: str, data: Path, classifier: Path, samples: int, seeds: int) -> dict:
    from training.evaluate import evaluate as run_evaluation

    return run_evaluation(checkpoint, data, classifier, samples, seeds,
                          log=lambda m: print(m, file=sys.stderr))


def finetune(checkpoint: str, data: Path, run: Path, steps: int, extra: list[str]) -> dict:
    """Run the trainer like the Training tab does; returns timing and throughput figures."""
    cmd = [sys.executable, "-m", "training", "--config", "finetune_lora", "--run-dir", str(run),
           "--resume", "never", "--init-from", str(Path(checkpoint).resolve()),
           "--set", f"data_dir={data.resolve()}", "--set", f"steps={steps}",
           "--set", f"eval_interval={max(1, min(100, steps // 10))}",
           "--set", f"ckpt_interval={max(1, min(100, steps // 10))}",
           "--set", f"warmup_steps={max(1, min(50, steps // 10))}"]
    for item in extra:
        cmd += ["--set", item]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - t0
    events = runs.read_events(run)
    if proc.returncode != 0 or not events or events[-1]["event"] != "done":
        raise SystemExit(f"the fine-tune failed (exit {proc.returncode}):\n{proc.stderr[-2000:]}")
    start = next(e for e in events if e["event"] == "start")
    steps_ev = [e for e in events if e["event"] == "step"]
    evals = [e for e in events if e["event"] == "eval"]
    done = events[-1]
    return {
        "command": " ".join(cmd[1:]), "wall_s": wall, "train_s": done["wall_s"],
        "prepare_s": start["time"] - events[0]["time"], "steps": done["step"],
        "batch_size": runs.read_run_config(run)["batch_size"],
        "samples_per_s": statistics.median(e["samples_per_s"] for e in steps_ev[1:] or steps_ev),
        "frames_per_s": statistics.median(e["frames_per_s"] for e in steps_ev[1:] or steps_ev),
        "trainable_params": start["trainable_params"], "params": start["params"],
        "threads": start["threads"], "precision": start["precision"],
        "val_loss_first": evals[0]["val_loss"] if evals else None,
        "val_loss_last": evals[-1]["val_loss"] if evals else None,
        "adapters": done["model_path"],
    }


def table(ft: dict, before: dict, after: dict) -> str:
    def row(report: dict) -> dict:
        return next(r for r in report["rows"] if r["name"] == "generated, physics")

    b, a = row(before), row(after)
    lines = [
        "| fine-tune | value |", "|---|---|",
        f"| steps x batch | {ft['steps']} x {ft['batch_size']} |",
        f"| wall time, whole job (s) | {ft['wall_s']:.1f} ({ft['wall_s'] / 60:.1f} min) |",
        f"| of which preparing data (s) | {ft['prepare_s']:.1f} |",
        f"| of which optimiser steps (s) | {ft['train_s']:.1f} |",
        f"| samples/s (median) | {ft['samples_per_s']:.1f} |",
        f"| frames/s (median) | {ft['frames_per_s']:,.0f} |",
        f"| trainable / all weights | {ft['trainable_params']:,} / {ft['params']:,} |",
        f"| threads, precision | {ft['threads']}, {ft['precision']} |",
    ]
    if ft["val_loss_first"] is not None:
        lines.append(f"| validation loss | {ft['val_loss_first']:.4f} -> "
                     f"{ft['val_loss_last']:.4f} |")
    lines += ["", f"| held-out captions ({after['test_samples']} x {after['seeds']} seeds) "
              "| before | after |", "|---|---|---|"]
    for key, label, fmt in METRICS:
        if key in a and key in b:
            lines.append(f"| {label} | {fmt.format(b[key])} | {fmt.format(a[key])} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--checkpoint", required=True, help="base model (.pt) to fine-tune")
    p.add_argument("--data", type=Path, required=True, help="dataset folder with a test split")
    p.add_argument("--steps", type=int, default=1000)
    p.add_argument("--out", type=Path, default=Path("finetune-benchmark"),
                   help="folder for the run and the report (must not hold a run yet)")
    p.add_argument("--eval-samples", type=int, default=40, help="held-out test captions")
    p.add_argument("--seeds", type=int, default=1, help="seeds per held-out caption")
    p.add_argument("--classifier", type=Path, default=None,
                   help="motion classifier to judge with (default: see above)")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                   help="more trainer settings (e.g. threads=2, batch_size=8)")
    args = p.parse_args(argv)
    run = args.out / "run"
    if (run / runs.EVENTS_FILE).exists():
        p.error(f"{run} already holds a run; choose another --out")
    if not any((args.data / "test").glob("shard_*.npz")):
        p.error(f"{args.data} has no test split (test/shard_*.npz) to evaluate on")
    args.out.mkdir(parents=True, exist_ok=True)
    classifier = args.classifier or args.data / "motion_classifier.pt"
    if not classifier.exists():
        classifier = args.out / "motion_classifier.pt"

    before = evaluate(args.checkpoint, args.data, classifier, args.eval_samples, args.seeds)
    ft = finetune(args.checkpoint, args.data, run, args.steps, args.set)
    after = evaluate(ft["adapters"], args.data, classifier, args.eval_samples, args.seeds)
    md = table(ft, before, after)
    (args.out / "finetune.json").write_text(json.dumps(
        {"finetune": ft, "before": before, "after": after}, indent=1))
    (args.out / "finetune.md").write_text(md)
    print(md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
