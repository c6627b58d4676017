"""The console app: one factory (:class:`ShowctlApp`) for the CLI and the tests.

The engine runs in Textual's own event loop. Nothing here re-renders on engine
events: the bus listeners only record (cue outcomes, log lines), and the views are
refreshed from engine state on an interval (10 Hz by default), so a 44 Hz DMX frame
loop never waits for the screen.

Show mode (the stage manager) runs the show; editing is locked. Edit mode (the
technical director, ``e``) is only entered when nothing is running, and running is
locked while in it: every applied edit rebuilds the Session from the edited show (the
playheads are kept by cue number), so the engine always runs exactly what the file
says. See docs/console.md. The edit-mode actions (cue edits, undo/redo, save, the
programmer) are the mixin :class:`showctl.console.edit_mode.EditModeActions`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Input, Select, Static, TextArea

from showctl.console.cuestack import CueStack
from showctl.console.cuestate import CueHistory, cue_rows
from showctl.console.dialogs import NumberDialog
from showctl.console.edit_mode import EditModeActions
from showctl.console.editor import CueEditor
from showctl.console.frame_thread import (
    ThreadedFrames,
    start_threaded_frames,
    stop_threaded_frames,
)
from showctl.console.log_pane import EventCollector, LogPane
from showctl.console.outputs_view import OutputPane
from showctl.console.programmer_panel import ProgrammerPanel
from showctl.console.running import RunningPane, run_rows
from showctl.console.standby import GoButton, StandbyPanel
from showctl.console.topbar import topbar_text
from showctl.drivers.base import DriverConfig
from showctl.engine import events as ev
from showctl.engine.clock import Clock
from showctl.engine.engine import Engine, EngineError
from showctl.engine.light_cues import dmx_outputs
from showctl.engine.programmer import Programmer, carry_lighting
from showctl.model import show as m
from showctl.model.editing import ShowDocument
from showctl.session import Session

if TYPE_CHECKING:
    from showctl.remote import RemoteServer
    from showctl.remote.config import RemoteConfig
    from showctl.runlog import RunLogRecorder

SHOW_ACTIONS = frozenset({"go", "panic", "pause_resume", "stop_all", "playhead_back", "goto"})
EDIT_ACTIONS = frozenset({"insert", "delete", "renumber", "move", "toggle_armed", "save",
                          "undo", "redo", "edit_fields", "command_line", "record",
                          "update"})
TYPING_SAFE = frozenset({"save", "undo", "redo", "quit_safe", "escape"})
"""Actions whose keys still work while a text field has focus."""


class ShowctlApp(EditModeActions, App[int]):
    """The showctl console. ``clock`` defaults to the event loop's (real) clock."""

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
    ]

    def __init__(
        self,
        show: m.Show,
        rig: dict[str, DriverConfig] | None = None,
        path: str | Path | None = None,
        clock: Clock | None = None,
        *,
        wallclock: Callable[[], datetime] = datetime.now,
        refresh_hz: float = 10.0,
        min_redraw: float = 0.0,
        threaded_frames: bool = False,
        output_every: int = 1,
        remote: RemoteConfig | None = None,
        runlog: str | None = None,
    ) -> None:
        super().__init__()
        self.threaded_frames = threaded_frames
        """DMX frames on their own thread (`showctl run`); tests keep them in the loop."""
        self._frames: ThreadedFrames | None = None
        self.min_redraw = min_redraw
        """Seconds between action-driven redraws (0 = redraw on every action, as tests
        want; `showctl run` coalesces key bursts so the frame loop keeps its rate)."""
        self.output_every = output_every
        """Redraw the output pane every Nth refresh tick (its swatches are the costliest)."""
        self._last_redraw = 0.0
        self._redraw_pending = False
        self._ticks = 0
        self.remote_config = remote
        """The OSC API and triggers; None = none (tests), as `showctl run` passes one."""
        self.remote: RemoteServer | None = None
        self.runlog = runlog
        self.recorder: RunLogRecorder | None = None
        self.show = show
        self.rig = rig
        self.path = Path(path) if path is not None else None
        self.clock = clock
        self.wallclock = wallclock
        self.refresh_hz = refresh_hz
        self.session: Session | None = None
        self.document: ShowDocument | None = None
        self.mode = "show"
        self.current_list = show.main_list
        self.selected: str | None = None
        self.history = CueHistory()
        self.collector = EventCollector(show.cue_names())
        self.show_started: float | None = None
        """Clock time of the first accepted GO (the show's elapsed time runs from it)."""
        self._quit_armed_at: float | None = None
        self._editor_key: object = None
        self.refreshes = 0
        self._top_last: Text | None = None
        self._closing = False
        self.programmer = Programmer()
        """Live fixture values of edit mode (kept across session rebuilds)."""

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
        await self._start_session(self.show)
        self.stack.focus()
        self.collector.note(f"{self.show.show.title}: {sum(1 for _ in self.show.walk())} cues "
                            f"in {len(self.show.cuelists)} lists — Space = GO, Esc = panic")
        self.refresh_views()
        self.set_interval(1.0 / self.refresh_hz, self._tick)

    async def on_unmount(self) -> None:
        self._closing = True
        if self.remote is not None:
            await self.remote.close()
            self.remote = None
        stop_threaded_frames(self._frames)
        self._frames = None
        if self.session is not None:
            await self.session.close()
            self.session = None

    # ------------------------------------------------------------------ session

    @property
    def engine(self) -> Engine:
        assert self.session is not None, "the session is not open yet"
        return self.session.engine

    async def _start_session(self, show: m.Show) -> None:
        keep = ({name: (lst.playhead.number if lst.playhead else None)
                 for name, lst in self.engine.lists.items()} if self.session else {})
        if self.remote is not None:
            await self.remote.close()
            self.remote = None
        old_lighting = self.session.lighting if self.session is not None else None
        stop_threaded_frames(self._frames)
        self._frames = None
        if self.session is not None:
            await self.session.close()
        self.show = show
        self.session = Session(show, rig=self.rig, clock=self.clock)
        if old_lighting is not None:
            # The stage keeps its look across the rebuild (the next GO fades from it).
            carry_lighting(old_lighting, self.session.lighting)
        if self.runlog is not None and self.recorder is None:
            from showctl.runlog import RunLogRecorder

            # One run log for the whole run; edits rebuild the session, not the run.
            self.recorder = RunLogRecorder(show, "live", str(self.path or "show.yaml"))
        if self.recorder is not None:
            self.recorder.attach(self.session)
        self.clock = self.session.clock
        self.session.bus.subscribe(self.history)
        self.session.bus.subscribe(self.collector)
        self.session.bus.subscribe(self._on_event)
        fixtures = self.session.engine.light_program.fixtures
        self.programmer.attach(self.session.lighting,
                               fixtures.patch if fixtures is not None else None)
        self.collector.names = show.cue_names()
        # DMX frames become events only while the DMX log is on (they are costly).
        self.session.router.trace_dmx = self.collector.log_dmx
        await self.session.open()
        if self.threaded_frames:
            self._frames = start_threaded_frames(self.session)
        if self.remote_config is not None:
            from showctl.headless import start_remote_or_warn

            self.remote = await start_remote_or_warn(self.session, self.remote_config)
        for name, number in keep.items():
            lst = self.engine.lists.get(name)
            if lst is None:
                continue
            if number is None:
                lst.playhead = None
            elif number in lst.nav.navigable:
                lst.playhead = lst.nav.by_number[number]
        if self.current_list not in show.cuelists:
            self.current_list = show.main_list

    def _on_event(self, e: ev.Event) -> None:
        if isinstance(e, ev.Go) and self.show_started is None:
            self.show_started = self.engine.clock.now()

    # ------------------------------------------------------------------ refresh

    def refresh_views(self) -> None:
        """Redraw after an operator action — at most once per ``min_redraw`` seconds.

        A redraw of the whole screen costs a DMX frame or more of loop time, so bursts of
        keys are coalesced: a redraw too soon after the last is left to the interval."""
        if self.min_redraw > 0 and time.monotonic() - self._last_redraw < self.min_redraw:
            self._redraw_pending = True
            return
        self._redraw()

    def _tick(self) -> None:
        """The refresh interval: redraw, with the output pane at a slower rate."""
        self._ticks += 1
        self._redraw(outputs=self.output_every <= 1 or self._ticks % self.output_every == 0
                     or self._redraw_pending)

    def _redraw(self, *, outputs: bool = True) -> None:
        """Redraw every view from engine state."""
        if self.session is None or self._closing or not hasattr(self, "stack"):
            return
        self._last_redraw = time.monotonic()
        self._redraw_pending = False
        self.refreshes += 1
        engine = self.engine
        lname = self.current_list
        rows = cue_rows(engine, lname, self.history)
        editing = self.mode == "edit"
        if editing and self.selected not in {r.number for r in rows}:
            self.selected = rows[0].number if rows else None
        lists = list(engine.lists)
        title = f" {lname} ({lists.index(lname) + 1}/{len(lists)})  ·  Tab: next list "
        self.stack.show_rows(rows, title=title, selected=self.selected,
                                           edit_mode=editing)
        standby = engine.playhead(lname)
        self.standby.show_cue(lname, standby)
        wait = max(0.0, engine.go_accepts_at(lname) - engine.now()) if lname in \
            engine.last_go else 0.0
        self.go_button.show_state(standby=standby, wait=wait, enabled=not editing)
        self.running_pane.show_runs(run_rows(engine))
        assert self.session is not None
        if outputs:
            self.output_pane.show_outputs(self.session.drivers, dmx_outputs(self.show),
                                          self.session.lighting,
                                          held=self.programmer.held_indices())
        self.log_pane.add_lines(self.collector.drain())
        top = self._topbar()
        if top != self._top_last:
            self._top_last = top
            self.topbar.update(top)
        if editing:
            self._load_editor()
            self.programmer_panel.show_lines(self.programmer.lines())

    def _topbar(self) -> Text:
        engine = self.engine
        started = self.show_started
        return topbar_text(
            edit_mode=self.mode == "edit", title=self.show.show.title,
            wallclock=self.wallclock(),
            elapsed=0.0 if started is None else engine.clock.now() - started,
            running=len(engine.running()), faults=self.history.faults,
            unsaved=self.document is not None and self.document.dirty,
            held=len(self.programmer.held()) if self.programmer.fixtures else None)

    def _selected_cue(self) -> m.CueBase | None:
        if self.selected is None:
            return None
        return self.engine.lists[self.current_list].nav.by_number.get(self.selected)

    def _load_editor(self, *, force: bool = False) -> None:
        cue = self._selected_cue()
        key = (self.current_list, id(cue))
        if key == self._editor_key and not force:
            return
        self._editor_key = key
        self.editor.load(self.current_list, cue)

    # ------------------------------------------------------------------ key gating

    def _typing(self) -> bool:
        return isinstance(self.focused, Input | TextArea | Select)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if isinstance(self.screen, ModalScreen):
            return False
        if self._typing() and action not in TYPING_SAFE:
            return False
        editing = self.mode == "edit"
        if action in SHOW_ACTIONS:
            return not editing
        if action in EDIT_ACTIONS:
            return editing
        if action in ("cursor", "switch_list") and editing:
            return self.focused is None or isinstance(self.focused, CueStack)
        return True

    def _note(self, text: str, style: str = "italic") -> None:
        self.collector.note(text, style)
        self.refresh_views()

    # ------------------------------------------------------------------ show actions

    def _record(self, do: str, list_name: str | None = None) -> None:
        """Note an operator action in the run log (GO and panic come from events)."""
        if self.recorder is not None:
            self.recorder.operator(do, list_name)

    def on_key(self, event: Any) -> None:
        """Keys the console does not use may be cue hotkeys (``triggers: [{hotkey: …}]``)."""
        if self.remote is not None and self.mode == "show" and self.remote.handle_hotkey(
                event.key):
            event.stop()
            self.refresh_views()

    def action_go(self) -> None:
        self.engine.go(self.current_list)
        self.refresh_views()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "go" and self.mode == "show":
            self.action_go()

    def action_escape(self) -> None:
        if self.mode == "show" or not self.engine.is_idle():
            self.engine.panic()
            self.refresh_views()
        else:
            self.stack.focus()

    def action_pause_resume(self) -> None:
        runs = self.engine.running()
        if any(not r.paused for r in runs):
            self.engine.pause()
            self._record("pause")
        else:
            self.engine.resume()
            self._record("resume")
        self.refresh_views()

    def action_stop_all(self) -> None:
        self.engine.stop()
        self._record("stop")
        self.refresh_views()

    def action_playhead_back(self) -> None:
        self.engine.back(self.current_list)
        self._record("back", self.current_list)
        self.refresh_views()

    def action_cursor(self, step: int) -> None:
        if self.mode == "edit":
            numbers = [r.number for r in cue_rows(self.engine, self.current_list)]
            if numbers:
                i = numbers.index(self.selected) if self.selected in numbers else 0
                self.selected = numbers[max(0, min(len(numbers) - 1, i + step))]
                self.refresh_views()
            return
        lst = self.engine.lists[self.current_list]
        target = lst.nav.step(lst.playhead, step)
        if target is None:
            return
        self.engine.goto(target.number, self.current_list)
        self._record(f"goto {target.number}", self.current_list)
        self.refresh_views()

    def action_goto(self) -> None:
        def done(number: str | None) -> None:
            if number is None:
                return
            try:
                self.engine.goto(number, self.current_list)
            except EngineError as exc:
                self._note(f"goto: {exc}", "bold yellow")
                return
            self._record(f"goto {number}", self.current_list)
            self.refresh_views()

        self.push_screen(NumberDialog(f"Go to cue in {self.current_list}:"), done)

    def action_switch_list(self, step: int) -> None:
        names = list(self.engine.lists)
        i = names.index(self.current_list)
        self.current_list = names[(i + step) % len(names)]
        self.selected = None
        self.refresh_views()

    def action_toggle_dmx_log(self) -> None:
        self.collector.log_dmx = not self.collector.log_dmx
        if self.session is not None:
            self.session.router.trace_dmx = self.collector.log_dmx
        self._note(f"DMX in the log: {'on' if self.collector.log_dmx else 'off'}")

    def action_quit_safe(self) -> None:
        busy = self.session is not None and not self.engine.is_idle()
        dirty = self.document is not None and self.document.dirty
        now = time.monotonic()
        if (busy or dirty) and (self._quit_armed_at is None or now - self._quit_armed_at > 3):
            self._quit_armed_at = now
            why = "cues are running" if busy else "there are unsaved edits"
            self._note(f"{why}: press ctrl+q again to quit", "bold yellow")
            return
        self.exit(0)


def run_console(show: m.Show, rig: dict[str, DriverConfig] | None, *,
                path: str | None = None, remote: RemoteConfig | None = None,
                runlog: str | None = None) -> int:
    """The ``showctl run SHOW`` entry point: run the console until the operator quits.

    ``remote``: the OSC API and triggers (started with the session); ``runlog``: a path,
    ``""`` for the default place, None for no run log."""
    app = ShowctlApp(show, rig, path=path, remote=remote, runlog=runlog,
                     min_redraw=0.1, output_every=4, threaded_frames=True)
    result: Any = app.run()
    if app.recorder is not None:
        print(f"showctl: run log {app.recorder.save(runlog or None)}")
    return int(result or 0)
