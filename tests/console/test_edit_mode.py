"""Edit mode with Pilot: field edits, insert/delete/renumber/move, undo/redo, save."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Checkbox, Input, Select

from showctl.console.cuestack import CueStack
from showctl.console.editor import CueEditor
from showctl.console.standby import GoButton
from showctl.model import show as m
from tests.console.conftest import SIZE, Harness


def numbers(app) -> list[str]:  # type: ignore[no-untyped-def]
    return [c.number for c in app.engine.show.cuelists["main"].cues]


async def enter_edit(harness: Harness, pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("e")
    assert harness.app.mode == "edit"


async def test_edit_mode_is_refused_while_cues_run(harness: Harness) -> None:
    app = harness.app
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("space")
        await pilot.press("e")
        assert app.mode == "show"
        text = await harness.settle(pilot)
        assert "stop all cues (s) before editing" in text


async def test_edit_mode_locks_the_show_keys(harness: Harness) -> None:
    app = harness.app
    async with app.run_test(size=SIZE) as pilot:
        harness.attach()
        await enter_edit(harness, pilot)
        await pilot.press("space", "b", "g")
        assert harness.events == []
        text = await harness.settle(pilot)
        assert str(app.query_one(GoButton).label) == "GO (edit mode)"
        assert " EDIT " in text and "Edit cue" in text
        await pilot.press("e")
        assert app.mode == "show"


async def test_edit_name_notes_and_times(harness: Harness, small_path: Path) -> None:
    app = harness.app
    async with app.run_test(size=SIZE) as pilot:
        await enter_edit(harness, pilot)
        assert app.selected == "1"
        await pilot.press("down")  # select cue 2
        assert app.selected == "2"
        await pilot.press("enter")  # into the form
        name = app.query_one("#edit-name", Input)
        assert app.focused is name and name.value == "Lights up"
        name.value = "Lights up full"
        await pilot.press("enter")
        assert harness.engine.show.cuelists["main"].cues[1].name == "Lights up full"
        notes = app.query_one("#edit-notes", Input)
        notes.focus()
        notes.value = "On the applause"
        await pilot.press("enter")
        pre = app.query_one("#edit-prewait", Input)
        pre.focus()
        pre.value = "1.5"
        await pilot.press("enter")
        dur = app.query_one("#edit-duration", Input)
        dur.focus()
        dur.value = "8"
        await pilot.press("enter")
        cue = harness.engine.show.cuelists["main"].cues[1]
        assert (cue.name, cue.notes, cue.prewait, cue.time) == (  # type: ignore[union-attr]
            "Lights up full", "On the applause", 1.5, 8.0)
        text = await harness.settle(pilot)
        assert "Lights up full" in text and "● unsaved" in text
        row = next(r for r in app.query_one(CueStack).rows if r.number == "2")
        assert (row.prewait, row.duration) == (1.5, 8.0)
        # a bad time is refused, with the reason, and changes nothing
        pre.focus()
        pre.value = "-1"
        await pilot.press("enter")
        assert harness.engine.show.cuelists["main"].cues[1].prewait == 1.5
        text = await harness.settle(pilot)
        assert "a time cannot be negative" in text
        # nothing is written until saved
        assert "Lights up full" not in small_path.read_text()


async def test_continue_mode_and_armed(harness: Harness) -> None:
    app = harness.app
    async with app.run_test(size=SIZE) as pilot:
        await enter_edit(harness, pilot)
        await pilot.press("down", "down")  # cue 3
        app.query_one("#edit-continue", Select).value = "auto_follow"
        await pilot.pause()
        cue = harness.engine.show.cuelists["main"].cues[2]
        assert cue.continue_.value == "auto_follow"
        app.query_one("#edit-armed", Checkbox).value = False
        await pilot.pause()
        assert harness.engine.show.cuelists["main"].cues[2].armed is False
        app.stack.focus()
        await pilot.press("a")  # toggle armed back from the stack
        assert harness.engine.show.cuelists["main"].cues[2].armed is True


async def test_insert_delete_renumber_move(harness: Harness) -> None:
    app = harness.app
    async with app.run_test(size=SIZE) as pilot:
        await enter_edit(harness, pilot)
        await pilot.press("i", "enter")  # a memo after cue 1, before cue 2
        assert numbers(harness) == ["1", "1.1", "2", "3", "4"]
        assert app.selected == "1.1"
        text = await harness.settle(pilot)
        assert "New cue" in text
        await pilot.press("n")
        await pilot.press("ctrl+a")  # select all in the dialog's input? keep it simple:
        dialog_input = app.screen.query_one(Input)
        dialog_input.value = "1.5"
        await pilot.press("enter")
        assert numbers(harness) == ["1", "1.5", "2", "3", "4"]
        assert app.selected == "1.5"
        await pilot.press("ctrl+down")
        assert numbers(harness) == ["1", "2", "1.5", "3", "4"]
        await pilot.press("ctrl+up", "ctrl+up")
        assert numbers(harness) == ["1.5", "1", "2", "3", "4"]
        await pilot.press("delete")
        assert numbers(harness) == ["1", "2", "3", "4"]
        assert app.selected == "1"
        # renumbering onto an existing number is refused
        await pilot.press("n")
        app.screen.query_one(Input).value = "2"
        await pilot.press("enter")
        assert numbers(harness) == ["1", "2", "3", "4"]
        text = await harness.settle(pilot)
        assert "already has a cue '2'" in text


async def test_undo_redo(harness: Harness) -> None:
    app = harness.app
    async with app.run_test(size=SIZE) as pilot:
        await enter_edit(harness, pilot)
        await pilot.press("i", "enter", "delete", "delete")  # insert 1.1, delete it, delete 2
        assert numbers(harness) == ["1", "3", "4"]
        await pilot.press("ctrl+z")
        assert numbers(harness) == ["1", "2", "3", "4"]
        await pilot.press("ctrl+z")
        assert numbers(harness) == ["1", "1.1", "2", "3", "4"]
        await pilot.press("ctrl+z")
        assert numbers(harness) == ["1", "2", "3", "4"]
        assert harness.runtime.document is not None and not harness.runtime.document.dirty
        await pilot.press("ctrl+y", "ctrl+y")
        assert numbers(harness) == ["1", "2", "3", "4"]
        assert len(harness.runtime.document.undo_stack) == 2
        assert not harness.runtime.document.dirty  # insert + delete of 1.1: same text as on disk
        text = await harness.settle(pilot)
        assert "redo: delete cue 1.1" in text
        # undo also works while a form field has the focus
        app.query_one(CueEditor).query_one("#edit-name", Input).focus()
        await pilot.press("ctrl+z")
        assert numbers(harness) == ["1", "1.1", "2", "3", "4"]


async def test_save_writes_file_and_backup(harness: Harness, small_path: Path) -> None:
    app = harness.app
    original = small_path.read_text()
    async with app.run_test(size=SIZE) as pilot:
        await enter_edit(harness, pilot)
        name = app.query_one("#edit-name", Input)
        name.focus()
        name.value = "Opening hold"
        await pilot.press("enter")
        await pilot.press("ctrl+s")
        text = await harness.settle(pilot)
        assert "saved" in text and "● unsaved" not in text
    saved = small_path.read_text()
    assert saved == original.replace("name: Opening wait", "name: Opening hold")
    assert small_path.with_name("small.yaml.bak").read_text() == original


async def test_edited_show_runs_in_the_engine(harness: Harness) -> None:
    app, clock = harness.app, harness.clock
    async with app.run_test(size=SIZE) as pilot:
        await enter_edit(harness, pilot)
        pre = app.query_one("#edit-prewait", Input)
        pre.focus()
        pre.value = "0"
        await pilot.press("enter", "escape")  # commit, back to the stack
        await pilot.press("e")
        assert app.mode == "show"
        harness.attach()
        await pilot.press("space")
        clock.advance(0.0)
        assert harness.kinds("cue_started") == [(0.0, "cue_started", "1")]


async def test_insert_offers_every_cue_type(harness: Harness) -> None:
    from textual.widgets import OptionList

    from showctl.console.dialogs import CueTypeDialog

    app = harness.app
    async with app.run_test(size=SIZE) as pilot:
        await enter_edit(harness, pilot)
        await pilot.press("down", "down")  # cue 3 (osc)
        await pilot.press("i")
        assert isinstance(app.screen, CueTypeDialog)
        options = app.screen.query_one(OptionList)
        offered = [options.get_option_at_index(i).id for i in range(options.option_count)]
        assert sorted(offered) == sorted(m.CUE_TYPES)
        # pick "start": it targets the cue it is inserted after, and is selected
        for _ in range(offered.index("start")):
            await pilot.press("down")
        await pilot.press("enter")
        assert numbers(harness) == ["1", "2", "3", "3.1", "4"]
        cue = harness.engine.show.cuelists["main"].cues[3]
        assert isinstance(cue, m.StartCue) and cue.target == "3"
        assert app.selected == "3.1"
        assert app.query_one("#edit-name", Input).value == "New start cue"
        # the dialog remembers the type; an osc cue needs the show's osc output
        await pilot.press("i")
        assert app.screen.query_one(OptionList).highlighted == offered.index("start")
        await pilot.press("escape")
        assert numbers(harness) == ["1", "2", "3", "3.1", "4"]
        await pilot.press("i")
        for _ in range(offered.index("start") - offered.index("osc")):
            await pilot.press("up")
        await pilot.press("enter")
        osc = harness.engine.show.cuelists["main"].cues[4]
        assert isinstance(osc, m.OscCue) and osc.output == "snd" and app.selected == "3.2"


async def test_delete_a_target_move_out_of_order_renumber_a_range(harness: Harness) -> None:
    from showctl.console.editor import CueEditor

    app = harness.app
    async with app.run_test(size=SIZE) as pilot:
        await enter_edit(harness, pilot)
        assert await app.insert_cue("stop", "3")  # 3.1 stops cue 3
        await pilot.press("up")
        assert app.selected == "3"
        await pilot.press("delete")
        assert numbers(harness) == ["1", "2", "3", "3.1", "4"]
        text = await harness.settle(pilot)
        assert "cue 3 cannot be deleted: cue 3.1 (New stop cue) stops it" in text
        assert "cannot be deleted" in app.query_one(CueEditor).status_text
        # moving cue 3 below 3.1 puts its number out of order: the renumber dialog offers
        # a number that fits
        await pilot.press("ctrl+down")
        assert numbers(harness) == ["1", "2", "3.1", "3", "4"]
        assert "out of number order" in app.query_one(CueEditor).status_text
        await pilot.press("n")
        dialog_input = app.screen.query_one(Input)
        assert dialog_input.value == "3.2"
        await pilot.press("escape")
        # renumber the cue and all after it in one step; the stop cue follows its target
        await pilot.press("up")
        assert app.selected == "3.1"
        await pilot.press("n")
        app.screen.query_one(Input).value = "10 step 10"
        await pilot.press("enter")
        assert numbers(harness) == ["1", "2", "10", "20", "30"]
        stop = harness.engine.show.cuelists["main"].cues[2]
        assert isinstance(stop, m.StopCue) and stop.target == "20"
        assert app.selected == "10"
        # a range: 10 thru 20 only
        await pilot.press("n")
        app.screen.query_one(Input).value = "5 step 0.5 thru 20"
        await pilot.press("enter")
        assert numbers(harness) == ["1", "2", "5", "5.5", "30"]
        # a line that is not a renumber says how to write one
        await pilot.press("n")
        app.screen.query_one(Input).value = "step 5"
        await pilot.press("enter")
        assert "write N, N step S or N step S thru X" in app.query_one(CueEditor).status_text
