"""Per-rig tables for retargeting foreign skeletons onto the canonical one.

A ``Rig`` says, for every canonical joint, which point of the source skeleton it follows: one
source joint, or a weighted sum of source joints (weights may extrapolate, e.g. to put the head
joint at the head centre when the source only has the skull base). Each canonical joint lists
alternatives; the first whose source joints all exist is used, so one table covers small naming
variations of a rig. ``engine.retarget`` uses only the *directions* of these points; lengths come
from the canonical skeleton.

Facing: every table maps the source's left limbs to ``l_*``. Which way the source faces is worked
out from the data (left-to-right hip and shoulder axes and the up axis), never assumed, so a
rig whose figures face -X or +Y still arrives facing +Z with its left side at +X.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .skeleton import JOINT_NAMES

# One alternative: ((source joint, weight), ...). A canonical joint has a tuple of alternatives.
Point = tuple[tuple[str, float], ...]

# Source length unit -> metres. CMU's own unit is (1 / 0.45) inch, about 0.0564 m (CMU FAQ).
CMU_UNIT = 0.0254 / 0.45
KNOWN_UNITS = {"m": 1.0, "cm": 0.01, "mm": 0.001, "inch": 0.0254, "cmu": CMU_UNIT}


def p(*parts: str | tuple[str, float]) -> Point:
    """A point spec: ``p("Head")`` or ``p(("Head", 1.5), ("Neck1", -0.5))``."""
    return tuple((x, 1.0) if isinstance(x, str) else (x[0], float(x[1])) for x in parts)


@dataclass(frozen=True)
class Rig:
    name: str
    points: dict[str, tuple[Point, ...]]   # canonical joint -> alternatives
    signature: tuple[str, ...]             # source joints that identify the rig
    units: str | None = None               # a KNOWN_UNITS key; None = detect from body size
    up_axis: str = "y"                     # "y" or "z": the source's up direction (+)
    canonical: bool = False                # our own skeleton: keep positions exactly
    notes: str = ""
    prefixes: tuple[str, ...] = field(default=())  # name prefixes to strip before matching


def _sided(table: dict[str, tuple[Point, ...]], left: str, right: str) -> dict:
    """Expand ``{side}`` templates into l_/r_ entries (``{S}`` for the source's side token)."""
    out: dict[str, tuple[Point, ...]] = {}
    for key, alts in table.items():
        if "{side}" not in key:
            out[key] = alts
            continue
        for ours, theirs in (("l", left), ("r", right)):
            out[key.format(side=ours)] = tuple(
                tuple((n.format(S=theirs), w) for n, w in alt) for alt in alts)
    return out


# cgspeed "MotionBuilder-friendly" CMU conversion (also fairmotion's and Mixamo's names).
CMU_MB = Rig(
    "cmu_motionbuilder",
    _sided({
        "pelvis": (p("Hips"),),
        "spine": (p(("Spine", 0.5), ("Spine1", 0.5)), p("Spine")),
        # Neck1 sits just above the shoulders, where our neck joint is; Neck is lower.
        "neck": (p("Neck1"), p("Neck")),
        # CMU's Head joint is the skull base; carry on along the neck to the head centre.
        "head": (p(("Head", 1.5), ("Neck1", -0.5)), p(("Head", 1.5), ("Neck", -0.5)), p("Head")),
        "{side}_shoulder": (p("{S}Arm"),),
        "{side}_elbow": (p("{S}ForeArm"),),
        "{side}_hand": (p("{S}Hand"),),
        "{side}_hip": (p("{S}UpLeg"),),
        "{side}_knee": (p("{S}Leg"),),
        "{side}_foot": (p("{S}Foot"),),
    }, "Left", "Right"),
    signature=("Hips", "LeftUpLeg", "LeftLeg", "LeftArm", "LeftForeArm", "RightUpLeg"),
    units=None, prefixes=("mixamorig:", "mixamorig_"),
    notes="CMU 31-joint skeleton as converted by cgspeed for MotionBuilder; CMU length units",
)

# cgspeed "3dsMax-friendly" CMU conversion: LeftShoulder is the upper arm here, not the clavicle.
CMU_MAX = Rig(
    "cmu_3dsmax",
    _sided({
        "pelvis": (p("Hips"),),
        "spine": (p(("Chest", 0.5), ("Chest2", 0.5)), p("Chest")),
        "neck": (p("Neck"),),
        "head": (p(("Head", 0.5), ("Head_end", 0.5)), p("Head")),
        "{side}_shoulder": (p("{S}Shoulder"),),
        "{side}_elbow": (p("{S}Elbow"),),
        "{side}_hand": (p("{S}Wrist"),),
        "{side}_hip": (p("{S}Hip"),),
        "{side}_knee": (p("{S}Knee"),),
        "{side}_foot": (p("{S}Ankle"),),
    }, "Left", "Right"),
    signature=("Hips", "LeftHip", "LeftKnee", "LeftAnkle", "LeftCollar", "LeftElbow"),
    units=None,
    notes="CMU 31-joint skeleton as converted by cgspeed for 3ds Max; CMU length units",
)

# Reallusion iClone / Character Creator "CC_Base" rig (Motion Dummy Male), centimetres.
ICLONE_CC = Rig(
    "iclone_cc_base",
    _sided({
        "pelvis": (p("CC_Base_Hip"),),
        "spine": (p("CC_Base_Spine02"),),
        "neck": (p("CC_Base_NeckTwist01"),),
        # Half way from the skull base to between the eyes is close to the head centre.
        "head": (p(("CC_Base_Head", 0.5), ("CC_Base_L_Eye", 0.25), ("CC_Base_R_Eye", 0.25)),
                 p("CC_Base_Head")),
        "{side}_shoulder": (p("CC_Base_{S}_Upperarm"),),
        "{side}_elbow": (p("CC_Base_{S}_Forearm"),),
        "{side}_hand": (p("CC_Base_{S}_Hand"),),
        "{side}_hip": (p("CC_Base_{S}_Thigh"),),
        "{side}_knee": (p("CC_Base_{S}_Calf"),),
        "{side}_foot": (p("CC_Base_{S}_Foot"),),
    }, "L", "R"),
    signature=("CC_Base_Hip", "CC_Base_L_Thigh", "CC_Base_L_Calf", "CC_Base_L_Upperarm"),
    units="cm",
    notes="iClone CC_Base rig, Y-up, centimetres",
)

# DAZ/Poser-style names (hip, abdomen, chest, lShldr, ...), as in the salsa clips.
DAZ = Rig(
    "daz",
    _sided({
        "pelvis": (p("hip"),),
        "spine": (p(("chest", 0.5), ("abdomen", 0.5)),),
        "neck": (p("neck"),),
        "head": (p(("leftEye", 0.25), ("rightEye", 0.25), ("head", 0.5)), p("head")),
        "{side}_shoulder": (p("{S}Shldr"),),
        "{side}_elbow": (p("{S}ForeArm"),),
        "{side}_hand": (p("{S}Hand"),),
        "{side}_hip": (p("{S}Thigh"),),
        "{side}_knee": (p("{S}Shin"),),
        "{side}_foot": (p("{S}Foot"),),
    }, "l", "r"),
    signature=("hip", "abdomen", "lThigh", "lShin", "lShldr", "lForeArm"),
    units=None,
    notes="DAZ-friendly skeleton; the salsa clips were rescaled to metres by their publisher",
)

# The 15-joint humanoid of AMP (IsaacGymEnvs); Z-up, metres. "head" there is the base of the
# neck, and the head centre is a virtual joint the npz reader adds from the head's rotation.
AMP = Rig(
    "amp_humanoid",
    _sided({
        "pelvis": (p("pelvis"),),
        "spine": (p("torso"),),
        "neck": (p("head"),),
        "head": (p("head_centre"), p(("head", 1.8), ("torso", -0.8))),
        "{side}_shoulder": (p("{S}_upper_arm"),),
        "{side}_elbow": (p("{S}_lower_arm"),),
        "{side}_hand": (p("{S}_hand"),),
        "{side}_hip": (p("{S}_thigh"),),
        "{side}_knee": (p("{S}_shin"),),
        "{side}_foot": (p("{S}_foot"),),
    }, "left", "right"),
    signature=("pelvis", "torso", "left_upper_arm", "left_thigh", "left_shin"),
    units="m", up_axis="z",
    notes="AMP humanoid (IsaacGymEnvs), Z-up, metres",
)

# DeepMimic's humanoid3d: the same body as AMP, Y-up, with DeepMimic's joint names.
DEEPMIMIC = Rig(
    "deepmimic_humanoid3d",
    _sided({
        "pelvis": (p("root"),),
        "spine": (p("chest"),),
        "neck": (p("neck"),),
        "head": (p("head_centre"), p(("neck", 1.8), ("chest", -0.8))),
        "{side}_shoulder": (p("{S}_shoulder"),),
        "{side}_elbow": (p("{S}_elbow"),),
        "{side}_hand": (p("{S}_wrist"),),
        "{side}_hip": (p("{S}_hip"),),
        "{side}_knee": (p("{S}_knee"),),
        "{side}_foot": (p("{S}_ankle"),),
    }, "left", "right"),
    signature=("root", "chest", "neck", "left_hip", "left_knee", "left_ankle"),
    units="m",
    notes="DeepMimic humanoid3d, Y-up, metres",
)

# Our own skeleton, as written by engine.formats.bvh.write_bvh (centimetres).
CANONICAL = Rig(
    "stickgen",
    {name: (p(name),) for name in JOINT_NAMES},
    signature=("pelvis", "l_hip", "l_knee", "l_foot", "l_shoulder", "l_elbow", "l_hand", "neck"),
    units="cm", canonical=True,
    notes="Stick-Gen's canonical skeleton",
)

RIGS: tuple[Rig, ...] = (CANONICAL, ICLONE_CC, CMU_MB, CMU_MAX, DAZ, AMP, DEEPMIMIC)
RIG_BY_NAME: dict[str, Rig] = {r.name: r for r in RIGS}

# Files whose header frame rate is wrong, by file name without .bvh/.gz. The CMU index lists
# subjects 60 and 61 (salsa) as captured at 60 fps; the DAZ-friendly copies claim 120.
FPS_OVERRIDES: dict[str, float] = {"60_01_scaled": 60.0, "61_01_scaled": 60.0}
FPS_OVERRIDE_PATTERNS: tuple[tuple[str, float], ...] = ((r"^6[01]_\d\d(_scaled)?$", 60.0),)


def fps_override(stem: str) -> float | None:
    """The true frame rate of a file whose header is known to be wrong, else None."""
    if stem in FPS_OVERRIDES:
        return FPS_OVERRIDES[stem]
    for pattern, fps in FPS_OVERRIDE_PATTERNS:
        if re.match(pattern, stem):
            return fps
    return None


def strip_prefix(names: list[str], rig: Rig) -> list[str]:
    out = []
    for n in names:
        for pre in rig.prefixes:
            if n.startswith(pre):
                n = n[len(pre):]
                break
        out.append(n)
    return out


def detect_rig(names: list[str]) -> Rig:
    """The rig whose signature joints all appear in ``names``; ValueError if none does."""
    for rig in RIGS:
        have = set(strip_prefix(list(names), rig))
        if all(s in have for s in rig.signature):
            return rig
    shown = ", ".join(list(names)[:12]) + (" ..." if len(names) > 12 else "")
    raise ValueError(f"unknown skeleton (joints: {shown}); known rigs: "
                     f"{', '.join(r.name for r in RIGS)}")
