"""The scene script format: round trips, every validation message, versions and formats."""
from __future__ import annotations

import json

import pytest

from engine.story.script import (SCRIPT_FORMAT, SCRIPT_VERSION, ActorScript, Beat, Script, ScriptError,
                                 beat_times, migrate, parse_script, script_schema, script_to_json)


def _data(**over) -> dict:
    d = {"format": SCRIPT_FORMAT, "version": SCRIPT_VERSION, "prompt": "two meet", "title": "Meeting",
         "actors": [
             {"name": "Ann", "start": {"x": -1.5, "z": 0, "facing": 90}, "look": {"color": "#FF8800"},
             "beats": [{"action": "wave", "duration": 2},
                       {"duration": 1.5, "text": "high-fives Bob", "target": "Bob",
                        "interaction": "high_five", "expression": "happy", "speech": "shout", "line": "Hey!"}]},
             {"name": "Bob", "start": {"x": 1.5, "facing": -90}, "look": {"height": 1.1},
             "beats": [{"start": 0.5, "action": "run", "duration": 1.5, "target": "Ann", "relation": "toward",
                        "style": "happy", "path": "straight"},
                       {"action": "idle", "duration": 1.5, "target": "Ann", "interaction": "high_five"}]}],
         "camera": [{"move": "orbit", "speed": "slow"}, {"start": 2, "shot": "close", "target": "Ann"}]}
    d.update(over)
    return d


def _error(data) -> str:
    with pytest.raises(ScriptError) as info:
        parse_script(data)
    return str(info.value)


def _beat(actor: int, beat: int, **fields) -> dict:
    d = _data()
    d["actors"][actor]["beats"][beat].update(fields)
    return d


def test_round_trip_through_json_text_and_dict():
    s = parse_script(_data())
    text = script_to_json(s)
    assert parse_script(text) == s
    assert parse_script(text.encode()) == s
    assert script_to_json(parse_script(json.loads(text))) == text  # stable text
    assert s.actors[0].look.color == "#ff8800"
    assert s.actors[1].start.x == 1.5 and s.actors[1].start.z == 0
    assert s.actors[0].beats[1].line == "Hey!"


def test_beat_times_chain_and_explicit_starts():
    s = parse_script(_data())
    assert beat_times(s.actors[0]) == [(0.0, 2.0), (2.0, 3.5)]
    assert beat_times(s.actors[1]) == [(0.5, 2.0), (2.0, 3.5)]


def test_duration_computed_when_left_out_and_checked_when_given():
    s = parse_script(_data())
    assert s.duration == 3.5
    assert parse_script(_data(duration=10)).duration == 10
    assert "duration: 3 s ends before the last beat ends at 3.5 s" in _error(_data(duration=3))
    assert "duration: 0.5 s is shorter than 1 s" in _error(_data(duration=0.5))
    assert "duration:" in _error(_data(duration=500))
    one = _data()
    one["actors"] = [{"name": "A", "beats": [{"action": "nod", "duration": 0.4}]}]
    one["camera"] = []
    assert parse_script(one).duration == 1.0  # a scene is never shorter than a second


@pytest.mark.parametrize("fields, message", [
    ({"target": "Zed"}, "actors[0].beats[1].target: no actor named 'Zed'"),
    ({"target": "Ann"}, "actors[0].beats[1].target: 'Ann' cannot target itself"),
    ({"action": "moonwalk"}, "actors[0].beats[1].action: unknown action 'moonwalk'"),
    ({"style": "pirate"}, "actors[0].beats[1].style: unknown style 'pirate'"),
    ({"path": "zigzag"}, "actors[0].beats[1].path: unknown path 'zigzag'"),
    ({"expression": "bored"}, "actors[0].beats[1].expression: unknown expression 'bored'"),
    ({"speech": "mumble"}, "actors[0].beats[1].speech:"),
    ({"relation": "orbit"}, "actors[0].beats[1].relation:"),
    ({"interaction": "kiss"}, "actors[0].beats[1].interaction:"),
    ({"duration": 0}, "actors[0].beats[1].duration:"),
    ({"duration": 61}, "actors[0].beats[1].duration:"),
    ({"start": -1}, "actors[0].beats[1].start:"),
    ({"start": 1.0}, "actors[0].beats[1].start: 1 s begins before the previous beat ends at 2 s"),
    ({"target": None}, "actors[0].beats[1]: interaction 'high_five' needs a target actor"),
    ({"text": "", "action": None}, "actors[0].beats[1]: a beat needs an action or some text"),
    ({"colour": "red"}, "actors[0].beats[1].colour: Extra inputs are not permitted"),
])
def test_beat_errors_name_the_field(fields, message):
    assert message in _error(_beat(0, 1, **fields))


def test_relation_without_target():
    msg = _error(_beat(1, 0, target=None))
    assert "actors[1].beats[0]: relation 'toward' needs a target actor" in msg


@pytest.mark.parametrize("change, message", [
    (lambda d: d["actors"][1].update(name="ann"), "actors[1].name: 'ann' is already the name of actors[0]"),
    (lambda d: d["actors"][1].update(name=""), "actors[1].name:"),
    (lambda d: d["actors"][1].update(name="x" * 41), "actors[1].name:"),
    (lambda d: d["actors"][1].update(name=" Bob"), "actors[1].name:"),
    (lambda d: d["actors"][1].update(beats=[]), "actors[1].beats:"),
    (lambda d: d["actors"][0]["look"].update(color="orange"), "actors[0].look.color: colour 'orange' is not #rrggbb"),
    (lambda d: d["actors"][0]["look"].update(height=2), "actors[0].look.height:"),
    (lambda d: d["actors"][0]["start"].update(x=float("nan")), "actors[0].start.x:"),
    (lambda d: d["actors"][0]["start"].update(z=1000), "actors[0].start.z:"),
    (lambda d: d["camera"][1].update(target="Cy"), "camera[1].target: no actor named 'Cy'"),
    (lambda d: d["camera"][0].update(move="spin"), "camera[0].move:"),
    (lambda d: d["camera"][0].update(shot="extreme"), "camera[0].shot:"),
    (lambda d: d["camera"][1].update(start=9), "camera[1].start: 9 s is not before the scene's end at 3.5 s"),
    (lambda d: d.update(actors=[]), "actors:"),
    (lambda d: d.update(actors=[dict(d["actors"][0], name=f"a{i}", beats=[{"action": "idle", "duration": 1}])
                                for i in range(11)]), "actors:"),
])
def test_scene_errors_name_the_field(change, message):
    d = _data()
    change(d)
    assert message in _error(d)


def test_several_problems_are_listed_one_a_line():
    d = _data()
    d["actors"][0]["beats"][1]["target"] = "Zed"
    d["camera"][1]["target"] = "Cy"
    msg = _error(d)
    lines = msg.splitlines()
    assert lines[0] == "invalid scene script:"
    assert "  actors[0].beats[1].target: no actor named 'Zed'" in lines
    assert "  camera[1].target: no actor named 'Cy'" in lines
    with pytest.raises(ScriptError) as info:
        parse_script(d)
    assert len(info.value.problems) == 2


def test_format_and_json_are_checked():
    assert "not JSON" in _error("{not json")
    assert "a script is a JSON object" in _error("[1, 2]")
    assert "format: expected 'stickgen.script', got 'stickgen.motion'" in _error(_data(format="stickgen.motion"))
    assert "format: expected 'stickgen.script', got None" in _error({"version": 1, "actors": []})


def test_newer_and_nonsense_versions_are_refused():
    assert "made by a newer Stick-Gen" in _error(_data(version=SCRIPT_VERSION + 1))
    assert "version: 0 is not a script version" in _error(_data(version=0))
    assert "version: expected a whole number" in _error(_data(version="1"))
    assert "version: expected a whole number" in _error(_data(version=True))


def test_migration_walks_the_upgrade_table_forward():
    # A made-up history: version 1 called the beats "steps", version 2 renamed them. The table
    # is passed in because the real one is empty while version 1 is the only version.
    def v1_to_v2(d: dict) -> dict:
        d["actors"] = [dict(a, beats=a.pop("steps")) for a in d["actors"]]
        d["version"] = 2
        return d

    old = {"format": SCRIPT_FORMAT, "version": 1, "actors": [{"name": "A", "steps": [{"action": "walk"}]}]}
    new = migrate(old, {1: v1_to_v2}, latest=2)
    assert new["version"] == 2 and new["actors"][0]["beats"] == [{"action": "walk"}]
    assert "steps" in old["actors"][0]  # the caller's data is left alone
    with pytest.raises(ScriptError, match="no upgrade from version 1"):
        migrate(old, {}, latest=2)
    assert migrate(_data())["version"] == SCRIPT_VERSION  # the current version passes through


def test_models_build_directly_and_schema_describes_them():
    s = Script(actors=[ActorScript(name="A", beats=[Beat(action="walk", duration=2, path="circle")])])
    assert s.format == SCRIPT_FORMAT and s.version == SCRIPT_VERSION and s.duration == 2.0
    assert parse_script(script_to_json(s)) == s
    schema = script_schema()
    assert schema["properties"]["format"]["const"] == SCRIPT_FORMAT
    assert "Beat" in schema["$defs"] and "relation" in schema["$defs"]["Beat"]["properties"]
    json.dumps(schema)  # plain JSON, ready for a prompt


def test_the_documented_example_is_a_valid_script():
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[1] / "docs" / "formats.md").read_text(encoding="utf-8")
    section = doc[doc.index("### Example"):]
    example = section[section.index("```json") + len("```json"):]
    s = parse_script(example[:example.index("```")])
    assert [a.name for a in s.actors] == ["friend 1", "friend 2"]
    assert s.actors[1].beats[0].relation == "toward" and s.duration == 4.0
