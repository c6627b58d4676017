"""Structural edits of a show document: cue templates per type, deleting a cue that
others depend on, renumbering a range, moving a cue out of number order."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from showctl.model import show as m
from showctl.model.editing import EditError, InsertCue, ShowDocument

ROOT = Path(__file__).resolve().parents[2]

NO_OUTPUTS = textwrap.dedent("""\
    show: {title: Bare}
    outputs: {}
    cuelists:
      main:
        cues: []
    """)


@pytest.fixture
def demo() -> ShowDocument:
    return ShowDocument.load(ROOT / "shows" / "demo.yaml")


@pytest.mark.parametrize("cue_type", m.CUE_TYPES)
def test_every_cue_type_inserts_a_valid_cue(demo: ShowDocument, cue_type: str) -> None:
    ins = InsertCue("main", "2", type=cue_type, name=f"New {cue_type}")
    demo.apply(ins)
    assert ins.number == "2.1"
    cue = next(c for c in demo.show.cuelists["main"].cues if c.number == "2.1")
    assert cue.type == cue_type and cue.name == f"New {cue_type}"
    if isinstance(cue, m.TargetedCue):
        assert cue.target == "2"  # acts on the cue it was inserted after
    assert demo.undo() is ins


def test_templates_fit_the_show(demo: ShowDocument) -> None:
    demo.apply(InsertCue("main", "1", type="osc"))
    demo.apply(InsertCue("main", "1.1", type="midi"))
    demo.apply(InsertCue("main", "1.2", type="group"))
    cues = {c.number: c for c in demo.show.cuelists["main"].cues}
    osc, midi, group = cues["1.1"], cues["1.2"], cues["1.3"]
    assert isinstance(osc, m.OscCue) and osc.output == "sound"
    assert osc.address == "/cue/1.1/go"
    assert isinstance(midi, m.MidiCue) and midi.output == "desk"
    assert midi.messages[0].kind == "note_on"
    assert isinstance(group, m.GroupCue) and [c.number for c in group.cues] == ["1.3.1"]


def test_a_type_that_cannot_be_valid_says_why(tmp_path: Path) -> None:
    path = tmp_path / "bare.yaml"
    path.write_text(NO_OUTPUTS)
    doc = ShowDocument.load(path)
    with pytest.raises(EditError, match="needs an osc output, and this show declares none"):
        doc.apply(InsertCue("main", None, type="osc"))
    with pytest.raises(EditError, match="needs a cue to target"):
        doc.apply(InsertCue("main", None, type="start"))
    with pytest.raises(EditError, match="no cue type 'video'"):
        doc.apply(InsertCue("main", None, type="video"))
    # stop with nothing to target stops the whole list
    doc.apply(InsertCue("main", None, type="stop"))
    stop = doc.show.cuelists["main"].cues[0]
    assert isinstance(stop, m.StopCue) and stop.list == "main" and stop.target is None
    assert doc.text.startswith(NO_OUTPUTS.split("cues:")[0])
