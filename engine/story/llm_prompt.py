"""What the LLM story planners say to a model, and how they read its reply.

The system prompt explains the scene-script format (the compact JSON schema from
:func:`engine.story.script.script_schema`, the names the schema cannot list — actions, styles,
expressions — and one short example) and asks for JSON only. Models still wrap JSON in
```json fences or a sentence of prose; :func:`extract_json_object` digs the object out.
"""
from __future__ import annotations

import json
from functools import lru_cache

from engine.actions import ACTIONS, EXPRESSIONS
from engine.motion_styles import STYLES
from engine.story.script import SCRIPT_FORMAT, SCRIPT_VERSION, script_schema

EXAMPLE_PROMPT = "Ann walks up to Bob and they high-five, then Bob waves goodbye"

# Hand-written so it stays short; tests/test_story_llm.py checks that it parses.
EXAMPLE_SCRIPT: dict = {
    "format": SCRIPT_FORMAT, "version": SCRIPT_VERSION, "prompt": EXAMPLE_PROMPT,
    "title": "High five",
    "actors": [
        {"name": "Ann", "start": {"x": -2.0, "z": 0.0, "facing": 90},
         "beats": [
             {"duration": 2.5, "action": "walk", "text": "walks up to Bob",
              "target": "Bob", "relation": "toward"},
             {"duration": 1.5, "text": "high-fives Bob", "target": "Bob",
              "interaction": "high_five", "expression": "happy"}]},
        {"name": "Bob", "start": {"x": 1.0, "z": 0.0, "facing": -90},
         "beats": [
             {"duration": 2.5, "action": "idle", "text": "waits"},
             {"duration": 1.5, "text": "high-fives Ann", "target": "Ann",
              "interaction": "high_five", "expression": "happy"},
             {"duration": 2.0, "action": "wave", "text": "waves goodbye",
              "speech": "talk", "line": "See you!"}]}],
    "camera": [{"start": 0, "move": "static", "shot": "wide"}],
}


def _compact(obj: object) -> str:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


@lru_cache(maxsize=1)
def system_prompt() -> str:
    """The system message: the format, the allowed names, the schema and one example."""
    return "\n".join([
        "You write scene scripts for Stick-Gen, a stick-figure animation tool. The user describes "
        "a scene in a sentence; you answer with ONE JSON object, a scene script, and nothing "
        "else: no prose, no markdown, no code fences.",
        "Rules:",
        f'- "format" is "{SCRIPT_FORMAT}" and "version" is {SCRIPT_VERSION}; copy the user\'s '
        'sentence into "prompt".',
        '- Each actor has a unique "name" and at least one beat. A beat without "start" begins '
        "when the actor's previous beat ends; an actor does one beat at a time.",
        '- Times are seconds (a beat lasts at most 60 s, a scene 1 to 120 s); places are metres on '
        'the floor (x, z): +z points at the camera; "facing" is degrees, 0 faces the camera and '
        "90 faces +x. At most 10 actors.",
        '- "action" must be one of: ' + ", ".join(ACTIONS) + '. Describe anything else in '
        '"text" (free words) with the nearest action, or with "text" alone.',
        '- "style" (optional) is one of: ' + ", ".join(STYLES) + ".",
        '- "expression" (optional) is one of: ' + ", ".join(EXPRESSIONS) + ".",
        '- "target", "relation" and "interaction" refer to another actor by name.',
        "- Leave out any field you do not need.",
        "JSON schema of a script: " + _compact(script_schema()),
        f'Example, for "{EXAMPLE_PROMPT}": ' + _compact(EXAMPLE_SCRIPT),
    ])


def first_messages(prompt: str) -> list[dict]:
    """The opening conversation for ``prompt``."""
    return [{"role": "system", "content": system_prompt()},
            {"role": "user", "content": prompt}]


def retry_messages(messages: list[dict], reply: str, error: str) -> list[dict]:
    """``messages`` plus the model's rejected ``reply`` and a request to fix ``error``."""
    return messages + [
        {"role": "assistant", "content": reply},
        {"role": "user", "content": "That reply was not a valid scene script:\n" + error
         + "\nAnswer again with only the corrected JSON object."}]


class ReplyNotJSON(ValueError):
    """The model's reply held no JSON object; the message says what was wrong."""


def extract_json_object(text: str) -> dict:
    """The JSON object in a model's ``text``: the whole reply, the inside of a ```json fence,
    or the first ``{...}`` that parses in surrounding prose. Raises :class:`ReplyNotJSON`."""
    stripped = text.strip()
    if not stripped:
        raise ReplyNotJSON("the reply was empty")
    first_error = None
    for candidate in (stripped, *_fenced(stripped)):
        try:
            value = json.loads(candidate)
        except json.JSONDecodeError as err:
            first_error = first_error or err
            continue
        if isinstance(value, dict):
            return value
    found = _first_object(stripped)
    if found is not None:
        return found
    if first_error is not None and stripped.startswith(("{", "[")):
        raise ReplyNotJSON(f"the reply is not valid JSON ({first_error})")
    raise ReplyNotJSON("the reply holds no JSON object")


def _fenced(text: str) -> list[str]:
    """The insides of ``` fences (with or without a language tag), in order."""
    parts = text.split("```")
    out = []
    for inside in parts[1::2]:
        head, _, rest = inside.partition("\n")
        out.append(rest if head.strip().isalpha() or not head.strip() else inside)
    return out


def _first_object(text: str) -> dict | None:
    decoder = json.JSONDecoder()
    start = text.find("{")
    while start != -1:
        try:
            value, _ = decoder.raw_decode(text, start)
        except json.JSONDecodeError:
            value = None
        if isinstance(value, dict):
            return value
        start = text.find("{", start + 1)
    return None
