"""Structural edits of a show document: cue templates per type, deleting a cue that
others depend on, renumbering a range, moving a cue out of number order."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from showctl.model import show as m
from showctl.model.editing import (
    DeleteCue,
    EditError,
    InsertCue,
    MoveCue,
    RenumberCues,
    ShowDocument,
)

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


SMALL = textwrap.dedent("""\
    show: {title: Targets}
    outputs:
      snd: {kind: osc}
    cuelists:
      main:
        cues:
          - {number: "1", type: memo, name: Preset}
          - number: "2"
            type: group
            name: Storm
            cues:
              - {number: "2.1", type: wait, name: Rain, duration: 30}
          - {number: "3", type: memo, name: Thunder}
          - {number: "4", type: stop, name: Stop the rain, target: "2.1"}
          - {number: "5", type: goto, target: "3"}
          - {number: "6", type: memo}
      side:
        cues:
          - {number: "A", type: disarm, name: No thunder, list: main, target: "3"}
    """)


@pytest.fixture
def small(tmp_path: Path) -> ShowDocument:
    path = tmp_path / "small.yaml"
    path.write_text(SMALL)
    return ShowDocument.load(path)


def main_numbers(doc: ShowDocument) -> list[str]:
    return doc.flat_numbers("main")


def test_deleting_a_target_says_which_cue_and_why(small: ShowDocument) -> None:
    with pytest.raises(EditError, match="cue 3 cannot be deleted: cue 5 goes to it; cue A") as err:
        small.apply(DeleteCue("main", "3"))
    assert str(err.value) == (
        "cue 3 cannot be deleted: cue 5 goes to it; cue A (No thunder) in list 'side' "
        "disarms it. Delete those cues or point them at another cue first")
    with pytest.raises(EditError, match=r"cue 2 cannot be deleted: cue 4 \(Stop the rain\) "
                                        r"stops cue 2\.1 inside it"):
        small.apply(DeleteCue("main", "2"))
    assert small.text == SMALL and not small.undo_stack
    small.apply(DeleteCue("main", "4"))
    with pytest.raises(EditError, match=r"cue 2\.1 is the only cue of its group, and a group "
                                        "needs at least one: delete the group instead"):
        small.apply(DeleteCue("main", "2.1"))
    # once nothing depends on it, it goes
    small.apply(DeleteCue("main", "5"))
    small.apply(DeleteCue("side", "A"))
    small.apply(DeleteCue("main", "3"))
    assert main_numbers(small) == ["1", "2", "2.1", "6"]


def test_renumber_a_range_in_one_step(small: ShowDocument) -> None:
    small.apply(RenumberCues("main", ["2", "2.1", "3", "4", "5", "6"], 10, 10))
    assert main_numbers(small) == ["1", "10", "20", "30", "40", "50", "60"]
    cues = {c.number: c for _, c, _ in small.show.walk()}
    assert getattr(cues["40"], "target", None) == "20"  # stop follows its target
    assert getattr(cues["50"], "target", None) == "30"
    assert getattr(cues["A"], "target", None) == "30"  # across lists too
    assert len(small.undo_stack) == 1
    small.undo()
    assert small.text == SMALL


def test_renumber_a_range_refuses_collisions_and_disorder(small: ShowDocument) -> None:
    with pytest.raises(EditError, match="already has a cue '5' outside the range"):
        small.apply(RenumberCues("main", ["3", "4"], 5, 1))
    with pytest.raises(EditError, match=r"out of order between 2\.1 and 5"):
        small.apply(RenumberCues("main", ["3", "4"], 2.05, 0.01))
    with pytest.raises(EditError, match="step above 0"):
        small.apply(RenumberCues("main", ["3", "4"], 3, 0))
    small.apply(RenumberCues("main", ["3", "4"], 3, 0.5))
    assert main_numbers(small) == ["1", "2", "2.1", "3", "3.5", "5", "6"]


def test_out_of_order_and_suggestion(small: ShowDocument) -> None:
    assert small.out_of_order("main", "3") is None
    small.apply(MoveCue("main", "6", -1))
    assert small.out_of_order("main", "6") == ("4", "5")
    assert small.suggest_between("main", "4", "5") == "4.1"
    small.apply(MoveCue("main", "6", 1))
    assert small.out_of_order("main", "6") is None
