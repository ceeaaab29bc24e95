"""Export the open project with the engine's exporter, as a background job.

``snapshot`` copies what is needed from the document on the GUI thread (the baked motions of
the visible actors and the camera keys), so the job never reads the live document.
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from engine.export import ExportOptions, export
from engine.formats.motion_json import Actor as FileActor
from engine.formats.motion_json import MotionFile


def snapshot(doc) -> MotionFile:
    """The visible actors (overrides baked in) and the shot camera, as a motion document."""
    visible = doc.visible_actors()
    if not visible:
        raise ValueError("nothing to export: there are no visible actors")
    # as drawn, so an actor whose clip ends early settles and stands as in the viewport
    actors = [FileActor(doc.project.actors[i].name, doc.drawn_motion(i).copy())
              for i in visible]
    camera = []
    for key in doc.project.camera:
        if key.follow is not None:
            # following a hidden actor: keep the shot where that actor was
            key = replace(key, follow=visible.index(key.follow) if key.follow in visible
                          else None)
        camera.append(key.to_dict())
    first = doc.project.actors[visible[0]]
    return MotionFile(actors, first.prompt, first.seed, camera)


def run_export(source: MotionFile, path: str, options: ExportOptions, fmt: str | None = None,
               progress=None, cancel=None) -> Path:
    return export(source, path, options, fmt=fmt, progress=progress, cancel=cancel)
