"""The model service: loads a Generator and runs every model call on the runner's model lane.

The model is not thread-safe and one CPU-bound job at a time is all a laptop wants, so all model
work goes to the one-thread ``MODEL`` lane of the app's ``Runner``; each kind of request
(generate, variations, pose, regenerate) is a channel where the newest request wins. The loaded
state is announced through ``state_changed`` so the window can say "loading…", "ready" or why
there is no model.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QObject, Signal

from engine.defaults import checkpoint_name
from engine.generate import Generator, models_dir, resolve_model
from engine.progress import report, sub_progress

from .runner import MODEL, Runner
from .worker import Job

MISSING, LOADING, READY, FAILED = "missing", "loading", "ready", "failed"
WARM_UP_PROMPT = "a person walks forward, then waves"   # two clauses: the planner's whole path
WARM_UP_SECONDS = 2.0


def display_name(ref: str) -> str:
    """A model as people read it: the variant, or a checkpoint's file name."""
    return Path(ref).name if ("/" in ref or "\\" in ref or ref.endswith(".pt")) else ref


def _load(gen: Generator, progress=None, cancel=None) -> Generator:
    """Load everything the first generation needs, so that "ready" is true: the model, the
    text encoder's weights (Generator.load only checks its name and width, and the planner's
    meaning match reads shipped embeddings, so nothing else would load them before the first
    new text), the meaning match, and one short generation for the first-call work of the
    planner, torch and physics."""
    gen.load(sub_progress(progress, 0.0, 0.5))
    report(progress, 0.5, "loading the text encoder")
    gen.encoder.load()
    report(progress, 0.7, "preparing the planner")
    gen.nearest()
    report(progress, 0.85, "warming up")
    gen.generate(WARM_UP_PROMPT, WARM_UP_SECONDS, 0, steps=1)   # one step warms every part
    return gen


class ModelService(QObject):
    state_changed = Signal(str, str)      # state (MISSING, LOADING, READY, FAILED), message
    busy_changed = Signal(str, bool)      # channel, whether a job of it is live

    CHANNELS = ("generate", "variations", "pose", "regenerate", "load")

    def __init__(self, runner: Runner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        runner.busy_changed.connect(self._relay_busy)
        self.model_ref: str | None = None
        self.state = MISSING
        self.message = "no model chosen"
        self._generator: Generator | None = None   # used only on the pool's thread

    def _set_state(self, state: str, message: str) -> None:
        self.state, self.message = state, message
        self.state_changed.emit(state, message)

    @property
    def available(self) -> bool:
        """A model is chosen and exists (it may still be loading: requests then queue)."""
        return self.state in (LOADING, READY)

    def set_model(self, ref: str) -> None:
        """Choose a model variant or checkpoint path and start loading it in the background."""
        ref = str(ref)
        if ref == self.model_ref and self.state in (LOADING, READY):
            return
        self.model_ref = ref
        try:
            path = resolve_model(ref)
        except FileNotFoundError:
            self._generator = None
            self._set_state(MISSING, f"No model: “{display_name(ref)}” is not installed "
                                     f"(expected {models_dir() / checkpoint_name(ref)}). "
                                     "Train one in the Training tab or choose a file.")
            return
        gen = Generator(str(path))
        self._generator = gen
        self._set_state(LOADING, f"Loading model {display_name(ref)}…")
        self.runner.submit("load", _load, gen, lane=MODEL,
                           on_done=lambda g: self._loaded(g, ref),
                           on_failed=lambda m: self._failed(gen, m))

    def _loaded(self, gen: Generator, ref: str) -> None:
        if gen is self._generator:
            self._set_state(READY, f"Model {display_name(ref)} ready")

    def _failed(self, gen: Generator, message: str) -> None:
        if gen is self._generator:
            self._generator = None
            self._set_state(FAILED, f"Could not load the model: {message}")

    def run(self, channel: str, fn: Callable[..., Any], *args: Any,
            on_done: Callable[[Any], None] | None = None,
            on_failed: Callable[[str], None] | None = None,
            on_progress: Callable[[float, str], None] | None = None,
            on_cancelled: Callable[[], None] | None = None, **kwargs: Any) -> Job:
        """Queue ``fn(generator, *args, progress=, cancel=, **kwargs)`` on the model thread."""
        gen = self._generator
        if gen is None:
            raise RuntimeError(self.message)

        def task(*a: Any, progress=None, cancel=None, **kw: Any) -> Any:
            gen.load()
            return fn(gen, *a, progress=progress, cancel=cancel, **kw)

        return self.runner.submit(channel, task, *args, lane=MODEL, on_done=on_done,
                                  on_failed=on_failed, on_progress=on_progress,
                                  on_cancelled=on_cancelled, **kwargs)

    def _relay_busy(self, channel: str, on: bool) -> None:
        if channel in self.CHANNELS:
            self.busy_changed.emit(channel, on)

    def cancel(self, channel: str) -> None:
        self.runner.cancel(channel)

    def busy(self, channel: str) -> bool:
        return self.runner.busy(channel)
