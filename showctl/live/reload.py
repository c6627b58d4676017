"""Hot reload: the show file saved in an editor (or by ``git pull``) applies to the show
the engine runs.

:class:`HotReload` belongs to a :class:`~showctl.live.runtime.LiveRuntime`. When it
watches (``showctl run``, unless ``--no-watch``), it polls the show file's identity —
inode, size, mtime, ctime — on the runtime's clock every :data:`POLL` seconds: a
``stat`` per poll, nothing on the frame loop's path. A change is read only once the file
has stayed the same for one more poll (a debounce: an editor half way through writing is
not read), so in-place writes and atomic rename-over saves (vim, VS Code, git) are seen
alike. A file whose text is what the engine already knows (its own save, a ``touch``,
a checkout of the same version) changes nothing.

A changed file becomes the ``reload`` command (with the text read), carried out by the
runtime like every other command, so the crash journal records it with the text and a
resume applies the same version at the same moment. Carrying it out:

- the text is checked as ``showctl check`` does; a save that does not check is
  **refused**: its ``file:line:col`` problems go to the log and to the state
  (``show_file.problems``), and the show keeps running the last good version;
- when this session has **unsaved edits** (console edits), nothing is applied and
  nothing overwritten: the operator is told, and saving offers the save-conflict flow
  (reload re-applying this session's edits / save as / overwrite,
  :mod:`showctl.live.saving`);
- otherwise the change applies. Cues, times, looks, notes and settings are swapped into
  the running engine **in place**: running cues keep running as they started (a
  running cue the change deletes is stopped), the next GO fires the new version, the
  drivers are not touched. A change of the outputs or of the patch (the DMX layout)
  needs the session rebuilt, as an edit does: at once when nothing runs, else when the
  running cues have ended (``show_file.pending`` until then);
- playheads stay on the same cue number; a standby cue that was deleted hands the
  playhead to the next cue after it that still exists.

Each reload (applied, deferred, refused, in conflict) is a log line and a run-log
record with the change list of ``showctl diff`` (:mod:`showctl.model.diff`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from showctl.api.protocol import Command, encode
from showctl.engine import events as ev
from showctl.engine.engine import Engine, ListState
from showctl.engine.light_cues import LightProgram
from showctl.engine.navigation import Navigation
from showctl.engine.rig import RigLayout
from showctl.live.state import show_json
from showctl.model import show as m
from showctl.model.diff import diff_shows
from showctl.model.loader import parse_show
from showctl.model.problems import Problem

if TYPE_CHECKING:
    from showctl.clocks.clock import TimerHandle
    from showctl.live.runtime import LiveRuntime

_log = logging.getLogger(__name__)

POLL = 0.5
"""Seconds between two looks at the show file. A save applies one to two polls later."""

_ENDS = (ev.CueCompleted, ev.CueStopped)


class Stamp(NamedTuple):
    """What says a file changed without reading it."""

    dev: int
    ino: int
    size: int
    mtime_ns: int
    ctime_ns: int


def file_stamp(path: Path) -> Stamp | None:
    """The file's stamp, None when it is not there (a rename-over save in between)."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return Stamp(st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


@dataclass(frozen=True, slots=True)
class Said:
    """What a ``reload`` command did (the runtime makes it its ``Outcome``)."""

    ok: bool
    message: str = ""
    data: Any = None


@dataclass(slots=True)
class _Pending:
    """An applied-later change (outputs or patch changed while cues ran)."""

    show: m.Show
    text: str
    changes: list[str]


class HotReload:
    """The show file watched and its new versions applied (see the module doc)."""

    def __init__(self, runtime: LiveRuntime) -> None:
        self.runtime = runtime
        self.interval = POLL
        self.offload = False
        """Read and check a new version in a thread (the engine process, real clock):
        a big show's check must not hold up frames. Never while a resume replays, nor
        on test clocks, where the moment it applies must be exact."""
        self.known_text: str | None = None
        """The text the running show was read from (the file as the engine knows it)."""
        self.problems: list[str] = []
        self.conflict = ""
        self._conflict_text: str | None = None
        self.pending: _Pending | None = None
        self.last = ""
        self.seq = 0
        """Grows with each piece of news (clients notice a new one)."""
        self.reloads = 0
        """Versions applied (in place or rebuilt)."""
        self._watching = False
        self._stamp: Stamp | None = None
        self._seen: Stamp | None = None
        self._timer: TimerHandle | None = None
        self._task: asyncio.Task[None] | None = None
        self.on_line: list[Callable[[str], None]] = []
        """Also told each line said (the headless engine prints them)."""
        runtime.on_event.append(self._on_event)

    # ------------------------------------------------------------------ watching

    @property
    def path(self) -> Path | None:
        """The file the show runs from (after a *save as*, that file)."""
        doc = self.runtime.document
        if doc is not None and doc.path is not None:
            return doc.path
        return self.runtime.path

    @property
    def watching(self) -> bool:
        return self._watching

    def watch(self) -> None:
        """Start polling the show file (the runtime is started)."""
        path = self.path
        if path is None or self._watching:
            return
        self._stamp = file_stamp(path)
        if self.known_text is None:
            with contextlib.suppress(OSError, UnicodeDecodeError):
                self.known_text = path.read_text(encoding="utf-8")
        self._watching = True
        self._arm()

    def close(self) -> None:
        self._watching = False
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    async def wait(self) -> None:
        """Until the reload in progress (if any) is carried out (tests, shutdown)."""
        while self._task is not None and not self._task.done():
            await asyncio.shield(self._task)

    def _arm(self) -> None:
        clock = self.runtime.clock
        if clock is None or not self._watching:
            return
        self._timer = clock.call_at(clock.now() + self.interval, self._poll)

    def _fast_forward(self) -> bool:
        journal = self.runtime.journal
        return journal is not None and bool(getattr(journal, "fast_forward", False))

    def _check_conflict(self) -> None:
        """A conflict ends when the operator saved over it, saved as another file or
        reloaded with the edits; if the edits were dropped instead (undone), the file's
        version is read again and applied."""
        doc = self.runtime.document
        if not self.conflict or (doc is not None and doc.dirty
                                 and doc.saved_text != self._conflict_text):
            return
        if doc is None or doc.saved_text != self._conflict_text:
            self._stamp = None
        self.conflict = ""
        self._conflict_text = None
        self.seq += 1

    def _poll(self) -> None:
        self._arm()
        if self._task is not None and not self._task.done():
            return
        self._check_conflict()
        if self._fast_forward():
            # A resume replays the journal's reloads; once live, the file on disk is
            # compared with what they left (it may have changed while the engine was down).
            self._stamp = None
            return
        if self.pending is not None:
            self._apply_pending()  # (normally the end of the last running cue does it)
            if self._task is not None and not self._task.done():
                return
        path = self.path
        if path is None:
            return
        stamp = file_stamp(path)
        if stamp == self._stamp:
            self._seen = None
            return
        if stamp != self._seen:
            self._seen = stamp  # changed: read it when it has stayed so for one poll
            return
        self._seen = None
        self._stamp = stamp
        if stamp is None:
            return  # gone (deleted, or moved away): the show runs on as it is
        self._task = asyncio.get_running_loop().create_task(self._changed(path))

    async def _changed(self, path: Path) -> None:
        try:
            data = path.read_bytes()
        except OSError as exc:
            self._say(f"cannot read {path}: {exc.strerror or exc}", "bold red")
            return
        text = data.decode("utf-8", errors="replace")
        if text == self._known():
            # The engine's own save, a touch, the same version checked out — or a bad
            # save put back as it was: then its problems are gone.
            if self.problems:
                self.problems = []
                line = f"{path.name} is back to the version that runs"
                self._news(line)
                self._say(line)
            return
        try:
            await self.runtime.execute(Command("reload", {"text": text}))
        except Exception:  # a bug: said loudly, and the show goes on
            _log.exception("hot reload failed")
            self._say(f"internal error while reloading {path.name} (a bug: see the engine "
                      "log); the show runs on", "bold red")

    def _known(self) -> str | None:
        doc = self.runtime.document
        if doc is not None:
            return doc.saved_text
        return self.known_text

    # ------------------------------------------------------------------ the command

    async def execute(self, cmd: Command) -> Said:
        """The ``reload`` command: apply ``text`` (default: the file as it is now)."""
        path = self.path
        text = cmd.args.get("text")
        if text is None:
            if path is None:
                return Said(False, "this show was not opened from a file: nothing to reload")
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                return self._refuse(str(path), [Problem(str(path), 1, 1,
                                                        f"cannot read the file: {exc}")])
            # Journaled with the text it read (the command's args are written after it
            # ran), so a resume applies this very version.
            cmd.args["text"] = text
        name = str(path) if path is not None else "show.yaml"
        prep = await self._prepare(str(text), name)
        if prep.problems or prep.show is None:
            return self._refuse(name, prep.problems)
        self.problems = []
        doc = self.runtime.document
        if doc is not None and doc.dirty:
            return self._in_conflict(name, str(text), prep.show)
        return await self._apply(name, prep, str(text))

    async def _prepare(self, text: str, name: str) -> _Prepared:
        """Check, diff and compile the new version — in a thread when :attr:`offload`
        (a big show's check and compile take seconds; the frame loop must not wait)."""
        rt = self.runtime
        session = rt.session
        assert session is not None
        base, layout = rt.show, session.lighting.layout
        if not (self.offload and not self._fast_forward()):
            return prepare(text, name, base, layout)
        prep = await asyncio.to_thread(prepare, text, name, base, layout)
        if rt.show is not base or rt.session is None or rt.session.lighting.layout is not layout:
            prep = prepare(text, name, rt.show, rt.session.lighting.layout if rt.session
                           else layout)  # an edit came in meanwhile: again, on what runs now
        return prep

    def _refuse(self, name: str, problems: list[Problem]) -> Said:
        self.problems = [str(p) for p in problems] or [f"{name}: does not load"]
        n = len(self.problems)
        head = (f"{Path(name).name} saved with {n} problem{'s' if n != 1 else ''}: not "
                "applied, the show runs the last good version")
        self._news(head)
        self._say(head, "bold red")
        for line in self.problems:
            self._say(line, "red")
        self._record("refused", name, problems=self.problems)
        return Said(False, head, {"problems": list(self.problems)})

    def _in_conflict(self, name: str, text: str, show: m.Show) -> Said:
        rt = self.runtime
        self._conflict_text = text
        self.conflict = (f"{Path(name).name} changed on disk while this session has unsaved "
                         "edits: nothing applied, nothing overwritten. Save (edit mode, "
                         "ctrl+s) to reload it with your edits re-applied, save as another "
                         "file, or overwrite it")
        self._news(self.conflict)
        self._say(self.conflict, "bold yellow")
        assert rt.document is not None
        changes = [c.text for c in diff_shows(rt.document.show, show).changes]
        self._record("conflict", name, changes=changes)
        return Said(False, self.conflict, {"conflict": True})

    # ------------------------------------------------------------------ applying

    async def _apply(self, name: str, prep: _Prepared, text: str) -> Said:
        rt = self.runtime
        show, changes = prep.show, prep.changes
        assert show is not None
        self.pending = None
        self._conflict_text = None
        self.conflict = ""
        if not changes:
            self._adopt_text(text, show)
            line = f"{Path(name).name} saved: no change to the show"
            self._news(line)
            self._say(line)
            return Said(True, line)
        if prep.error:  # the lighting cannot be compiled: keep the last version
            return self._refuse(name, [Problem(name, 1, 1, prep.error)])
        program = prep.program
        if program is None and not rt.engine.is_idle():
            self.pending = _Pending(show, text, changes)
            line = (f"{Path(name).name} changed the outputs or the patch: applies when the "
                    "running cues have ended")
            self._news(line)
            self._say(line, "bold yellow")
            self._record("deferred", name, changes=changes)
            return Said(True, line, {"deferred": True, "changes": changes})
        await self._switch(prep if program is not None else _Prepared(show, [], changes))
        self._adopt_text(text, show)
        return Said(True, self._applied(name, changes), {"changes": changes})

    async def _switch(self, prep: _Prepared) -> None:
        """Make the new version the one that runs: in place, or a session rebuild (idle
        only)."""
        rt = self.runtime
        show = prep.show
        assert show is not None
        navs = prep.navs or {name: Navigation(cl.cues) for name, cl in show.cuelists.items()}
        targets = playhead_targets(rt.engine, navs)
        if prep.program is not None:
            # The reload is journaled as itself: the stops and playhead moves it makes
            # are not engine inputs of their own (a resume would make them twice).
            with rt.quiet_inputs():
                swap_in_place(rt, show, prep.program, navs, targets, prep.names)
            if prep.remote_changed and rt.remote is not None:
                await rt.remote.close()
                rt.remote = None
                await rt.start_remote()
            await rt.adopt_show(show, "", rebuild=False, text=prep.text)
        else:
            await rt.adopt_show(show, "")
            with rt.quiet_inputs():
                place_playheads(rt.engine, targets)
        self.reloads += 1

    def _applied(self, name: str, changes: list[str]) -> str:
        n = len(changes)
        line = f"reloaded {Path(name).name}: {n} change{'s' if n != 1 else ''}"
        self._news(line)
        self._say(line, "bold green")
        for text in changes:
            self._say(f"  {text}")
        self._record("applied", name, changes=changes)
        return line

    def _adopt_text(self, text: str, show: m.Show) -> None:
        """The file's text is now the engine's (the document too, when one is open)."""
        rt = self.runtime
        self.known_text = text
        doc = rt.document
        if doc is not None:
            from showctl.model.editing import ShowDocument

            # A fresh document of the new version: the console's next edits merge into
            # the author's text as saved (its undo history was of the old version).
            rt.document = ShowDocument(text, doc.path)
            rt.document.show = show
            rt._saved_depth = 0

    def _on_event(self, e: ev.Event) -> None:
        if self.pending is None or not isinstance(e, _ENDS):
            return
        with contextlib.suppress(RuntimeError):  # no loop: the runtime is gone
            asyncio.get_running_loop().call_soon(self._apply_pending)

    def _apply_pending(self) -> None:
        rt = self.runtime
        if (self.pending is None or rt.session is None or not rt.engine.is_idle()
                or (self._task is not None and not self._task.done())):
            return
        self._task = asyncio.get_running_loop().create_task(self._run_pending())

    async def _run_pending(self) -> None:
        pending, self.pending = self.pending, None
        if pending is None:
            return
        name = str(self.path or "show.yaml")
        await self._switch(_Prepared(pending.show, [], pending.changes))
        self._adopt_text(pending.text, pending.show)
        self._applied(name, pending.changes)

    # ------------------------------------------------------------------ news

    def _say(self, line: str, style: str = "italic") -> None:
        """A line for the operator: the log (every console, the page) and ``on_line``."""
        self.runtime.log.note(line, style)
        for fn in list(self.on_line):
            fn(line)

    def _news(self, line: str) -> None:
        self.last = line
        self.seq += 1

    def _record(self, outcome: str, name: str, *, changes: list[str] | None = None,
                problems: list[str] | None = None) -> None:
        rt = self.runtime
        if rt.recorder is None:
            return
        from showctl.runlog.schema import ReloadRecord

        rt.recorder.reload(ReloadRecord(at=rt.engine.now(), file=name,
                                        outcome=outcome,
                                        changes=changes or [], problems=problems or []))

    def news(self) -> dict[str, Any] | None:
        """``State.show_file`` (None: nothing to say)."""
        self._check_conflict()
        if not (self.problems or self.conflict or self.pending or self.last):
            return None
        return {"problems": list(self.problems), "conflict": self.conflict,
                "pending": (f"{len(self.pending.changes)} changes wait for the running "
                            "cues to end") if self.pending is not None else "",
                "last": self.last, "seq": self.seq, "watching": self._watching}


# ---------------------------------------------------------------------------- the swap


def same_layout(a: RigLayout, b: RigLayout) -> bool:
    """Whether two rig layouts put the same attributes on the same DMX slots."""
    return (a.names == b.names and a.slots == b.slots and a.home == b.home
            and a.intensity == b.intensity and a.master == b.master and a.snap == b.snap
            and a.scaled_by == b.scaled_by)


@dataclass(slots=True)
class _Prepared:
    """A new version, checked, compared with the running one and compiled."""

    show: m.Show | None
    problems: list[Problem]
    changes: list[str]
    program: LightProgram | None = None
    """Its light program on the running layout (None: the session must be rebuilt)."""
    error: str = ""
    navs: dict[str, Navigation] | None = None
    """Each list's navigation (made here, off the loop)."""
    remote_changed: bool = False
    """Triggers or timecode settings changed: the OSC API's inputs are restarted."""
    text: str | None = None
    """The show as the native API sends it (made here: seconds of JSON for a big show)."""
    names: dict[tuple[str, str], str] | None = None


def prepare(text: str, name: str, running: m.Show, layout: RigLayout) -> _Prepared:
    """Everything a reload works out before it touches the engine. Reads ``running`` and
    ``layout`` and changes neither, so it may run in a thread."""
    show, problems = parse_show(text, name)
    if problems or show is None:
        return _Prepared(None, problems, [])
    changes = [c.text for c in diff_shows(running, show).changes]
    if not changes:
        return _Prepared(show, [], [])
    try:
        program = in_place_program(running, layout, show)
    except Exception as exc:
        return _Prepared(show, [], changes, None, f"cannot apply: {exc}")
    return _Prepared(show, [], changes, program,
                     navs={name: Navigation(cl.cues) for name, cl in show.cuelists.items()},
                     remote_changed=remote_part(running) != remote_part(show),
                     text=encode(show_json(show)), names=show.cue_names())


def copy_layout(layout: RigLayout) -> RigLayout:
    """A layout to extend without touching ``layout`` (slots are never changed in place:
    list and dict copies are enough, and take a millisecond where a deep copy took 0.4 s
    on a 500-fixture rig)."""
    return RigLayout(names=list(layout.names), home=list(layout.home),
                     intensity=list(layout.intensity), master=list(layout.master),
                     snap=list(layout.snap), slots=list(layout.slots),
                     index=dict(layout.index), scaled_by=dict(layout.scaled_by))


def in_place_program(running: m.Show, layout: RigLayout, show: m.Show) -> LightProgram | None:
    """The new show's light program when it can replace the running one in place (same
    outputs, same patch, same DMX layout), else None (the session must be rebuilt).
    Raises when the new show's lighting cannot be compiled."""
    if running.outputs != show.outputs or running.patch != show.patch:
        return None
    # Compiled onto a copy of the running layout: attributes keep their indices, and one
    # no cue uses any more (a raw channel taken out of a cue) stays, harmlessly.
    program = LightProgram(show, layout=copy_layout(layout))
    if not same_layout(program.layout, layout):
        return None  # a new attribute (a raw channel no cue used before): new arrays
    program.layout = layout  # equal: the running frame loop's own
    return program


def remote_part(show: m.Show) -> list[Any]:
    """What the OSC API's triggers and timecode chase are built from."""
    lists = [(name, cl.timecode) for name, cl in show.cuelists.items()]
    trig = [(lname, cue.number, cue.triggers) for lname, cue, _p in show.walk()
            if getattr(cue, "triggers", None)]
    return [lists, trig]


def playhead_targets(engine: Engine, navs: dict[str, Navigation]) -> dict[str, str | None]:
    """Per list that stays: the cue number its playhead goes to in the new version (its
    lists' ``navs``) — the same number, or (deleted, or no longer navigable) the next cue
    after it that is."""
    out: dict[str, str | None] = {}
    for name, lst in engine.lists.items():
        nav = navs.get(name)
        if nav is None:
            continue
        ph = lst.playhead
        if ph is None or ph.number in nav.navigable:
            out[name] = None if ph is None else ph.number
            continue
        pos = lst.nav.position.get(ph.number, len(lst.nav.flat))
        out[name] = next((c.number for c in lst.nav.flat[pos + 1:]
                          if c.number in nav.navigable and c.number not in lst.owned), None)
    return out


def place_playheads(engine: Engine, targets: dict[str, str | None]) -> None:
    """Put each list's playhead on its target (an event only when it moved)."""
    for name, number in targets.items():
        lst = engine.lists.get(name)
        if lst is None:
            continue
        cue = lst.nav.by_number.get(number) if number is not None else None
        moved = (lst.playhead.number if lst.playhead is not None else None) != number
        lst.playhead = cue  # the new version's cue object: the next GO fires it
        if moved:
            engine.emit(ev.PlayheadMoved(engine.now(), name, number))


def swap_in_place(rt: LiveRuntime, show: m.Show, program: LightProgram,
                  navs: dict[str, Navigation], targets: dict[str, str | None],
                  names: dict[tuple[str, str], str] | None = None) -> None:
    """Replace the running engine's show without touching runs, drivers or the stage:
    running cues go on as they started (their cue objects are the old version); cues
    the new version deletes are stopped; lists and playheads take the new version."""
    engine = rt.engine
    session = rt.session
    assert session is not None
    for name, lst in list(engine.lists.items()):
        nav = navs.get(name)
        keep = nav.by_number if nav is not None else {}
        for run in list(lst.runs.values()):
            if run.number not in keep and lst.runs.get(run.number) is run:
                engine.stop_cue(name, run.number)
        if nav is None:
            del engine.lists[name]
    engine.show = show
    engine.main = show.main_list
    engine.light_program = program
    for name, cl in show.cuelists.items():
        current = engine.lists.get(name)
        if current is None:
            engine.lists[name] = ListState(name, cl.cues)
            continue
        lst = current
        lst.nav = navs[name]
        lst.owned &= lst.nav.navigable
    place_playheads(engine, targets)
    session.show = show
    rt.show = show
    rt.log.names = names if names is not None else show.cue_names()
    fixtures = program.fixtures
    rt.programmer.attach(session.lighting, fixtures.patch if fixtures is not None else None)
