"""Story requests from the GUI: plan a scene script from a sentence, stage a script into a
scene, test the LLM planner's connection. All run in the background; a staged scene becomes one
undoable edit of the document (document.story_command). No widgets here: the Story panel calls
these methods and listens to the signals.

Where each job runs, and why:

* staging (``build_scene``) calls the model, so it goes to the model lane like every generation;
* the offline planner reads unknown verbs with the model's meaning match, which uses the text
  encoder, so it also runs on the model lane when a model is there (it takes milliseconds);
* an LLM planner mostly waits on the network (up to its timeout), so it runs on the work lane and
  never holds up a generation; its offline fallback then uses the rules alone.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, QSettings, Signal

from engine.story.llm import LLMSettings, StoryPlan, plan_story, test_connection
from engine.story.script import Script

from ..document.story_command import ApplyScene
from .model_service import ModelService
from .runner import WORK

PLAN, STAGE, TEST = "story-plan", "story-stage", "story-test"
SETTINGS_KEY = "story/planner/"          # QSettings group of the planner settings (no key)


def plan_job(prompt: str, settings: LLMSettings, seed: int, nearest=None, progress=None,
             cancel=None) -> StoryPlan:
    """The script ``prompt`` describes, by the planner ``settings`` choose."""
    return plan_story(prompt, settings, seed=seed, cancel=cancel, nearest=nearest)


def plan_with_model(gen, prompt: str, settings: LLMSettings, seed: int, progress=None,
                    cancel=None) -> StoryPlan:
    """``plan_job`` with the loaded model's meaning match for verbs the rules do not know."""
    return plan_job(prompt, settings, seed, gen.nearest(), cancel=cancel)


def stage_job(gen, script: Script, seed: int, progress=None, cancel=None):
    """``script`` staged by the model: an engine.story.stage.Scene."""
    from engine.story.stage import build_scene   # loads the staging code only when used

    return build_scene(script, gen, seed=seed, progress=progress, cancel=cancel)


def connection_job(settings: LLMSettings, progress=None, cancel=None) -> tuple[bool, str]:
    return test_connection(settings)


def load_llm_settings(qs: QSettings) -> LLMSettings:
    """The saved planner settings; anything unreadable falls back to the offline defaults."""
    data = {k: qs.value(SETTINGS_KEY + k) for k in ("backend", "url", "model", "timeout_s")}
    try:
        return LLMSettings.from_dict({k: v for k, v in data.items() if v not in (None, "")})
    except (TypeError, ValueError):
        return LLMSettings()


def save_llm_settings(qs: QSettings, settings: LLMSettings) -> None:
    # to_dict holds no API key by design: the key lives only in STICKGEN_LLM_API_KEY.
    for k, v in settings.to_dict().items():
        qs.setValue(SETTINGS_KEY + k, v)
    qs.sync()


class StoryController(QObject):
    busy_changed = Signal(str, bool)       # PLAN / STAGE / TEST, whether a job of it is live
    progress = Signal(float, str)
    planned = Signal(object)               # StoryPlan
    staged = Signal(object)                # the Scene, after it was applied to the document
    tested = Signal(bool, str)
    error = Signal(str)
    notes = Signal(list, str)              # lines for the user, level (info / warning)

    def __init__(self, doc, service: ModelService, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.doc, self.service, self.runner = doc, service, service.runner
        self.runner.busy_changed.connect(self._busy)

    def _busy(self, channel: str, on: bool) -> None:
        if channel in (PLAN, STAGE, TEST):
            self.busy_changed.emit(channel, on)

    def busy(self, channel: str) -> bool:
        return self.runner.busy(channel)

    def cancel(self) -> None:
        """Stop planning and staging; nothing they would still report is applied."""
        for channel in (PLAN, STAGE):
            self.runner.cancel(channel)

    # -- plan -----------------------------------------------------------------------------------
    def plan(self, prompt: str, settings: LLMSettings, seed: int = 0) -> bool:
        if not prompt.strip():
            self.error.emit("Describe the scene first, e.g. “two friends meet in a park; one "
                            "waves, the other runs over and they high-five”.")
            return False
        callbacks = dict(on_done=self._planned, on_failed=self._failed("Planning"))
        if settings.backend == "offline" and self.service.available:
            self.service.run(PLAN, plan_with_model, prompt, settings, int(seed), **callbacks)
        else:
            self.runner.submit(PLAN, plan_job, prompt, settings, int(seed), lane=WORK,
                               **callbacks)
        return True

    def _planned(self, plan: StoryPlan) -> None:
        self.planned.emit(plan)
        fell_back = any("used the offline planner" in n for n in plan.notes)
        if plan.notes:
            self.notes.emit(list(plan.notes), "warning" if fell_back else "info")

    # -- stage ----------------------------------------------------------------------------------
    def stage(self, script: Script, seed: int = 0) -> bool:
        """Stage ``script``; when done, the scene replaces the document's actors and camera
        (one undo step)."""
        if not self.service.available:
            self.error.emit(self.service.message)
            return False
        try:
            self.service.run(STAGE, stage_job, script, int(seed), on_done=self._staged,
                             on_failed=self._failed("Staging the scene"),
                             on_progress=self.progress.emit)
        except RuntimeError as exc:     # the model went away between the check and the call
            self.error.emit(str(exc))
            return False
        return True

    def _staged(self, scene) -> None:
        self.doc.push(ApplyScene(self.doc, scene.actors, scene.camera, scene.script))
        self.doc.selection.set_actor(0)
        self.staged.emit(scene)
        n = len(scene.actors)
        head = f"Staged {n} actor{'s' if n != 1 else ''}; Undo (Ctrl+Z) brings back what was there"
        self.notes.emit([head] + list(scene.notes), "info")

    # -- connection test ------------------------------------------------------------------------
    def test_connection(self, settings: LLMSettings) -> None:
        self.runner.submit(TEST, connection_job, settings, lane=WORK,
                           on_done=lambda r: self.tested.emit(bool(r[0]), str(r[1])),
                           on_failed=lambda m: self.tested.emit(False, m))

    def _failed(self, what: str):
        return lambda message: self.error.emit(f"{what} failed: {message}")
