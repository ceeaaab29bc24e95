"""HTTP transport for the optional LLM story planners: Ollama's chat API and OpenAI-compatible
chat completions (OpenAI, xAI's Grok, llama.cpp's server, vLLM, ...).

Standard library only (``urllib.request`` + ``json``) so the planner adds no dependency and no Qt.
Every failure a user can meet — timeout, refused connection, unknown host, an HTTP error status,
a reply of the wrong shape — becomes an :class:`LLMError` whose text is one readable sentence
naming the server ("the Ollama server at http://127.0.0.1:5 refused the connection"). The API key
is passed in per call, never kept here, and scrubbed from every message this module builds.
"""
from __future__ import annotations

import http.client
import json
import socket
import ssl
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from engine.progress import CancelLike, Cancelled, check_cancel

_CHUNK = 64 * 1024
_MAX_REPLY_BYTES = 8 * 1024 * 1024  # a script is a few kB; anything huge is not one
_EXCERPT = 200


class LLMError(Exception):
    """A backend call failed; ``str(err)`` is a sentence for the user, ``kind`` a short tag
    (``timeout``, ``refused``, ``dns``, ``http``, ``network``, ``shape``) for code and tests."""

    def __init__(self, message: str, kind: str, status: int | None = None):
        super().__init__(message)
        self.kind = kind
        self.status = status


@dataclass(frozen=True)
class Endpoint:
    """Where and how to reach one server: ``label`` names it in messages
    ("the Ollama server at http://localhost:11434")."""

    base_url: str
    label: str
    timeout_s: float
    api_key: str = ""

    def headers(self) -> dict[str, str]:
        h = {"Accept": "application/json"}
        if self.api_key:
            h["Authorization"] = f"Bearer {self.api_key}"
        return h

    def scrub(self, text: str) -> str:
        """``text`` with the API key (if any) replaced, for anything shown or logged."""
        return text.replace(self.api_key, "***") if self.api_key else text


def join_url(base: str, path: str) -> str:
    return base.rstrip("/") + "/" + path.lstrip("/")


def request_json(ep: Endpoint, method: str, path: str, body: dict | None = None,
                 cancel: CancelLike | None = None) -> object:
    """Send one request and return the decoded JSON reply.

    The whole exchange (connect, send, wait, read) must finish within ``ep.timeout_s``.
    With a ``cancel`` token the call returns promptly once it is set (raising
    :class:`~engine.progress.Cancelled`); the abandoned request ends on its own timeout.
    Raises :class:`LLMError` for every network, HTTP and decoding failure.
    """
    if cancel is None:
        return _request_json(ep, method, path, body)
    check_cancel(cancel)
    box: dict[str, object] = {}

    def work() -> None:
        try:
            box["value"] = _request_json(ep, method, path, body)
        except BaseException as exc:  # handed to the calling thread below
            box["error"] = exc

    worker = threading.Thread(target=work, name="llm-request", daemon=True)
    worker.start()
    while worker.is_alive():
        worker.join(0.05)
        if cancel.cancelled and worker.is_alive():
            raise Cancelled()
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box["value"]


def _request_json(ep: Endpoint, method: str, path: str, body: dict | None) -> object:
    if urllib.parse.urlsplit(ep.base_url).scheme.lower() not in ("http", "https"):
        raise LLMError(f"{ep.label} is not a usable address (it must start with http:// or "
                       "https://)", "network")
    url = join_url(ep.base_url, path)
    headers = ep.headers()
    data = None
    if body is not None:
        data = json.dumps(body).encode("utf-8")
        headers["Content-Type"] = "application/json"
    req = urllib.request.Request(url, data=data, headers=headers, method=method)
    deadline = time.monotonic() + ep.timeout_s
    try:
        with urllib.request.urlopen(req, timeout=ep.timeout_s) as resp:
            raw = _read_until(resp, deadline, ep)
    except urllib.error.HTTPError as err:
        raise _http_error(ep, err) from None
    except (urllib.error.URLError, OSError, ValueError, http.client.HTTPException) as err:
        # URLError and socket errors are OSErrors; a malformed URL is a ValueError
        raise _network_error(ep, err) from None
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise LLMError(f"{ep.label} answered with something that is not JSON "
                       f"({_excerpt(ep, raw)!r})", "shape") from None


def _read_until(resp, deadline: float, ep: Endpoint) -> bytes:
    """Read the body in chunks so a server that trickles bytes cannot outlast the deadline."""
    parts: list[bytes] = []
    size = 0
    while True:
        if time.monotonic() > deadline:
            raise TimeoutError("deadline passed while reading the reply")
        chunk = resp.read(_CHUNK)
        if not chunk:
            return b"".join(parts)
        size += len(chunk)
        if size > _MAX_REPLY_BYTES:
            raise LLMError(f"{ep.label} sent a reply larger than "
                           f"{_MAX_REPLY_BYTES // (1024 * 1024)} MB", "shape")
        parts.append(chunk)


def _excerpt(ep: Endpoint, raw: bytes | str) -> str:
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
    text = " ".join(ep.scrub(text).split())
    return text if len(text) <= _EXCERPT else text[:_EXCERPT] + "..."


def _http_error(ep: Endpoint, err: urllib.error.HTTPError) -> LLMError:
    try:
        detail = _excerpt(ep, err.read() or b"")
    except OSError:
        detail = ""
    reason = err.reason if isinstance(err.reason, str) else ""
    msg = f"{ep.label} answered HTTP {err.code}" + (f" {reason}" if reason else "")
    if detail:
        msg += f" ({detail})"
    if err.code in (401, 403) and ep.api_key:
        msg += "; check the API key in STICKGEN_LLM_API_KEY"
    elif err.code in (400, 401, 403) and not ep.api_key:
        msg += "; if it needs an API key, set STICKGEN_LLM_API_KEY"
    elif err.code == 404:
        msg += "; check the server address and the model name"
    return LLMError(msg, "http", status=err.code)


def _network_error(ep: Endpoint, err: BaseException) -> LLMError:
    if isinstance(err, LLMError):
        return err
    reason = err.reason if isinstance(err, urllib.error.URLError) else err
    if isinstance(reason, (TimeoutError, socket.timeout)):
        return LLMError(f"{ep.label} timed out (no complete reply within "
                        f"{ep.timeout_s:g} s)", "timeout")
    if isinstance(reason, ConnectionRefusedError):
        return LLMError(f"{ep.label} refused the connection (is the server running?)", "refused")
    if isinstance(reason, socket.gaierror):
        return LLMError(f"{ep.label} could not be found (the host name did not resolve)", "dns")
    if isinstance(reason, ssl.SSLError):
        return LLMError(f"{ep.label} failed the secure (TLS) handshake: {reason}", "network")
    if isinstance(reason, http.client.HTTPException):
        return LLMError(f"{ep.label} broke off the reply ({type(reason).__name__})", "network")
    if isinstance(reason, ValueError):  # urllib's "unknown url type" and friends
        return LLMError(f"{ep.label} is not a usable address ({reason})", "network")
    text = ep.scrub(str(reason)) or type(reason).__name__
    return LLMError(f"{ep.label} could not be reached ({text})", "network")


# --- the two chat wire formats -------------------------------------------------------------

def ollama_chat(ep: Endpoint, model: str, messages: list[dict], seed: int = 0,
                cancel: CancelLike | None = None) -> str:
    """``POST {url}/api/chat`` (non-streaming, JSON mode) -> the assistant's text."""
    body = {"model": model, "messages": messages, "stream": False, "format": "json",
            "options": {"temperature": 0, "seed": int(seed)}}
    reply = request_json(ep, "POST", "/api/chat", body, cancel)
    content = _dig(reply, ("message", "content"))
    if not isinstance(content, str):
        raise _shape_error(ep, reply, "message.content")
    return content


def openai_chat(ep: Endpoint, model: str, messages: list[dict],
                cancel: CancelLike | None = None) -> str:
    """``POST {url}/chat/completions`` (JSON-object mode, temperature 0) -> the text of
    ``choices[0].message.content``."""
    body = {"model": model, "messages": messages,
            "response_format": {"type": "json_object"}, "temperature": 0}
    reply = request_json(ep, "POST", "/chat/completions", body, cancel)
    content = _dig(reply, ("choices", 0, "message", "content"))
    if not isinstance(content, str):
        raise _shape_error(ep, reply, "choices[0].message.content")
    return content


def _dig(obj: object, path: tuple) -> object:
    for key in path:
        try:
            obj = obj[key]  # type: ignore[index]
        except (KeyError, IndexError, TypeError):
            return None
    return obj


def _shape_error(ep: Endpoint, reply: object, where: str) -> LLMError:
    error = _dig(reply, ("error",))
    if isinstance(error, dict):
        error = error.get("message", error)
    if error:
        return LLMError(f"{ep.label} reported an error: {_excerpt(ep, str(error))}", "shape")
    return LLMError(f"{ep.label} sent a reply of the wrong shape (no text at {where}: "
                    f"{_excerpt(ep, json.dumps(reply))})", "shape")
