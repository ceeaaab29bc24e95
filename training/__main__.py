"""``python -m training``: train, resume or fine-tune a motion model; merge LoRA adapters.

  python -m training --config small --run-dir runs/a --resume auto [--set key=value ...]
  python -m training --config finetune_lora --run-dir runs/b --init-from model.pt
  python -m training merge runs/b/adapters.pt --out merged.pt [--base model.pt]
  python -m training export runs/a/checkpoints/latest --out model.pt
Progress is printed as JSON lines (also appended to RUN_DIR/events.jsonl); exit status 0 when the
run finished or was stopped cleanly, 1 on error, 2 on bad arguments. One process trains in a run
folder at a time (RUN_DIR/trainer.lock, see training.runlock): a second one exits with status 1.
"""
from __future__ import annotations

import argparse
import os
import sys


def _train_main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="python -m training", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--config", help="training YAML file or preset name (resources/configs)")
    ap.add_argument("--run-dir", required=True, help="run folder (created if missing)")
    ap.add_argument("--resume", default="auto",
                    help="auto (default: continue the run's latest checkpoint), never, or a path")
    ap.add_argument("--init-from", help="checkpoint to fine-tune from")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                    help="override a config field (dotted keys for nested ones, e.g. lora.rank=8)")
    args = ap.parse_args(argv)

    from .runlock import RunInUse, RunLock

    lock = RunLock(args.run_dir)
    if os.environ.get("RANK", "0") == "0":   # one lock per job: rank 0 holds it for all
        try:
            lock.acquire()
        except (RunInUse, OSError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
    try:
        return _train_locked(args)
    finally:
        lock.release()


def _train_locked(args) -> int:
    from .run_config import read_run_config

    overrides = list(args.set)
    if args.init_from:
        overrides.append(f"init_from={args.init_from}")
    try:
        cfg = read_run_config(args.config, overrides)
    except (ValueError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2

    from .loop import train

    try:
        train(cfg, args.run_dir, resume=args.resume)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # the error event is already written; one clear line here
        print(f"error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    return 0


def _merge_main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="python -m training merge",
                                 description="Fold LoRA adapters into a plain model checkpoint.")
    ap.add_argument("adapters", help="adapter checkpoint (adapters.pt or a LoRA run checkpoint)")
    ap.add_argument("--out", required=True, help="merged model checkpoint to write")
    ap.add_argument("--base", help="base checkpoint (default: the path the adapters recorded)")
    args = ap.parse_args(argv)
    from .finetune import merge_adapters

    try:
        out = merge_adapters(args.adapters, args.out, args.base)
    except Exception as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(out)
    return 0


def _export_main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="python -m training export",
                                 description="Write the inference-only model checkpoint (no "
                                             "optimiser or RNG state) of a training checkpoint.")
    ap.add_argument("checkpoint", help="a training checkpoint, or a run's checkpoints/latest")
    ap.add_argument("--out", required=True, help="model checkpoint to write")
    args = ap.parse_args(argv)
    from pathlib import Path

    from engine.model.checkpoint import load_model, save_model

    src = Path(args.checkpoint)
    if src.name == "latest" and src.is_file():  # the pointer file names the newest checkpoint
        src = src.parent / src.read_text().strip()
    try:
        model, meta = load_model(src)
        save_model(args.out, model, meta.encoder, meta.encoder_dim, meta.step,
                   {**meta.extra, "exported_from_step": meta.step})
    except Exception as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"{args.out}: step {meta.step}")
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "merge":
        return _merge_main(argv[1:])
    if argv and argv[0] == "export":
        return _export_main(argv[1:])
    return _train_main(argv)


if __name__ == "__main__":
    sys.exit(main())
