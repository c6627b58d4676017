"""Edit-mode actions of the console: cue edits, undo/redo, save, and the programmer
(command line, record, update), each sent to the engine as a command.

The engine process owns the show document: every edit is applied there, saved there
and seen by every attached console (the new show arrives on the state stream).
:class:`EditModeActions` is a mixin of :class:`showctl.console.app.ShowctlApp`; the app
supplies the state and views it uses (declared below for type checking only). See
docs/console.md.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from textual.widgets import Input

from showctl.console.dialogs import CueTypeDialog, NumberDialog, SaveConflictDialog
from showctl.console.editor import CueEditor
from showctl.console.programmer_panel import ProgrammerPanel
from showctl.model import show as m

if TYPE_CHECKING:
    from textual.app import App

    from showctl.api.client import ApiClient, Result
    from showctl.api.views import ListView, State
    from showctl.console.cuestack import CueStack

    _AppBase = App[int]
else:
    _AppBase = object


_RENUMBER = re.compile(r"^\s*(\S+)(?:\s+step\s+(\S+))?(?:\s+thru\s+(\S+))?\s*$",
                       re.IGNORECASE)


def parse_renumber(text: str) -> dict[str, str] | None:
    """The renumber dialog's line: ``N``, ``N step S``, ``N thru X`` or ``N step S thru
    X`` → the ``renumber`` command's arguments (None when it is none of those)."""
    match = _RENUMBER.match(text)
    if match is None or match.group(1).lower() in ("step", "thru"):
        return None
    number, step, thru = match.groups()
    args = {"number": number}
    if step is not None:
        args["step"] = step
    if thru is not None:
        args["thru"] = thru
        args.setdefault("step", "1")
    return args


class EditModeActions(_AppBase):
    """The edit-mode actions and handlers of the console app (a mixin)."""

    if TYPE_CHECKING:
        current_list: str
        selected: str | None
        stack: CueStack
        editor: CueEditor
        programmer_panel: ProgrammerPanel
        _editor_key: object
        _insert_type: str
        _renumber_hint: dict[str, str]

        @property
        def mode(self) -> str: ...

        @property
        def state(self) -> State: ...

        def refresh_views(self) -> None: ...

        def _note(self, text: str, style: str = "italic") -> None: ...

        def _selected_cue(self) -> m.CueBase | None: ...

        def _list_view(self) -> ListView | None: ...

        async def send(self, verb: str, **args: Any) -> Result: ...

        @property
        def api(self) -> ApiClient: ...

    # ------------------------------------------------------------------ edit mode

    async def action_toggle_edit(self) -> None:
        if self.mode == "edit":
            await self.send("mode", mode="show")
            self.stack.focus()
            self.refresh_bindings()
            return
        result = await self.send("mode", mode="edit")
        if not result.ok:
            return
        view = self._list_view()
        self.selected = view.playhead if view is not None else None
        self._editor_key = None
        self.refresh_bindings()
        self.refresh_views()

    async def _edit(self, verb: str, **args: Any) -> Result:
        """One edit command; the editor's status line says why when it is refused."""
        result = await self.send(verb, list=self.current_list, **args)
        self._editor_key = None
        self.refresh_views()
        self.editor.set_status("" if result.ok else result.message)
        return result

    async def on_cue_editor_edited(self, event: CueEditor.Edited) -> None:
        await self.send("set_field", list=event.list_name, cue=event.number,
                        field=event.field, value=event.value)

    def action_edit_fields(self) -> None:
        self.query_one("#edit-name", Input).focus()

    def action_insert(self) -> None:
        """Ask for the new cue's type (the last one chosen is highlighted), then insert
        it after the selected cue; the engine fills in what the type needs."""
        after = self.selected

        async def chosen(cue_type: str | None) -> None:
            if cue_type is None:
                return
            self._insert_type = cue_type
            await self.insert_cue(cue_type, after)

        where = f"after cue {after}" if after is not None else "first in the list"
        self.push_screen(CueTypeDialog(f"Insert a cue {where}:",
                                       highlight=self._insert_type),
                         chosen)

    async def insert_cue(self, cue_type: str, after: str | None) -> bool:
        """Insert a ``cue_type`` cue after ``after`` and select it for editing."""
        name = "New cue" if cue_type == "memo" else f"New {cue_type.replace('_', ' ')} cue"
        result = await self._edit("insert", after=after, type=cue_type, name=name)
        if result.ok and isinstance(result.data, dict):
            self.selected = result.data.get("number")
            self._editor_key = None
            self.refresh_views()
        return result.ok

    async def action_delete(self) -> None:
        if self.selected is None:
            return
        view = self._list_view()
        before = [r.number for r in view.rows] if view is not None else []
        i = before.index(self.selected) if self.selected in before else 0
        if (await self._edit("delete", cue=self.selected)).ok:
            view = self._list_view()
            rows = [r.number for r in view.rows] if view is not None else []
            self.selected = rows[min(i, len(rows) - 1)] if rows else None
            self.refresh_views()

    def action_renumber(self) -> None:
        """Renumber the selected cue: ``N`` (this cue), ``N step S`` (this cue and every
        cue after it in the list: N, N+S, …) or ``N step S thru X`` (through cue X). After
        a move out of number order the suggested number is filled in."""
        if self.selected is None:
            return
        old = self.selected

        async def done(text: str | None) -> None:
            if text is None or text == old:
                return
            args = parse_renumber(text)
            if args is None:
                self.editor.set_status(f"renumber: {text!r}? write N, N step S or "
                                       "N step S thru X")
                return
            result = await self._edit("renumber", cue=old, **args)
            if result.ok:
                self.selected = args["number"]
                self._renumber_hint = {}
                self.refresh_views()

        value = self._renumber_hint.get(old, old)
        self.push_screen(NumberDialog(f"Renumber cue {old} as:\n"
                                      "N · N step S · N step S thru X", value=value), done)

    async def action_move(self, step: int) -> None:
        if self.selected is None:
            return
        result = await self._edit("move", cue=self.selected, step=step)
        if result.ok and isinstance(result.data, dict) and result.data.get("suggest"):
            self._renumber_hint = {self.selected: str(result.data["suggest"])}
            self.editor.set_status(result.message)
        elif result.ok:
            self._renumber_hint = {}

    async def action_toggle_armed(self) -> None:
        cue = self._selected_cue()
        if cue is not None:
            await self._edit("set_field", cue=cue.number, field="armed", value=not cue.armed)

    async def action_undo(self) -> None:
        await self.send("undo")

    async def action_redo(self) -> None:
        await self.send("redo")

    async def action_save(self) -> None:
        result = await self.send("save")
        if result.ok or not (isinstance(result.data, dict) and result.data.get("conflict")):
            self.editor.set_status("" if result.ok else result.message)
            return
        self.offer_save_conflict()

    def offer_save_conflict(self) -> None:
        """The show file on disk is not the version this session's edits are on: reload
        it with the edits re-applied, save as another file, or overwrite it."""

        async def chosen(choice: str | None) -> None:
            if choice in ("reload", "overwrite"):
                out = await self.send("save", on_conflict=choice)
                self.editor.set_status(out.message)
                self._editor_key = None
                self.refresh_views()
            elif choice == "save_as":
                self.push_screen(NumberDialog("Save as (a file name):", placeholder="file"),
                                 save_as)

        async def save_as(path: str | None) -> None:
            if path:
                out = await self.send("save", path=path)
                self.editor.set_status(out.message)

        self.push_screen(SaveConflictDialog(str(self.api.show_path or "the show file")),
                         chosen)

    # ------------------------------------------------------------------ programmer

    def action_command_line(self) -> None:
        self.query_one("#prog-input", Input).focus()

    async def on_programmer_panel_command(self, event: ProgrammerPanel.Command) -> None:
        await self.run_command(event.text)

    async def run_command(self, text: str) -> bool:
        """Run one programmer command line in the engine (see programmer_panel.py)."""
        result = await self.send("programmer", line=text, list=self.current_list,
                                 after=self.selected)
        self._prog_outcome(result)
        if result.ok and isinstance(result.data, dict) and result.data.get("number"):
            self.selected = result.data["number"]
            self.refresh_views()
        return result.ok

    def _prog_outcome(self, result: Result) -> None:
        style = "" if result.ok else "bold yellow"
        if result.ok and result.message.startswith(("recorded", "updated")):
            style = "bold green"
        self.programmer_panel.set_status(result.message, style)

    async def action_record(self) -> bool:
        """Record the programmer as a new light cue after the selected cue."""
        result = await self.send("record", list=self.current_list, after=self.selected)
        self._prog_outcome(result)
        if result.ok and isinstance(result.data, dict):
            self.selected = result.data.get("number")
            self.refresh_views()
        return result.ok

    async def action_update(self) -> bool:
        """Merge the programmer into the selected light cue (tracking-aware)."""
        result = await self.send("update", list=self.current_list, cue=self.selected)
        self._prog_outcome(result)
        return result.ok
