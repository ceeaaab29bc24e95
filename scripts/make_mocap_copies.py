"""Rebuild the shipped mocap copies (resources/mocap) from the collected originals.

    python scripts/make_mocap_copies.py SOURCE_DIR [DEST_DIR]

SOURCE_DIR holds the originals and their INDEX.tsv. BVH files are copied gzip-compressed
(.bvh.gz), AMP clips as their pickle-free *_positions.npz, DeepMimic clips as they are. The iClone
BVH files are cut down to the joints the importer reads (body, eyes, toe bases: 27 of about
100): the kept channels' numbers are the original text, byte for byte, so the kept joints move
exactly as in the original. INDEX.tsv is rewritten to point at the copies, with three columns
added: ``play_fps`` (the true frame rate), ``dropped_frames`` (leading calibration frames the
importer drops) and ``import_frames`` (frames of the imported clip at ``play_fps``).
"""
from __future__ import annotations

import csv
import gzip
import shutil
import sys
from pathlib import Path

from engine.formats.bvh import parse_bvh
from engine.formats.loader import default_mocap_root

SHIPPED_SETS = ("cmu_dragonforged_iclone", "cmu_tmoco_inversekinematics", "cmu_bvh11",
                "cmu_fairmotion", "cmu_beemsoft_salsa", "cmu_isaacgymenvs_amp",
                "deepmimic_humanoid3d")
# DeepMimic clips are small JSON-like .txt files the importer reads as they are; the character
# file beside them describes their skeleton
VERBATIM_SETS = ("deepmimic_humanoid3d",)
VERBATIM_EXTRAS = ("deepmimic_humanoid3d/character_humanoid3d.txt",)
LICENCE_FILES = ("cmu_bvh11/LICENSE_bvh11_repo.txt", "cmu_fairmotion/LICENSE_fairmotion_repo.txt",
                 "cmu_isaacgymenvs_amp/LICENSE_IsaacGymEnvs_repo.txt",
                 "cmu_isaacgymenvs_amp/amp_motions-acknowledgement.txt",
                 "deepmimic_humanoid3d/LICENSE_DeepMimic_repo.txt",
                 "LICENSES/CMU_MOCAP_TERMS.txt")
ICLONE_KEEP = {"CC_Base_Hip", "CC_Base_Pelvis", "CC_Base_Waist", "CC_Base_Spine01",
               "CC_Base_Spine02", "CC_Base_NeckTwist01", "CC_Base_NeckTwist02", "CC_Base_Head",
               "CC_Base_FacialBone", "CC_Base_L_Eye", "CC_Base_R_Eye"} | {
    f"CC_Base_{s}_{n}" for s in "LR"
    for n in ("Thigh", "Calf", "Foot", "ToeBase", "Clavicle", "Upperarm", "Forearm", "Hand")}
# Leading frames that are not motion: a T-pose frame 0 (noted in the source index), and in the
# salsa pair a T-pose that blends into the dance over frames 0-2 at an impossible speed.
DROPPED = {"07_04": 1, "07_05": 1, "07_12": 1, "cmu_fairmotion/01_01.bvh": 1,
           "60_01": 3, "61_01": 3}
PLAY_FPS = {"60_01": 60, "61_01": 60}   # the salsa headers say 120; CMU lists 60
# The 60 fps AMP clips store every frame twice: really 30 fps (the 16 fps backflip does not).
DOUBLED = ("amp_humanoid_walk", "amp_humanoid_run", "amp_humanoid_hop", "amp_humanoid_dance",
           "amp_humanoid_cartwheel")


def strip_bvh(text: str, keep: set[str]) -> str:
    """The BVH with only ``keep`` and their ancestors; frame numbers kept verbatim."""
    bvh = parse_bvh(text)
    sk = bvh.skeleton
    kept = set()
    for n in keep:
        j = sk.index(n)
        while j >= 0 and j not in kept:
            kept.add(j)
            j = int(sk.parents[j])
    kept |= {j for j in range(len(sk.names)) if sk.end_site[j] and int(sk.parents[j]) in kept}
    out = ["HIERARCHY"]

    def fmt(v) -> str:
        return " ".join(repr(float(x)) for x in v)

    def emit(j: int, pad: str) -> None:
        o = sk.offsets[j]
        if sk.end_site[j]:
            out.extend([pad + "End Site", pad + "{", f"{pad}    OFFSET {fmt(o)}", pad + "}"])
            return
        kind = "ROOT" if sk.parents[j] < 0 else "JOINT"
        out.extend([f"{pad}{kind} {sk.names[j]}", pad + "{",
                    f"{pad}    OFFSET {fmt(o)}",
                    f"{pad}    CHANNELS {len(sk.channels[j])} {' '.join(sk.channels[j])}"])
        children = [c for c in range(len(sk.names)) if sk.parents[c] == j and c in kept]
        for c in children:
            emit(c, pad + "    ")
        if not children:  # lost all its children: BVH wants an End Site under a leaf
            out.extend([pad + "    End Site", pad + "    {", pad + "        OFFSET 0.0 0.0 0.0",
                        pad + "    }"])
        out.append(pad + "}")

    for root in (j for j in range(len(sk.names)) if sk.parents[j] < 0):
        emit(root, "")
    columns, col = [], 0
    for j, chans in enumerate(sk.channels):
        if j in kept:
            columns.extend(range(col, col + len(chans)))
        col += len(chans)
    lines = text.splitlines()
    m = next(n for n, l in enumerate(lines) if l.strip().upper().startswith("MOTION"))
    out.extend(l.strip() for l in lines[m:m + 3])
    for line in lines[m + 3:m + 3 + bvh.num_frames]:
        tokens = line.split()
        out.append(" ".join(tokens[c] for c in columns))
    return "\n".join(out) + "\n"


def main(argv: list[str]) -> int:
    src = Path(argv[0])
    dest = Path(argv[1]) if len(argv) > 1 else default_mocap_root()
    with open(src / "INDEX.tsv", encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh, delimiter="\t")
        fields = list(reader.fieldnames or []) + ["play_fps", "dropped_frames", "import_frames"]
        rows = [r for r in reader if r["file"].split("/")[0] in SHIPPED_SETS]
    for row in rows:
        rel = Path(row["file"])
        trial = row["subject_clip_id"]
        if rel.parts[0] in VERBATIM_SETS:
            new = rel
            (dest / new).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src / rel, dest / new)
        elif rel.suffix == ".npy":
            new = rel.with_name(rel.stem + "_positions.npz")
            (dest / new).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src / new, dest / new)
        else:
            text = (src / rel).read_text(encoding="utf-8", errors="replace")
            if rel.parts[0] == "cmu_dragonforged_iclone":
                text = strip_bvh(text, ICLONE_KEEP)
                row["notes"] += "; shipped copy keeps 27 body joints of the original 100"
            new = rel.with_name(rel.name + ".gz")
            (dest / new).parent.mkdir(parents=True, exist_ok=True)
            (dest / new).write_bytes(gzip.compress(text.encode("utf-8"), 9, mtime=0))
        row["file"] = new.as_posix()
        frames, fps = int(row["frames"]), float(PLAY_FPS.get(trial, row["fps"]))
        if rel.stem in DOUBLED:
            frames, fps = (frames + 1) // 2, fps / 2
            row["notes"] += "; every frame is stored twice: imported as one of each pair at 30 fps"
        dropped = DROPPED.get(trial, DROPPED.get(rel.as_posix(), 0))
        row["play_fps"] = f"{fps:g}"
        row["dropped_frames"] = str(dropped)
        row["import_frames"] = str(frames - dropped)
        if trial in ("60_01", "61_01"):
            row["notes"] += ("; frames 0-2 are a T-pose blending into the dance at an "
                             "impossible speed: dropped on import")
    with open(dest / "INDEX.tsv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields, delimiter="\t", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    for name in VERBATIM_EXTRAS:
        shutil.copyfile(src / name, dest / name)
    (dest / "LICENSES").mkdir(exist_ok=True)
    for name in LICENCE_FILES:
        shutil.copyfile(src / name, dest / "LICENSES" / Path(name).name)
    print(f"copied {len(rows)} clips to {dest}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
