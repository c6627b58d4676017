"""The console app: a client of a running show, built by one factory for the CLI and tests.

The console holds no engine. :func:`console_app` builds it around a ``connect``
function that returns a connected :class:`~showctl.api.client.ApiClient`: over
WebSocket to the engine process under ``showctl run`` / ``showctl attach``, in memory
to a runtime in the same loop in tests. Keys become commands of the native API
(:mod:`showctl.api.protocol`); the views are redrawn from the state the engine pushes
(about ten times a second) and after each command. Closing the console, a dropped ssh
session or a crash of the console leaves the show running; quitting with ctrl+q ends
it when nothing is lit or running, and asks otherwise.

Show mode (the stage manager) runs the show; edit mode (the technical director, ``e``)
is the engine's mode, entered only when nothing runs, and seen by every attached
console. See docs/console.md. The edit-mode actions (cue edits, undo/redo, save, the
programmer) are the mixin :class:`showctl.console.edit_mode.EditModeActions`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, ClassVar

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.css.query import NoMatches
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Input, Select, Static, TextArea

from showctl.api.client import ApiClient, ApiError, Result
from showctl.api.views import ListView, State
from showctl.console.cuestack import CueStack
from showctl.console.dialogs import NumberDialog, QuitDialog
from showctl.console.edit_mode import EditModeActions
from showctl.console.editor import CueEditor
from showctl.console.log_pane import LogPane
from showctl.console.outputs_view import OutputPane
from showctl.console.programmer_panel import ProgrammerPanel
from showctl.console.running import RunningPane
from showctl.console.standby import GoButton, StandbyPanel
from showctl.console.topbar import topbar_text
from showctl.model import show as m

SHOW_ACTIONS = frozenset({"go", "pause_resume", "stop_all", "playhead_back", "goto"})
EDIT_ACTIONS = frozenset({"insert", "delete", "renumber", "move", "toggle_armed", "save",
                          "undo", "redo", "edit_fields", "command_line", "record",
                          "update"})
TYPING_SAFE = frozenset({"save", "undo", "redo", "quit_safe", "escape", "leave_field"})
"""Actions whose keys still work while a text field has focus."""

Connect = Callable[[], Awaitable[ApiClient]]


class ShowctlApp(EditModeActions, App[int]):
    """The showctl console (build it with :func:`console_app`)."""

    TITLE = "showctl"
    CSS = """
    #topbar { height: 1; background: $primary-background; color: $text; padding: 0 1; }
    #main { height: 1fr; min-height: 8; }
    #stack { width: 1fr; }
    #side { width: 36%; min-width: 32; max-width: 60; }
    #editor { display: none; }
    #programmer { display: none; }
    #bottom { height: 11; max-height: 30%; }
    #log { max-height: 20%; }
    #running { width: 1fr; }
    #programmer { width: 1fr; }
    .edit-mode #running { display: none; }
    #outputs { width: 1fr; }
    .edit-mode #editor { display: block; }
    .edit-mode #programmer { display: block; }
    .edit-mode #standby { display: none; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "go", "GO", priority=True),
        Binding("escape", "escape", "Panic", priority=True),
        Binding("p", "pause_resume", "Pause/Resume", priority=True),
        Binding("s", "stop_all", "Stop all", priority=True),
        Binding("up", "cursor(-1)", "Prev", show=False, priority=True),
        Binding("down", "cursor(1)", "Next", show=False, priority=True),
        Binding("b", "playhead_back", "Back", priority=True),
        Binding("g", "goto", "Goto", priority=True),
        Binding("tab", "switch_list(1)", "List", priority=True),
        Binding("shift+tab", "switch_list(-1)", "List", show=False, priority=True),
        Binding("ctrl+b", "blackout", "Blackout", priority=True),
        Binding("minus", "grandmaster(-10)", "GM -", show=False, priority=True),
        Binding("plus,equals_sign", "grandmaster(10)", "GM +", show=False, priority=True),
        Binding("e", "toggle_edit", "Edit/Show", priority=True),
        Binding("enter", "edit_fields", "Fields", priority=True),
        Binding("i", "insert", "Insert", priority=True),
        Binding("delete", "delete", "Delete", priority=True),
        Binding("n", "renumber", "Renumber", priority=True),
        Binding("ctrl+up", "move(-1)", "Move up", priority=True),
        Binding("ctrl+down", "move(1)", "Move down", priority=True),
        Binding("a", "toggle_armed", "Arm", priority=True),
        Binding("c", "command_line", "Command", priority=True),
        Binding("r", "record", "Record", priority=True),
        Binding("u", "update", "Update", priority=True),
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("ctrl+z", "undo", "Undo", priority=True),
        Binding("ctrl+y", "redo", "Redo", priority=True),
        Binding("d", "toggle_dmx_log", "DMX log", show=False, priority=True),
        Binding("ctrl+q", "quit_safe", "Quit", priority=True),
        Binding("ctrl+l", "leave_field", "Leave field", priority=True),
        Binding("pageup", "scroll_outputs(-1)", "Outputs ↑", show=False, priority=True),
        Binding("pagedown", "scroll_outputs(1)", "Outputs ↓", show=False, priority=True),
    ]

    def __init__(self, connect: Connect, *, wallclock: Callable[[], datetime] = datetime.now,
                 refresh_hz: float = 10.0) -> None:
        super().__init__()
        self._connect = connect
        self.client: ApiClient | None = None
        self.wallclock = wallclock
        self.refresh_hz = refresh_hz
        self.current_list = ""
        self.selected: str | None = None
        self._editor_key: object = None
        self._insert_type = "memo"
        """The cue type the insert dialog offers first (the last one chosen)."""
        self._renumber_hint: dict[str, str] = {}
        """After a move out of number order: cue → the number the renumber dialog offers."""
        self.refreshes = 0
        self._top_last: Text | None = None
        self._offered_conflict: object = None
        """The hot-reload conflict (its news number) the save-conflict dialog was offered for."""
        self._closing = False
        self.ended_show = False
        """True when this console ended the show on quit (not just detached)."""

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        yield Static("", id="topbar")
        with Horizontal(id="main"):
            yield CueStack(id="stack")
            with Vertical(id="side"):
                yield StandbyPanel(id="standby")
                yield CueEditor(id="editor")
                yield GoButton(id="go")
        with Horizontal(id="bottom"):
            yield RunningPane(id="running")
            yield ProgrammerPanel(id="programmer")
            yield OutputPane(id="outputs")
        yield LogPane(id="log")
        yield Footer()

    async def on_mount(self) -> None:
        self.stack = self.query_one(CueStack)
        self.standby = self.query_one(StandbyPanel)
        self.go_button = self.query_one(GoButton)
        self.running_pane = self.query_one(RunningPane)
        self.output_pane = self.query_one(OutputPane)
        self.log_pane = self.query_one(LogPane)
        self.topbar = self.query_one("#topbar", Static)
        self.editor = self.query_one(CueEditor)
        self.programmer_panel = self.query_one(ProgrammerPanel)
        try:
            self.client = await self._connect()
        except Exception as exc:  # no engine to talk to: say so, leave no traceback
            self.exit(1, message=f"showctl: cannot reach the show: {exc or repr(exc)}")
            return
        self.client.on_change.append(self._on_client_change)
        show = self.show
        self.current_list = show.main_list
        self.stack.focus()
        self._note(f"{show.show.title}: {sum(1 for _ in show.walk())} cues in "
                   f"{len(show.cuelists)} lists — Space = GO, Esc = panic")
        self.refresh_views()
        self.set_interval(1.0 / self.refresh_hz, self._tick)

    async def on_unmount(self) -> None:
        self._closing = True
        if self.client is not None and not self.client.closed:
            await self.client.close()

    def _on_client_change(self, what: str) -> None:
        if what == "bye" and not self._closing:
            self.refresh_views()
        elif what == "show":
            self._editor_key = None

    # ------------------------------------------------------------------ client

    @property
    def api(self) -> ApiClient:
        assert self.client is not None, "the console is not connected yet"
        return self.client

    @property
    def show(self) -> m.Show:
        show = self.api.show
        assert show is not None, "no show from the engine"
        return show

    @property
    def state(self) -> State:
        state = self.api.state
        assert state is not None, "no state from the engine"
        return state

    @property
    def mode(self) -> str:
        client = self.client
        return client.state.mode if client is not None and client.state is not None else "show"

    async def send(self, verb: str, **args: Any) -> Result:
        """Send one command; a refusal or a lost engine is noted in the log, not raised."""
        if self.client is None or self.client.closed:
            return Result(False, "not connected to the engine")
        try:
            result = await self.client.command(verb, **args)
        except ApiError as exc:
            result = Result(False, str(exc), exc.data)
        self.refresh_views()
        return result

    async def sync(self) -> None:
        """Fetch the state as of now and redraw (tests call this after moving time)."""
        if self.client is not None and not self.client.closed:
            await self.client.refresh()
        self.refresh_views()

    # ------------------------------------------------------------------ refresh

    def refresh_views(self) -> None:
        """Redraw every view from the latest state."""
        self._redraw()

    def _tick(self) -> None:
        self._redraw()

    def _list_view(self) -> ListView | None:
        return self.state.lists.get(self.current_list)

    def _redraw(self) -> None:
        if self._closing or self.client is None or not hasattr(self, "stack"):
            return
        if self.client.state is None or self.client.show is None:
            return
        self.refreshes += 1
        state = self.state
        lname = self.current_list
        if lname not in state.lists:
            lname = self.current_list = self.show.main_list
        view = state.lists[lname]
        rows = list(view.rows)
        editing = self.mode == "edit"
        if editing and self.selected not in {r.number for r in rows}:
            self.selected = rows[0].number if rows else None
        lists = list(state.list_names or state.lists)
        title = f" {lname} ({lists.index(lname) + 1}/{len(lists)})  ·  Tab: next list "
        self.stack.show_rows(rows, title=title, selected=self.selected, edit_mode=editing)
        standby = self._cue(lname, view.playhead)
        armed = next((r.armed for r in rows if r.number == view.playhead), True)
        self.standby.show_cue(lname, standby, armed=armed)
        main = lname == self.show.main_list
        self.go_button.show_state(standby=standby, wait=view.go_wait, enabled=not editing,
                                  list_name="" if main else lname, armed=armed)
        self.running_pane.show_runs(list(state.running))
        self.output_pane.show_outputs(state.outputs, state.lighting)
        self.log_pane.add_lines(self.api.drain_log())
        top = self._topbar()
        if top != self._top_last:
            self._top_last = top
            self.topbar.update(top)
        if editing:
            self.screen.add_class("edit-mode")
            self._load_editor()
            self.programmer_panel.show_lines(list(state.programmer or ()))
        else:
            self.screen.remove_class("edit-mode")
        news = state.show_file
        if (editing and news and news.get("conflict") and not isinstance(self.screen, ModalScreen)
                and news.get("seq") != self._offered_conflict):
            # The show file changed on disk while this session has unsaved edits (hot
            # reload): offer what a save conflict offers, once per change.
            self._offered_conflict = news.get("seq")
            self.offer_save_conflict()

    def _topbar(self) -> Text:
        state = self.state
        return topbar_text(
            edit_mode=self.mode == "edit", title=state.title, wallclock=self.wallclock(),
            elapsed=state.elapsed or 0.0, running=len(state.running), faults=state.faults,
            unsaved=state.dirty,
            held=len(state.programmer) if state.programmer else None,
            blackout=state.blackout, grandmaster=state.grandmaster,
            connected=not self.api.closed, timecode=state.timecode,
            remote_error=self.api.remote_error, show_file=state.show_file,
            resumed=self.api.resumed)

    def _cue(self, list_name: str, number: str | None) -> m.CueBase | None:
        if number is None:
            return None
        for lname, cue, _parent in self.show.walk():
            if lname == list_name and cue.number == number:
                return cue
        return None

    def _selected_cue(self) -> m.CueBase | None:
        return self._cue(self.current_list, self.selected)

    def _load_editor(self, *, force: bool = False) -> None:
        cue = self._selected_cue()
        key = (self.current_list, self.api.revision, self.selected)
        if key == self._editor_key and not force:
            return
        try:
            self.editor.load(self.current_list, cue)
        except NoMatches:
            return  # not composed yet (the show was in edit mode at attach): next redraw
        self._editor_key = key

    def _note(self, text: str, style: str = "italic") -> None:
        from showctl.api.views import LogLine

        self.log_pane.add_lines([LogLine(0.0, f"{'':9}  {text}", style)])

    # ------------------------------------------------------------------ key gating

    def _typing(self) -> bool:
        return isinstance(self.focused, Input | TextArea | Select)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if isinstance(self.screen, ModalScreen):
            return False
        if action == "switch_list":
            return True  # in a form, Tab moves between its fields (action_switch_list)
        if self._typing() and action not in TYPING_SAFE:
            return False
        editing = self.mode == "edit"
        if action in SHOW_ACTIONS:
            return not editing
        if action in EDIT_ACTIONS:
            return editing
        if action == "leave_field":
            return editing and self.focused is not None and not isinstance(
                self.focused, CueStack)
        if action in ("cursor", "switch_list") and editing:
            return self.focused is None or isinstance(self.focused, CueStack)
        return True

    # ------------------------------------------------------------------ show actions

    async def on_key(self, event: Any) -> None:
        """Keys the console does not use may be cue hotkeys (``triggers: [{hotkey: …}]``)."""
        if self.mode == "show" and self.client is not None and not self._typing():
            result = await self.send("hotkey", key=event.key)
            if result.ok:
                event.stop()

    async def action_go(self) -> None:
        await self.send("go", list=self.current_list)

    async def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "go" and self.mode == "show":
            await self.action_go()

    async def action_escape(self) -> None:
        """Esc is panic everywhere, as the footer says (in edit mode too: it fades out
        what the cues left on stage; the programmer's values stay); in a form it also
        takes the focus back to the cue stack."""
        await self.send("panic")
        if self.mode == "edit":
            self.stack.focus()

    def action_leave_field(self) -> None:
        """Leave a field of the form or the command line (committing it), back to the
        cue stack: its own key, as Esc is panic everywhere."""
        self.stack.focus()

    def action_scroll_outputs(self, step: int) -> None:
        """PageUp / PageDown: scroll the outputs pane to every fixture."""
        self.output_pane.page(step)

    async def action_pause_resume(self) -> None:
        await self.send("pause_toggle")

    async def action_stop_all(self) -> None:
        await self.send("stop")

    async def action_playhead_back(self) -> None:
        await self.send("back", list=self.current_list)

    async def action_blackout(self) -> None:
        await self.send("blackout")

    async def action_grandmaster(self, step: int) -> None:
        level = max(0.0, min(100.0, round(self.state.grandmaster * 100 + step)))
        await self.send("grandmaster", level=level)

    async def action_cursor(self, step: int) -> None:
        if self.mode == "edit":
            view = self._list_view()
            numbers = [r.number for r in view.rows] if view is not None else []
            if numbers:
                i = numbers.index(self.selected) if self.selected in numbers else 0
                self.selected = numbers[max(0, min(len(numbers) - 1, i + step))]
                self.refresh_views()
            return
        await self.send("step", n=step, list=self.current_list)

    def action_goto(self) -> None:
        async def done(number: str | None) -> None:
            if number is None:
                return
            result = await self.send("goto", cue=number, list=self.current_list)
            if not result.ok:
                self._note(f"goto: {result.message}", "bold yellow")

        self.push_screen(NumberDialog(f"Go to cue in {self.current_list}:"), done)

    async def action_switch_list(self, step: int) -> None:
        """Tab: the next cue list; in a form (edit mode's cue fields, the command
        line), the next field instead (Shift+Tab: the previous one)."""
        if self.mode == "edit" and self.focused is not None and not isinstance(
                self.focused, CueStack):
            if step > 0:
                self.screen.focus_next()
            else:
                self.screen.focus_previous()
            return
        names = list(self.state.list_names or self.state.lists)
        i = names.index(self.current_list)
        self.current_list = names[(i + step) % len(names)]
        self.selected = None
        self.refresh_views()

    async def action_toggle_dmx_log(self) -> None:
        await self.send("dmx_log")

    def action_quit_safe(self) -> None:
        """Quit: when nothing is lit or running, end the show (a newcomer leaves no
        process behind); otherwise ask whether to leave it running or end it."""
        client = self.client
        if client is None or client.closed or client.state is None:
            self.exit(0)
            return
        state = client.state
        if state.idle and not state.lit and not state.dirty:
            self.call_later(self._end_and_exit)
            return

        async def chosen(choice: str | None) -> None:
            if choice == "leave":
                self.exit(0)
            elif choice == "end":
                await self._end_and_exit()

        why = []
        if not state.idle:
            why.append(f"{len(state.running)} cue{'s' if len(state.running) != 1 else ''} "
                       "running")
        if state.lit:
            why.append("lights are up")
        if state.dirty:
            why.append("unsaved edits")
        self.push_screen(QuitDialog(", ".join(why)), chosen)

    async def _end_and_exit(self) -> None:
        result = await self.send("end_show")
        self.ended_show = result.ok
        self.exit(0)


def console_app(connect: Connect, *, wallclock: Callable[[], datetime] = datetime.now
                ) -> ShowctlApp:
    """The one factory of the console, for ``showctl run``/``attach`` and the tests."""
    return ShowctlApp(connect, wallclock=wallclock, refresh_hz=10.0)


def run_console(address: str, *, passcode: str | None = None) -> tuple[int, bool]:
    """``showctl run`` / ``attach``: a console on the show at ``address`` until the
    operator quits. Returns (exit status, whether the show was ended)."""
    from showctl.api.client import connect

    async def connect_once() -> ApiClient:
        return await connect(address, passcode=passcode)

    app = console_app(connect_once)
    try:
        result: Any = app.run()
    except ApiError as exc:
        print(f"showctl: {exc}")
        return 1, False
    # A console that failed (a bug, no engine to reach) exits non-zero, always.
    code = app.return_code if app.return_code else int(result or 0)
    return code, app.ended_show
