"""ShowDocument save round trip on commented files: only the edited line changes."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from showctl.model.editing import (
    DeleteCue,
    EditError,
    InsertCue,
    MoveCue,
    Renumber,
    SaveConflict,
    SetField,
    ShowDocument,
)
from showctl.model.loader import load_show


def changed_lines(before: str, after: str) -> list[str]:
    return [ln for ln in difflib.unified_diff(before.splitlines(), after.splitlines(),
                                              lineterm="", n=0)
            if ln[:1] in "+-" and not ln.startswith(("+++", "---"))]


def test_rename_one_cue_changes_one_line(demo_path: Path) -> None:
    original = demo_path.read_text()
    doc = ShowDocument.load(demo_path)
    doc.apply(SetField("main", "7", "name", "Speech state, warmer"))
    doc.save()
    saved = demo_path.read_text()
    assert changed_lines(original, saved) == [
        "-        name: Speech state", "+        name: Speech state, warmer"]
    # comments, flow mappings and alignment ruamel would normalise are all kept
    assert saved.startswith("# Aurora Summit 2026 — opening session.\n")
    assert "  lx:    {kind: dmx" in saved and "args: [{type: T}]" in saved
    assert "go_guard: 0.5      # ignore a second GO within half a second" in saved
    assert demo_path.with_name("demo.yaml.bak").read_text() == original
    names = {c.number: c.name for _, c, _ in load_show(demo_path).walk()}
    assert names["7"] == "Speech state, warmer"


def test_key_order_is_kept_and_new_keys_go_in_place(demo_path: Path) -> None:
    original = demo_path.read_text()
    doc = ShowDocument.load(demo_path)
    doc.apply(SetField("main", "5", "prewait", "1.5"))
    doc.save()
    diff = changed_lines(original, demo_path.read_text())
    assert diff == ["+        prewait: 1.5"]
    lines = demo_path.read_text().splitlines()
    i = lines.index('      - number: "5"')
    assert lines[i:i + 4] == ['      - number: "5"', "        type: msc",
                              "        name: Follow-spot desk GO 5", "        prewait: 1.5"]


def test_flow_mapping_cue_edit_stays_on_its_line(demo_path: Path) -> None:
    original = demo_path.read_text()
    doc = ShowDocument.load(demo_path)
    doc.apply(SetField("main", "10.2", "name", "Slide two"))
    diff = changed_lines(original, doc.text)
    assert diff == [
        '-          - {number: "10.2", type: osc, name: Slide 2, output: video, '
        "address: /slides/goto, args: [2]}",
        '+          - {number: "10.2", type: osc, name: Slide two, output: video, '
        "address: /slides/goto, args: [2]}",
    ]


def test_failed_validation_does_not_write(demo_path: Path) -> None:
    original = demo_path.read_text()
    doc = ShowDocument.load(demo_path)
    with pytest.raises(EditError, match="cannot be negative"):
        doc.apply(SetField("main", "1", "postwait", "-2"))
    with pytest.raises(EditError, match=r"cue 9 cannot be deleted: cue 8 \(Skip the backup video"):
        doc.apply(DeleteCue("main", "9"))  # cues 8 and 13 target it
    assert not doc.dirty and doc.undo_stack == []
    # a document broken behind the editor's back is not saved either
    doc.data["cuelists"]["main"]["cues"][0]["type"] = "nonsense"
    doc.text = doc._render()
    with pytest.raises(EditError, match="does not validate"):
        doc.save()
    assert demo_path.read_text() == original
    assert not demo_path.with_name("demo.yaml.bak").exists()


def test_save_refuses_when_the_file_changed_on_disk(demo_path: Path) -> None:
    doc = ShowDocument.load(demo_path)
    doc.apply(SetField("main", "1", "name", "x"))
    demo_path.write_text(demo_path.read_text() + "\n# someone else\n")
    with pytest.raises(SaveConflict, match=r"demo\.yaml changed on disk since it was opened; not"):
        doc.save()
    assert "# someone else" in demo_path.read_text()


def test_structural_edits_undo_to_the_original_text(demo_path: Path) -> None:
    original = demo_path.read_text()
    doc = ShowDocument.load(demo_path)
    doc.apply(InsertCue("main", "15", name="Walk-out"))
    doc.apply(InsertCue("main", "1"))
    doc.apply(Renumber("main", "9", "9.5"))
    doc.apply(MoveCue("main", "4", -1))
    doc.apply(DeleteCue("main", "0.5"))
    doc.apply(SetField("main", "3.4", "continue", "auto_follow"))
    show = doc.show
    assert [c.number for c in show.cuelists["main"].cues][:4] == ["1", "1.1", "2", "4"]
    assert show.cuelists["main"].cues[-1].number == "16"
    # control cues that targeted 9 follow the renumber
    targets = [c.target for _, c, _ in show.walk() if getattr(c, "target", None)]
    assert "9.5" in targets and "9" not in targets
    while doc.undo():
        pass
    assert doc.text == original and not doc.dirty
    while doc.redo():
        pass
    assert doc.show == show


def test_renumber_keeps_quote_style_and_suggest_numbers(demo_path: Path) -> None:
    doc = ShowDocument.load(demo_path)
    assert doc.suggest_number("main", "1") == "1.1"
    assert doc.suggest_number("main", "15") == "16"
    assert doc.suggest_number("main", "8") == "8.1"
    assert doc.suggest_number("ambience", "L1") == "L1.1"
    doc.apply(Renumber("main", "7", "7A"))
    assert '      - number: "7A"' in doc.text.splitlines()
