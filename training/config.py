"""Training settings: dataclasses with one docstring per field, loaded from YAML.

A YAML file holds any subset of the fields (nested ``lora:`` and ``loss_weights:`` mappings
included); ``--set key=value`` style overrides (``lora.rank=8``) are applied on top.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

from engine.model.lora import DEFAULT_TARGETS
from engine.text import DEFAULT_ENCODER


@dataclass
class LoRASettings:
    """Low-rank adapter fine-tuning; off while ``rank`` is 0."""

    rank: int = 0
    """Adapter rank; 0 trains the full model instead."""
    alpha: float = 16.0
    """Adapter scale numerator: the update is (alpha / rank) * B A."""
    targets: list[str] = field(default_factory=lambda: list(DEFAULT_TARGETS))
    """Names of the linear layers that get adapters (attention qkv/proj, MLP w1/w2/w3)."""


@dataclass
class DistilSettings:
    """Few-step distillation (training.distil); off while ``teacher`` is empty."""

    teacher: str = ""
    """Checkpoint of the teacher: the model whose guided many-step sampler is distilled."""
    student_steps: int = 4
    """Forward passes per generation of the student (its sampling steps, guidance off)."""
    per: int = 2
    """Teacher DDIM steps per student step."""
    guidance: float = 3.0
    """The teacher's classifier-free guidance (folded into the student)."""
    guided_above: int = 500
    """The teacher is guided at diffusion steps above this (the coarse half, as it samples)."""
    end_at: int = 0
    """The student's last sampling step; above 0 its prediction there is the result (no pass
    is spent on a clean-up step at 0), the teacher's whole way down to 0 its target."""
    text_jitter: float = 0.0
    """Largest nudge of a crop's text embeddings (caption and segments) in a random direction,
    drawn per crop from [0, text_jitter]; teacher and student read the same nudged text. 0.5
    keeps a cosine of about 0.9 to the original. The student then copies the teacher around
    the training captions too, where wording unlike theirs lands."""
    on_path: float = 0.0
    """Share of batches whose student inputs are the states a sampler really passes through
    from pure noise (``path_walker``: the guided teacher's or the student's own; all the
    student's steps of a quarter of the crops, when it has 4), instead of the data noised to a
    step. Those are the states the student meets when it samples itself."""
    path_walker: str = "teacher"
    """Whose way down those states are on: the teacher's, or the student's own (then the
    teacher says, from wherever the student has got to, where its next step should land)."""
    velocity: float = 0.0
    """Weight of the error in the frame-to-frame change of root and pose (the teacher's own
    pose loss has one at weight 1). Without it the student's last step leaves a flicker: more
    jerk and, after physics, more foot skate than its teacher."""
    last_weight: float = 1.0
    """Weight of the rows at the student's last step against the others: that step, one jump
    to where the teacher's whole way down ends, is where the student loses the most."""
    refine: bool = False
    """Spend the student's last pass on a clean-up at diffusion step 0, as the teacher's own
    sampler ends: the other passes go down to ``end_at``, and the clean-up's target is the
    teacher's own clean-up of wherever the student has got to. The teacher's clean-up pass is
    what takes the foot skate of a few-step sample down to the teacher's."""
    feet: float = 0.0
    """Weight of the error in each foot's step along the floor (world motion, from the root's
    step and turn and the foot's place) on the frames where the teacher's target plants that
    foot, at the student's last pass (the motion it ends with): the student's foot skate,
    beyond its teacher's, is feet that slide where the teacher's stay."""
    feet_all: bool = False
    """Count the feet's error also on the pass at ``end_at`` (with ``refine``, the one before the
    clean-up). On the student's own way down the clean-up's target is the teacher's clean-up
    of the student's state, which keeps a slide the student's previous pass made: only that
    pass can take it out."""
    bones: float = 0.0
    """Weight of the squared relative error of each bone's length at the student's last pass
    against the body its target draws (the target's median over the crop's frames). Leg lengths
    that wobble from frame to frame become sliding feet once the physics restores the lengths.
    At 20, 800 steps from the shipped student: foot skate a little lower, but a higher FID and a
    slower run (the motion stiffens), so the preset leaves it off."""
    settle: bool = False
    """Teach the student's last pass its target after the physics post-processing the app
    applies (``engine.physics.postprocess``: smoothing, bone lengths, ground, planted feet
    held), so the motion it ends with keeps its planted feet still before the physics sees it.
    The physics then has less to pull back, which is where the student loses to its teacher.
    Tried at 300 and 500 steps from the shipped student (lr 3e-5): lower jerk (90-93 against
    103) but a higher FID (29.3-29.5 against 28.0) and no less foot skate (0.040-0.042), so the
    preset leaves it off."""


@dataclass
class TrainConfig:
    """One training run. Relative paths are relative to the working directory."""

    model: str = "small"
    """Model variant (tiny, small, medium, large) or a model YAML file."""
    model_overrides: dict = field(default_factory=dict)
    """ModelConfig fields to change on top of the variant (e.g. {frames_per_token: 1})."""
    data_dir: str = "data"
    """Dataset folder with one sub-folder of shards per split."""
    train_split: str = "train"
    """Split folder trained on."""
    val_split: str = "val"
    """Split folder for the validation loss ("" to skip)."""
    text_encoder: str = DEFAULT_ENCODER
    """Sentence-transformers model name or path; captions are embedded once and cached."""
    crop_frames: int = 128
    """Longest random crop in frames; also the window the sampler uses for longer clips."""
    min_crop_frames: int = 24
    """Shortest crop; each batch draws its length in [min_crop_frames, crop_frames]."""
    batch_size: int = 32
    """Crops per optimiser step and process."""
    steps: int = 20000
    """Optimiser steps in total (a resumed run continues up to this number)."""
    lr: float = 5e-4
    """Peak learning rate (AdamW)."""
    betas: tuple[float, float] = (0.9, 0.99)
    """AdamW betas."""
    weight_decay: float = 0.01
    """AdamW weight decay, applied to matrices only (not norms, biases or embeddings)."""
    warmup_steps: int = 300
    """Linear warm-up steps before the cosine decay."""
    min_lr_ratio: float = 0.1
    """The cosine decays to lr * min_lr_ratio at the last step."""
    grad_clip: float = 1.0
    """Global gradient-norm clip (0 disables)."""
    inpaint_prob: float = 0.3
    """Share of crops trained with known frames (spans or sparse key poses) as input."""
    cond_drop: float = 0.1
    """Share of crops with text and actions dropped (for classifier-free guidance)."""
    path_prob: float = 0.0
    """Share of crops trained with their root path (planar velocity and turn rate, all or
    some of those channels, over the whole crop or a span) given as input: the model learns to
    follow a planned path with matching steps."""
    curate: bool = False
    """Quality-filter the training samples and balance draws across (action, style) pairs
    (training.curate): the data of the supervised fine-tune (SFT) stage."""
    start_prob: float = 0.0
    """Share of crops cut from the start of their sequence (a standing start); most of those
    also get the first frame's pose as input, as the generator gives a standing start pose."""
    loss_weights: dict = field(default_factory=lambda: {
        "root": 1.0, "pose": 1.0, "physics": 0.5, "action": 0.2})
    """Weight of each head's loss in the total."""
    action_weights: dict = field(default_factory=dict)
    """Sampling weight per action name for emphasis in a fine-tune: a clip is drawn in
    proportion to its length times the largest weight among its actions (1 when unlisted)."""
    eval_interval: int = 500
    """Steps between validation-loss evaluations (0 disables)."""
    eval_batches: int = 8
    """Validation batches (fixed crops and noise) per evaluation."""
    ckpt_interval: int = 500
    """Steps between checkpoints (a checkpoint is also written at the end and on STOP)."""
    keep_checkpoints: int = 3
    """How many recent checkpoints to keep."""
    log_interval: int = 10
    """Steps between progress events."""
    seed: int = 0
    """Seed for initialisation, crops and noise."""
    threads: int = 0
    """torch threads per process; 0 picks cores / processes."""
    device: str = "auto"
    """"cpu", "cuda" or "auto" (CUDA when available)."""
    precision: str = "auto"
    """"fp32", "bf16" (autocast matmuls to bfloat16, weights stay fp32) or "auto" (bf16 where
    the CPU or GPU computes it natively, else fp32)."""
    init_from: str | None = None
    """Checkpoint to fine-tune from (its config, normalisation and weights are used)."""
    lora: LoRASettings = field(default_factory=LoRASettings)
    """LoRA fine-tuning settings (needs init_from)."""
    distil: DistilSettings = field(default_factory=DistilSettings)
    """Few-step distillation of a teacher (the student starts from init_from, else the teacher)."""

    def to_dict(self) -> dict:
        d = dataclasses.asdict(self)
        d["betas"] = list(self.betas)
        return d

    @staticmethod
    def from_dict(d: dict) -> "TrainConfig":
        d = dict(d)
        known = {f.name for f in dataclasses.fields(TrainConfig)}
        unknown = sorted(set(d) - known)
        if unknown:
            raise ValueError(f"unknown training settings: {', '.join(unknown)}")
        lora = _nested(d.pop("lora", None), LoRASettings, "lora")
        distil = _nested(d.pop("distil", None), DistilSettings, "distil")
        d = _numbers(TrainConfig, d)
        if "betas" in d:
            d["betas"] = tuple(float(b) for b in d["betas"])
        weights = TrainConfig().loss_weights
        weights.update(d.pop("loss_weights", None) or {})
        cfg = TrainConfig(**d, lora=lora, distil=distil, loss_weights=weights)
        cfg.validate()
        return cfg

    def validate(self) -> None:
        if not 0 < self.min_crop_frames <= self.crop_frames:
            raise ValueError("need 0 < min_crop_frames <= crop_frames")
        if self.batch_size < 1 or self.steps < 0:
            raise ValueError("batch_size must be >= 1 and steps >= 0")
        for name in ("inpaint_prob", "cond_drop", "path_prob", "start_prob"):
            if not 0.0 <= float(getattr(self, name)) <= 1.0:
                raise ValueError(f"{name} must be a share in [0, 1], got {getattr(self, name)}")
        if self.lora.rank > 0 and not self.init_from:
            raise ValueError("LoRA fine-tuning needs init_from (the base checkpoint)")
        if self.distil.teacher and (self.lora.rank > 0 or not 1 <= self.distil.student_steps
                                    <= 16 or self.distil.per < 1):
            raise ValueError("distillation needs a full model (no LoRA), student_steps in "
                             "[1, 16] and per >= 1")
        if not 0.0 <= float(self.distil.on_path) <= 1.0:
            raise ValueError(f"distil.on_path must be a share in [0, 1], got {self.distil.on_path}")
        if self.distil.velocity < 0 or self.distil.last_weight < 0 or self.distil.feet < 0 \
                or self.distil.bones < 0:
            raise ValueError("distil.velocity, distil.last_weight, distil.feet and distil.bones "
                             "must not be negative")
        if self.distil.path_walker not in ("teacher", "student"):
            raise ValueError("distil.path_walker must be teacher or student, not "
                             f"{self.distil.path_walker!r}")
        if self.precision not in ("auto", "fp32", "bf16"):
            raise ValueError(f"precision must be auto, fp32 or bf16, not {self.precision!r}")
        unknown = sorted(set(self.loss_weights) - {"root", "pose", "physics", "action"})
        if unknown:
            raise ValueError(f"unknown loss heads: {', '.join(unknown)}")
        from engine.actions import ACTIONS

        unknown = sorted(set(self.action_weights) - set(ACTIONS))
        if unknown:
            raise ValueError(f"unknown actions in action_weights: {', '.join(unknown)}")
        if any(not float(w) > 0 for w in self.action_weights.values()):
            raise ValueError("action_weights must be positive numbers")


def _nested(value, cls, name: str):
    """A nested settings block (``lora:``, ``distil:``) as its dataclass: unknown keys are a
    clear error, numbers given as text are read as numbers."""
    if isinstance(value, cls):
        return value
    value = value or {}
    bad = sorted(set(value) - {f.name for f in dataclasses.fields(cls)})
    if bad:
        raise ValueError(f"unknown {name} settings: {', '.join(bad)}")
    return cls(**_numbers(cls, value))


def _numbers(cls, d: dict) -> dict:
    """``d`` with text given for a number setting read as a number: YAML reads ``3e-4`` (no dot)
    as a string. A value that is no number is a clear error."""
    d = dict(d)
    for f in dataclasses.fields(cls):
        kind = {"float": float, "int": int}.get(f.type if isinstance(f.type, str) else
                                                getattr(f.type, "__name__", ""))
        value = d.get(f.name)
        if kind is not None and isinstance(value, str):
            try:
                d[f.name] = kind(float(value)) if kind is int and float(value).is_integer() \
                    else kind(value)
            except ValueError:
                raise ValueError(f"{f.name} must be a number, not {value!r}") from None
    return d


def _parse_value(text: str):
    import yaml

    return yaml.safe_load(text)


def apply_overrides(d: dict, overrides: list[str]) -> dict:
    """Apply ``key=value`` strings (dotted keys reach into nested mappings) to a dict."""
    d = dict(d)
    for item in overrides:
        if "=" not in item:
            raise ValueError(f"override {item!r} is not key=value")
        key, value = item.split("=", 1)
        parts = key.strip().split(".")
        node = d
        for part in parts[:-1]:
            node[part] = dict(node.get(part) or {})
            node = node[part]
        node[parts[-1]] = _parse_value(value)
    return d


def load_train_config(path: str | Path | None = None, overrides: list[str] = ()) -> TrainConfig:
    """A TrainConfig from a YAML file (or the defaults) with overrides applied."""
    import yaml

    data: dict = {}
    if path is not None:
        p = Path(path)
        if not p.exists() and not p.suffix:  # a preset name from resources/configs
            from engine.model.config import configs_dir

            for name in (f"train_{path}.yaml", f"{path}.yaml"):
                if (configs_dir() / name).exists():
                    p = configs_dir() / name
                    break
        if not p.exists():
            raise FileNotFoundError(f"no training config {path}")
        with open(p, encoding="utf-8") as fh:
            data = yaml.safe_load(fh) or {}
        if not isinstance(data, dict):
            raise ValueError(f"{p}: a training config must be a mapping")
    return TrainConfig.from_dict(apply_overrides(data, list(overrides)))
