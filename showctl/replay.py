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
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from showctl.engine import events as ev
from showctl.engine.clock import LoopClock
from showctl.engine.engine import Engine, EngineError
from showctl.engine.virtual import run_virtual
from showctl.model import show as m
from showctl.model.problems import Problem, ShowFileError
from showctl.model.timevalue import Seconds
from showctl.model.translate import CALLS, validation_problems
from showctl.model.yamlsource import YamlSyntaxError, load_located, read_text
from showctl.session import Session
from showctl.trace import TraceWriter

ACTIONS = ("go", "stop", "pause", "resume", "panic", "back", "goto")


class Call(BaseModel):
    model_config = ConfigDict(extra="forbid")

    at: Seconds
    do: str
    list: str | None = None
    cue: str | None = Field(default=None, description="for goto, instead of 'goto 12'")

    @field_validator("do")
    @classmethod
    def _known(cls, v: str) -> str:
        check_action(v)
        return v


def check_action(text: str) -> None:
    """Raise ``ValueError`` with a plain message unless ``text`` is a known action."""
    word = text.split()[0] if text.split() else ""
    if word not in ACTIONS:
        raise ValueError(f"unknown action {text!r}: use one of {', '.join(ACTIONS)}")
    if word == "goto" and len(text.split()) != 2:
        raise ValueError("write goto with a cue number: 'goto 12'")


def load_calls(path: str | Path) -> list[Call]:
    """Read a calling script (a YAML list, or a run log's ``calls:``), every problem at once."""
    name = str(path)
    try:
        located = load_located(read_text(path))
    except FileNotFoundError:
        raise ShowFileError([Problem(name, 1, 1, "no such file")]) from None
    except IsADirectoryError:
        raise ShowFileError([Problem(name, 1, 1, "is a folder, not a calling script")]) from None
    except OSError as exc:
        raise ShowFileError([Problem(name, 1, 1, f"cannot read: {exc.strerror}")]) from None
    except YamlSyntaxError as exc:
        raise ShowFileError([Problem(name, exc.line, exc.col, exc.message)]) from None
    data: Any = located.data
    base: tuple[str | int, ...] = ()
    if isinstance(data, dict) and "calls" in data:
        data, base = data["calls"], ("calls",)
    if not isinstance(data, list):
        raise ShowFileError([Problem(name, 1, 1, "a calling script is a list of "
                                     "{at: seconds, do: go|stop|...}")])
    calls: list[Call] = []
    problems: list[Problem] = []
    for i, item in enumerate(data):
        try:
            calls.append(Call.model_validate(item))
        except ValidationError as exc:
            problems += validation_problems(exc, located, name, CALLS, data=item,
                                            base=(*base, i))
    if problems:
        raise ShowFileError(problems)
    return sorted(calls, key=lambda c: c.at)


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
    """Carry out one calling-script action on the engine."""
    words = call.do.split()
    action = words[0]
    if action == "go":
        engine.go(call.list)
    elif action == "stop":
        engine.stop(call.list)
    elif action == "pause":
        engine.pause(call.list)
    elif action == "resume":
        engine.resume(call.list)
    elif action == "panic":
        engine.panic()
    elif action == "back":
        engine.back(call.list)
    elif action == "goto":
        engine.goto(words[1], call.list)


async def replay_async(
    show: m.Show, calls: list[Call] | None = None, *, limit: float = 48 * 3600.0,
    trace: TraceWriter | None = None,
) -> ReplayResult:
    writer = trace or TraceWriter()
    session = Session(show, clock=LoopClock())
    session.bus.subscribe(writer)
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

    session.bus.subscribe(on_event)
    engine = session.engine
    clock = session.clock
    await session.open()
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
        await session.close()
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
