"""Does generated motion show the style it was asked for? Each named style is asked for in
plain words ("a person walks like a zombie"), generated, and read back by the project's style
classifier (resources/models/style-classifier.pt), which never saw generated motion.

    python -m training.style_eval --checkpoint resources/models/stickgen-small.pt --seeds 0 1
"""
from __future__ import annotations

import argparse
import sys

from engine.motion_styles import STYLE_INFO, STYLES

ACTIONS = {"walk": "a person walks", "wave": "a person waves"}
GESTURE_STYLES = {"happy", "sad", "angry", "tired", "elderly", "drunk", "robotic", "proud",
                  "zombie", "childlike", "relaxed", "graceful", "cautious"}


def prompts() -> list[tuple[str, str]]:
    """(style, prompt) pairs: every style on a walk, the gesture styles on a wave too."""
    out = [(s, f"{ACTIONS['walk']} {STYLE_INFO[s].word}") for s in STYLES]
    out += [(s, f"{ACTIONS['wave']} {STYLE_INFO[s].word}") for s in STYLES if s in GESTURE_STYLES]
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m training.style_eval", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--checkpoint", default="small")
    ap.add_argument("--classifier", default=None, help="default: the shipped style classifier")
    ap.add_argument("--seeds", type=int, nargs="+", default=[0])
    args = ap.parse_args(argv)
    import torch

    from engine.generate import Generator, models_dir
    from training.style_classifier import load_style_classifier, predict_style

    torch.set_num_threads(1)
    judge = load_style_classifier(args.classifier or models_dir() / "style-classifier.pt")
    gen = Generator(args.checkpoint).load()
    hits, total, wrong = {}, {}, []
    for style, prompt in prompts():
        for seed in args.seeds:
            res = gen.generate(prompt, seed=seed)
            seg = res.plan.segments[0]
            got, _ = predict_style(judge, res.motion.positions, res.motion.fps)
            total[style] = total.get(style, 0) + 1
            hits[style] = hits.get(style, 0) + (got == style)
            if got != style:
                wrong.append(f"{prompt!r} seed {seed} (planned {seg.action}/{seg.style}): {got}")
    n = sum(total.values())
    print(f"styles recognised: {100 * sum(hits.values()) / n:.1f} % of {n}")
    print("  " + ", ".join(f"{s} {hits[s]}/{total[s]}" for s in STYLES))
    for w in wrong:
        print("   MISS", w)
    return 0


if __name__ == "__main__":
    sys.exit(main())
