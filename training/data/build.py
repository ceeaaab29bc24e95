"""The dataset builder: procedural sequences and real mocap clips -> train/val/test shards.

Every sample is made from its own RNG, ``default_rng([seed, index])``, so a build is
deterministic for a seed (same seed, same bytes) whatever the number of worker processes.
"""
from __future__ import annotations

import json
import sys
import time
import zlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from engine.actions import ACTIONS, mirror_action
from engine.atomic import write_text_atomic
from engine.skeleton import mirror_positions

from .captions import compose, mirror_text, segment_text
from .real_windows import real_split, real_target_frames, window_texts, windows_per_clip
from .shards import Sample, Segment, write_shard

SHARD_SIZE = 500
VAL_SHARE, TEST_SHARE = 0.04, 0.04
REAL_WINDOW_S = 10.0
# shares of locomotion and gesture segments performed in a random named motion style
STYLE_SHARE = (0.35, 0.2)
MIN_TAIL_FRAMES = 20   # real clips are cut into windows of at most this many seconds


@dataclass(frozen=True)
class BuildConfig:
    out: Path
    samples: int = 20000      # procedural samples (all splits together)
    seed: int = 0
    real_repeats: int = 8     # how many random windows (each maybe mirrored) per real clip
    workers: int = 1
    mocap_root: Path | None = None  # folder with the real clips; default: the shipped copies
    # share of the training frames that real clips make up (windows spread over the clips by
    # length); 0 = ``real_repeats`` windows per clip instead
    mocap_weight: float = 0.12


def split_of(index: int, seed: int) -> str:
    """Train, val or test for procedural sample ``index``: a fixed hash, not the RNG stream."""
    u = (zlib.crc32(f"{seed}:{index}".encode()) % 10000) / 10000.0
    return "test" if u < TEST_SHARE else "val" if u < TEST_SHARE + VAL_SHARE else "train"


def segments_from_labels(labels: list[str], texts: list[str]) -> list[Segment]:
    """Segments at label changes, paired in order with their phrasings."""
    bounds = [0] + [t for t in range(1, len(labels)) if labels[t] != labels[t - 1]] + [len(labels)]
    return [Segment(a, b, labels[a], texts[min(i, len(texts) - 1)])
            for i, (a, b) in enumerate(zip(bounds[:-1], bounds[1:]))]


def mirror_sample(s: Sample) -> Sample:
    """Left/right mirror: positions, action labels and every word 'left'/'right' swap."""
    ids = np.array([ACTIONS.index(mirror_action(ACTIONS[i])) for i in s.action_ids], np.int16)
    segs = [Segment(g.start, g.stop, mirror_action(g.action), mirror_text(g.text), g.style)
            for g in s.segments]
    return Sample(mirror_positions(s.positions), ids, mirror_text(s.caption), segs,
                  s.source, s.fps)


def procedural_sample(seed: int, index: int) -> tuple[str, Sample]:
    """Procedural sample ``index`` of a build with ``seed``: (split, sample)."""
    from training.procedural.sequence import random_sequence
    from training.procedural.styles import styles_for

    split = split_of(index, seed)
    rng = np.random.default_rng([seed, index])
    n = int(rng.choice([1, 2, 3], p=[0.45, 0.35, 0.2]))
    clip = random_sequence(rng, n, float(rng.uniform(2.5, 10.0)), style_share=STYLE_SHARE)
    segments = []
    for start, stop, p in clip.segments:
        action = clip.actions[min(start, clip.num_frames - 1)]
        style = p.style if p.style in styles_for(action) else None
        text = segment_text(action, rng, split, speed=p.speed, mood=p.mood, hand=p.hand,
                            side=_side(p), repeats=p.repeats, style=style)
        segments.append(Segment(int(start), int(stop), action, text, style))
    # A sequence cut to its length can end in a sliver of an action: too short to see, so it
    # is dropped rather than named in the caption.
    if len(segments) > 1 and segments[-1].stop - segments[-1].start < MIN_TAIL_FRAMES:
        cut = segments.pop().start
        segments[-1].stop = cut
        clip_pos, labels = clip.positions[:cut], clip.actions[:cut]
    else:
        clip_pos, labels = clip.positions, clip.actions
    caption = compose([g.text for g in segments], rng)
    sample = Sample.from_labels(clip_pos, labels, caption, segments)
    if rng.random() < 0.5:
        sample = mirror_sample(sample)
    return split, sample


def _side(p) -> str:
    side = getattr(p, "side", "") or p.hand
    return side if side in ("left", "right") else "right"


def real_samples(clips, seed: int, repeats: int,
                 windows: dict[str, int] | None = None) -> dict[str, list[Sample]]:
    """Windows of the real clips: each recording goes wholly to one split (no leakage, also when
    one CMU trial comes on two skeletons), and training clips give ``windows[clip_id]`` (else
    ``repeats``) random windows, half of them mirrored. A window's segment says its action in
    that action's own phrasings; its caption is the clip's description (``real_windows``).

    clips: iterable of (clip_id, trial id or "", Motion at 25 fps, caption).
    """
    out: dict[str, list[Sample]] = {"train": [], "val": [], "test": []}
    for clip_id, trial, motion, caption in clips:
        split = real_split(trial or clip_id)
        rng = np.random.default_rng([seed, zlib.crc32(clip_id.encode())])
        words = np.random.default_rng([seed, zlib.crc32(clip_id.encode()), 1])
        win = int(REAL_WINDOW_S * motion.fps)
        n = (windows or {}).get(clip_id, repeats) if split == "train" else 1
        for k in range(n):
            start = int(rng.integers(0, max(1, motion.num_frames - win + 1)))
            m = motion.slice(start, start + win)
            said, text = window_texts(caption, m.actions[0], words, split)
            segs = segments_from_labels(m.actions, [text])
            s = Sample.from_labels(m.positions, m.actions, said, segs, f"mocap:{clip_id}",
                                   m.fps)
            if split == "train" and k % 2 == 1:
                s = mirror_sample(s)
            out[split].append(s)
    return out


def _progress(done: int, total: int, t0: float) -> None:
    rate = done / max(time.perf_counter() - t0, 1e-9)
    bar = "#" * int(30 * done / total)
    sys.stderr.write(f"\r[{bar:<30}] {done}/{total} samples  {rate:.0f}/s ")
    sys.stderr.flush()


def build(cfg: BuildConfig, load_real: Callable[[], list] | None = None,
          progress: bool = True) -> dict:
    """Build the dataset into cfg.out/{train,val,test}/shard_*.npz plus manifest.json.

    Returns the summary that also goes into manifest.json.
    """
    t0 = time.perf_counter()
    out = Path(cfg.out)
    buffers: dict[str, list[Sample]] = {"train": [], "val": [], "test": []}
    shard_no = Counter()
    counts: dict[str, Counter] = {"samples": Counter(), "frames": Counter(), "styles": Counter()}
    totals = Counter()

    def flush(split: str, force: bool = False) -> None:
        buf = buffers[split]
        while len(buf) >= SHARD_SIZE or (force and buf):
            chunk, buffers[split] = buf[:SHARD_SIZE], buf[SHARD_SIZE:]
            buf = buffers[split]
            write_shard(out / split / f"shard_{shard_no[split]:05d}.npz", chunk)
            shard_no[split] += 1

    def add(split: str, s: Sample) -> None:
        buffers[split].append(s)
        kind = "real" if s.source.startswith("mocap") else "procedural"
        totals[f"{split}_samples"] += 1
        totals[f"{kind}_frames"] += s.num_frames
        if split == "train":
            totals[f"train_{kind}_frames"] += s.num_frames
            for a, c in Counter(ACTIONS[i] for i in s.action_ids).items():
                counts["frames"][a] += c
            for a in {g.action for g in s.segments}:
                counts["samples"][a] += 1
            for g in s.segments:
                counts["styles"][g.style or "neutral"] += 1
        flush(split)

    for split, s in _iter_procedural(cfg):
        add(split, s)
        done = sum(totals[f"{k}_samples"] for k in ("train", "val", "test"))
        if progress and (done % 50 == 0 or done == cfg.samples):
            _progress(done, cfg.samples, t0)
    if progress:
        sys.stderr.write("\n")
    real = load_real() if load_real is not None else _load_shipped_real(cfg)
    windows = None
    if cfg.mocap_weight > 0:
        target = real_target_frames(totals["train_procedural_frames"], cfg.mocap_weight)
        windows = windows_per_clip(real, target, REAL_WINDOW_S)
    for split, samples in real_samples(real, cfg.seed, cfg.real_repeats, windows).items():
        for s in samples:
            add(split, s)
    for split in buffers:
        flush(split, force=True)
    seconds = time.perf_counter() - t0
    frames = totals["real_frames"] + totals["procedural_frames"]
    summary = {
        "format": "stickgen.dataset", "version": 1, "seed": cfg.seed,
        "procedural_samples": cfg.samples, "real_clips": len(real),
        "splits": {k: totals[f"{k}_samples"] for k in ("train", "val", "test")},
        "total_frames": frames,
        "real_frame_share": round(totals["real_frames"] / max(frames, 1), 4),
        "mocap_weight": cfg.mocap_weight,
        "real_train_frame_share": round(totals["train_real_frames"] / max(
            totals["train_real_frames"] + totals["train_procedural_frames"], 1), 4),
        "train_samples_per_action": dict(sorted(counts["samples"].items())),
        "train_frames_per_action": dict(sorted(counts["frames"].items())),
        "train_segments_per_style": dict(sorted(counts["styles"].items())),
        "actions": list(ACTIONS),
    }
    write_text_atomic(out / "manifest.json", json.dumps(summary, indent=1))
    summary["build_seconds"] = round(seconds, 2)
    return summary


def _iter_procedural(cfg: BuildConfig):
    if cfg.workers <= 1:
        for i in range(cfg.samples):
            yield procedural_sample(cfg.seed, i)
        return
    import multiprocessing as mp
    with mp.get_context("spawn").Pool(cfg.workers) as pool:
        # imap keeps index order, so the shards are the same as with one worker.
        yield from pool.imap(_sample_star, ((cfg.seed, i) for i in range(cfg.samples)),
                             chunksize=16)


def _sample_star(args: tuple[int, int]) -> tuple[str, Sample]:
    return procedural_sample(*args)


def _load_shipped_real(cfg: BuildConfig) -> list:
    from engine.formats.loader import load_mocap_catalogue

    entries = load_mocap_catalogue(cfg.mocap_root, fps=25.0)
    return [(e.clip_id, e.trial, e.motion, e.caption) for e in entries]
