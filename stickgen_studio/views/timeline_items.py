"""What each timeline track shows, as plain items built from the document (no painting).

Tracks: the planner's action segments, the face (expression runs with the user's keys on top),
speech (the motion's own speech runs with the user's ranges on top), pose keys and camera keys.
``ref`` names an editable item as (track, index into its list); bands are read-only context.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..document import edits

TRACKS = ("action", "expression", "speech", "pose", "camera")
TRACK_TITLES = {"action": "Action", "expression": "Face", "speech": "Speech", "pose": "Pose",
                "camera": "Camera"}


@dataclass(frozen=True)
class Item:
    track: str
    kind: str                  # "key" (a point), "span" (editable range), "band" (context)
    start: int
    stop: int                  # one past the last frame (== start + 1 for keys)
    label: str = ""
    ref: tuple[str, int] | None = None
    tooltip: str = ""


def _runs(labels) -> list[tuple[int, int, object]]:
    out, a = [], 0
    for t in range(1, len(labels) + 1):
        if t == len(labels) or labels[t] != labels[a]:
            out.append((a, t, labels[a]))
            a = t
    return out


def build_items(doc, index: int | None) -> dict[str, list[Item]]:
    items: dict[str, list[Item]] = {t: [] for t in TRACKS}
    actors = doc.project.actors
    if index is not None and 0 <= index < len(actors):
        actor = actors[index]
        spans = [(s.start, s.stop, s.action, s.text, s.style) for s in actor.segments] or [
            (a, b, act, act, None) for a, b, act in _runs(actor.motion.actions)]
        for i, (a, b, act, text, style) in enumerate(spans):
            label = act.replace("_", " ") + (f" · {style}" if style else "")
            items["action"].append(Item("action", "span", a, b, label, ("action", i),
                                        f"{act}{f' ({style})' if style else ''}: “{text}”"))
        baked = doc.motion_of(index)
        for a, b, e in _runs(baked.expressions):
            items["expression"].append(Item("expression", "band", a, b, str(e)))
        for i, k in enumerate(actor.expression_keys):
            items["expression"].append(Item("expression", "key", k.frame, k.frame + 1,
                                            k.expression, ("expression", i),
                                            f"{k.expression} from frame {k.frame}"))
        for a, b, s in _runs(actor.motion.speech):
            if s is not None:
                items["speech"].append(Item("speech", "band", a, b, str(s)))
        for i, r in enumerate(actor.speech):
            items["speech"].append(Item("speech", "span", r.start, r.stop, r.style,
                                        ("speech", i), f"{r.style}, frames {r.start}–{r.stop - 1}"))
        for i, k in enumerate(actor.pose_keys):
            items["pose"].append(Item("pose", "key", k.frame, k.frame + 1, "pose", ("pose", i),
                                      f"pose key at frame {k.frame}"))
    for i, k in enumerate(doc.project.camera):
        f = edits.key_frame("camera", k)
        items["camera"].append(Item("camera", "key", f, f + 1, k.move, ("camera", i),
                                    f"{k.move} key at frame {f}, {k.easing}"))
    return items
