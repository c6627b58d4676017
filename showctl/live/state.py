"""The state views, computed from the engine for the state stream.

:func:`cue_rows` and :func:`run_rows` turn engine state into the plain rows of
:mod:`showctl.api.views` (what the console's cue stack and running pane draw, and
tests assert on); :class:`CueHistory` listens to the event bus to remember how each
cue last ended (done, stopped, failed).
"""

from __future__ import annotations

from collections import deque
from dataclasses import replace
from typing import Any

import numpy as np
import numpy.typing as npt

from showctl.api.views import (
    CueRow,
    CueState,
    EndpointRow,
    LightingView,
    ListView,
    OutputRow,
    RunRow,
)
from showctl.drivers.base import Driver, HealthState
from showctl.engine import events as ev
from showctl.engine.countdown import Countdown
from showctl.engine.engine import Engine
from showctl.engine.lighting import Lighting
from showctl.engine.runs import Phase, Run
from showctl.model import show as m

CONTINUE_MARK = {
    m.ContinueMode.NONE: "",
    m.ContinueMode.AUTO_CONTINUE: "→cont",
    m.ContinueMode.AUTO_FOLLOW: "↓follow",
}


class CueHistory:
    """Remembers how each cue last ended, and when each run was paused; subscribe it
    to the session's bus."""

    def __init__(self) -> None:
        self.outcome: dict[tuple[str, str], tuple[CueState, str]] = {}
        self.version = 0
        """Grows with every change of :attr:`outcome`."""
        self._changes: deque[tuple[int, tuple[str, str]]] = deque(maxlen=4096)
        self.faults = 0
        self.pauses: dict[tuple[str, str], list[list[float]]] = {}
        """Per cue of the current run: ``[paused at, resumed at or inf]`` intervals."""

    def paused_time(self, list_name: str, number: str, since: float, now: float) -> float:
        """Seconds the cue's run spent paused between ``since`` and ``now``."""
        total = 0.0
        for start, end in self.pauses.get((list_name, number), ()):
            total += max(0.0, min(end, now) - max(start, since))
        return total

    def changed_since(self, version: int) -> list[tuple[str, str]] | None:
        """The (list, cue) outcomes changed after ``version``; None when that is further
        back than is remembered (look at every cue)."""
        if version == self.version:
            return []
        if version < 0 or (self._changes and self._changes[0][0] > version + 1):
            return None
        return [key for v, key in self._changes if v > version]

    def _set(self, key: tuple[str, str], outcome: tuple[CueState, str] | None) -> None:
        if outcome is None:
            if self.outcome.pop(key, None) is None:
                return
        else:
            self.outcome[key] = outcome
        self.version += 1
        self._changes.append((self.version, key))

    def __call__(self, e: ev.Event) -> None:
        if isinstance(e, ev.CuePaused):
            self.pauses.setdefault((e.list, e.cue), []).append([e.t, float("inf")])
        elif isinstance(e, ev.CueResumed):
            spans = self.pauses.get((e.list, e.cue))
            if spans and spans[-1][1] == float("inf"):
                spans[-1][1] = e.t
        if isinstance(e, ev.CueTriggered):
            self._set((e.list, e.cue), None)
            self.pauses.pop((e.list, e.cue), None)
        elif isinstance(e, ev.CueCompleted):
            if self.outcome.get((e.list, e.cue), (None,))[0] is not CueState.FAILED:
                self._set((e.list, e.cue), (CueState.DONE, ""))
        elif isinstance(e, ev.CueStopped):
            if self.outcome.get((e.list, e.cue), (None,))[0] is not CueState.FAILED:
                self._set((e.list, e.cue), (CueState.STOPPED, ""))
        elif isinstance(e, ev.CueFailed):
            self._set((e.list, e.cue), (CueState.FAILED, e.reason))
            self.faults += 1
        elif isinstance(e, ev.DriverFaulted):
            self.faults += 1


def nominal_duration(cue: m.CueBase, show: m.Show) -> float | None:
    """A cue's action time as written (light cues use the show's default fade)."""
    if isinstance(cue, m.GroupCue):
        return None
    if isinstance(cue, m.LightCue):
        up, down = cue.fade_times(show.settings.default_fade)
        return cue.delay + max(up, down, *cue.times.values())
    return cue.action_duration()


def action_elapsed(run: Run, now: float, history: CueHistory | None) -> float | None:
    """Seconds of action so far, paused time left out (None before the action)."""
    if run.action_timer is not None:
        return run.action_timer.elapsed()
    if run.started_at is None or run.phase is Phase.PREWAIT:
        return None
    paused = (history.paused_time(run.list, run.number, run.started_at, now)
              if history is not None else 0.0)
    return max(0.0, now - run.started_at - paused)


def action_left(run: Run, now: float, history: CueHistory | None
                ) -> tuple[float | None, float | None]:
    """(elapsed, seconds left) of a run's action: from its timer, or, for actions that
    end themselves (OSC fades, MIDI files, groups, timecode), from their known length."""
    if run.action_timer is not None:
        return run.action_timer.elapsed(), run.action_timer.remaining()
    elapsed = action_elapsed(run, now, history)
    if elapsed is None or run.duration is None or run.phase is not Phase.ACTION:
        return elapsed, None
    return elapsed, max(0.0, run.duration - elapsed)


def run_progress(run: Run, now: float, history: CueHistory | None = None
                 ) -> tuple[CueState, float | None, float | None]:
    """(state, progress 0..1, seconds left) of a running cue's current phase."""
    c: Countdown | None
    if run.phase is Phase.PREWAIT and run.prewait is not None:
        c = run.prewait
        state = CueState.PREWAIT
    elif run.phase is Phase.ACTION:
        c = run.action_timer
        state = CueState.PAUSED if run.paused else CueState.RUNNING
        if c is None:
            elapsed, left = action_left(run, now, history)
            if left is None or elapsed is None or not run.duration:
                return state, None, None
            return state, min(1.0, max(0.0, elapsed / run.duration)), left
    elif run.postwait is not None and not run.postwait.done:
        c = run.postwait
        state = CueState.POSTWAIT
    else:
        return CueState.RUNNING, 1.0, 0.0
    if run.paused:
        state = CueState.PAUSED
    assert c is not None
    left = c.remaining()
    prog = 1.0 if c.duration <= 0 else min(1.0, max(0.0, 1.0 - left / c.duration))
    return state, prog, left


def cue_rows(engine: Engine, list_name: str, history: CueHistory | None = None) -> list[CueRow]:
    """Every cue of a list (group children indented) with its live state."""
    return list(ListRows().update(engine, list_name, history))


class ListRows:
    """The cue rows of one list, kept from one state to the next.

    A 10,000-cue show has 10,000 rows, and the state goes out ten times a second: building
    every row each time cost the engine ~0.1 s a push (more than the frame loop can
    spare). The rows that cannot have changed are kept as the same objects, and only the
    cues that run, are on standby, sit in a ``first`` group the operator is inside, or
    whose outcome changed are looked at again. Keeping the objects also lets the server
    send a client only the rows that changed (see :meth:`State.to_json
    <showctl.api.views.State.to_json>`)."""

    def __init__(self) -> None:
        self.rows: tuple[CueRow, ...] = ()
        self._built_for: tuple[object, ...] = ()
        self._cues: list[m.Cue] = []
        self._index: dict[str, int] = {}
        self._first_groups: list[tuple[str, frozenset[str], frozenset[str], str]] = []
        """``first``-mode groups: number, descendants, children, first child."""
        self._looked: set[int] = set()
        """Rows that ran, stood by or were inside a group at the last update."""
        self._history_seen = -1
        self._armed: dict[str, bool] = {}
        """The arming overrides of this list the rows show."""

    def update(self, engine: Engine, list_name: str, history: CueHistory | None
               ) -> tuple[CueRow, ...]:
        lst = engine.lists[list_name]
        was = self._built_for
        if not was or was[0] is not engine.show or was[1] is not lst.nav:
            self._build(engine, list_name)
            self._built_for = (engine.show, lst.nav)
            self._armed = {}
            self._looked = set(range(len(self._cues)))
            self._history_seen = -1
        armed = {k[1]: v for k, v in engine.armed.items() if k[0] == list_name}
        if armed != self._armed:  # a cue (dis)armed another: those rows only
            rows = list(self.rows)
            for number in armed.keys() ^ self._armed.keys() | {
                    n for n in armed.keys() & self._armed.keys() if armed[n] != self._armed[n]}:
                i = self._index.get(number)
                if i is not None:
                    rows[i] = replace(rows[i], armed=engine.is_armed(list_name, self._cues[i]))
            self.rows = tuple(rows)
            self._armed = armed
        standby = lst.playhead
        active = set(lst.runs)
        if standby is not None:
            active.add(standby.number)
        inside: set[str] = set()
        for number, descendants, kids, first in self._first_groups:
            if ((active & descendants and (standby is None or standby.number != first))
                    or kids & lst.runs.keys()):
                inside.add(number)
        look = {self._index[n] for n in active | inside if n in self._index}
        if history is not None:
            changed = history.changed_since(self._history_seen)
            if changed is None:
                look.update(range(len(self._cues)))
            else:
                look.update(self._index[n] for (lname, n) in changed
                            if lname == list_name and n in self._index)
            self._history_seen = history.version
        now_looking = set(look)
        look |= self._looked
        self._looked = now_looking
        if not look:
            return self.rows
        now = engine.now()
        rows = list(self.rows)
        changed_any = False
        for i in look:
            cue = self._cues[i]
            run = lst.runs.get(cue.number)
            progress = remaining = None
            reason = ""
            if run is not None:
                state, progress, remaining = run_progress(run, now, history)
            elif cue.number in inside:
                state = CueState.RUNNING  # a `first` group the operator is inside
            elif standby is cue:
                state = CueState.STANDBY
            elif history is not None and (list_name, cue.number) in history.outcome:
                state, reason = history.outcome[(list_name, cue.number)]
            else:
                state = CueState.IDLE
            old = rows[i]
            if (old.state is not state or old.progress != progress
                    or old.remaining != remaining or old.reason != reason
                    or old.standby is not (standby is cue)):
                rows[i] = replace(old, state=state, progress=progress, remaining=remaining,
                                  reason=reason, standby=standby is cue)
                changed_any = True
        if changed_any:
            self.rows = tuple(rows)
        return self.rows

    def _build(self, engine: Engine, list_name: str) -> None:
        """Every row afresh, idle: the show or its navigation changed."""
        lst = engine.lists[list_name]
        show = engine.show
        cues: list[m.Cue] = []
        rows: list[CueRow] = []
        groups: list[tuple[str, frozenset[str], frozenset[str], str]] = []

        def add(items: list[m.Cue], depth: int) -> set[str]:
            numbers: set[str] = set()
            for cue in items:
                cues.append(cue)
                numbers.add(cue.number)
                rows.append(CueRow(
                    number=cue.number, name=cue.name, type=str(getattr(cue, "type", "")),
                    depth=depth, navigable=cue.number in lst.nav.navigable,
                    prewait=cue.prewait, duration=nominal_duration(cue, show),
                    postwait=cue.postwait, continue_mode=CONTINUE_MARK[cue.continue_],
                    armed=engine.is_armed(list_name, cue), state=CueState.IDLE,
                    standby=False, progress=None, remaining=None,
                ))
                if isinstance(cue, m.GroupCue):
                    kids = list(cue.cues)
                    below = add(kids, depth + 1)
                    numbers |= below
                    if cue.mode is m.GroupMode.FIRST and kids:
                        groups.append((cue.number, frozenset(below),
                                       frozenset(k.number for k in kids), kids[0].number))
            return numbers

        add(list(show.cuelists[list_name].cues), 0)
        self._cues = cues
        self.rows = tuple(rows)
        self._index = {c.number: i for i, c in enumerate(cues)}
        self._first_groups = groups


def list_view(engine: Engine, list_name: str, history: CueHistory | None,
              *, with_rows: bool = True, cache: ListRows | None = None) -> ListView:
    lst = engine.lists[list_name]
    wait = (max(0.0, engine.go_accepts_at(list_name) - engine.now())
            if list_name in engine.last_go else 0.0)
    rows: tuple[CueRow, ...] = ()
    if with_rows:
        rows = (cache or ListRows()).update(engine, list_name, history)
    return ListView(name=list_name, playhead=lst.playhead.number if lst.playhead else None,
                    go_wait=wait, rows=rows)


def run_rows(engine: Engine, history: CueHistory | None = None) -> list[RunRow]:
    """The runs of every list, parents before their children."""
    rows: list[RunRow] = []
    now = engine.now()

    def depth(run: Run) -> int:
        d, p = 0, run.parent
        while p is not None:
            d, p = d + 1, p.parent
        return d

    for lst in engine.lists.values():
        for run in lst.runs.values():
            pre = run.prewait.remaining() if (run.prewait is not None
                                              and run.phase is Phase.PREWAIT) else None
            elapsed = remaining = None
            if run.phase is not Phase.PREWAIT:
                if run.action_timer is not None:
                    elapsed = run.action_timer.elapsed()
                    remaining = run.action_timer.remaining()
                elif run.phase is Phase.ACTION:
                    elapsed, remaining = action_left(run, now, history)
            post = (run.postwait.remaining() if run.postwait is not None
                    and not run.postwait.done else None)
            rows.append(RunRow(
                list=lst.name, number=run.number, name=run.cue.name, phase=run.phase.value,
                paused=run.paused, prewait_left=pre, elapsed=elapsed, remaining=remaining,
                duration=run.duration, postwait_left=post, depth=depth(run),
            ))
    return rows


_WORST = [HealthState.FAULTED, HealthState.RETRYING, HealthState.SENDING,
          HealthState.IDLE, HealthState.CLOSED]


def endpoint_where(driver: Driver) -> str:
    """Where a driver sends, in people's terms (``10.0.0.50``, ``127.0.0.1:53000``)."""
    cfg = driver.config
    for key in ("nodes", "destinations", "unicast"):
        v = getattr(cfg, key, None)
        if v:
            return ", ".join(map(str, v)) if isinstance(v, list | tuple) else str(v)
    host, port = getattr(cfg, "host", None), getattr(cfg, "port", None)
    if host and port:
        return f"{host}:{port}"
    return str(port or host or "")


def output_rows(drivers: dict[str, Driver]) -> list[OutputRow]:
    """Each output's health; an output sent to several endpoints (``fanout``) shows the
    worst of them and each endpoint's own."""
    rows: list[OutputRow] = []
    for n, d in drivers.items():
        targets: list[Driver] = list(getattr(d, "targets", ()))
        if not targets:
            rows.append(OutputRow(name=n, driver=d.kind, state=d.health.state.value,
                                  reason=d.health.reason, sent=d.health.sent,
                                  faults=d.health.faults, sends=d.kind != "capture"))
            continue
        ends = tuple(EndpointRow(driver=t.kind, state=t.health.state.value,
                                 reason=t.health.reason, sent=t.health.sent,
                                 faults=t.health.faults, where=endpoint_where(t))
                     for t in targets)
        worst = min(targets, key=lambda t: _WORST.index(t.health.state)
                    if t.health.state in _WORST else len(_WORST))
        rows.append(OutputRow(
            name=n, driver=d.kind, state=worst.health.state.value,
            reason="; ".join(f"{t.kind}: {t.health.reason}" for t in targets
                             if t.health.reason),
            sent=sum(t.health.sent for t in targets),
            faults=sum(t.health.faults for t in targets),
            sends=any(t.kind != "capture" for t in targets), endpoints=ends))
    return rows


def output_index(lighting: Lighting, output: str, *, limit: int = 4096) -> list[int]:
    """The layout indices of one output's attributes (at most ``limit``: a view shows a
    screenful, not 500,000 channels)."""
    out: list[int] = []
    for i, s in enumerate(lighting.layout.slots):
        if s.output == output:
            out.append(i)
            if len(out) >= limit:
                break
    return out


def lighting_view(lighting: Lighting, output: str, idx: npt.NDArray[np.int64],
                  held: frozenset[int], *, with_names: bool) -> LightingView:
    """The levels of the attributes ``idx`` (see :func:`output_index`) of one output;
    their names only ``with_names`` (a client keeps them until the layout changes)."""
    names = lighting.layout.names
    values: list[float] = np.round(lighting.last_values[idx], 4).tolist()
    return LightingView(
        output=output, names=tuple(names[i] for i in idx.tolist()) if with_names else (),
        values=tuple(values),
        held=tuple(k for k, i in enumerate(idx.tolist()) if i in held) if held else ())


def lit(lighting: Lighting | None) -> bool:
    """Is any intensity above zero on stage (after grandmaster and blackout)?"""
    if lighting is None or not len(lighting.last_values):
        return False
    return bool(np.any(lighting.last_values[lighting.is_master] > 0.0))


def show_json(show: m.Show) -> dict[str, Any]:
    """The show document as the native API sends it (``op: show``)."""
    data: dict[str, Any] = show.model_dump(mode="json", by_alias=True, exclude_unset=False)
    return data
