"""RecordLook / UpdateLook on the demo show file: the saved diff is only the cue's lines."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from showctl.model import show as m
from showctl.model.editing import EditError, RecordLook, ShowDocument, UpdateLook


def changed_lines(before: str, after: str) -> list[str]:
    return [ln for ln in difflib.unified_diff(before.splitlines(), after.splitlines(),
                                              lineterm="", n=0)
            if ln[:1] in "+-" and not ln.startswith(("+++", "---"))]


def cue(doc: ShowDocument, number: str) -> m.LightCue:
    found = next(c for _, c, _ in doc.show.walk() if c.number == number)
    assert isinstance(found, m.LightCue)
    return found


def test_record_after_a_cue_of_the_demo(demo_path: Path) -> None:
    original = demo_path.read_text()
    doc = ShowDocument.load(demo_path)
    cmd = RecordLook("main", "7", name="Warmer", fixtures={
        "front": {"intensity": 70, "color": "warm white"},
        "101-102": {"pan": -45, "gobo": "dots"},
        "31": {"intensity": "full"},
        "cyc": {"color": "#1030ff"},
    })
    doc.apply(cmd)
    assert cmd.number == "7.1"
    doc.save()
    assert changed_lines(original, demo_path.read_text()) == [
        '+      - number: "7.1"',
        "+        type: light",
        "+        name: Warmer",
        "+        fixtures:",
        "+          front: {intensity: 70, color: warm white}",
        '+          "101-102": {pan: -45, gobo: dots}',
        '+          "31": {intensity: full}',
        "+          cyc: {color: '#1030ff'}",
    ]
    assert cue(doc, "7.1").fixtures["cyc"] == {"color": "#1030ff"}
    doc.undo()
    assert doc.text == original


def test_update_adds_a_fixtures_block_after_the_channels(demo_path: Path) -> None:
    original = demo_path.read_text()
    doc = ShowDocument.load(demo_path)
    before = cue(doc, "1").fixtures
    doc.apply(UpdateLook("main", "1", {**before, "spots": {**before["spots"], "tilt": 60},
                                      "41": {"intensity": 25}}))
    assert changed_lines(original, doc.text) == [
        "-          spots: {intensity: 0, pan: 0, tilt: 30, gobo: open}",
        "+          spots: {intensity: 0, pan: 0, tilt: 60, gobo: open}",
        '+          "41": {intensity: 25}',
    ]
    doc.undo()
    assert doc.text == original
    doc.redo()
    assert cue(doc, "1").fixtures["41"] == {"intensity": 25}


def test_update_on_a_cue_without_fixtures_and_emptying_it(tmp_path: Path) -> None:
    p = tmp_path / "s.yaml"
    p.write_text(
        "show: {title: t}\n"
        "outputs: {lx: {kind: dmx}}\n"
        "patch:\n"
        "  - {id: 1, profile: generic-dimmer, mode: 1ch, universe: 1, address: 10}\n"
        "cuelists:\n"
        "  main:\n"
        "    cues:\n"
        "      - number: \"1\"\n"
        "        type: light\n"
        "        channels: {\"1\": 50}\n"
        "        time: 2\n"
        "\n"
        "      - {number: \"2\", type: memo}\n")
    original = p.read_text()
    doc = ShowDocument(original, p)
    doc.apply(UpdateLook("main", "1", {"1": {"intensity": 80}}))
    assert changed_lines(original, doc.text) == [
        "+        fixtures:", '+          "1": {intensity: 80}']
    lines = doc.text.splitlines()
    assert lines[lines.index('        channels: {"1": 50}') + 1] == "        fixtures:"
    doc.apply(UpdateLook("main", "1", {}))
    assert doc.text == original
    doc.undo()
    doc.undo()
    assert doc.text == original
    with pytest.raises(EditError, match="not a light cue"):
        doc.apply(UpdateLook("main", "2", {"1": {"intensity": 80}}))
