"""The optional LLM story planners, against a real HTTP server on loopback (tests/llm_server.py)
that speaks both Ollama's and the OpenAI-compatible chat format."""
from __future__ import annotations

import json
import socket
import threading
import time
import urllib.error

import pytest

from engine.progress import Cancelled, CancelToken
from engine.story import llm
from engine.story.llm import API_KEY_ENV, LLMSettings, plan_story, plan_story_llm
from engine.story.llm_prompt import (EXAMPLE_SCRIPT, ReplyNotJSON, extract_json_object,
                                     system_prompt)
from engine.story.llm_wire import Endpoint, _network_error
from engine.story.script import Script, parse_script, script_to_json
from llm_server import FakeLLMServer, Reply

BACKENDS = ["ollama", "openai"]
GOOD = {"format": "stickgen.script", "version": 1, "title": "from the model",
        "actors": [{"name": "A", "beats": [{"duration": 2, "action": "walk", "text": "walks"},
                                            {"duration": 1.5, "action": "wave"}]}]}
NO_BEATS = {"format": "stickgen.script", "version": 1,
            "actors": [{"name": "A", "beats": []}]}
BROKEN = '{"format": "stickgen.script", "actors": [ oops'
PROMPT = "a man walks forward and waves"
SECRET = "sk-test-SECRET-4242"


@pytest.fixture
def server(monkeypatch):
    monkeypatch.delenv(API_KEY_ENV, raising=False)  # a developer's own key stays out of tests
    with FakeLLMServer() as srv:
        yield srv


def settings_for(backend: str, url: str, timeout_s: float = 5.0) -> LLMSettings:
    # The OpenAI-compatible base URL carries a path, as real ones do (https://api.x.ai/v1).
    return LLMSettings(backend, url + ("/v1" if backend == "openai" else ""), timeout_s=timeout_s)


def assert_valid(plan) -> None:
    assert isinstance(plan.script, Script)
    assert parse_script(script_to_json(plan.script)) == plan.script


def last_user_text(recorded) -> str:
    return recorded.body["messages"][-1]["content"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- the happy path and the wire formats -----------------------------------------------------

@pytest.mark.parametrize("backend", BACKENDS)
def test_a_good_reply_is_the_plan(server, backend):
    server.queue(Reply(json.dumps(GOOD)))
    plan = plan_story_llm(PROMPT, settings_for(backend, server.url))
    assert plan.planner == backend
    assert plan.script.title == "from the model"
    assert plan.script.prompt == PROMPT  # filled in when the model leaves it out
    assert any("planned by the model" in n for n in plan.notes), plan.notes
    (req,) = server.chat_requests()
    messages = req.body["messages"]
    assert [m["role"] for m in messages] == ["system", "user"]
    assert messages[1]["content"] == PROMPT
    assert "JSON schema" in messages[0]["content"] and '"stickgen.script"' in messages[0]["content"]
    if backend == "ollama":
        assert req.path == "/api/chat"
        assert req.body["model"] == "llama3.1"
        assert req.body["stream"] is False and req.body["format"] == "json"
    else:
        assert req.path == "/v1/chat/completions"
        assert req.body["model"] == "grok-3-mini"
        assert req.body["response_format"] == {"type": "json_object"}
        assert req.body["temperature"] == 0


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_fenced_reply_with_prose_is_read(server, backend):
    server.queue(Reply("Sure! Here is the script:\n```json\n" + json.dumps(GOOD, indent=2)
                       + "\n```\nEnjoy."))
    plan = plan_story_llm(PROMPT, settings_for(backend, server.url))
    assert plan.planner == backend and plan.script.title == "from the model"
    assert len(server.chat_requests()) == 1


@pytest.mark.parametrize("backend", BACKENDS)
def test_malformed_json_then_good_succeeds_on_retry(server, backend):
    server.queue(Reply(BROKEN), Reply(json.dumps(GOOD)))
    plan = plan_story_llm(PROMPT, settings_for(backend, server.url))
    assert plan.planner == backend and plan.script.title == "from the model"
    assert any("first reply was not a valid script" in n for n in plan.notes), plan.notes
    first, second = server.chat_requests()
    assert second.body["messages"][:2] == first.body["messages"]
    assert second.body["messages"][2] == {"role": "assistant", "content": BROKEN}
    follow_up = last_user_text(second)
    assert "not a valid scene script" in follow_up and "not valid JSON" in follow_up


@pytest.mark.parametrize("backend", BACKENDS)
def test_schema_invalid_twice_falls_back_offline(server, backend):
    server.queue(Reply(json.dumps(NO_BEATS)), Reply(json.dumps(NO_BEATS)))
    plan = plan_story_llm(PROMPT, settings_for(backend, server.url))
    assert plan.planner == "offline"
    assert_valid(plan)
    note = plan.notes[0]
    assert note.startswith("the model's reply was not a valid script twice (actors[0].beats:"), note
    assert note.endswith("; used the offline planner")
    first, second = server.chat_requests()
    assert "actors[0].beats" in last_user_text(second)  # the validation error went back


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_slow_reply_times_out_and_falls_back(server, backend):
    server.queue(Reply(json.dumps(GOOD), delay_s=5.0))
    t0 = time.monotonic()
    plan = plan_story_llm(PROMPT, settings_for(backend, server.url, timeout_s=0.3))
    assert time.monotonic() - t0 < 3.0
    assert plan.planner == "offline"
    assert_valid(plan)
    assert "timed out" in plan.notes[0] and plan.notes[0].endswith("used the offline planner")
    assert server.url in plan.notes[0]


@pytest.mark.parametrize("backend", BACKENDS)
def test_http_500_falls_back_and_names_the_status(server, backend):
    server.queue(Reply(status=500, raw={"error": "model exploded"}))
    plan = plan_story_llm(PROMPT, settings_for(backend, server.url))
    assert plan.planner == "offline"
    assert_valid(plan)
    assert "HTTP 500" in plan.notes[0] and "model exploded" in plan.notes[0]
    assert plan.notes[0].endswith("; used the offline planner")
    assert len(server.chat_requests()) == 1  # a server error is not retried


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_reply_of_the_wrong_shape_falls_back(server, backend):
    server.queue(Reply(raw={"unexpected": True}))
    plan = plan_story_llm(PROMPT, settings_for(backend, server.url))
    assert plan.planner == "offline"
    assert_valid(plan)
    assert "wrong shape" in plan.notes[0]


@pytest.mark.parametrize("backend", BACKENDS)
def test_connection_refused_falls_back(backend, monkeypatch):
    monkeypatch.delenv(API_KEY_ENV, raising=False)
    url = f"http://127.0.0.1:{free_port()}"
    plan = plan_story_llm(PROMPT, settings_for(backend, url))
    assert plan.planner == "offline"
    assert_valid(plan)
    name = "Ollama" if backend == "ollama" else "OpenAI-compatible"
    assert plan.notes[0].startswith(f"the {name} server at {url}")
    assert "refused the connection" in plan.notes[0]
    assert plan.notes[0].endswith("; used the offline planner")


def test_an_address_without_http_falls_back_with_a_hint(monkeypatch):
    monkeypatch.delenv(API_KEY_ENV, raising=False)
    plan = plan_story_llm(PROMPT, LLMSettings("ollama", url="localhost:11434"))
    assert plan.planner == "offline"
    assert "must start with http:// or https://" in plan.notes[0]


def test_an_unknown_host_reads_as_a_dns_failure():
    # Resolving a real name could hang on a machine without DNS, so the error is built here.
    url = "http://no-such-host.invalid"
    ep = Endpoint(url, f"the Ollama server at {url}", 1.0)
    gaierror = socket.gaierror(-2, "Name or service not known")
    err = _network_error(ep, urllib.error.URLError(gaierror))
    assert err.kind == "dns" and "could not be found" in str(err)


# --- the API key -----------------------------------------------------------------------------

def test_the_key_reaches_the_header_but_nothing_else(server, monkeypatch):
    monkeypatch.setenv(API_KEY_ENV, SECRET)
    settings = settings_for("openai", server.url)
    server.queue(Reply(json.dumps(GOOD)))
    plan = plan_story_llm(PROMPT, settings)
    assert plan.planner == "openai"
    assert server.chat_requests()[0].headers["Authorization"] == f"Bearer {SECRET}"
    assert SECRET not in json.dumps(settings.to_dict()) and SECRET not in repr(settings)
    assert not any(SECRET in n for n in plan.notes)
    # A server that echoes the key in its error: the note shows the status, never the key.
    server.queue(Reply(status=401, raw={"error": {"message": f"Incorrect API key: {SECRET}"}}))
    plan = plan_story_llm(PROMPT, settings)
    assert plan.planner == "offline" and "HTTP 401" in plan.notes[0]
    assert not any(SECRET in n for n in plan.notes)
    ok, message = llm.test_connection(settings)
    assert ok and SECRET not in message
    assert server.requests[-1].headers["Authorization"] == f"Bearer {SECRET}"


def test_no_key_means_no_authorization_header(server, monkeypatch):
    server.queue(Reply(json.dumps(GOOD)), Reply(json.dumps(GOOD)))
    plan_story_llm(PROMPT, settings_for("openai", server.url))
    monkeypatch.setenv(API_KEY_ENV, SECRET)  # a local Ollama server is never sent the key
    plan_story_llm(PROMPT, settings_for("ollama", server.url))
    assert all("Authorization" not in r.headers for r in server.chat_requests())


# --- settings, dispatch, cancel, connection test ---------------------------------------------

def test_settings_defaults_and_saving():
    assert LLMSettings().backend == "offline"
    ollama, openai = LLMSettings("ollama"), LLMSettings("openai")
    assert (ollama.url, ollama.model) == ("http://localhost:11434", "llama3.1")
    assert (openai.url, openai.model) == ("https://api.x.ai/v1", "grok-3-mini")
    saved = json.loads(json.dumps(openai.to_dict()))
    assert LLMSettings.from_dict({**saved, "api_key": SECRET}) == openai
    assert set(saved) == {"backend", "url", "model", "timeout_s"}
    assert ollama.with_backend("openai") == openai
    custom = LLMSettings("ollama", url="http://gpu-box:11434", model="qwen2.5")
    assert custom.with_backend("openai").url == "http://gpu-box:11434"
    with pytest.raises(ValueError, match="unknown story planner backend"):
        LLMSettings("claude")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="timeout_s"):
        LLMSettings("ollama", timeout_s=0)


def test_plan_story_dispatches(server):
    from engine.story.offline import plan_story_notes

    plan = plan_story(PROMPT)
    script, notes = plan_story_notes(PROMPT, seed=0)
    assert plan.planner == "offline" and plan.script == script and plan.notes == notes
    server.queue(Reply(json.dumps(GOOD)))
    assert plan_story(PROMPT, settings_for("ollama", server.url)).planner == "ollama"
    # An empty prompt goes straight to the offline planner, which says what it made of it.
    blank = plan_story("  ", settings_for("openai", server.url))
    assert blank.planner == "offline" and blank.notes == plan_story_notes("  ")[1]
    assert len(server.chat_requests()) == 1


def test_cancel_stops_a_waiting_request(server):
    server.queue(Reply(json.dumps(GOOD), delay_s=5.0))
    token = CancelToken()
    threading.Timer(0.1, token.cancel).start()
    t0 = time.monotonic()
    with pytest.raises(Cancelled):
        plan_story_llm(PROMPT, settings_for("ollama", server.url), cancel=token)
    assert time.monotonic() - t0 < 2.0


@pytest.mark.parametrize("backend", BACKENDS)
def test_connection_ok_and_missing_model(server, backend):
    ok, message = llm.test_connection(settings_for(backend, server.url))
    assert ok, message
    assert "connected to" in message and server.url in message
    other = LLMSettings(backend, settings_for(backend, server.url).url, model="no-such-model")
    ok, message = llm.test_connection(other)
    assert not ok and "no-such-model" in message
    assert llm.test_connection(LLMSettings()) == (True, "the offline planner needs no connection")


@pytest.mark.parametrize("backend", BACKENDS)
def test_connection_refused_is_reported(backend):
    url = f"http://127.0.0.1:{free_port()}"
    ok, message = llm.test_connection(settings_for(backend, url))
    assert not ok and "refused the connection" in message and url in message


# --- the prompt and reply parsing ------------------------------------------------------------

def test_the_example_in_the_system_prompt_is_a_valid_script():
    parse_script(EXAMPLE_SCRIPT)
    text = system_prompt()
    assert json.dumps(EXAMPLE_SCRIPT, separators=(",", ":")) in text
    assert "walk" in text and "no code fences" in text


@pytest.mark.parametrize("reply", [
    '{"a": 1}',
    '```json\n{"a": 1}\n```',
    '```\n{"a": 1}\n```',
    'Here you go: {"a": 1} -- hope it helps {"b": 2}',
])
def test_extract_json_object(reply):
    assert extract_json_object(reply) == {"a": 1}


@pytest.mark.parametrize("reply, why", [("", "empty"), ("no idea", "no JSON object"),
                                        ('{"a": 1,', "not valid JSON"), ("[1, 2]", "no JSON")])
def test_extract_json_object_says_why_not(reply, why):
    with pytest.raises(ReplyNotJSON, match=why):
        extract_json_object(reply)
