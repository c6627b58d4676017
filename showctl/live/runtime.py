"""One running show: session, frame loop, remote inputs, run log, document, programmer.

:class:`LiveRuntime` is assembled, started and stopped in one place and used by
``showctl run`` (the engine process), ``run --headless``, the native API server and the
tests. It executes the one command vocabulary (:mod:`showctl.api.protocol`):
operator verbs go to :func:`showctl.live.commands.apply_operator`; edits, the
programmer, record/update, save and undo/redo are applied here, to the show document
the runtime owns, so every attached front end sees the same show.

Show mode runs the show; edit mode (``mode edit``, only when nothing runs) locks
running, and every applied edit rebuilds the session from the edited show (playheads
kept by cue number, the look on stage carried over), so the engine always runs exactly
what the file says.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from showctl.api.protocol import OPERATOR_WORDS, Command, CommandError, encode
from showctl.api.views import State
from showctl.clocks.clock import Clock
from showctl.drivers.base import DriverConfig
from showctl.engine import events as ev
from showctl.engine.engine import Engine, EngineError
from showctl.engine.light_cues import dmx_outputs
from showctl.engine.programmer import (
    EPS,
    Programmer,
    ProgrammerError,
    carry_lighting,
    cues_before,
    plan_update,
    tracked_state,
)
from showctl.live.commands import ENGINE_VERBS, apply_operator
from showctl.live.log import EventLog, unmapped_outputs
from showctl.live.schedule import ScheduleTracker
from showctl.live.state import (
    CueHistory,
    ListRows,
    lighting_view,
    list_view,
    lit,
    output_index,
    output_rows,
    run_rows,
    show_json,
)
from showctl.model import show as m
from showctl.model.editing import (
    Command as Edit,
)
from showctl.model.editing import (
    DeleteCue,
    EditError,
    InsertCue,
    MoveCue,
    RecordLook,
    Renumber,
    RenumberCues,
    SetField,
    ShowDocument,
    UpdateLook,
)
from showctl.session import Session

if TYPE_CHECKING:
    from showctl.live.resume import JournalTap
    from showctl.remote import RemoteServer
    from showctl.remote.config import RemoteConfig
    from showctl.runlog import RunLogRecorder


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a command did: ``ok``, a line for the operator, and data for the caller."""

    ok: bool
    message: str = ""
    data: Any = None


class LiveRuntime:
    """A show, live (see the module doc). ``clock`` defaults to the loop's real clock."""

    def __init__(
        self,
        show: m.Show,
        *,
        rig: dict[str, DriverConfig] | None = None,
        path: str | Path | None = None,
        clock: Clock | None = None,
        remote: RemoteConfig | None = None,
        runlog: str | None = None,
        runlog_mode: str = "live",
        trace_dmx: bool = False,
        watch: bool = False,
    ) -> None:
        self.show = show
        self.rig = rig
        self.path = Path(path) if path is not None else None
        self.clock = clock
        self.remote_config = remote
        """The OSC API and triggers; None = none (replays, most tests)."""
        self.remote: RemoteServer | None = None
        self.remote_error = ""
        """Why the OSC API is off (a busy port), or ""."""
        self.runlog = runlog
        """A run log path, "" for the default place, None for no run log."""
        self.runlog_mode = runlog_mode
        self.recorder: RunLogRecorder | None = None
        self.trace_dmx = trace_dmx
        self.session: Session | None = None
        self.document: ShowDocument | None = None
        self.mode = "show"
        self._saved_depth = 0
        """Edits of the undo stack already in the file (re-applied after a reload)."""
        self.revision = 0
        self.programmer = Programmer()
        """Live fixture values of edit mode (kept across session rebuilds)."""
        self.history = CueHistory()
        self.schedule = ScheduleTracker()
        """When each run-of-show segment started (the state's ``schedule``)."""
        self.wall_start: datetime | None = None
        """The wall clock at show time 0 (default: the run log's); a time-of-day run of
        show needs it."""
        self.log = EventLog(show.cue_names(), self._show_time)
        self.show_started: float | None = None
        """Engine show time of the first accepted GO (the top bar's show clock)."""
        self._index: dict[tuple[int, str], npt.NDArray[np.int64]] = {}
        self._rows: dict[str, ListRows] = {}
        """Each list's cue rows, kept between states (see ListRows)."""
        self.on_show_changed: list[Callable[[], None]] = []
        """Called after an edit was applied (the server sends the new show)."""
        self.on_event: list[Callable[[ev.Event], None]] = []
        """Engine events, forwarded across session rebuilds."""
        self.ended = asyncio.Event()
        """Set by the ``end_show`` command: the process should stop the show."""
        self.clients = 0
        self._started = False
        self._show_text: tuple[int, str] | None = None
        self.journal: JournalTap | None = None
        """The crash journal (:mod:`showctl.live.resume`); None = none (replays, tests)."""
        from showctl.live.reload import HotReload

        self.watch = watch
        """Watch the show file and apply its saved versions (hot reload)."""
        self.reload = HotReload(self)
        self.resumed = ""
        """"resumed after a crash at 21:14:03 (down 0.6 s)" when this run was resumed."""

    # ------------------------------------------------------------------ lifecycle

    @property
    def engine(self) -> Engine:
        assert self.session is not None, "the runtime is not started"
        return self.session.engine

    def _show_time(self) -> float:
        return self.session.engine.now() if self.session is not None else 0.0

    async def start(self) -> None:
        """Open the drivers, start the frame loop and the remote inputs."""
        await self._start_session(self.show)
        self._started = True
        for line in unmapped_outputs(self.show, self.rig):
            self.log.note(line, "bold yellow")
        if self.journal is None or not self.journal.fast_forward:
            # now, before the show goes live, not when a console attaches (a resume
            # makes it once live: the first frame must not wait for it)
            self.show_text()
        if self.watch:
            self.reload.watch()

    async def stop(self) -> Path | None:
        """Stop everything cleanly (drivers release their outputs: sACN terminates its
        streams); returns where the run log was written, if one was."""
        self.reload.close()
        if self.remote is not None:
            await self.remote.close()
            self.remote = None
        if self.session is not None:
            await self.session.close()
        if self.journal is not None:
            self.journal.end()
        saved = None
        if self.recorder is not None:
            with contextlib.suppress(OSError):
                saved = self.recorder.save(self.runlog or None)
            self.recorder = None
        return saved

    async def _start_session(self, show: m.Show) -> None:
        keep = ({name: (lst.playhead.number if lst.playhead else None)
                 for name, lst in self.engine.lists.items()} if self.session else {})
        t0 = self.session.engine.t0 if self.session is not None else None
        if self.remote is not None:
            await self.remote.close()
            self.remote = None
        old_lighting = self.session.lighting if self.session is not None else None
        if self.session is not None:
            await self.session.close()
        self.show = show
        self.session = Session(show, rig=self.rig, clock=self.clock)
        if t0 is not None:
            # One show time axis for the whole run: a rebuild (an edit, a hot reload)
            # does not restart the show clock, the log's times or the run log's.
            self.session.engine.t0 = self.session.router.t0 = t0
        if old_lighting is not None:
            # The stage keeps its look across the rebuild (the next GO fades from it).
            carry_lighting(old_lighting, self.session.lighting)
        if self.runlog is not None and self.recorder is None:
            from showctl.runlog import RunLogRecorder

            # One run log for the whole run; edits rebuild the session, not the run.
            self.recorder = RunLogRecorder(show, self.runlog_mode,  # type: ignore[arg-type]
                                           str(self.path or "show.yaml"))
        if self.recorder is not None:
            self.recorder.attach(self.session)
        self.clock = self.session.clock
        bus = self.session.bus
        bus.subscribe(self.history)
        bus.subscribe(self.schedule)
        bus.subscribe(self.log)
        self.log.drivers = self.session.drivers
        bus.subscribe(self._on_engine_event)
        if self.journal is not None:
            self.journal.attach(self)
        fixtures = self.session.engine.light_program.fixtures
        self.programmer.attach(self.session.lighting,
                               fixtures.patch if fixtures is not None else None)
        self.log.names = show.cue_names()
        self._index.clear()
        self._rows.clear()
        # DMX frames become events only while someone reads them (they are costly).
        self.session.router.trace_dmx = self.trace_dmx or self.log.log_dmx
        await self.session.open()
        if self.remote_config is not None:
            await self._start_remote()
        for name, number in keep.items():
            lst = self.engine.lists.get(name)
            if lst is None:
                continue
            target = None if number is None else lst.nav.by_number.get(number)
            if number is None or (target is not None and number in lst.nav.navigable):
                with contextlib.suppress(EngineError), self.quiet_inputs():
                    if number is None:
                        lst.playhead = None
                    else:
                        self.engine.goto(number, name)

    async def start_remote(self) -> None:
        """Start the OSC API and triggers now (a resume starts them once it is live)."""
        if self.remote is None and self.remote_config is not None:
            await self._start_remote()

    async def _start_remote(self) -> None:
        from showctl.remote import start_remote

        assert self.session is not None
        try:
            self.remote = await start_remote(self.session, self.remote_config)
            self.remote_error = ""
        except OSError as exc:
            self.remote = None
            self.remote_error = (f"remote control is off: {exc.strerror or exc} "
                                 "(use --osc-port for another port, or --no-osc)")
            self.log.note(self.remote_error, "bold red")

    def _on_engine_event(self, e: ev.Event) -> None:
        if isinstance(e, ev.Go) and self.show_started is None:
            self.show_started = e.t
        for fn in list(self.on_event):
            fn(e)

    # ------------------------------------------------------------------ commands

    async def execute(self, cmd: Command) -> Outcome:
        """Carry out one command. Refusals are an ``Outcome`` with ``ok=False`` and the
        reason; nothing raises for a bad request."""
        t = self.journal.show_time() if self.journal is not None else 0.0
        try:
            return await self._execute(cmd)
        except (EngineError, CommandError, EditError, ProgrammerError) as exc:
            return Outcome(False, str(exc))
        finally:
            if self.journal is not None:
                self.journal.command(t, cmd)

    async def _execute(self, cmd: Command) -> Outcome:
        v = cmd.verb
        if v in ENGINE_VERBS:
            if self.mode == "edit" and v not in ("panic", "stop", "blackout", "grandmaster"):
                return Outcome(False, "edit mode: running is locked (mode show to run)")
            with self.quiet_inputs():  # journaled as this command, not as engine inputs
                said = apply_operator(self.engine, cmd)
            self._record(cmd, said)
            return Outcome(v != "go" or said == "GO", said)
        if v == "hotkey":
            if self.mode != "show" or self.remote is None:
                return Outcome(False, "no hotkey trigger")
            took = self.remote.handle_hotkey(str(cmd.arg("key", "")))
            return Outcome(took, "fired" if took else "no cue has this hotkey")
        if v == "dmx_log":
            on = cmd.arg("on")
            self.log.log_dmx = (not self.log.log_dmx) if on is None else bool(on)
            if self.session is not None:
                self.session.router.trace_dmx = self.trace_dmx or self.log.log_dmx
            return self._said(f"DMX in the log: {'on' if self.log.log_dmx else 'off'}")
        if v == "end_show":
            self.ended.set()
            return Outcome(True, "ending the show")
        if v == "mode":
            return self._set_mode(str(cmd.arg("mode", "")))
        if v == "reload":
            done = await self.reload.execute(cmd)
            return Outcome(done.ok, done.message, done.data)
        return await self._edit(cmd)

    def quiet_inputs(self) -> contextlib.AbstractContextManager[None]:
        """Engine calls a journaled command (or edit) makes: not journaled again as
        engine inputs (:mod:`showctl.live.resume`)."""
        return self.journal.quiet() if self.journal is not None else contextlib.nullcontext()

    def _record(self, cmd: Command, said: str) -> None:
        """Operator actions go into the run log as calling-script lines (GO and panic
        also come from events), so a run log replays as a calling script."""
        if self.recorder is None:
            return
        verb = cmd.verb
        if verb == "pause_toggle":
            verb = "pause_all" if said == "paused all" else "resume_all"
        if verb == "blackout":
            self.recorder.operator(said)  # "blackout on" / "blackout off"
        elif verb == "grandmaster":
            self.recorder.operator(f"grandmaster {float(cmd.args['level']):g}")
        elif verb in OPERATOR_WORDS:
            self.recorder.operator(cmd.text() if verb == cmd.verb else verb, cmd.arg("list"))

    def _said(self, text: str, style: str = "italic", *, ok: bool = True) -> Outcome:
        self.log.note(text, style)
        return Outcome(ok, text)

    def _set_mode(self, mode: str) -> Outcome:
        if mode not in ("show", "edit"):
            raise CommandError("mode is 'show' or 'edit'")
        if mode == self.mode:
            return Outcome(True, f"{mode} mode")
        if mode == "show":
            self.mode = "show"
            if self.programmer.clear():
                self.log.note("programmer cleared: show mode runs the cues only")
            if self.document is not None and self.document.dirty:
                return self._said("show mode — unsaved edits (edit mode, then save)",
                                  "bold yellow")
            return Outcome(True, "show mode")
        if not self.engine.is_idle():
            return self._said("stop all cues (s) before editing: edit mode needs an idle "
                              "show", "bold yellow", ok=False)
        if self.document is None:
            if self.path is None:
                return self._said("this show was not opened from a file: nothing to edit",
                                  "yellow", ok=False)
            try:
                self.document = ShowDocument.load(self.path)
            except Exception as exc:
                return self._said(f"cannot edit {self.path}: {exc}", "bold red", ok=False)
        self.mode = "edit"
        return Outcome(True, "edit mode")

    # ------------------------------------------------------------------ edits

    async def _edit(self, cmd: Command) -> Outcome:
        if self.mode != "edit" or self.document is None:
            return Outcome(False, f"{cmd.verb}: switch to edit mode first (e)")
        v = cmd.verb
        lname = str(cmd.arg("list", self.show.main_list))
        if v == "set_field":
            return await self._apply(SetField(lname, str(cmd.arg("cue")), str(cmd.arg("field")),
                                              cmd.args.get("value")))
        if v == "insert":
            ins = InsertCue(lname, cmd.arg("after"), type=str(cmd.arg("type", "memo")),
                            name=str(cmd.arg("name", "New cue")))
            out = await self._apply(ins)
            return Outcome(out.ok, out.message, {"number": ins.number}) if out.ok else out
        if v == "delete":
            return await self._apply(DeleteCue(lname, str(cmd.arg("cue"))))
        if v == "renumber":
            return await self._renumber(cmd, lname)
        if v == "move":
            number = str(cmd.arg("cue"))
            out = await self._apply(MoveCue(lname, number, int(cmd.arg("step", 1))))
            return self._order_hint(out, lname, number)
        if v in ("undo", "redo"):
            redo = v == "redo"
            done = self.document.redo() if redo else self.document.undo()
            if done is None:
                return self._said(f"nothing to {v}", ok=False)
            await self._after_edit(f"{v}: {done.describe()}")
            return Outcome(True, f"{v}: {done.describe()}")
        if v == "save":
            return await self._save(cmd)
        if v == "programmer":
            return await self._programmer_line(str(cmd.arg("line", "")), lname,
                                               cmd.arg("after"))
        if v == "record":
            return await self._record_look(lname, cmd.arg("after"))
        if v == "update":
            return await self._update_look(lname, cmd.arg("cue"))
        raise CommandError(f"unknown command {v!r}")

    async def _renumber(self, cmd: Command, lname: str) -> Outcome:
        """One cue (``number``), or a range in one step: with ``step``, the cue and every
        cue after it in the list (group children included) — through ``thru`` when given
        — become ``number``, ``number + step``, …"""
        assert self.document is not None
        cue = str(cmd.arg("cue"))
        step, thru = cmd.args.get("step"), cmd.args.get("thru")
        if step is None and thru is None:
            return await self._apply(Renumber(lname, cue, str(cmd.arg("number"))))
        try:
            start = float(str(cmd.arg("number")))
            step_f = float(str(step if step is not None else 1))
            flat = self.document.flat_numbers(lname)
            if cue not in flat:
                raise EditError(f"no cue {cue!r} in list {lname!r}")
            first = flat.index(cue)
            last = len(flat) - 1
            if thru is not None:
                if str(thru) not in flat:
                    raise EditError(f"no cue {thru!r} in list {lname!r}")
                last = flat.index(str(thru))
                if last < first:
                    raise EditError(f"cue {thru} comes before cue {cue}: give the range "
                                    "in list order")
        except ValueError:
            return self._said("renumber: the start and the step are numbers "
                              "(e.g. 10 step 5)", "bold yellow", ok=False)
        except EditError as exc:
            return self._said(f"edit refused: {exc}", "bold yellow", ok=False)
        edit = RenumberCues(lname, flat[first:last + 1], start, step_f)
        out = await self._apply(edit)
        if not out.ok:
            return out
        return Outcome(True, out.message, {"number": edit.new_numbers()[0]})

    def _order_hint(self, out: Outcome, lname: str, number: str) -> Outcome:
        """After a move: when the cue's number is no longer between its neighbours', say
        so and suggest a number that is (the console offers it on renumber)."""
        if not out.ok or self.document is None:
            return out
        gap = self.document.out_of_order(lname, number)
        if gap is None:
            return out
        prev, nxt = gap
        try:
            suggest = self.document.suggest_between(lname, prev, nxt)
        except EditError:
            return out
        where = (f"between {prev} and {nxt}" if prev and nxt
                 else f"before {nxt}" if nxt else f"after {prev}")
        message = (f"{out.message}; cue {number} is now {where}, out of number order "
                   f"(renumber: n, {suggest} suggested)")
        self.log.note(message)
        return Outcome(True, message, {"out_of_order": True, "suggest": suggest})

    async def _save(self, cmd: Command) -> Outcome:
        """Save; on a conflict with the file on disk: reload, save as or overwrite
        (:mod:`showctl.live.saving`)."""
        from showctl.live.saving import save

        assert self.document is not None
        path = cmd.arg("path")
        out = save(self.document, saved_depth=self._saved_depth,
                   on_conflict=str(cmd.arg("on_conflict", "") or ""),
                   path=str(path) if path else None)
        if out.reloaded:
            self.document = out.document
            self._saved_depth = 0
            await self._after_edit(out.message)
            return Outcome(True, out.message, {"not_applied": out.not_applied})
        if out.ok:
            self._saved_depth = len(self.document.undo_stack)
        said = self._said(out.message, "bold green" if out.ok else "bold red", ok=out.ok)
        return Outcome(said.ok, said.message, {"conflict": True} if out.conflict else None)

    async def _apply(self, edit: Edit) -> Outcome:
        assert self.document is not None
        try:
            self.document.apply(edit)
        except EditError as exc:
            return self._said(f"edit refused: {exc}", "bold yellow", ok=False)
        await self._after_edit(edit.describe())
        return Outcome(True, edit.describe())

    async def _after_edit(self, what: str) -> None:
        assert self.document is not None
        await self.adopt_show(self.document.show, what)

    async def adopt_show(self, show: m.Show, what: str, *, rebuild: bool = True,
                         text: str | None = None) -> None:
        """``show`` is the version that runs now (an edit, a hot reload): the session
        rebuilt from it (unless the caller swapped it in already), every client told.
        ``text``: its :meth:`show_text`, when the caller made it already (off the loop)."""
        if rebuild:
            await self._start_session(show)
        self.revision += 1
        if text is not None:
            self._show_text = (self.revision, text)
        self.show_text()
        if what:
            self.log.note(what)
        for fn in list(self.on_show_changed):
            fn()

    # ------------------------------------------------------------------ programmer

    async def _programmer_line(self, text: str, lname: str, selected: str | None) -> Outcome:
        from showctl.live.programmer_line import ProgrammerLineError, parse_programmer_line

        try:
            line = parse_programmer_line(text)
        except ProgrammerLineError as exc:
            return self._said(str(exc), "bold yellow", ok=False)
        if line.verb == "record":
            return await self._record_look(lname, selected)
        if line.verb == "update":
            return await self._update_look(lname, selected)
        try:
            if line.verb == "clear":
                n = self.programmer.clear(line.selection, time=0.0)
                return self._said(f"released {n} attributes")
            if line.verb == "sneak":
                t = line.time if line.time is not None else self.show.settings.default_fade
                n = self.programmer.clear(time=t)
                return self._said(f"releasing {n} attributes in {t:g} s")
            assert line.selection is not None and line.attr is not None
            pairs = line.values or ((line.attr, line.value),)
            keys = self.programmer.set(line.selection, dict(pairs))
            said = " ".join(f"{a} {v}" for a, v in pairs)
            return self._said(f"{line.selection} {said} "
                              f"({len(keys)} fixture{'s' if len(keys) != 1 else ''})")
        except ProgrammerError as exc:
            return self._said(str(exc), "bold yellow", ok=False)

    async def _record_look(self, lname: str, after: str | None) -> Outcome:
        """Record the programmer as a new light cue after ``after``: only what differs
        from the tracked state at that point of the list."""
        if not self.programmer.fixtures:
            return self._said("the programmer is empty: nothing to record", "bold yellow",
                              ok=False)
        state = tracked_state(self.engine.light_program, lname,
                              cues_before(self.show, lname, after, inclusive=True))
        holds = self.programmer.differing(state)
        if not holds:
            return self._said("nothing to record: the programmer is the tracked look at "
                              "this point", "bold yellow", ok=False)
        rec = RecordLook(lname, after, name="Recorded look",
                         fixtures=self.programmer.record_mapping(holds))
        out = await self._apply(rec)
        if not out.ok:
            return out
        assert rec.number is not None
        if not await self._check_look(lname, rec.number):
            return Outcome(False, f"cue {rec.number} would not play back the programmer")
        return Outcome(True, self._said(f"recorded cue {rec.number}", "bold green").message,
                       {"number": rec.number})

    async def _update_look(self, lname: str, number: str | None) -> Outcome:
        """Merge the programmer into a light cue (tracking-aware)."""
        lst = self.engine.lists.get(lname)
        cue = lst.nav.by_number.get(number) if lst is not None and number else None
        if not isinstance(cue, m.LightCue):
            return self._said("select a light cue to update", "bold yellow", ok=False)
        if not self.programmer.fixtures:
            return self._said("the programmer is empty: nothing to update", "bold yellow",
                              ok=False)
        state = tracked_state(self.engine.light_program, lname,
                              cues_before(self.show, lname, cue.number, inclusive=False))
        try:
            mapping = plan_update(self.programmer, cue.fixtures, state)
        except ProgrammerError as exc:
            return self._said(str(exc), "bold yellow", ok=False)
        if mapping == {str(k): dict(v) for k, v in cue.fixtures.items()}:
            return self._said(f"cue {cue.number} already has these values", "bold yellow",
                              ok=False)
        out = await self._apply(UpdateLook(lname, cue.number, mapping))
        if not out.ok:
            return out
        if not await self._check_look(lname, cue.number):
            return Outcome(False, f"cue {cue.number} would not play back the programmer")
        return self._said(f"updated cue {cue.number}", "bold green")

    async def _check_look(self, lname: str, number: str) -> bool:
        """After record/update: the cue's look must be what the programmer holds (else
        the edit is undone — it would not play back what the TD saw)."""
        program = self.engine.light_program
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
                self.log.note(f"cue {number}: {name} would not play back as held; "
                              "nothing was changed", "bold red")
                return False
        return True

    # ------------------------------------------------------------------ state

    def show_json(self) -> dict[str, Any]:
        return show_json(self.show)

    def show_text(self) -> str:
        """The show document as JSON text, made once per revision: a client attaching to
        a big show must not cost the frame loop a serialisation of it."""
        if self._show_text is None or self._show_text[0] != self.revision:
            self._show_text = (self.revision, encode(self.show_json()))
        return self._show_text[1]

    @property
    def layout_key(self) -> int:
        """Changes when the lighting layout (the attributes' names) may have changed."""
        return id(self.session.lighting.layout) if self.session is not None else 0

    def state(self, *, lists: list[str] | None = None, outputs: list[str] | None = None,
              names: bool = True) -> State:
        """The state views for one client: rows of ``lists`` (None: all), levels of the
        lighting ``outputs`` (None: every DMX output), with the attributes' ``names``
        or not (a client keeps them while :attr:`layout_key` stays the same)."""
        engine = self.engine
        session = self.session
        assert session is not None
        lighting = session.lighting
        want_rows = set(engine.lists) if lists is None else set(lists)
        views = {name: list_view(engine, name, self.history, with_rows=name in want_rows,
                                 cache=self._rows.setdefault(name, ListRows()))
                 for name in engine.lists}
        held = frozenset(self.programmer.held_indices().tolist())
        light: dict[str, Any] = {}
        for out in dmx_outputs(self.show):
            if outputs is not None and out not in outputs:
                continue
            key = (id(lighting.layout), out)
            if key not in self._index:
                self._index[key] = np.asarray(output_index(lighting, out), dtype=np.int64)
            light[out] = lighting_view(lighting, out, self._index[key], held,
                                       with_names=names)
        timecode: tuple[str, ...] = ()
        if self.remote is not None:
            timecode = tuple(str(s) for s in self.remote.timecode_status())
        now = engine.now()
        timecode = (*timecode, *self.log.timecode_status(now))  # generated by cues
        return State(
            t=now, elapsed=None if self.show_started is None else now - self.show_started,
            mode=self.mode, title=self.show.show.title, revision=self.revision,
            lists=views, running=tuple(run_rows(engine, self.history)),
            outputs=tuple(output_rows(session.drivers)), lighting=light,
            faults=self.history.faults, idle=engine.is_idle(), lit=lit(lighting),
            dirty=self.document is not None and self.document.dirty,
            programmer=(tuple(self.programmer.lines()) if self.mode == "edit" else None),
            grandmaster=lighting.grandmaster, blackout=lighting.blackout,
            timecode=timecode, clients=self.clients, list_names=tuple(engine.lists),
            schedule=self.schedule.state(
                self.show, now, show_start=self.show_started,
                wall_start=self.wall_start or (self.recorder.started if self.recorder
                                               else None)),
            show_file=self.reload.news(),
        )
