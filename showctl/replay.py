"""Replaying a show headless on the virtual clock, driven by a calling script.

A calling script is what the stage manager did, as data::

    - {at: 0, do: go}
    - {at: 12.5, do: pause}
    - {at: 14, do: resume}
    - {at: 20, do: goto 5, list: main}

Without one, the replay presses GO whenever the main list's playhead is on a cue and
nothing is running, ``settings.auto_go_gap`` seconds after the last cue ended.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from showctl.api.calls import Call
from showctl.api.protocol import OPERATOR_WORDS, CommandError, parse_line
from showctl.clocks.clock import LoopClock
from showctl.clocks.virtual import run_virtual
from showctl.engine import events as ev
from showctl.engine.engine import Engine, EngineError
from showctl.live.commands import apply_operator
from showctl.live.runtime import LiveRuntime
from showctl.model import show as m
from showctl.runlog.recorder import RunLogRecorder
from showctl.session import Session
from showctl.trace import TraceWriter

ACTIONS = OPERATOR_WORDS


@dataclass(slots=True)
class CueRow:
    list: str
    number: str
    name: str
    planned: float | None = None
    started: float | None = None
    ended: float | None = None
    how: str = ""


@dataclass(slots=True)
class ReplayResult:
    trace: list[dict[str, Any]]
    rows: list[CueRow] = field(default_factory=list)
    length: float = 0.0
    errors: list[str] = field(default_factory=list)


def perform(engine: Engine, call: Call) -> None:
    """Carry out one calling-script action on the engine (the live runtime's command
    vocabulary: :func:`showctl.live.commands.apply_operator`)."""
    cmd = parse_line(call.do, list_name=call.list)
    if call.cue is not None and cmd.verb == "goto":
        cmd = type(cmd)("goto", {**cmd.args, "cue": call.cue})
    try:
        apply_operator(engine, cmd)
    except CommandError as exc:
        raise EngineError(str(exc)) from None


async def replay_async(
    show: m.Show, calls: list[Call] | None = None, *, limit: float = 48 * 3600.0,
    trace: TraceWriter | None = None,
) -> ReplayResult:
    writer = trace or TraceWriter()
    # The same runtime as a live run, on the virtual clock, without remote inputs or API.
    runtime = LiveRuntime(show, clock=LoopClock(), trace_dmx=True)
    runtime.on_event.append(writer)
    result = ReplayResult(trace=writer.lines)
    rows: list[CueRow] = []
    latest: dict[tuple[str, str], CueRow] = {}
    names = show.cue_names()

    def on_event(e: ev.Event) -> None:
        if isinstance(e, ev.CueTriggered):
            row = CueRow(e.list, e.cue, names.get((e.list, e.cue), ""), planned=e.t + e.prewait)
            rows.append(row)
            latest[(e.list, e.cue)] = row
        elif isinstance(e, ev.CueStarted | ev.CueCompleted | ev.CueStopped):
            found = latest.get((e.list, e.cue))
            if found is None:
                return
            if isinstance(e, ev.CueStarted):
                found.started = e.t
            elif found.ended is None:
                found.ended = e.t
                found.how = "stopped" if isinstance(e, ev.CueStopped) else ""

    runtime.on_event.append(on_event)
    await runtime.start()
    session = runtime.session
    assert session is not None
    engine = session.engine
    clock = session.clock
    t0 = clock.now()
    try:
        if calls is not None:
            for call in calls:
                await clock.sleep_until(t0 + call.at)
                try:
                    perform(engine, call)
                except EngineError as exc:
                    result.errors.append(f"at {call.at:.3f} s, {call.do}: {exc}")
            await _settle(session, t0 + limit)
        else:
            await _auto_go(session, t0 + limit)
    finally:
        result.length = clock.now() - t0
        await runtime.stop()
    result.rows = rows
    return result


async def _settle(session: Session, until: float, list_name: str | None = None) -> None:
    """Wait until nothing is running (in one list, or anywhere) and no light is fading."""
    clock = session.clock
    lighting = session.lighting
    changed = asyncio.Event()
    # Output events (every DMX frame) cannot end a wait: only cue events are watched.
    unsubscribe = session.bus.subscribe(
        lambda e: None if isinstance(e, ev.Output) else changed.set())
    try:
        while clock.now() < until:
            now = clock.now()
            fading = lighting.busy(now)
            running = session.engine.running(list_name)
            if not running and not fading:
                return
            changed.clear()
            # Wake on the next event, or just after the last fade's final frame.
            wake = min(until, now + 3600.0)
            if fading:
                ends = max(pb.busy_until() for pb in lighting.playbacks.values())
                wake = min(wake, ends + 1.0 / lighting.rate)
            waiter = asyncio.ensure_future(changed.wait())
            sleeper = asyncio.ensure_future(clock.sleep_until(wake))
            await asyncio.wait({waiter, sleeper}, return_when=asyncio.FIRST_COMPLETED)
            waiter.cancel()
            sleeper.cancel()
    finally:
        unsubscribe()


async def _auto_go(session: Session, until: float) -> None:
    engine = session.engine
    clock = session.clock
    gap = session.show.settings.auto_go_gap
    first = True
    while engine.playhead() is not None and clock.now() < until:
        if not first:
            await clock.sleep_until(clock.now() + gap)
        first = False
        if engine.playhead() is None:
            break
        if not engine.go():
            # The double-GO guard refused: wait it out and try again.
            await clock.sleep_until(engine.t0 + engine.go_accepts_at())
            engine.go()
        # "Nothing is running" is about the list being called: other lists (a loop, an
        # ambience bed) carry on underneath, as they would with a stage manager.
        await _settle(session, until, engine.main)
    await _settle(session, until)


def replay(show: m.Show, calls: list[Call] | None = None, *, limit: float = 48 * 3600.0,
           trace: TraceWriter | None = None) -> ReplayResult:
    """Run a show on the virtual clock and return its trace and cue table."""
    return run_virtual(replay_async(show, calls, limit=limit, trace=trace))


def record_replay(
    show: m.Show,
    calls: list[Call] | None = None,
    *,
    show_path: str | Path | None = None,
    started: datetime | None = None,
    trace: IO[str] | None = None,
    limit: float = 48 * 3600.0,
) -> tuple[ReplayResult, RunLogRecorder]:
    """``replay(show, calls)`` with a recorder on it: returns (ReplayResult, recorder).

    The calling script's actions are recorded at their times (GO and panic merge with
    the events they cause, as for a live run)."""
    recorder = RunLogRecorder(show, "replay", show_path,
                              started=started or datetime.now().astimezone())
    for call in calls or []:
        do = f"goto {call.cue}" if call.do == "goto" and call.cue else call.do
        recorder.operator(do, call.list, at=call.at)
    result = replay(show, calls, limit=limit, trace=recorder.trace_writer(trace))
    recorder.finish(result.length)
    return result, recorder
