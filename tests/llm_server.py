"""A real HTTP server on loopback that speaks both LLM chat wire formats, for the planner tests.

It answers Ollama's ``POST /api/chat`` and ``GET /api/tags`` and the OpenAI-compatible
``POST /chat/completions`` and ``GET /models``. Each chat request takes the next queued
:class:`Reply`: the assistant text wrapped in the format the path asks for, or a raw status and
body, optionally after a delay. Every request is recorded (method, path, headers, JSON body).
"""
from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Reply:
    """What the server sends for one chat request.

    ``content`` is the assistant's text, wrapped in the wire format of the request's path;
    ``raw`` (a dict or str) replaces the whole body instead; ``status`` is the HTTP status;
    ``delay_s`` waits before answering (cut short when the server stops)."""

    content: str | None = None
    raw: object = None
    status: int = 200
    delay_s: float = 0.0


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: object


@dataclass
class ServerState:
    replies: list[Reply] = field(default_factory=list)
    requests: list[Recorded] = field(default_factory=list)
    ollama_models: list[str] = field(default_factory=lambda: ["llama3.1:latest"])
    openai_models: list[str] = field(default_factory=lambda: ["grok-3-mini"])
    stopping: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _wrap(path: str, content: str) -> dict:
    if path.endswith("/api/chat"):
        return {"model": "m", "created_at": "2026-01-01T00:00:00Z", "done": True,
                "message": {"role": "assistant", "content": content}}
    return {"id": "c1", "object": "chat.completion", "model": "m",
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": content}}]}


class _Handler(BaseHTTPRequestHandler):
    server_version = "FakeLLM/1"

    def log_message(self, fmt, *args):  # keep test output quiet
        pass

    @property
    def state(self) -> ServerState:
        return self.server.state  # type: ignore[attr-defined]

    def _record(self, body: object) -> None:
        with self.state.lock:
            self.state.requests.append(Recorded(self.command, self.path,
                                                dict(self.headers.items()), body))

    def _send(self, status: int, body: object) -> None:
        data = (body if isinstance(body, str) else json.dumps(body)).encode("utf-8")
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout test); nothing to tell it

    def do_GET(self):
        self._record(None)
        if self.path.endswith("/api/tags"):
            self._send(200, {"models": [{"name": n, "model": n} for n in self.state.ollama_models]})
        elif self.path.endswith("/models"):
            self._send(200, {"object": "list", "data": [{"id": n, "object": "model"}
                                                        for n in self.state.openai_models]})
        else:
            self._send(404, {"error": "not found"})

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        try:
            body = json.loads(raw)
        except ValueError:
            body = raw.decode("utf-8", "replace")
        self._record(body)
        if not self.path.endswith(("/api/chat", "/chat/completions")):
            self._send(404, {"error": "not found"})
            return
        with self.state.lock:
            reply = self.state.replies.pop(0) if self.state.replies else Reply(
                status=500, raw={"error": "the test queued no reply"})
        if reply.delay_s and self.state.stopping.wait(reply.delay_s):
            return
        body_out = reply.raw if reply.raw is not None else _wrap(self.path, reply.content or "")
        self._send(reply.status, body_out)


class FakeLLMServer:
    """``with FakeLLMServer() as srv: srv.url ...`` — serves on 127.0.0.1, a free port."""

    def __init__(self) -> None:
        self.state = ServerState()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.daemon_threads = True
        self._httpd.state = self.state  # type: ignore[attr-defined]
        self._thread = threading.Thread(target=self._httpd.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def queue(self, *replies: Reply) -> None:
        with self.state.lock:
            self.state.replies.extend(replies)

    @property
    def requests(self) -> list[Recorded]:
        with self.state.lock:
            return list(self.state.requests)

    def chat_requests(self) -> list[Recorded]:
        return [r for r in self.requests if r.method == "POST"]

    def start(self) -> "FakeLLMServer":
        self._thread.start()
        return self

    def stop(self) -> None:
        self.state.stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(5)

    def __enter__(self) -> "FakeLLMServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
