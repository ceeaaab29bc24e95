"""``python -m training.evaluate --checkpoint CKPT --data DIR``: how good is a motion model?

Generates a motion for held-out test samples (captions whose phrasings never appear in training)
through the real pipeline (planner on each segment's text -> sampler -> physics), then reports:
action accuracy judged by a separately trained motion classifier, pose error against the
references, foot skate, ground penetration, bone-length error, jerk, diversity across seeds and
an FID on the classifier's features — before and after physics post-processing, with the same
figures for the procedural references and the real mocap clips as reference rows.
Writes ``report.json`` and ``report.md``.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

from . import metrics as M
from .classifier import judge, load_classifier, save_classifier, segment_accuracy, train_classifier
from .data.shards import read_split
from .prompt_suite import read_suite, score_suite, suites_markdown

def _row(name: str, motions: list[np.ndarray], judgements, segments, references=None,
         seeds_groups=None, ref_embeddings=None, phys=None) -> dict:
    """``phys``: the motions' ``metrics.physical`` figures where they were already measured."""
    phys = phys if phys is not None else [M.physical(m) for m in motions]
    ok = total = 0
    for j, segs in zip(judgements, segments):
        c, n = segment_accuracy(j.labels, segs)
        ok, total = ok + c, total + n
    row = {"name": name, "motions": len(motions),
           "action_accuracy": ok / max(total, 1),
           "foot_skate": float(np.mean([p["foot_skate"] for p in phys])),
           "penetration_cm": 100 * float(np.max([p["penetration_m"] for p in phys])),
           "bone_error_mm": 1000 * float(np.max([p["bone_error_m"] for p in phys])),
           "jerk": float(np.mean([p["jerk"] for p in phys]))}
    if references is not None:
        row["pose_error_cm"] = 100 * float(np.mean([M.pose_error(m, r) for m, r in
                                                    zip(motions, references)]))
    emb = np.stack([j.embedding for j in judgements])
    if ref_embeddings is not None and len(emb) > 2:
        row["fid"] = M.frechet_distance(emb, ref_embeddings)
    if seeds_groups is not None:
        row["diversity"] = M.diversity(seeds_groups)
    return row


def evaluate(checkpoint: str, data: Path, classifier_path: Path, n: int = 100, seeds: int = 2,
             log=print, classifier_steps: int = 1500, behaviour_seeds: int = 5,
             suites: list[Path] = (), guidance: float | None = None) -> dict:
    from engine.generate import Generator
    from engine.planner.wording import model_text
    from engine.physics import postprocess

    t0 = time.perf_counter()
    suite_rows = {Path(p).stem: read_suite(Path(p)) for p in suites}  # bad files fail first
    if classifier_path.exists():
        clf = load_classifier(classifier_path)
    else:
        log(f"training the motion classifier on {data / 'train'} ...")
        clf, rep = train_classifier(read_split(data / "train"), read_split(data / "val"),
                                    steps=classifier_steps, log=log)
        save_classifier(classifier_path, clf, rep)
        log(json.dumps({"classifier": rep}))
    test = read_split(data / "test")
    proc = [s for s in test if s.source == "procedural"][:n]
    # every real clip (all splits) is a reference for physical plausibility; the classifier was
    # trained on the training split, so its accuracy on these is an upper bound
    real = [s for split in ("train", "val", "test") if (data / split).is_dir()
            for s in read_split(data / split) if s.source != "procedural"]
    gen = Generator(checkpoint, **({} if guidance is None else {"guidance": guidance})).load()
    raw, fixed, refs, segs, j_raw, j_fix = [], [], [], [], [], []
    groups, fixed_groups = [], []       # (seeds, D) judge embeddings per sample, raw / physics
    physical = {"raw": [], "physics": []}   # per sample, per seed: metrics.physical
    planner_hits = planner_total = 0
    gen_seconds = []
    for i, s in enumerate(proc):
        # the planner reads each held-out segment text; the model gets what the planner says
        conds = []
        for g in s.segments:
            guess = gen.plan(g.text).segments[0].action
            planner_hits += guess == g.action
            planner_total += 1
            conds.append((g.start, g.stop, guess, model_text(guess, g.text)))
        cond = _conditioning(gen, s.caption, conds, s.num_frames)
        judged, measured = [], []
        for k in range(seeds):
            t = time.perf_counter()
            out = _sample(gen, cond, seed=k)
            gen_seconds.append(time.perf_counter() - t)
            fix = postprocess(out, 25.0)[0]
            judged.append((judge(clf, out), judge(clf, fix)))
            measured.append((M.physical(out), M.physical(fix)))
            if k == 0:
                raw.append(out)
                fixed.append(fix)
                refs.append(s.positions)
                segs.append([(g.start, g.stop, g.action) for g in s.segments])
                j_raw.append(judged[0][0])
                j_fix.append(judged[0][1])
        groups.append(np.stack([r.embedding for r, _ in judged]))
        fixed_groups.append(np.stack([f.embedding for _, f in judged]))
        physical["raw"].append([r for r, _ in measured])
        physical["physics"].append([f for _, f in measured])
        if i % 10 == 0:
            log(json.dumps({"event": "evaluate", "done": i, "of": len(proc)}))
    j_ref = [judge(clf, m) for m in refs]
    j_real = [judge(clf, s.positions) for s in real]
    ref_emb = np.stack([j.embedding for j in j_ref])
    rows = [
        _row("generated, raw", raw, j_raw, segs, refs, groups, ref_emb,
             [p[0] for p in physical["raw"]]),
        _row("generated, physics", fixed, j_fix, segs, refs, None, ref_emb,
             [p[0] for p in physical["physics"]]),
        _row("procedural references", refs, j_ref, segs),
    ]
    # FID moves by several points from one seed to the next (the same model): every seed's
    # FID, and their mean, beside the first seed's
    if len(groups) > 2:
        for r, per_sample in zip(rows, (groups, fixed_groups)):
            emb = np.stack(per_sample)                                # (n, seeds, D)
            r["fid_seeds"] = [float(M.frechet_distance(emb[:, k], ref_emb))
                              for k in range(seeds)]
            r["fid_mean"] = float(np.mean(r["fid_seeds"]))
    # foot skate and jerk move less, but enough to hide a small gap: their seed means too
    for r, key in zip(rows, ("raw", "physics")):
        ph = np.array([[(p["foot_skate"], p["jerk"]) for p in per_seed]
                       for per_seed in physical[key]], np.float64)    # (n, seeds, 2)
        r["foot_skate_seeds"] = ph[:, :, 0].mean(0).tolist()
        r["jerk_seeds"] = ph[:, :, 1].mean(0).tolist()
        r["foot_skate_mean"] = float(np.mean(r["foot_skate_seeds"]))
        r["jerk_mean"] = float(np.mean(r["jerk_seeds"]))
    if real:  # a dataset of only procedural motion has no real reference row
        rows.append(_row("real mocap clips (all splits)", [s.positions for s in real], j_real,
                         [[(g.start, g.stop, g.action) for g in s.segments] for s in real]))
    behaviour = behaviour_checks(gen, real, behaviour_seeds)
    scored = {}
    for name, rows_ in suite_rows.items():
        log(json.dumps({"event": "evaluate", "suite": name, "prompts": len(rows_)}))
        scored[name] = score_suite(gen, clf, rows_)
    report = {"checkpoint": str(checkpoint), "data": str(data), "test_samples": len(proc),
              "behaviour": behaviour, "prompt_suites": scored,
              "seeds": seeds, "guidance": gen.guidance,
              "planner_accuracy_on_heldout_text": planner_hits / max(planner_total, 1),
              "median_sample_seconds": float(np.median(gen_seconds)),
              "rows": rows, "seconds": round(time.perf_counter() - t0, 1)}
    return report


BEHAVIOUR_PROMPTS = {"walk": "a person walks forward", "run": "a person runs",
                     "jump": "a person jumps up"}


def behaviour_checks(gen, real, seeds: int = 5) -> dict:
    """Gait figures (training.gait) of generated walks, runs and jumps (physics on), averaged
    over seeds, beside the same figures for the real clips of that action."""
    from . import gait

    out = {}
    for action, prompt in BEHAVIOUR_PROMPTS.items():
        rows = [gait.describe(gen.generate(prompt, 8.0, seed=k).motion.positions)
                for k in range(seeds)]
        ref = [gait.describe(s.positions) for s in real if s.segments[0].action == action]
        out[action] = {"prompt": prompt,
                       "generated": {k: float(np.mean([r[k] for r in rows])) for k in rows[0]},
                       "real": ({k: float(np.mean([r[k] for r in ref])) for k in ref[0]}
                                if ref else None), "real_clips": len(ref)}
    return out


def _conditioning(gen, caption, segments, n_frames):
    from engine.model.sampler import Conditioning

    return Conditioning.from_segments(gen.encoder, caption, segments, n_frames)


def _sample(gen, cond, seed):
    from engine.model.sampler import sample

    return sample(gen.model, cond, seed, gen.steps, **gen.guide(gen.steps)).positions


def default_classifier(data: Path) -> Path:
    """The dataset's own judge if it has one, else the shipped judge (trained on the built-in
    dataset, same action vocabulary), else where a new one for this dataset will be saved."""
    own = data / "motion_classifier.pt"
    if own.exists():
        return own
    from resources import ROOT

    shipped = ROOT / "models" / "motion-classifier.pt"
    return shipped if shipped.exists() else own


def to_markdown(report: dict) -> str:
    cols = [("action_accuracy", "action acc.", "{:.1%}"), ("pose_error_cm", "pose err (cm)", "{:.1f}"),
            ("foot_skate", "foot skate", "{:.3f}"), ("penetration_cm", "max penetration (cm)", "{:.2f}"),
            ("bone_error_mm", "max bone err (mm)", "{:.2f}"), ("jerk", "jerk (m/s³)", "{:.0f}"),
            ("diversity", "diversity", "{:.2f}"), ("fid", "FID", "{:.2f}"),
            ("fid_mean", "FID, mean of seeds", "{:.2f}"),
            ("foot_skate_mean", "foot skate, mean of seeds", "{:.3f}"),
            ("jerk_mean", "jerk, mean of seeds", "{:.0f}")]
    lines = ["| rows | " + " | ".join(c[1] for c in cols) + " |",
             "|---|" + "---|" * len(cols)]
    for r in report["rows"]:
        cells = [c[2].format(r[c[0]]) if c[0] in r else "–" for c in cols]
        lines.append(f"| {r['name']} ({r['motions']}) | " + " | ".join(cells) + " |")
    lines += ["", "| behaviour | source | steps/s | arm-leg corr. | flight | clearance (m) | "
              "speed (m/s) |", "|---|---|---|---|---|---|---|"]
    for action, b in report.get("behaviour", {}).items():
        for src in ("generated", "real"):
            g = b[src]
            if g:
                lines.append(f"| {action} | {src} | {g['steps_per_s']:.2f} | {g['arm_leg_corr']:.2f} "
                             f"| {g['flight']:.2f} | {g['clearance_m']:.2f} | {g['speed_m_s']:.2f} |")
    lines.append("")
    lines.append(f"Planner accuracy on held-out segment texts: "
                 f"{report['planner_accuracy_on_heldout_text']:.1%}; median sampling time "
                 f"{report['median_sample_seconds'] * 1000:.0f} ms per test clip; "
                 f"{report['test_samples']} test samples x {report['seeds']} seeds; "
                 f"guidance {report.get('guidance', 1.0):g}.")
    lines += suites_markdown(report.get("prompt_suites", {}))
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m training.evaluate", description=__doc__.split("\n")[0])
    p.add_argument("--checkpoint", required=True, help="model checkpoint (.pt) or variant name")
    p.add_argument("--data", type=Path, required=True, help="dataset folder with test/ and val/")
    p.add_argument("--classifier", type=Path, default=None,
                   help="motion classifier (.pt); default DATA/motion_classifier.pt, else the "
                        "shipped one, else one is trained on DATA/train and saved in DATA")
    p.add_argument("--samples", type=int, default=100, help="held-out test samples to generate")
    p.add_argument("--seeds", type=int, default=2, help="seeds per sample (diversity)")
    p.add_argument("--out", type=Path, default=None, help="folder for report.json and report.md")
    p.add_argument("--prompts", type=Path, action="append", default=[],
                   help="a prompt suite (TSV: actions<TAB>prompt) scored through the whole "
                        "pipeline; may be given more than once")
    p.add_argument("--guidance", type=float, default=None,
                   help="classifier-free guidance while sampling (default: the app's)")
    args = p.parse_args(argv)
    clf = args.classifier or default_classifier(args.data)
    try:
        report = evaluate(args.checkpoint, args.data, clf, args.samples, args.seeds,
                          log=lambda m: print(m, file=sys.stderr), suites=args.prompts,
                          guidance=args.guidance)
    except (OSError, ValueError) as exc:
        print(f"evaluate: error: {exc}", file=sys.stderr)
        return 2
    out = args.out or Path(".")
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.json").write_text(json.dumps(report, indent=1))
    md = to_markdown(report)
    (out / "report.md").write_text(md)
    print(md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
