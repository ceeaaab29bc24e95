"""Few-step distillation: a student denoiser that does in ``student_steps`` unguided steps what
its teacher does in ``teacher_steps`` steps with classifier-free guidance.

Guided progressive distillation (Meng et al., "On distillation of guided diffusion models"), in
one round. The student samples at the steps ``CosineSchedule.sampling_steps(student_steps)``.
For one of those steps s -> s', the teacher starts from the same noisy motion x_s and takes
``per`` DDIM steps down to s' (guided where its own sampler is guided, known values re-imposed
after every prediction, as ``engine.model.sampler`` does). The student's target is the clean
motion that takes x_s to the teacher's x_s' in one DDIM step; at the last step (s = 0) it is the
teacher's own prediction. Guidance is folded in: the student is always conditioned and never
needs the doubled unconditional batch, so one generation costs ``student_steps`` forward passes
instead of about 12.
"""
from __future__ import annotations

from dataclasses import dataclass, fields, replace

import torch
import torch.nn.functional as F

from engine.model.diffusion import Batch, CosineSchedule
from engine.model.features import local_slice
from engine.skeleton import BONES, JOINT_INDEX

FOOT_JOINTS = (JOINT_INDEX["l_foot"], JOINT_INDEX["r_foot"])


@dataclass
class DistilSpec:
    """What the student learns to reproduce (see ``TrainConfig.distil``)."""
    student_steps: int = 4       # forward passes per generation for the student
    per: int = 2                 # teacher DDIM steps per student step
    guidance: float = 3.0        # the teacher's classifier-free guidance
    guided_above: int = 500      # the teacher is guided at diffusion steps above this
    end_at: int = 0              # the student's last step (> 0: its prediction there is final)
    text_jitter: float = 0.0     # largest random nudge of a crop's text embeddings
    on_path: float = 0.0         # share of batches taught on a real sampling path
    path_walker: str = "teacher"  # whose sampling path: "teacher" or "student"
    velocity: float = 0.0        # weight of the frame-to-frame error on root and pose
    last_weight: float = 1.0     # weight of the student's last step against the others
    refine: bool = False         # the last pass is a clean-up at step 0, as the teacher's is
    feet: float = 0.0            # weight of the feet's world-step error where the target plants
    feet_all: bool = False       # that error also on the pass at end_at, before the clean-up
    bones: float = 0.0           # weight of the last pass's bone-length error against its target
    settle: bool = False         # the last pass learns its target after the physics post-processing

    def student_times(self, schedule: CosineSchedule) -> list[int]:
        """The diffusion steps the student samples at: ``student_steps`` evenly spaced from the
        noisiest down to ``end_at``. Ending above 0 spends no pass on a last clean-up step;
        ``refine`` spends the last of the passes on one (the others end at ``end_at``)."""
        n = max(1, self.student_steps - (1 if self.refine else 0))
        if self.end_at <= 0:
            times = schedule.sampling_steps(n)
        else:
            top = schedule.steps - 1
            times = [round(top - (top - self.end_at) * k / max(1, n - 1)) for k in range(n)]
        return times + [0] if self.refine and times[-1] > 0 else times


def jitter_text(batch: Batch, amount: float, generator: torch.Generator | None = None) -> Batch:
    """The batch with each crop's caption and segment embeddings nudged in one random direction
    per embedding by a length drawn per crop from [0, amount], then put back on the unit
    sphere (the text encoder's embeddings are unit length). amount 0: the batch itself."""
    if amount <= 0:
        return batch
    B = batch.caption.shape[0]
    size = amount * torch.rand(B, generator=generator).to(batch.caption.device)   # (B,)

    def nudge(e: torch.Tensor, scale: torch.Tensor) -> torch.Tensor:
        d = torch.randn(e.shape, generator=generator).to(e.device)
        d = d / d.norm(dim=-1, keepdim=True).clamp(min=1e-8)
        out = e + scale * d
        return out / out.norm(dim=-1, keepdim=True).clamp(min=1e-8)

    return replace(batch, caption=nudge(batch.caption, size[:, None]),
                   segments=nudge(batch.segments, size[:, None, None]))


def teacher_predict(teacher, x: torch.Tensor, t: torch.Tensor, batch: Batch,
                    spec: DistilSpec) -> torch.Tensor:
    """The teacher's (guided where t > guided_above) clean prediction (B, T, C), known values
    re-imposed. x (B, T, C) noisy features, t (B,) int64 diffusion steps."""
    B = x.shape[0]
    args = (batch.x0, batch.known_mask, batch.actions, batch.caption, batch.segments,
            batch.segment_index)
    guided = t > spec.guided_above                                   # (B,)
    if spec.guidance != 1.0 and bool(guided.any()):
        drop = torch.arange(2 * B, device=x.device) >= B
        out = teacher(torch.cat([x, x]), torch.cat([t, t]), *(torch.cat([a, a]) for a in args),
                      drop)["x0"].float()
        cond, uncond = out[:B], out[B:]
        x0 = torch.where(guided[:, None, None], cond + (spec.guidance - 1.0) * (cond - uncond),
                         cond)
    else:
        nodrop = torch.zeros(B, dtype=torch.bool, device=x.device)
        x0 = teacher(x, t, *args, nodrop)["x0"].float()
    km = batch.known_mask
    return km * batch.x0 + (1 - km) * x0


def _ddim(x: torch.Tensor, x0: torch.Tensor, a: torch.Tensor, a_next: torch.Tensor) -> torch.Tensor:
    """DDIM step of (B, T, C) from alpha-bar a (B,) to a_next (B,)."""
    a, a_next = a[:, None, None], a_next[:, None, None]
    eps = (x - a.sqrt() * x0) / (1 - a).sqrt()
    return a_next.sqrt() * x0 + (1 - a_next).sqrt() * eps


def _teacher_steps(teacher, x: torch.Tensor, s: torch.Tensor, s_next: torch.Tensor,
                   batch: Batch, spec: DistilSpec, ab: torch.Tensor) -> torch.Tensor:
    """The teacher's ``per`` DDIM steps from x (B, T, C) at steps s (B,) down to s_next (B,)."""
    if bool((s == s_next).all()):     # nowhere to go (the clean-up step at 0)
        return x
    for j in range(spec.per):
        t = s - ((s - s_next) * j) // spec.per
        t_next = s - ((s - s_next) * (j + 1)) // spec.per
        x0_t = teacher_predict(teacher, x, t, batch, spec)
        x = torch.where((t > t_next)[:, None, None], _ddim(x, x0_t, ab[t], ab[t_next]), x)
    return x


def _solve_clean(x_s: torch.Tensor, x_next: torch.Tensor, s: torch.Tensor, s_next: torch.Tensor,
                 ab: torch.Tensor) -> torch.Tensor:
    """The clean motion y whose one DDIM step takes x_s at step s to x_next at step s_next."""
    a, a_n = ab[s][:, None, None], ab[s_next][:, None, None]
    c = (1 - a_n).sqrt() / (1 - a).sqrt()
    return (x_next - c * x_s) / (a_n.sqrt() - c * a.sqrt())


@torch.no_grad()
def distil_targets(teacher, batch: Batch, schedule: CosineSchedule, spec: DistilSpec,
                   generator: torch.Generator | None = None
                   ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Draw one student step per crop, noise the data to it, and run the teacher.

    Returns (x_s (B, T, C) the student's input, s (B,) its diffusion steps, target (B, T, C)
    the clean motion the student should predict there)."""
    x0 = batch.x0
    B, dev = x0.shape[0], x0.device
    ab = schedule.alpha_bar.to(dev)
    times = spec.student_times(schedule)
    n = len(times)
    k = torch.randint(0, n, (B,), generator=generator).to(dev)
    s = torch.tensor(times, device=dev)[k]                           # (B,)
    s_next = torch.tensor(times + [0], device=dev)[k + 1]
    final = k == n - 1                # the student's prediction here is the motion itself
    noise = torch.randn(x0.shape, generator=generator).to(dev)
    x_s = schedule.add_noise(x0, noise, s)                           # (B, T, C)
    x = _teacher_steps(teacher, x_s, s, s_next, batch, spec, ab)
    target = _solve_clean(x_s, x, s, s_next, ab)
    if bool(final.any()):             # the final step: what the teacher ends with, at step 0
        end = teacher_predict(teacher, x, torch.zeros_like(s), batch, spec)
        target = torch.where(final[:, None, None], end, target)
    km = batch.known_mask
    return x_s, s, km * x0 + (1 - km) * target


@torch.no_grad()
def path_targets(teacher, batch: Batch, schedule: CosineSchedule, spec: DistilSpec,
                 generator: torch.Generator | None = None, student=None
                 ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """The student's inputs and targets along a real way down from pure noise.

    Where ``distil_targets`` noises the data, these are the states a sampler really passes
    through: the guided teacher's own (``student`` None), or the student's own when it is given
    (the teacher then says, from wherever the student has got to, where its next step should
    land, so the student learns to correct its own drift). Every student step of every crop:
    (n * B, T, C) states, (n * B,) steps and (n * B, T, C) targets, step-major (the crops of
    the first step, then the second's ...)."""
    x0 = batch.x0
    B, dev = x0.shape[0], x0.device
    ab = schedule.alpha_bar.to(dev)
    times = spec.student_times(schedule)
    full = times + [0]
    km = batch.known_mask
    x = torch.randn(x0.shape, generator=generator).to(dev)           # the sampler's start
    states, steps, targets = [], [], []
    for k in range(len(times)):
        s = torch.full((B,), full[k], device=dev)
        s_next = torch.full((B,), full[k + 1], device=dev)
        x_next = _teacher_steps(teacher, x, s, s_next, batch, spec, ab)
        if k == len(times) - 1:       # the final step: what the teacher ends with, at step 0
            target = teacher_predict(teacher, x_next, torch.zeros_like(s), batch, spec)
        else:
            target = _solve_clean(x, x_next, s, s_next, ab)
        states.append(x)
        steps.append(s)
        targets.append(km * x0 + (1 - km) * target)
        if student is not None and k + 1 < len(times):
            own = _student_predict(student, x, s, batch)
            x_next = _ddim(x, km * x0 + (1 - km) * own, ab[s], ab[s_next])
        x = x_next
    return torch.cat(states), torch.cat(steps), torch.cat(targets)


def _student_predict(student, x: torch.Tensor, s: torch.Tensor, batch: Batch) -> torch.Tensor:
    """The (unguided) student's clean prediction (B, T, C) at steps s (B,)."""
    nodrop = torch.zeros(x.shape[0], dtype=torch.bool, device=x.device)
    return student(x, s, batch.x0, batch.known_mask, batch.actions, batch.caption,
                   batch.segments, batch.segment_index, nodrop)["x0"].float()


def repeat_batch(batch: Batch, count: int, n: int) -> Batch:
    """The first ``count`` crops of the batch, ``n`` times over (every field, step-major)."""
    return Batch(**{f.name: torch.cat([getattr(batch, f.name)[:count]] * n)
                    for f in fields(batch)})


def head_errors(pred: torch.Tensor, target: torch.Tensor, w: torch.Tensor, joints: int,
                velocity: float = 0.0, rows: torch.Tensor | None = None
                ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Mean squared error of pred against target (B, T, C) on the real frames w (B, T), per
    head: root, pose, contacts. ``velocity`` > 0 adds, on root and pose, that weight times the
    error of the frame-to-frame change: an error that flickers costs more than one that drifts.
    ``rows`` (B,) weighs each crop's frames (all 1 when None)."""
    diff = pred - target                                              # (B, T, C)
    w1 = w[:, 1:] * w[:, :-1]                                         # (B, T-1) both real
    if rows is not None:
        w, w1 = w * rows[:, None], w1 * rows[:, None]

    def part(e: torch.Tensor, m: torch.Tensor, lo: int, hi: int) -> torch.Tensor:
        return (e[..., lo:hi].mean(-1) * m).sum() / m.sum().clamp(min=1.0)

    err, P = diff.pow(2), 4 + 3 * joints
    root, pose, contacts = part(err, w, 0, 4), part(err, w, 4, P), part(err, w, P, err.shape[-1])
    if velocity > 0:
        d = diff.diff(dim=1).pow(2)                                   # (B, T-1, C)
        root = root + velocity * part(d, w1, 0, 4)
        pose = pose + velocity * part(d, w1, 4, P)
    return root, pose, contacts


def foot_steps(x: torch.Tensor, mean: torch.Tensor, std: torch.Tensor, joints: int
               ) -> torch.Tensor:
    """Each foot's step along the floor from one frame to the next, in metres, in the body's
    heading frame at the first of the two (B, T-1, 2 feet, 2: sideways, forward), from
    normalised features x (B, T, C) (engine.model.features: the root's own step and turn, and
    the joints relative to the pelvis's floor point)."""
    f = x.float() * std + mean
    feet = [4 + 3 * j for j in FOOT_JOINTS]
    local = torch.stack([f[..., [c, c + 2]] for c in feet], dim=-2)       # (B, T, 2, 2) x, z
    turn = f[:, :-1, 3][..., None]                                         # (B, T-1, 1)
    c, s = torch.cos(turn), torch.sin(turn)
    nxt = local[:, 1:]
    turned = torch.stack([c * nxt[..., 0] + s * nxt[..., 1],
                          -s * nxt[..., 0] + c * nxt[..., 1]], dim=-1)     # into frame t's
    return turned + f[:, :-1, None, 1:3] - local[:, :-1]


def feet_error(pred: torch.Tensor, target: torch.Tensor, w: torch.Tensor, net) -> torch.Tensor:
    """Squared error of the feet's steps (``foot_steps``), scaled by the model's typical joint
    speed, on the frames where the target plants that foot (its contact channel) and both
    frames are real: a foot the teacher keeps still that the student slides costs the most."""
    mean, std = net.feature_mean, net.feature_std
    J = net.cfg.num_joints
    err = (foot_steps(pred, mean, std, J) - foot_steps(target, mean, std, J)).pow(2).sum(-1)
    planted = (target[..., -2:].float() * std[-2:] + mean[-2:]).clamp(0.0, 1.0)   # (B, T, 2)
    m = planted[:, :-1] * (w[:, 1:] * w[:, :-1])[..., None]                      # (B, T-1, 2)
    return (err * m).sum() / m.sum().clamp(min=1.0) / net.motion_scale[0].pow(2)


def bone_error(pred: torch.Tensor, target: torch.Tensor, w: torch.Tensor, net) -> torch.Tensor:
    """Squared relative error of every bone's length in pred (B, T, C) against the same bone in
    the target, where the target's body is its median over the crop's real frames w (B, T): the
    body the teacher drew, held to one size. Bones that grow and shrink from frame to frame
    (legs drawn a little short, then long) are what bone-length restoration turns into feet
    that slide along the floor."""
    mean, std = net.feature_mean, net.feature_std
    J = net.cfg.num_joints
    child = torch.tensor([j for j, _ in BONES], device=pred.device)
    parent = torch.tensor([p for _, p in BONES], device=pred.device)

    def lengths(x: torch.Tensor) -> torch.Tensor:                        # (B, T, bones)
        local = (x.float() * std + mean)[..., local_slice(J)].unflatten(-1, (J, 3))
        return (local[..., child, :] - local[..., parent, :]).norm(dim=-1)

    got = lengths(pred)
    with torch.no_grad():
        want = lengths(target)
        real = (w > 0)[..., None].expand_as(want)
        body = torch.where(real, want, torch.nan).nanmedian(dim=1).values   # (B, bones)
        body = torch.nan_to_num(body, nan=1.0).clamp(min=0.05)
    err = ((got - body[:, None]) / body[:, None]).pow(2).mean(-1)            # (B, T)
    return (err * w).sum() / w.sum().clamp(min=1.0)


@torch.no_grad()
def settle_targets(target: torch.Tensor, rows: torch.Tensor, valid: torch.Tensor, net
                   ) -> torch.Tensor:
    """``target`` (B, T, C) with each row that ``rows`` (B,) marks replaced, on its real frames
    (``valid`` (B, T) > 0), by what the app's physics post-processing makes of it
    (``engine.physics.postprocess``: smoothed, the bones at their lengths, on the ground, planted
    feet held). A student taught that at its last pass ends with feet that stay planted
    already, instead of leaving the physics to pull back the ones that slide."""
    from engine.model.features import FPS, from_features, to_features
    from engine.physics import postprocess

    mean = net.feature_mean.detach().cpu().numpy()
    std = net.feature_std.detach().cpu().numpy()
    out = target.clone()
    for b in torch.nonzero(rows).flatten().tolist():
        real = torch.nonzero(valid[b] > 0).flatten()
        if len(real) < 2:
            continue
        frames = slice(int(real[0]), int(real[-1]) + 1)
        feats = target[b, frames].float().cpu().numpy() * std + mean
        pos, _ = postprocess(from_features(feats), FPS)
        settled = (to_features(pos) - mean) / std
        out[b, frames] = torch.from_numpy(settled).to(out.dtype).to(out.device)
    return out


def distil_losses(student, teacher, batch: Batch, schedule: CosineSchedule, spec: DistilSpec,
                  generator: torch.Generator | None = None, action_weight: float = 0.2
                  ) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
    """The student's loss on one batch: MSE to the teacher's few-step target on the frames that
    are real, split like ``diffusion_losses`` by head (root, pose, physics = contacts), plus the
    action head's cross-entropy on the data's labels, and with ``spec.velocity`` the error of
    the frame-to-frame change on root and pose (as the teacher's own pose loss has): the
    student's last step otherwise leaves a flicker that adds foot skate and jerk. Returns
    (total, parts)."""
    net = getattr(student, "module", student)
    cfg = net.cfg
    batch = jitter_text(batch, spec.text_jitter, generator)
    if spec.on_path > 0 and float(torch.rand(1, generator=generator)) < spec.on_path:
        # a whole way down for a share of the crops, so the student sees about as many rows
        n = len(spec.student_times(schedule))
        batch = repeat_batch(batch, -(-batch.x0.shape[0] // n), 1)
        x_s, s, target = path_targets(teacher, batch, schedule, spec, generator,
                                      student if spec.path_walker == "student" else None)
        batch = repeat_batch(batch, batch.x0.shape[0], n)
    else:
        x_s, s, target = distil_targets(teacher, batch, schedule, spec, generator)
    nodrop = torch.zeros(x_s.shape[0], dtype=torch.bool, device=x_s.device)
    out = student(x_s, s, batch.x0, batch.known_mask, batch.actions, batch.caption,
                  batch.segments, batch.segment_index, nodrop)
    w = batch.valid
    last = s == spec.student_times(schedule)[-1]                      # (B,) the final rows
    if spec.settle and bool(last.any()):
        km = batch.known_mask
        target = km * batch.x0 + (1 - km) * settle_targets(target, last, w, net)
    rows = None
    if spec.last_weight != 1.0:       # the last step's rows count more (or less) than the rest
        rows = torch.where(last, spec.last_weight, 1.0).to(w.dtype)
    root, pose, contacts = head_errors(out["x0"].float(), target, w, cfg.num_joints,
                                       spec.velocity, rows)
    labelled = (w > 0) & (batch.actions < cfg.num_actions)
    action = (F.cross_entropy(out["action_logits"][labelled].float(), batch.actions[labelled])
              if labelled.any() else out["action_logits"].sum() * 0.0)
    feet_rows = ((s <= spec.end_at) if spec.feet_all else last) if spec.feet > 0 else None
    if feet_rows is not None and bool(feet_rows.any()):
        # the planted feet of the motion the student ends with (and with feet_all of the pass
        # before its clean-up, which makes that motion): its extra foot skate
        contacts = contacts + spec.feet * feet_error(out["x0"][feet_rows], target[feet_rows],
                                                     w[feet_rows], net)
    if spec.bones > 0 and bool(last.any()):
        # the body of the motion the student ends with keeps one size (its pose part)
        pose = pose + spec.bones * bone_error(out["x0"][last], target[last], w[last], net)
    parts = {"root": root, "pose": pose, "physics": contacts, "action": action}
    return root + pose + contacts + action_weight * action, parts


def distil_spec(settings) -> DistilSpec:
    """The DistilSpec of a run's ``TrainConfig.distil`` settings."""
    return DistilSpec(int(settings.student_steps), int(settings.per), float(settings.guidance),
                      int(settings.guided_above), int(settings.end_at),
                      float(settings.text_jitter), float(settings.on_path),
                      str(settings.path_walker), float(settings.velocity),
                      float(settings.last_weight), bool(settings.refine),
                      float(settings.feet), bool(settings.feet_all), float(settings.bones),
                      bool(settings.settle))


def load_teacher(path: str, table, device) -> tuple[torch.nn.Module, str]:
    """The frozen teacher (eval mode, no gradients) and its weights' fingerprint; its text
    encoder must be the run's."""
    from .finetune import load_base

    teacher, fingerprint = load_base(path, table.encoder, table.dim)
    teacher.to(device).eval()
    for p in teacher.parameters():
        p.requires_grad_(False)
    return teacher, fingerprint


def distilled_sampler(settings, teacher_fingerprint: str, schedule: CosineSchedule) -> dict:
    """The sampler settings a distilled checkpoint carries (engine.generate reads them): its
    steps, guidance off (it is folded in), and what it was distilled from."""
    times = distil_spec(settings).student_times(schedule)
    return {"steps": int(settings.student_steps), "guidance": 1.0, "times": times,
            "distilled_from": {"fingerprint": teacher_fingerprint,
                               "teacher_steps": int(settings.student_steps * settings.per),
                               "guidance": float(settings.guidance)}}
