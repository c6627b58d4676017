"""Edit-mode actions of the console: cue edits, undo/redo, save, and the programmer
(command line, record, update).

:class:`EditModeActions` is a mixin of :class:`showctl.console.app.ShowctlApp`; the app
supplies the state and views it uses (declared below for type checking only). See
docs/console.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.widgets import Input

from showctl.console.cuestate import cue_rows
from showctl.console.dialogs import NumberDialog
from showctl.console.editor import CueEditor
from showctl.console.programmer_panel import CommandError, ProgrammerPanel, parse_command
from showctl.engine.programmer import (
    EPS,
    Programmer,
    ProgrammerError,
    cues_before,
    plan_update,
    tracked_state,
)
from showctl.model import show as m
from showctl.model.editing import (
    Command,
    DeleteCue,
    EditError,
    InsertCue,
    MoveCue,
    RecordLook,
    Renumber,
    SetField,
    ShowDocument,
    UpdateLook,
)

if TYPE_CHECKING:
    from pathlib import Path

    from textual.app import App

    from showctl.console.cuestack import CueStack
    from showctl.console.log_pane import EventCollector
    from showctl.engine.engine import Engine

    _AppBase = App[int]
else:
    _AppBase = object


class EditModeActions(_AppBase):
    """The edit-mode actions and handlers of the console app (a mixin)."""

    if TYPE_CHECKING:
        # Provided by ShowctlApp.
        path: Path | None
        show: m.Show
        document: ShowDocument | None
        mode: str
        current_list: str
        selected: str | None
        collector: EventCollector
        programmer: Programmer
        stack: CueStack
        editor: CueEditor
        programmer_panel: ProgrammerPanel
        _editor_key: object

        @property
        def engine(self) -> Engine: ...

        def refresh_views(self) -> None: ...

        def _note(self, text: str, style: str = "italic") -> None: ...

        def _selected_cue(self) -> m.CueBase | None: ...

        async def _start_session(self, show: m.Show) -> None: ...

    # ------------------------------------------------------------------ edit mode

    def action_toggle_edit(self) -> None:
        if self.mode == "edit":
            self.mode = "show"
            if self.programmer.clear():
                self.collector.note("programmer cleared: show mode runs the cues only")
            self.screen.remove_class("edit-mode")
            self.stack.focus()
            if self.document is not None and self.document.dirty:
                self._note("show mode — unsaved edits (e, then ctrl+s to save)", "bold yellow")
            self.refresh_bindings()
            self.refresh_views()
            return
        if not self.engine.is_idle():
            self._note("stop all cues (s) before editing: edit mode needs an idle show",
                       "bold yellow")
            return
        if self.document is None:
            if self.path is None:
                self._note("this show was not opened from a file: nothing to edit", "yellow")
                return
            try:
                self.document = ShowDocument.load(self.path)
            except Exception as exc:
                self._note(f"cannot edit {self.path}: {exc}", "bold red")
                return
        self.mode = "edit"
        self.screen.add_class("edit-mode")
        ph = self.engine.playhead(self.current_list)
        self.selected = ph.number if ph is not None else None
        self._editor_key = None
        self.refresh_bindings()
        self.refresh_views()

    async def _apply(self, cmd: Command) -> bool:
        assert self.document is not None
        try:
            self.document.apply(cmd)
        except EditError as exc:
            self.editor.set_status(str(exc))
            self._note(f"edit refused: {exc}", "bold yellow")
            return False
        await self._after_edit(cmd.describe())
        return True

    async def _after_edit(self, what: str) -> None:
        assert self.document is not None
        await self._start_session(self.document.show)
        self._editor_key = None
        self.editor.set_status("")
        self._note(what)

    async def on_cue_editor_edited(self, event: CueEditor.Edited) -> None:
        await self._apply(SetField(event.list_name, event.number, event.field, event.value))

    def action_edit_fields(self) -> None:
        self.query_one("#edit-name", Input).focus()

    async def action_insert(self) -> None:
        cmd = InsertCue(self.current_list, self.selected, type="memo", name="New cue")
        if await self._apply(cmd):
            self.selected = cmd.number
            self.refresh_views()

    async def action_delete(self) -> None:
        if self.selected is None:
            return
        rows = [r.number for r in cue_rows(self.engine, self.current_list)]
        i = rows.index(self.selected) if self.selected in rows else 0
        if await self._apply(DeleteCue(self.current_list, self.selected)):
            rows = [r.number for r in cue_rows(self.engine, self.current_list)]
            self.selected = rows[min(i, len(rows) - 1)] if rows else None
            self.refresh_views()

    def action_renumber(self) -> None:
        if self.selected is None:
            return
        old = self.selected

        async def done(number: str | None) -> None:
            if number is None or number == old:
                return
            if await self._apply(Renumber(self.current_list, old, number)):
                self.selected = number
                self.refresh_views()

        self.push_screen(NumberDialog(f"Renumber cue {old} as:", value=old), done)

    async def action_move(self, step: int) -> None:
        if self.selected is not None:
            await self._apply(MoveCue(self.current_list, self.selected, step))

    async def action_toggle_armed(self) -> None:
        cue = self._selected_cue()
        if cue is not None:
            await self._apply(SetField(self.current_list, cue.number, "armed", not cue.armed))

    async def action_undo(self) -> None:
        await self._undo_redo(redo=False)

    async def action_redo(self) -> None:
        await self._undo_redo(redo=True)

    async def _undo_redo(self, *, redo: bool) -> None:
        assert self.document is not None
        cmd = self.document.redo() if redo else self.document.undo()
        if cmd is None:
            self._note(f"nothing to {'redo' if redo else 'undo'}")
            return
        await self._after_edit(f"{'redo' if redo else 'undo'}: {cmd.describe()}")

    # ------------------------------------------------------------------ programmer

    def action_command_line(self) -> None:
        self.query_one("#prog-input", Input).focus()

    async def on_programmer_panel_command(self, event: ProgrammerPanel.Command) -> None:
        await self.run_command(event.text)

    def _prog_status(self, text: str, style: str = "") -> None:
        self.programmer_panel.set_status(text, style)
        self._note(text, style or "italic")

    async def run_command(self, text: str) -> bool:
        """Run one programmer command line (see showctl/console/programmer_panel.py)."""
        try:
            cmd = parse_command(text)
        except CommandError as exc:
            self._prog_status(str(exc), "bold yellow")
            return False
        if cmd.verb == "record":
            return await self.action_record()
        if cmd.verb == "update":
            return await self.action_update()
        try:
            if cmd.verb == "clear":
                n = self.programmer.clear(cmd.selection, time=0.0)
                self._prog_status(f"released {n} attributes")
            elif cmd.verb == "sneak":
                t = cmd.time if cmd.time is not None else self.show.settings.default_fade
                n = self.programmer.clear(time=t)
                self._prog_status(f"releasing {n} attributes in {t:g} s")
            else:
                assert cmd.selection is not None and cmd.attr is not None
                keys = self.programmer.set(cmd.selection, {cmd.attr: cmd.value})
                self._prog_status(f"{cmd.selection} {cmd.attr} {cmd.value} "
                                  f"({len(keys)} fixture{'s' if len(keys) != 1 else ''})")
        except ProgrammerError as exc:
            self._prog_status(str(exc), "bold yellow")
            return False
        return True

    def _light_program(self) -> Any:
        return self.engine.light_program

    async def action_record(self) -> bool:
        """Record the programmer as a new light cue after the selected cue: only what
        differs from the tracked state at that point of the list."""
        if not self.programmer.fixtures:
            self._prog_status("the programmer is empty: nothing to record", "bold yellow")
            return False
        lname, after = self.current_list, self.selected
        state = tracked_state(self._light_program(), lname,
                              cues_before(self.show, lname, after, inclusive=True))
        holds = self.programmer.differing(state)
        if not holds:
            self._prog_status("nothing to record: the programmer is the tracked look "
                              "at this point", "bold yellow")
            return False
        cmd = RecordLook(lname, after, name="Recorded look",
                         fixtures=self.programmer.record_mapping(holds))
        if not await self._apply(cmd):
            return False
        assert cmd.number is not None
        self.selected = cmd.number
        if not await self._check_look(lname, cmd.number):
            return False
        self._prog_status(f"recorded cue {cmd.number}", "bold green")
        return True

    async def action_update(self) -> bool:
        """Merge the programmer into the selected light cue (tracking-aware)."""
        cue = self._selected_cue()
        lname = self.current_list
        if not isinstance(cue, m.LightCue):
            self._prog_status("select a light cue to update", "bold yellow")
            return False
        if not self.programmer.fixtures:
            self._prog_status("the programmer is empty: nothing to update", "bold yellow")
            return False
        state = tracked_state(self._light_program(), lname,
                              cues_before(self.show, lname, cue.number, inclusive=False))
        try:
            mapping = plan_update(self.programmer, cue.fixtures, state)
        except ProgrammerError as exc:
            self._prog_status(str(exc), "bold yellow")
            return False
        if mapping == {str(k): dict(v) for k, v in cue.fixtures.items()}:
            self._prog_status(f"cue {cue.number} already has these values", "bold yellow")
            return False
        if not await self._apply(UpdateLook(lname, cue.number, mapping)):
            return False
        if not await self._check_look(lname, cue.number):
            return False
        self._prog_status(f"updated cue {cue.number}", "bold green")
        return True

    async def _check_look(self, lname: str, number: str) -> bool:
        """After record/update: the cue's look must be what the programmer holds (else
        the edit is undone — it would not play back what the TD saw)."""
        program = self._light_program()
        idx, vals = program.look(lname, number)
        names = program.layout.names
        look = {names[i]: float(v) for i, v in zip(idx.tolist(), vals.tolist(), strict=True)}
        home: dict[str, float] = dict(zip(names, program.layout.home, strict=True))
        for name, v in self.programmer.held().items():
            got: float = look[name] if name in look else home.get(name, 0.0)
            if abs(got - v) > EPS:
                assert self.document is not None
                self.document.undo()
                self.document.redo_stack.clear()
                await self._after_edit(f"cue {number} would not play back the programmer "
                                       f"({name}); the edit was undone")
                self._prog_status(f"cue {number}: {name} would not play back as held; "
                                  "nothing was changed", "bold red")
                return False
        return True

    def action_save(self) -> None:
        assert self.document is not None
        try:
            path = self.document.save()
        except EditError as exc:
            problems = "; ".join(str(p) for p in exc.problems[:3])
            self._note(f"not saved: {exc} {problems}".rstrip(), "bold red")
            return
        self._note(f"saved {path} (previous version: {path.name}.bak)", "bold green")
