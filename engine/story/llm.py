"""Optional LLM story planners: ask an Ollama or OpenAI-compatible server (e.g. xAI's Grok) to
write the scene script for a sentence, and fall back to the offline planner whenever that fails.

The offline planner (:mod:`engine.story.offline`) is the default and needs no network. An LLM
plan is validated with :func:`~engine.story.script.parse_script`; an invalid reply is sent back
once with the validation error; a second invalid reply, a timeout, a refused connection, an
unknown host, an HTTP error or a reply of the wrong shape all end in the offline plan plus a note
saying why ("the Ollama server at http://127.0.0.1:5 refused the connection (is the server
running?); used the offline planner"). None of these raise.

The API key is read from the environment variable ``STICKGEN_LLM_API_KEY`` at request time. It
is never stored in :class:`LLMSettings`, never saved, and scrubbed from every message.

Transport: :mod:`engine.story.llm_wire`; prompts and reply parsing: :mod:`engine.story.llm_prompt`.
"""
from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from engine.progress import CancelLike, check_cancel
from engine.story.llm_prompt import (ReplyNotJSON, extract_json_object, first_messages,
                                     retry_messages)
from engine.story.llm_wire import Endpoint, LLMError, ollama_chat, openai_chat, request_json
from engine.story.script import SCRIPT_FORMAT, SCRIPT_VERSION, Script, ScriptError, parse_script

if TYPE_CHECKING:
    from engine.planner.rules import Nearest

Backend = Literal["offline", "ollama", "openai"]
BACKENDS: tuple[str, ...] = ("offline", "ollama", "openai")
API_KEY_ENV = "STICKGEN_LLM_API_KEY"
DEFAULT_URLS = {"offline": "", "ollama": "http://localhost:11434", "openai": "https://api.x.ai/v1"}
DEFAULT_MODELS = {"offline": "", "ollama": "llama3.1", "openai": "grok-3-mini"}
_SERVER_NAMES = {"ollama": "Ollama server", "openai": "OpenAI-compatible server"}
_CONNECTION_TEST_MAX_S = 10.0  # the "Test connection" button should not hang for a long timeout


@dataclass
class LLMSettings:
    """Which story planner to use; saved with the app's settings via :meth:`to_dict`."""

    backend: Backend = "offline"
    """``offline`` (rules, no network), ``ollama`` or ``openai`` (any OpenAI-compatible server)."""
    url: str = ""
    """Server base URL; empty means the backend's default (``DEFAULT_URLS``)."""
    model: str = ""
    """Model name; empty means the backend's default (``DEFAULT_MODELS``)."""
    timeout_s: float = 30.0
    """Seconds one whole request may take before the planner gives up on it."""

    def __post_init__(self) -> None:
        if self.backend not in BACKENDS:
            raise ValueError(f"unknown story planner backend {self.backend!r}; "
                             f"choose one of {', '.join(BACKENDS)}")
        self.url = (self.url or "").strip() or DEFAULT_URLS[self.backend]
        self.model = (self.model or "").strip() or DEFAULT_MODELS[self.backend]
        try:
            timeout = float(self.timeout_s)
        except (TypeError, ValueError):
            timeout = math.nan
        if not math.isfinite(timeout) or timeout <= 0:
            raise ValueError("timeout_s must be a positive number of seconds, "
                             f"not {self.timeout_s!r}")
        self.timeout_s = timeout

    def to_dict(self) -> dict:
        """Plain data for saving; holds no API key (that lives only in the environment)."""
        return {"backend": self.backend, "url": self.url, "model": self.model,
                "timeout_s": self.timeout_s}

    @classmethod
    def from_dict(cls, data: dict) -> "LLMSettings":
        """Settings from :meth:`to_dict` output; unknown keys (an ``api_key`` included) are
        ignored so that a key pasted into a settings file is never used or saved back."""
        known = {k: data[k] for k in ("backend", "url", "model", "timeout_s") if k in data}
        return cls(**known)

    def with_backend(self, backend: Backend) -> "LLMSettings":
        """A copy switched to ``backend``; the URL and model follow it unless the user set them."""
        url = "" if self.url == DEFAULT_URLS[self.backend] else self.url
        model = "" if self.model == DEFAULT_MODELS[self.backend] else self.model
        return LLMSettings(backend, url, model, self.timeout_s)


@dataclass
class StoryPlan:
    """A planned scene: the script, which planner made it, and notes for the user."""

    script: Script
    planner: str
    """``offline``, ``ollama`` or ``openai`` — who actually wrote ``script``."""
    notes: list[str] = field(default_factory=list)


def api_key() -> str:
    """The API key from ``STICKGEN_LLM_API_KEY`` (empty when unset); read at each request."""
    return os.environ.get(API_KEY_ENV, "").strip()


def endpoint(settings: LLMSettings, timeout_s: float | None = None) -> Endpoint:
    """How to reach the server ``settings`` name; only OpenAI-compatible servers get the key."""
    key = api_key() if settings.backend == "openai" else ""
    label = f"the {_SERVER_NAMES[settings.backend]} at {settings.url}"
    timeout = settings.timeout_s if timeout_s is None else timeout_s
    return Endpoint(settings.url, label, timeout, key)


def plan_story(prompt: str, settings: LLMSettings | None = None, seed: int = 0,
               cancel: CancelLike | None = None, nearest: Nearest | None = None) -> StoryPlan:
    """Plan ``prompt`` with the planner ``settings`` choose (the offline one by default).

    ``nearest`` is the offline planner's meaning match for verbs its rules do not know
    (see :func:`engine.story.offline.plan_story_notes`); it is used whenever that planner is."""
    settings = settings or LLMSettings()
    if settings.backend == "offline":
        return _offline_plan(prompt, seed, [], nearest)
    return plan_story_llm(prompt, settings, seed, cancel, nearest)


def plan_story_llm(prompt: str, settings: LLMSettings, seed: int = 0,
                   cancel: CancelLike | None = None, nearest: Nearest | None = None) -> StoryPlan:
    """Ask the LLM in ``settings`` for a script, retrying once with the validation error.

    Falls back to the offline planner (with a note saying why) on any server or reply problem.
    Raises only :class:`~engine.progress.Cancelled` when ``cancel`` is set, and whatever the
    offline planner raises for a prompt it cannot plan.
    """
    if settings.backend == "offline" or not prompt.strip():
        # An empty prompt is not worth a network call; the offline planner says what is wrong.
        return _offline_plan(prompt, seed, [], nearest)
    ep = endpoint(settings)
    messages = first_messages(prompt)
    done = f"planned by the model {settings.model} on {ep.label}"
    try:
        reply = _ask(settings, ep, messages, seed, cancel)
        script, error = _check(reply, prompt)
        if script is not None:
            return StoryPlan(script, settings.backend, [done])
        check_cancel(cancel)
        reply = _ask(settings, ep, retry_messages(messages, reply, str(error)), seed, cancel)
        script, error2 = _check(reply, prompt)
        if script is not None:
            fixed = (f"the model's first reply was not a valid script ({_short(error)}); "
                     "it fixed it when asked again")
            return StoryPlan(script, settings.backend, [done, fixed])
        reason = f"the model's reply was not a valid script twice ({_short(error2)})"
    except LLMError as err:
        reason = ep.scrub(str(err))
    return _offline_plan(prompt, seed, [f"{reason}; used the offline planner"], nearest)


def _ask(settings: LLMSettings, ep: Endpoint, messages: list[dict], seed: int,
         cancel: CancelLike | None) -> str:
    check_cancel(cancel)
    if settings.backend == "ollama":
        return ollama_chat(ep, settings.model, messages, seed=seed, cancel=cancel)
    return openai_chat(ep, settings.model, messages, cancel=cancel)


def _check(reply: str, prompt: str) -> tuple[Script | None, Exception | None]:
    """The script in ``reply``, or the error that says why there is none."""
    try:
        data = extract_json_object(reply)
    except ReplyNotJSON as err:
        return None, err
    # The model's job is the scene; the envelope fields it may forget are filled in here.
    data.setdefault("format", SCRIPT_FORMAT)
    data.setdefault("version", SCRIPT_VERSION)
    if not data.get("prompt"):
        data["prompt"] = prompt
    try:
        return parse_script(data), None
    except ScriptError as err:
        return None, err


def _short(error: Exception | None, limit: int = 200) -> str:
    """One line from a (possibly multi-line) validation error, for a note."""
    problems = getattr(error, "problems", None)
    if problems:
        text = "; ".join(str(p) for p in problems[:2])
        if len(problems) > 2:
            text += f"; and {len(problems) - 2} more"
    else:
        text = " ".join(str(error).split())
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _offline_plan(prompt: str, seed: int, notes: list[str],
                  nearest: Nearest | None = None) -> StoryPlan:
    from engine.story.offline import plan_story_notes  # imported late: it loads the planner

    script, offline_notes = plan_story_notes(prompt, seed=seed, nearest=nearest)
    return StoryPlan(script, "offline", notes + list(offline_notes))


def test_connection(settings: LLMSettings) -> tuple[bool, str]:
    """Whether the server in ``settings`` answers and offers the model, with a message either
    way (for the app's "Test connection" button). Never raises for network problems."""
    if settings.backend == "offline":
        return True, "the offline planner needs no connection"
    ep = endpoint(settings, min(settings.timeout_s, _CONNECTION_TEST_MAX_S))
    try:
        if settings.backend == "ollama":
            return _test_ollama(settings, ep)
        return _test_openai(settings, ep)
    except LLMError as err:
        return False, ep.scrub(str(err))


test_connection.__test__ = False  # a library function, not a pytest test


def _test_ollama(settings: LLMSettings, ep: Endpoint) -> tuple[bool, str]:
    reply = request_json(ep, "GET", "/api/tags")
    models = reply.get("models") if isinstance(reply, dict) else None
    if not isinstance(models, list):
        return False, f"{ep.label} answered, but not like an Ollama server (no model list)"
    names = [str(m.get("name") or m.get("model")) for m in models if isinstance(m, dict)]
    wanted = settings.model
    if any(n == wanted or (":" not in wanted and n.split(":")[0] == wanted) for n in names):
        return True, f"connected to {ep.label}; model {wanted} is available"
    have = ", ".join(names) if names else "none"
    return False, (f"{ep.label} is running but does not have model {wanted} (it has: {have}); "
                   f"run `ollama pull {wanted}`")


def _test_openai(settings: LLMSettings, ep: Endpoint) -> tuple[bool, str]:
    reply = request_json(ep, "GET", "/models")
    data = reply.get("data") if isinstance(reply, dict) else None
    if not isinstance(data, list):
        return False, (f"{ep.label} answered, but not like an OpenAI-compatible server "
                       "(no model list)")
    ids = [str(m.get("id")) for m in data if isinstance(m, dict)]
    wanted = settings.model
    if wanted in ids:
        return True, f"connected to {ep.label}; model {wanted} is available"
    if not ids:
        return True, (f"connected to {ep.label}; it lists no models, so {wanted} "
                      "could not be checked")
    shown = ", ".join(ids[:12]) + (", ..." if len(ids) > 12 else "")
    return False, f"{ep.label} answered but does not offer model {wanted} (it offers: {shown})"
