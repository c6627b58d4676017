"""The state views, computed from the engine for the state stream.

:func:`cue_rows` and :func:`run_rows` turn engine state into the plain rows of
:mod:`showctl.api.views` (what the console's cue stack and running pane draw, and
tests assert on); :class:`CueHistory` listens to the event bus to remember how each
cue last ended (done, stopped, failed).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from showctl.api.views import CueRow, CueState, LightingView, ListView, OutputRow, RunRow
from showctl.drivers.base import Driver
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
    """Remembers how each cue last ended; subscribe it to the session's bus."""

    def __init__(self) -> None:
        self.outcome: dict[tuple[str, str], tuple[CueState, str]] = {}
        self.faults = 0

    def __call__(self, e: ev.Event) -> None:
        if isinstance(e, ev.CueTriggered):
            self.outcome.pop((e.list, e.cue), None)
        elif isinstance(e, ev.CueCompleted):
            if self.outcome.get((e.list, e.cue), (None,))[0] is not CueState.FAILED:
                self.outcome[(e.list, e.cue)] = (CueState.DONE, "")
        elif isinstance(e, ev.CueStopped):
            if self.outcome.get((e.list, e.cue), (None,))[0] is not CueState.FAILED:
                self.outcome[(e.list, e.cue)] = (CueState.STOPPED, "")
        elif isinstance(e, ev.CueFailed):
            self.outcome[(e.list, e.cue)] = (CueState.FAILED, e.reason)
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


def run_progress(run: Run, now: float) -> tuple[CueState, float | None, float | None]:
    """(state, progress 0..1, seconds left) of a running cue's current phase."""
    c: Countdown | None
    if run.phase is Phase.PREWAIT and run.prewait is not None:
        c = run.prewait
        state = CueState.PREWAIT
    elif run.phase is Phase.ACTION:
        c = run.action_timer
        state = CueState.RUNNING
        if c is None:
            return (CueState.PAUSED if run.paused else state), None, None
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
    lst = engine.lists[list_name]
    show = engine.show
    standby = lst.playhead
    rows: list[CueRow] = []
    now = engine.now()

    def add(cues: list[m.Cue], depth: int) -> None:
        for cue in cues:
            run = lst.runs.get(cue.number)
            progress = remaining = None
            reason = ""
            if run is not None:
                state, progress, remaining = run_progress(run, now)
            elif standby is cue:
                state = CueState.STANDBY
            elif history is not None and (list_name, cue.number) in history.outcome:
                state, reason = history.outcome[(list_name, cue.number)]
            else:
                state = CueState.IDLE
            rows.append(CueRow(
                number=cue.number, name=cue.name, type=str(getattr(cue, "type", "")),
                depth=depth, navigable=cue.number in lst.nav.navigable,
                prewait=cue.prewait, duration=nominal_duration(cue, show),
                postwait=cue.postwait, continue_mode=CONTINUE_MARK[cue.continue_],
                armed=engine.is_armed(list_name, cue), state=state,
                standby=standby is cue, progress=progress, remaining=remaining,
                reason=reason,
            ))
            if isinstance(cue, m.GroupCue):
                add(list(cue.cues), depth + 1)

    add(list(show.cuelists[list_name].cues), 0)
    return rows


def list_view(engine: Engine, list_name: str, history: CueHistory | None,
              *, with_rows: bool = True) -> ListView:
    lst = engine.lists[list_name]
    wait = (max(0.0, engine.go_accepts_at(list_name) - engine.now())
            if list_name in engine.last_go else 0.0)
    return ListView(name=list_name, playhead=lst.playhead.number if lst.playhead else None,
                    go_wait=wait,
                    rows=tuple(cue_rows(engine, list_name, history)) if with_rows else ())


def run_rows(engine: Engine) -> list[RunRow]:
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
                elif run.started_at is not None and run.phase is Phase.ACTION:
                    elapsed = now - run.started_at
            post = (run.postwait.remaining() if run.postwait is not None
                    and not run.postwait.done else None)
            rows.append(RunRow(
                list=lst.name, number=run.number, name=run.cue.name, phase=run.phase.value,
                paused=run.paused, prewait_left=pre, elapsed=elapsed, remaining=remaining,
                duration=run.duration, postwait_left=post, depth=depth(run),
            ))
    return rows


def output_rows(drivers: dict[str, Driver]) -> list[OutputRow]:
    return [OutputRow(name=n, driver=d.kind, state=d.health.state.value,
                      reason=d.health.reason, sent=d.health.sent, faults=d.health.faults)
            for n, d in drivers.items()]


def output_index(lighting: Lighting, output: str, *, limit: int = 1024) -> list[int]:
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
