"""Recording a run: :class:`RunLogRecorder` (``showctl.replay.record_replay`` puts one
on a replay).

A :class:`RunLogRecorder` listens to a session's event bus and records

* every operator action as a **calling script** entry (``calls:``, the same
  ``{at, do, list}`` entries ``showctl replay --calls`` reads), so a rehearsal can be
  replayed on the virtual clock and turned into a regression test;
* each cue run: triggered, planned start (triggered + prewait), actual start, end and
  how it ended (completed / stopped / still running), its pauses and failures;
* GOs (accepted and ignored), driver faults and panics, all with show times.

Show time 0 is the engine's start (``engine.t0``); ``started`` is the wall clock at that
moment, so wall-clock times are ``started + t``.

How operator actions become calls (each action recorded exactly once):

* ``go`` and ``panic`` can be seen on the bus (``go``/``go_rejected`` and ``panic``
  events; nothing but an operator produces them), so they are recorded even when a front
  end never calls :meth:`RunLogRecorder.operator`.
* A front end *may* also call ``operator("go")`` / ``operator("panic")``, before or
  after carrying the action out. Such a call and an event of the same action on the same
  list less than :data:`MATCH_WINDOW` seconds apart are one action: whichever comes
  second merges into the entry the first made (the entry takes the event's time, which
  is the engine's own). Each call merges with at most one event and vice versa.
* ``stop``, ``pause``, ``resume``, ``back`` and ``goto N`` cannot be told apart from what
  cues do (a stop cue, a goto cue…), so they are only recorded through ``operator()``.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO, Any, Protocol

from showctl.api.calls import Call, check_action
from showctl.engine import events as ev
from showctl.model import show as m
from showctl.runlog.files import default_runlog_path, write_runlog
from showctl.runlog.schema import (
    CrashRecord,
    CueRecord,
    FailureRecord,
    FaultRecord,
    GoRecord,
    How,
    Mode,
    PanicRecord,
    ReloadRecord,
    RunLog,
    ShowRef,
)
from showctl.runlog.sections import section_outline

MATCH_WINDOW = 0.25
"""Seconds within which an ``operator("go")`` call and a ``go`` event are one GO."""

# Actions the bus shows us (so they are derived from events too) and those it cannot.
_DERIVED = ("go", "panic", "pause_all", "resume_all", "blackout on", "blackout off")
_DERIVED_WORDS = ("grandmaster",)
# Actions whose list defaults to the main list (stop/pause/resume without one mean all).
_MAIN_BY_DEFAULT = ("go", "back", "goto")


class _Timed(Protocol):
    bus: ev.EventBus

    def now(self) -> float: ...


@dataclass(slots=True)
class _Entry:
    at: float
    do: str
    list: str | None
    by_operator: bool
    by_event: bool


class RunLogRecorder:
    """Records a run from a session's event bus (plus the operator's actions).

    ``started`` is the wall clock at show time 0; pass it for deterministic logs (tests),
    or leave it out and :meth:`attach` works it out from the engine's clock.
    """

    def __init__(
        self,
        show: m.Show,
        mode: Mode,
        show_path: str | Path | None = None,
        *,
        started: datetime | None = None,
    ) -> None:
        if mode not in ("live", "headless", "replay"):
            raise ValueError(f"mode must be live, headless or replay, not {mode!r}")
        self.show = show
        self.mode: Mode = mode
        self.show_path = None if show_path is None else str(show_path)
        self.started = started
        self.sections, self._section_of = section_outline(show)
        self._names = show.cue_names()
        self._parents = {(ln, c.number): p.number for ln, c, p in show.walk() if p is not None}
        self._engine: _Timed | None = None
        self._entries: list[_Entry] = []
        self._latest: dict[tuple[str, str], _Cue] = {}
        self._current_section: int | None = None
        self.cues: list[_Cue] = []
        """One compact record per cue run (a slotted dataclass, not a pydantic model:
        an hours-long looping show runs thousands of cues, and a model instance costs
        ~1.4 KiB each — the run log's share of a live run's memory growth)."""
        self.gos: list[GoRecord] = []
        self.faults: list[FaultRecord] = []
        self.recoveries: list[FaultRecord] = []
        self.failures: list[FailureRecord] = []
        self.panics: list[PanicRecord] = []
        self.reloads: list[ReloadRecord] = []
        self.crashes: list[CrashRecord] = []
        self.last_t = 0.0
        self.ended: float | None = None

    # ------------------------------------------------------------------ wiring

    def attach(self, source: Any) -> Callable[[], None]:
        """Listen to a ``Session`` (or an ``Engine``): subscribes to its bus and uses its
        engine's clock for :meth:`operator`. Returns the unsubscribe function."""
        engine = getattr(source, "engine", source)
        self._engine = engine
        if self.started is None:
            self.started = datetime.now().astimezone() - timedelta(seconds=engine.now())
        unsubscribe: Callable[[], None] = engine.bus.subscribe(self)
        return unsubscribe

    def trace_writer(self, out: IO[str] | None = None) -> Any:
        """A ``TraceWriter`` that also feeds this recorder: for ``replay(..., trace=...)``,
        which builds its own session."""
        from showctl.trace import TraceWriter

        recorder = self

        class _Tee(TraceWriter):
            def __call__(self, event: ev.Event) -> None:
                super().__call__(event)
                recorder(event)

        return _Tee(out)

    def now(self) -> float:
        if self._engine is not None:
            return float(self._engine.now())
        return self.last_t

    # ------------------------------------------------------------------ operator actions

    def crash(self, at: float, resumed: float, *, late: int = 0, skipped: int = 0) -> None:
        """The engine crashed at show time ``at`` and the run went on, resumed from its
        journal, at ``resumed`` (the gap in the run log and the report)."""
        self.crashes.append(CrashRecord(at=at, resumed=resumed, down=max(0.0, resumed - at),
                                        late=late, skipped=skipped))

    def operator(self, do: str, list: str | None = None, *, at: float | None = None) -> None:
        """Record an operator action: ``go``, ``stop``, ``pause``, ``resume``, ``panic``,
        ``back`` or ``goto N`` (on ``list``; None = the main list for go/back/goto, every
        list for stop/pause/resume). ``at`` defaults to the engine's show time now.

        Call it once per action, just before or just after performing it (see the module
        docstring for how it merges with the GO and panic the bus reports)."""
        check_action(do)
        do = " ".join(do.split())
        t = self.now() if at is None else at
        lst = self._list_for(do.split()[0], list)
        if do in _DERIVED or do.split()[0] in _DERIVED_WORDS:
            twin = self._twin(do, lst, t, by_operator=False)
            if twin is not None:
                twin.by_operator = True
                return
        self._entries.append(_Entry(t, do, lst, by_operator=True, by_event=False))

    def _twin(self, do: str, lst: str | None, t: float, *, by_operator: bool) -> _Entry | None:
        """The closest unmerged entry of the same action made the other way, if any is
        within the window (ties: the earliest made)."""
        best: _Entry | None = None
        for e in self._entries:
            if (e.do == do and e.list == lst and e.by_operator == by_operator
                    and e.by_event != by_operator and abs(e.at - t) <= MATCH_WINDOW
                    and (best is None or abs(e.at - t) < abs(best.at - t))):
                best = e
        return best

    def _list_for(self, action: str, lst: str | None) -> str | None:
        if action in ("panic", "pause_all", "resume_all", "blackout", "grandmaster"):
            return None
        if lst is None and action in _MAIN_BY_DEFAULT:
            return self.show.main_list
        return lst

    def _derived(self, do: str, lst: str | None, t: float) -> None:
        twin = self._twin(do, lst, t, by_operator=True)
        if twin is not None:
            twin.by_event = True
            twin.at = t
            return
        self._entries.append(_Entry(t, do, lst, by_operator=False, by_event=True))

    # ------------------------------------------------------------------ events

    def __call__(self, e: ev.Event) -> None:
        if isinstance(e, ev.Output):
            return  # DMX frames and messages: the trace's business, not the run log's
        self.last_t = max(self.last_t, e.t)
        if isinstance(e, ev.CueTriggered):
            self._triggered(e)
        elif isinstance(e, ev.CueStarted):
            rec = self._latest.get((e.list, e.cue))
            if rec is not None:
                rec.started = e.t
        elif isinstance(e, ev.CueCompleted | ev.CueStopped):
            rec = self._latest.get((e.list, e.cue))
            if rec is not None and rec.how == "running":
                rec.ended = e.t
                rec.how = "stopped" if isinstance(e, ev.CueStopped) else "completed"
                if rec.pauses and rec.pauses[-1][1] is None:
                    rec.pauses[-1] = (rec.pauses[-1][0], e.t)
        elif isinstance(e, ev.CuePaused):
            rec = self._latest.get((e.list, e.cue))
            if rec is not None:
                rec.pauses.append((e.t, None))
        elif isinstance(e, ev.CueResumed):
            rec = self._latest.get((e.list, e.cue))
            if rec is not None and rec.pauses and rec.pauses[-1][1] is None:
                rec.pauses[-1] = (rec.pauses[-1][0], e.t)
        elif isinstance(e, ev.Go):
            self.gos.append(GoRecord(at=e.t, list=e.list, cue=e.cue))
            self._derived("go", e.list, e.t)
        elif isinstance(e, ev.GoRejected):
            self.gos.append(GoRecord(at=e.t, list=e.list, rejected=e.reason or "ignored"))
            self._derived("go", e.list, e.t)
        elif isinstance(e, ev.Panic):
            self.panics.append(PanicRecord(at=e.t, duration=e.duration, hard=e.hard,
                                           lights="hold" if e.lights == "hold" else "out"))
            self._derived("panic", None, e.t)
        elif isinstance(e, ev.PauseAll):
            self._derived("pause_all" if e.paused else "resume_all", None, e.t)
        elif isinstance(e, ev.Blackout):
            self._derived("blackout on" if e.on else "blackout off", None, e.t)
        elif isinstance(e, ev.Grandmaster):
            self._derived(f"grandmaster {round(e.level * 100, 3):g}", None, e.t)
        elif isinstance(e, ev.DriverFaulted):
            self.faults.append(FaultRecord(at=e.t, output=e.output, reason=e.reason))
        elif isinstance(e, ev.DriverRecovered):
            self.recoveries.append(FaultRecord(at=e.t, output=e.output, reason=e.reason))
        elif isinstance(e, ev.CueFailed):
            self.failures.append(FailureRecord(at=e.t, list=e.list, cue=e.cue, reason=e.reason))
            rec = self._latest.get((e.list, e.cue))
            if rec is not None and rec.failed is None:
                rec.failed = e.reason

    def _triggered(self, e: ev.CueTriggered) -> None:
        key = (e.list, e.cue)
        if e.list == self.show.main_list and e.cue in self._section_of:
            section: int | None = self._section_of[e.cue]
            self._current_section = section
        else:  # another list: the section the main list is in at the time
            section = self._current_section
        rec = _Cue(
            list=e.list, cue=e.cue, name=self._names.get(key, ""),
            parent=self._parents.get(key), section=section,
            triggered=e.t, prewait=e.prewait, planned=e.t + e.prewait,
        )
        self.cues.append(rec)
        self._latest[key] = rec

    def reload(self, record: ReloadRecord) -> None:
        """The show file changed while the show ran (:mod:`showctl.live.reload`)."""
        self.reloads.append(record)
        self.last_t = max(self.last_t, record.at)

    # ------------------------------------------------------------------ output

    def finish(self, at: float | None = None) -> None:
        """Fix the end of the recording (default: the engine's time now, or the last
        event seen, whichever is later). Without it, a run log ends when it is made."""
        self.ended = self.now() if at is None else at
        self.ended = max(self.ended, self.last_t)

    def calls(self) -> list[Call]:
        entries = sorted(self._entries, key=lambda e: e.at)  # stable: same-time order kept
        return [Call(at=_r(e.at), do=e.do, list=e.list) for e in entries]

    def runlog(self) -> RunLog:
        """The run so far, as a :class:`RunLog` (the recorder keeps recording)."""
        ended = self.ended if self.ended is not None else max(self.now(), self.last_t)
        started = self.started or datetime.now().astimezone()
        return RunLog(
            show=ShowRef(title=self.show.show.title, path=self.show_path,
                         venue=self.show.show.venue),
            mode=self.mode,
            started=started,
            ended=_r(ended),
            sections=list(self.sections),
            calls=self.calls(),
            gos=[g.model_copy(update={"at": _r(g.at)}) for g in self.gos],
            cues=[_rounded(c) for c in self.cues],
            faults=[f.model_copy(update={"at": _r(f.at)}) for f in self.faults],
            recoveries=[f.model_copy(update={"at": _r(f.at)}) for f in self.recoveries],
            failures=[f.model_copy(update={"at": _r(f.at)}) for f in self.failures],
            panics=[p.model_copy(update={"at": _r(p.at)}) for p in self.panics],
            reloads=[r.model_copy(update={"at": _r(r.at)}) for r in self.reloads],
            crashes=[c.model_copy(update={"at": _r(c.at), "resumed": _r(c.resumed),
                                          "down": _r(c.down)}) for c in self.crashes],
        )

    def save(self, path: str | Path | None = None) -> Path:
        """Write the run log (atomically: a temporary file renamed into place) and return
        its path; without ``path``, :func:`default_runlog_path` is used. It may be called
        again (an autosave after each GO, say): each save writes the run so far, ending
        now unless :meth:`finish` fixed the end."""
        log = self.runlog()
        if path is None:
            if self.show_path is None:
                raise ValueError("no path given and no show path to name the run log after")
            path = default_runlog_path(self.show_path, log.started)
        return write_runlog(log, path)


def _r(t: float) -> float:
    return round(t, 6)


@dataclass(slots=True)
class _Cue:
    """A cue run while it is being recorded; :class:`CueRecord` in the saved log."""

    list: str
    cue: str
    triggered: float
    planned: float
    name: str = ""
    parent: str | None = None
    section: int | None = None
    prewait: float = 0.0
    started: float | None = None
    ended: float | None = None
    how: How = "running"
    pauses: builtins.list[tuple[float, float | None]] = field(default_factory=builtins.list)
    failed: str | None = None


def _rounded(c: _Cue) -> CueRecord:
    def opt(v: float | None) -> float | None:
        return None if v is None else _r(v)

    return CueRecord(
        list=c.list, cue=c.cue, name=c.name, parent=c.parent, section=c.section,
        triggered=_r(c.triggered), prewait=_r(c.prewait), planned=_r(c.planned),
        started=opt(c.started), ended=opt(c.ended), how=c.how,
        pauses=[(_r(a), opt(b)) for a, b in c.pauses], failed=c.failed,
    )

