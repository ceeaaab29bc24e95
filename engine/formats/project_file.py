"""The ``.stickgen`` project file: versioned JSON, migrated forward on load, written atomically,
with a separate autosave file for crash recovery.

Motions are stored as base64 of little-endian float32 so a project saves and loads exactly.
"""
from __future__ import annotations

import base64
import json
import os
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

import numpy as np

from ..atomic import write_text_atomic
from ..motion import Motion
from ..camera import CameraKey
from ..project import (Actor, ExpressionKey, Generation, PoseKey, Project, SpeechRange,
                       TimedSegment)
from .errors import FormatError, read_json
from .limits import (camera_problem, check_writable, joints_problem, parents_problem,
                     positions_problem)

if TYPE_CHECKING:  # the schema pulls in pydantic (~0.2 s): loaded with the first project read
    from .project_schema import ActorData

FORMAT_TAG = "stickgen.project"
SCHEMA_VERSION = 4
AUTOSAVE_SUFFIX = ".autosave"


def _encode_array(a: np.ndarray) -> dict[str, Any]:
    a = np.ascontiguousarray(a, dtype="<f4")
    return {"dtype": "float32", "shape": list(a.shape), "data": base64.b64encode(a.tobytes()).decode()}


def _decode_array(d: dict[str, Any], where: str, path: object) -> np.ndarray:
    try:
        raw = base64.b64decode(d["data"], validate=True)
        arr = np.frombuffer(raw, dtype="<f4").reshape(d["shape"]).astype(np.float32)
    except (KeyError, TypeError, ValueError) as exc:
        raise FormatError(path, f"{where}: bad array data ({exc})") from None
    if not np.isfinite(arr).all():
        raise FormatError(path, f"{where}: contains NaN or infinity")
    return arr


def to_dict(project: Project) -> dict[str, Any]:
    actors = []
    for a in project.actors:
        m = a.motion
        check_writable(m, f"project (actor {a.name!r})")
        actors.append({
            "name": a.name, "color": a.color, "prompt": a.prompt, "seed": a.seed,
            "visible": a.visible, "segments": [s.to_dict() for s in a.segments],
            "motion": {"positions": _encode_array(m.positions), "fps": m.fps,
                       "joints": list(m.joints), "parents": list(m.parents),
                       "actions": m.actions, "expressions": m.expressions, "speech": m.speech,
                       "head_yaw": m.head_yaw.astype(float).tolist()},
            "expression_keys": [asdict(k) for k in a.expression_keys],
            "speech": [asdict(s) for s in a.speech],
            "pose_keys": [asdict(k) for k in a.pose_keys],
        })
    return {"format": FORMAT_TAG, "schema_version": SCHEMA_VERSION, "fps": project.fps,
            "actors": actors, "camera": [k.to_dict() for k in project.camera],
            "history": [asdict(g) for g in project.history], "settings": project.settings,
            "script": _script_dict(project.script)}


def _script_dict(script: dict[str, Any] | None) -> dict[str, Any] | None:
    """The scene script as it is saved: checked first, so a save never writes a file that its
    own loader would refuse (ScriptError, a ValueError, says which field is wrong)."""
    if script is None:
        return None
    from ..story.script import parse_script, script_to_dict  # pydantic: only when there is one

    return script_to_dict(parse_script(script))


def save_project(path: str | os.PathLike, project: Project) -> None:
    """Write atomically: a temp file beside ``path`` renamed over it only when complete."""
    write_text_atomic(path, json.dumps(to_dict(project), indent=1))


def autosave_path(path: str | os.PathLike) -> Path:
    return Path(str(path) + AUTOSAVE_SUFFIX)


def write_autosave(path: str | os.PathLike, project: Project) -> Path:
    """Save a recovery copy beside the project (never the project file itself)."""
    target = autosave_path(path)
    save_project(target, project)
    return target


def recovery_for(path: str | os.PathLike) -> Path | None:
    """The autosave of ``path`` if it is newer than the project file (a crash left it)."""
    auto = autosave_path(path)
    if not auto.exists():
        return None
    if not Path(path).exists() or auto.stat().st_mtime > Path(path).stat().st_mtime:
        return auto
    return None


# Upgrade functions: MIGRATIONS[v] turns a version-v dict into a version-(v+1) dict.
def _v1_to_v2(d: dict[str, Any]) -> dict[str, Any]:
    # v1 kept one camera list per actor and had no settings; v2 has one shot camera.
    d = dict(d)
    cams = [k for a in d.get("actors", []) for k in a.pop("camera", [])]
    d.setdefault("camera", cams)
    d.setdefault("settings", {})
    d["schema_version"] = 2
    return d


def _v2_to_v3(d: dict[str, Any]) -> dict[str, Any]:
    # v3 adds the optional scene script. The version moves so that an older Stick-Gen refuses
    # a v3 file instead of opening it and silently dropping the script on its next save.
    d = dict(d)
    d.setdefault("script", None)
    d["schema_version"] = 3
    return d


def _v3_to_v4(d: dict[str, Any]) -> dict[str, Any]:
    # v4 adds each motion's head turn (radians a frame); older motions face ahead throughout.
    # The version moves for the same reason as v3's: an older Stick-Gen would drop the turns.
    # Anything malformed is left as it is, for the schema check to name.
    d = dict(d)
    if isinstance(d.get("actors"), list):
        d["actors"] = [_facing_ahead(a) for a in d["actors"]]
    d["schema_version"] = 4
    return d


def _facing_ahead(actor: Any) -> Any:
    motion = actor.get("motion") if isinstance(actor, dict) else None
    if not isinstance(motion, dict) or not isinstance(motion.get("actions"), list):
        return actor
    return dict(actor, motion={"head_yaw": [0.0] * len(motion["actions"]), **motion})


MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {
    1: _v1_to_v2, 2: _v2_to_v3, 3: _v3_to_v4}


def load_project(path: str | os.PathLike) -> Project:
    """Read, migrate and validate a project; FormatError says what is wrong."""
    return from_dict(read_json(path, "project file"), path)


def from_dict(data: Any, path: object = "<project>") -> Project:
    if not isinstance(data, dict) or data.get("format") != FORMAT_TAG:
        raise FormatError(path, "not a Stick-Gen project (missing format tag "
                                f"{FORMAT_TAG!r})")
    version = data.get("schema_version")
    if not isinstance(version, int) or version < 1:
        raise FormatError(path, f"bad schema_version {version!r}")
    if version > SCHEMA_VERSION:
        raise FormatError(path, f"this project was saved by a newer Stick-Gen (schema "
                                f"{version}; this version reads up to {SCHEMA_VERSION}); "
                                "update Stick-Gen to open it")
    while version < SCHEMA_VERSION:
        try:
            data = MIGRATIONS[version](data)
        except (AttributeError, TypeError, KeyError, ValueError):
            raise FormatError(path, f"malformed schema {version} project: its actors must be "
                                    "objects") from None
        version = data["schema_version"]
    from .project_schema import check_project

    checked = check_project(data, path)
    actors = [_actor(a, i, path) for i, a in enumerate(checked.actors)]
    camera = list(data.get("camera", []))
    why = camera_problem(camera, len(actors))
    if why:
        raise FormatError(path, f"camera {why}")
    return Project(fps=float(checked.fps), actors=actors,
                   camera=[CameraKey.from_dict(k) for k in camera],
                   history=[Generation(g.prompt, g.seed, float(g.seconds), g.model)
                            for g in checked.history],
                   settings=dict(checked.settings), script=_read_script(checked.script, path))


def _read_script(script: dict[str, Any] | None, path: object) -> dict[str, Any] | None:
    """The saved scene script, validated and upgraded to the current script version."""
    if script is None:
        return None
    from ..story.script import ScriptError, parse_script, script_to_dict

    try:
        return script_to_dict(parse_script(script))
    except ScriptError as exc:
        raise FormatError(path, "script: " + "; ".join(exc.problems)) from None


def _actor(a: ActorData, i: int, path: object) -> Actor:
    where = f"actors[{i}]"
    m = a.motion
    pos = _decode_array(m.positions.model_dump(), f"{where}.motion.positions", path)
    J = pos.shape[1]
    for field, why in (("joints", joints_problem(m.joints) or ("" if len(m.joints) == J else
                        f"names {len(m.joints)} joints but positions hold {J}")),
                       ("parents", parents_problem(m.parents, J)),
                       ("positions", positions_problem(pos, m.joints))):
        if why:
            raise FormatError(path, f"{where}.motion.{field}: {why}")
    try:
        motion = Motion(pos, float(m.fps), m.actions, m.expressions, m.speech,
                        tuple(m.joints), tuple(m.parents), m.head_yaw)
    except ValueError as exc:
        raise FormatError(path, f"{where}.motion: {exc}") from None
    for k, s in enumerate(a.speech):
        if s.stop <= s.start:
            raise FormatError(path, f"{where}.speech[{k}]: stop {s.stop} must come after start "
                                    f"{s.start}")
    for k, key in enumerate(a.pose_keys):
        if len(key.positions) != J:
            raise FormatError(path, f"{where}.pose_keys[{k}]: has {len(key.positions)} joints, "
                                    f"the motion {J}")
    return Actor(
        name=a.name, motion=motion, color=a.color, prompt=a.prompt, seed=a.seed,
        segments=[TimedSegment.from_dict(s.model_dump(exclude_unset=True), motion.fps)
                  for s in a.segments],
        expression_keys=[ExpressionKey(k.frame, k.expression) for k in a.expression_keys],
        speech=[SpeechRange(s.start, s.stop, s.style) for s in a.speech],
        pose_keys=[PoseKey(k.frame, [list(map(float, r)) for r in k.positions])
                   for k in a.pose_keys],
        visible=a.visible)
