"""``showctl run --headless``: the engine on the real clock, no console.

Prints each cue as it fires. Operator commands come as lines on stdin (Enter or ``go``,
``stop``, ``pause``, ``resume``, ``panic``, ``back``, ``goto N``, ``quit``); with
``--auto`` it presses GO by itself like a replay without a calling script, and exits
when the show is over.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
from typing import TYPE_CHECKING

from showctl.drivers.base import DriverConfig
from showctl.engine import events as ev
from showctl.engine.engine import EngineError
from showctl.model import show as m
from showctl.replay import Call, _auto_go, check_action, perform
from showctl.session import Session

if TYPE_CHECKING:
    from showctl.remote import RemoteServer
    from showctl.remote.config import RemoteConfig
    from showctl.runlog import RunLogRecorder


def describe(e: ev.Event, names: dict[tuple[str, str], str]) -> str | None:
    """One human line for an event (None for events not worth a line)."""
    t = f"{e.t:9.3f}"
    if isinstance(e, ev.Go):
        return f"{t}  GO        {e.list} {e.cue}"
    if isinstance(e, ev.CueStarted):
        name = names.get((e.list, e.cue), "")
        dur = f"  ({e.duration:.1f} s)" if e.duration else ""
        return f"{t}  start     {e.list} {e.cue:<6} {name}{dur}"
    if isinstance(e, ev.CueCompleted):
        return f"{t}  done      {e.list} {e.cue}"
    if isinstance(e, ev.CueStopped):
        return f"{t}  stopped   {e.list} {e.cue}"
    if isinstance(e, ev.CuePaused | ev.CueResumed):
        word = "paused" if isinstance(e, ev.CuePaused) else "resumed"
        return f"{t}  {word:<9} {e.list} {e.cue}"
    if isinstance(e, ev.PlayheadMoved):
        name = names.get((e.list, e.cue or ""), "")
        return f"{t}  standby   {e.list} {e.cue or '(end of list)'} {name}"
    if isinstance(e, ev.GoRejected):
        return f"{t}  GO ignored ({e.reason})"
    if isinstance(e, ev.Panic):
        return f"{t}  PANIC{' (hard stop)' if e.hard else f' over {e.duration:.1f} s'}"
    if isinstance(e, ev.DriverFaulted):
        return f"{t}  FAULT     {e.output}: {e.reason}"
    if isinstance(e, ev.CueFailed):
        return f"{t}  FAILED    {e.list} {e.cue}: {e.reason}"
    return None


def run_headless(
    show: m.Show, rig: dict[str, DriverConfig] | None, *, auto: bool, quiet_outputs: bool = True,
    show_path: str = "show.yaml", runlog: str | None = "", remote: RemoteConfig | None = None,
) -> int:
    """Run live without a console. ``runlog``: a path, ``""`` for the default place, or
    None for no run log. ``remote``: the OSC API and triggers (None = defaults)."""
    return asyncio.run(_run(show, rig, auto=auto, quiet_outputs=quiet_outputs,
                            show_path=show_path, runlog=runlog, remote=remote))


async def start_remote_or_warn(
    session: Session, config: RemoteConfig | None
) -> RemoteServer | None:
    """Start the OSC API and triggers; a busy port costs remote control, not the show."""
    from showctl.remote import start_remote

    try:
        return await start_remote(session, config)
    except OSError as exc:
        print(f"showctl: remote control is off: {exc.strerror or exc} "
              "(use --osc-port for another port, or --no-osc)", file=sys.stderr, flush=True)
        return None


async def _run(
    show: m.Show, rig: dict[str, DriverConfig] | None, *, auto: bool, quiet_outputs: bool,
    show_path: str, runlog: str | None, remote: RemoteConfig | None,
) -> int:
    session = Session(show, rig=rig)
    session.router.trace_dmx = not quiet_outputs  # nobody reads DMX frames otherwise
    recorder = None
    if runlog is not None:
        from showctl.runlog import RunLogRecorder

        recorder = RunLogRecorder(show, "headless", show_path)
        recorder.attach(session)
    names = show.cue_names()

    def show_event(e: ev.Event) -> None:
        line = describe(e, names)
        if line is None and not quiet_outputs and isinstance(e, ev.Output):
            line = f"{e.t:9.3f}  out       {e.to_json()}"
        if line is not None:
            print(line, flush=True)

    session.bus.subscribe(show_event)
    print(f"showctl: {show.show.title} — {sum(1 for _ in show.walk())} cues; "
          + ("auto GO" if auto else "Enter = GO, or type stop/pause/resume/panic/back/"
             "goto N/quit"), flush=True)
    done = asyncio.Event()
    loop = asyncio.get_running_loop()
    with contextlib.suppress(NotImplementedError):
        loop.add_signal_handler(signal.SIGINT, done.set)
        loop.add_signal_handler(signal.SIGTERM, done.set)
    await session.open()
    server = await start_remote_or_warn(session, remote)
    try:
        if auto:
            runner = asyncio.ensure_future(_auto_go(session, float("inf")))
            stopper = asyncio.ensure_future(done.wait())
            await asyncio.wait({runner, stopper}, return_when=asyncio.FIRST_COMPLETED)
            runner.cancel()
            stopper.cancel()
        else:
            _read_commands(session, done, recorder)
            await done.wait()
    finally:
        if server is not None:
            await server.close()
        await session.close()
        if recorder is not None:
            print(f"showctl: run log {recorder.save(runlog or None)}", flush=True)
    print("showctl: show over", flush=True)
    return 0


def _read_commands(session: Session, done: asyncio.Event, recorder: RunLogRecorder | None) -> None:
    loop = asyncio.get_running_loop()

    def on_line() -> None:
        line = sys.stdin.readline()
        if not line:  # EOF: stop reading, keep the show running until a signal
            loop.remove_reader(sys.stdin)
            return
        word = line.strip() or "go"
        if word in ("q", "quit", "exit"):
            done.set()
            return
        try:
            check_action(word)
            if recorder is not None:
                recorder.operator(word)
            perform(session.engine, Call(at=0, do=word))
        except (ValueError, EngineError) as exc:
            print(f"  ? {exc}", flush=True)

    # stdin may not be selectable (a regular file on some platforms): then GO via remote only
    with contextlib.suppress(OSError, ValueError):
        loop.add_reader(sys.stdin, on_line)
