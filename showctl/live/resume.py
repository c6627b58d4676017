"""Crash resume: the journal written while a show runs, and the show back from it.

:class:`JournalTap` is what a :class:`~showctl.live.runtime.LiveRuntime` writes its
journal through (:mod:`showctl.live.journal`): it sees every command the runtime carries
out and, through the output router's gate, every message before it goes to a driver.

Resuming (``showctl run --resume``, or by default after a crash): the engine process
runs on a :class:`ResumeLoop` — an event loop whose time is *virtual* (it jumps to the
next deadline, as replays do) until the journal has been replayed up to the crash and
then up to the current moment, and *real* from then on, without a jump in the engine's
time axis. While it is virtual, the outputs are muted: DMX frames and timecode are not
sent, OSC/MIDI messages the journal says went out are not sent again, and those that
fell due while the engine was down are kept and sent once, late, when the show goes
live (:meth:`JournalTap.go_live`), which also sends one frame with the full look.
"""

from __future__ import annotations

import asyncio
import contextlib
import selectors
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from showctl.api.protocol import Command
from showctl.drivers.base import DmxPayload, Driver, MidiPayload, OscBundle, OscMessage, Payload
from showctl.drivers.dmx_udp import DmxUdpDriver
from showctl.engine.dmx_render import Renderer
from showctl.engine.engine import INPUT_METHODS, EngineError
from showctl.live.journal import Input, Journal, JournalData, is_message
from showctl.model import show as m

if TYPE_CHECKING:
    from showctl.live.runtime import LiveRuntime
    from showctl.remote.triggers import Triggers
    from showctl.session import Session

CATCH_UP_MARGIN = 0.05
"""Seconds after the crash time in which a wall-clock trigger is not caught up."""

BEAT = 0.5
"""Seconds between heartbeats (crash time, DMX sequence numbers)."""


def wall_now() -> float:
    """The wall clock (seconds since the epoch): only for the time between two engine
    processes, which no monotonic clock spans across a reboot."""
    return time.time()  # clock-ok: the time between two processes


# ---------------------------------------------------------------------------- the loop


class _Selector(selectors.DefaultSelector):
    def __init__(self) -> None:
        super().__init__()
        self.loop: ResumeLoop | None = None

    def select(self, timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
        loop = self.loop
        if loop is None or not loop.virtual:
            return super().select(timeout)
        ready: list[tuple[selectors.SelectorKey, int]] = super().select(0)
        if ready or timeout == 0:
            return ready
        nxt = loop._next_deadline()
        if nxt is not None and (loop.hold or nxt <= loop.target()):
            loop._virtual_now = max(loop._virtual_now, nxt)
            return []
        if loop.hold:  # nothing scheduled while replaying: only I/O can go on
            result: list[tuple[selectors.SelectorKey, int]] = super().select(timeout)
            return result
        loop._go_real()
        return []


class ResumeLoop(asyncio.SelectorEventLoop):
    """Virtual time (jumping to deadlines) until it catches up with ``target()``, then
    real time going on from there (see the module doc). Starts at 0.0."""

    def __init__(self) -> None:
        selector = _Selector()
        super().__init__(selector)
        selector.loop = self
        self._virtual_now = 0.0
        self._offset = 0.0
        self.virtual = True
        self.hold = True
        """Stay virtual whatever the target (the journal is still being replayed)."""
        self.target: Callable[[], float] = lambda: 0.0
        self.live = asyncio.Event()

    def time(self) -> float:
        if self.virtual:
            return self._virtual_now
        return time.monotonic() + self._offset  # clock-ok: this loop is a clock

    def _next_deadline(self) -> float | None:
        scheduled: list[asyncio.TimerHandle] = getattr(self, "_scheduled")  # noqa: B009
        pending = [h.when() for h in scheduled if not h.cancelled()]
        return min(pending) if pending else None

    def _go_real(self) -> None:
        now = max(self._virtual_now, self.target())
        self._offset = now - time.monotonic()  # clock-ok
        self.virtual = False
        self.live.set()


def run_resumable(main: Any) -> Any:
    with asyncio.Runner(loop_factory=ResumeLoop) as runner:
        return runner.run(main)


# ---------------------------------------------------------------------------- the tap


@dataclass(slots=True)
class Late:
    t: float
    output: str
    payload: Payload
    list: str | None = None
    """The cue list whose cue sent it (its ``on_resume`` decides)."""


class JournalTap:
    """Writes a runtime's journal and, when resuming, mutes and replays (module doc)."""

    def __init__(self, journal: Journal, *, resume: JournalData | None = None,
                 show_path: str = "", skip_late: bool = False) -> None:
        self.journal = journal
        self.resume = resume
        self.show_path = show_path
        self.skip_late = skip_late
        self.fast_forward = resume is not None
        self.runtime: LiveRuntime | None = None
        self._session: Session | None = None
        self._counts: dict[str, int] = {}
        self.late: list[Late] = []
        self.dropped = 0
        self._beat: Any = None
        self.t0: float | None = None
        self.first_look: dict[str, str] = {}
        self.started_wall = resume.started_wall if resume is not None else 0.0
        journal.writing = not self.fast_forward
        self._quiet = 0

    # -------------------------------------------------------------- wiring

    def attach(self, runtime: LiveRuntime) -> None:
        """Called by the runtime for each session it builds (edits rebuild it)."""
        self.runtime = runtime
        session = runtime.session
        assert session is not None
        self._session = session
        clock = session.clock
        if self.t0 is None:
            self.t0 = session.engine.t0
            self.journal.t0 = self.t0
            self.journal.clock_now = clock.now
            if not self.fast_forward:
                self.started_wall = wall_now() - (clock.now() - self.t0)
                self.journal.header(self.started_wall, self.show_path, _pid())
        session.router.gate = self._gate
        session.engine.on_input = self._engine_input
        session.lighting.rendering = not self.fast_forward
        if not self.fast_forward:
            self._arm_beat()

    def show_time(self) -> float:
        assert self.runtime is not None and self.t0 is not None
        return float(self.runtime.engine.clock.now()) - self.t0

    def command(self, t: float, cmd: Command) -> None:
        self.journal.command(t, cmd.verb, dict(cmd.args))

    @contextlib.contextmanager
    def quiet(self) -> Iterator[None]:
        """Engine calls made inside (a journaled command's) are not engine inputs."""
        self._quiet += 1
        try:
            yield
        finally:
            self._quiet -= 1

    def _engine_input(self, method: str, args: tuple[Any, ...]) -> None:
        if not self._quiet:
            self.journal.input(self.journal.now(), method, args)

    def end(self) -> None:
        if self._beat is not None:
            self._beat.cancel()
        self.journal.end()

    def _gate(self, output: str, payload: Payload | None) -> bool:
        if not self.fast_forward:
            if payload is not None and is_message(payload):
                self.journal.sent(output)
            return True
        if payload is None or not is_message(payload):
            return False  # DMX and timecode: the resumed state goes out at go-live
        n = self._counts.get(output, 0) + 1
        self._counts[output] = n
        assert self.resume is not None
        if n > self.resume.sent.get(output, 0):
            self.late.append(Late(self.show_time(), output, payload,
                                  session_router_list(self._session)))
        return False

    def _arm_beat(self) -> None:
        if self._beat is not None:
            self._beat.cancel()
        session = self._session
        assert session is not None
        clock = session.clock

        def beat() -> None:
            self.journal.beat(sequences(session))
            self._beat = clock.call_at(clock.now() + BEAT, beat)

        self._beat = clock.call_at(clock.now() + BEAT, beat)

    # -------------------------------------------------------------- resuming

    def catch_up_wallclock(self, triggers: Triggers) -> None:
        """Fire, late, the wall-clock triggers that fell due while the engine was down.
        Those that fired before the crash are in the journal (engine inputs, replayed);
        the remote inputs start only when the show is live, so the triggers' own timers
        only know what is still to come. ``CATCH_UP_MARGIN`` after the crash's last line
        is left out: a trigger due in it may have fired just before the crash, written
        down in the line that makes the crash time."""
        assert self.resume is not None and self.runtime is not None
        since = _tod(self.started_wall + self.resume.last_t + CATCH_UP_MARGIN)
        until = _tod(wall_now())
        skipped = self.skipped_lists()
        for list_name, number in triggers.catch_up(since, until, skipped.__contains__):
            self.runtime.log.note(f"wall-clock trigger of {list_name} {number} fired late "
                                  "(due while the engine was down)", "yellow")

    async def replay(self) -> None:
        """Carry out the journal's commands at their show times (on the virtual clock)."""
        assert self.resume is not None and self.runtime is not None
        assert self.t0 is not None
        await replay_inputs(self.runtime, self.resume.inputs, self.t0)

    def target(self) -> float:
        """Loop time of the current moment (show time now, from the wall clock)."""
        return (self.t0 or 0.0) + (wall_now() - self.started_wall)

    def go_live(self) -> str:
        """The outputs back on: sequences continued, one frame with the whole look, the
        messages that fell due while down (late, once). Returns the operator's line."""
        assert self.resume is not None and self.runtime is not None
        session = self._session
        assert session is not None
        self.fast_forward = False
        self.journal.writing = True
        now = session.clock.now()
        t = now - (self.t0 or 0.0)
        crash = self.resume.last_t
        down = max(0.0, t - crash)
        continue_sequences(session, self.resume.sequences)
        lighting = session.lighting
        lighting.rendering = True
        lighting.compute_frame(now)  # brings the renderer's buffers to now
        frame: dict[str, list[DmxPayload]] = {}
        for output, universe, data in lighting.renderer.all_universes():
            frame.setdefault(output, []).append(DmxPayload(universe, data))
            self.first_look[f"{output}/{universe}"] = data.hex()
        for output, payloads in frame.items():
            session.router.dmx_frame(output, now, payloads)
        late_lines = []
        skipped_lines = []
        skipped = self.skipped_lists()
        for late in self.late:
            what = f"{late.output} {describe_payload(late.payload)}"
            if self.skip_late or late.list in skipped:
                # Written down as done, so a later resume does not send it either.
                self.journal.write({"t": t, "sent": late.output, "skipped": 1})
                self.dropped += 1
                skipped_lines.append(f"{what} (list {late.list}, due {t - late.t:.2f} s ago)")
                continue
            self.journal.sent(late.output)
            driver = session.router.drivers.get(late.output)
            if driver is not None:
                _send(driver, late.payload)
            late_lines.append(f"{what} late by {t - late.t:.2f} s")
        self.journal.write({"t": t, "resumed": crash, "down": down,
                            "late": len(late_lines), "dropped": self.dropped,
                            "look": self.first_look,
                            "playheads": playheads(self.runtime)}, sync=True)
        self._arm_beat()
        recorder = self.runtime.recorder
        if recorder is not None:  # the gap in the run log (rebuilt by the fast-forward)
            recorder.crash(crash, t, late=len(late_lines), skipped=self.dropped)
        when = datetime.fromtimestamp(self.started_wall + crash).strftime("%H:%M:%S")
        text = f"resumed after a crash at {when} (down {down:.1f} s)"
        self.runtime.resumed = text
        log = self.runtime.log
        log.note(text, "bold yellow")
        for line in late_lines:
            log.note(f"sent late: {line}", "yellow")
        for line in skipped_lines:
            log.note(f"skipped (on_resume: skip): {line}", "yellow")
        return text

    def skipped_lists(self) -> frozenset[str]:
        """The lists whose late messages a resume drops (``on_resume: skip``)."""
        assert self.runtime is not None
        return frozenset(name for name, cl in self.runtime.show.cuelists.items()
                         if cl.on_resume is m.OnResume.SKIP)


async def replay_inputs(runtime: LiveRuntime, inputs: list[Input], t0: float) -> None:
    """Carry out a journal's inputs at their show times (``t0``: the clock time of show
    time 0): commands through the runtime, engine inputs on its engine."""
    for item in inputs:
        await runtime.engine.clock.sleep_until(t0 + item.t)
        if item.kind == "cmd":
            await runtime.execute(Command(item.name, item.args))
        elif item.name in INPUT_METHODS:
            # Refused then (an unknown cue), refused again: nothing changes either time.
            with contextlib.suppress(EngineError):
                getattr(runtime.engine, item.name)(*item.args)


def session_router_list(session: Session | None) -> str | None:
    return session.router.sending_list if session is not None else None


def describe_payload(payload: Payload) -> str:
    """A short text of an OSC/MIDI message for the log."""
    if isinstance(payload, OscMessage):
        return payload.address
    if isinstance(payload, OscBundle):
        return "bundle " + " ".join(msg.address for msg in payload.messages)
    if isinstance(payload, MidiPayload):
        return payload.data[:3].hex(" ").upper() + ("…" if len(payload.data) > 3 else "")
    return type(payload).__name__


def _tod(wall: float) -> float:
    d = datetime.fromtimestamp(wall)
    return d.hour * 3600.0 + d.minute * 60.0 + d.second + d.microsecond / 1e6


def _send(driver: Driver, payload: Payload) -> None:
    try:
        driver.send(payload)
    except Exception as exc:
        driver.fault(f"driver raised {exc!r}")


def _pid() -> int:
    import os

    return os.getpid()


def _dmx_drivers(session: Session) -> list[DmxUdpDriver]:
    out = []
    for d in session.drivers.values():
        for x in [d, *getattr(d, "targets", [])]:
            if isinstance(x, DmxUdpDriver):
                out.append(x)
    return out


def sequences(session: Session) -> dict[str, int]:
    """``output/kind/universe`` → the last sequence number sent."""
    return {f"{d.output}/{d.kind}/{u}": s
            for d in _dmx_drivers(session) for u, s in d.sequences().items()}


def continue_sequences(session: Session, seqs: dict[str, int]) -> None:
    for d in _dmx_drivers(session):
        mine = {}
        for key, s in seqs.items():
            output, kind, u = key.rsplit("/", 2)
            if output == d.output and kind == d.kind:
                mine[int(u)] = s
        if mine:
            d.continue_sequences(mine)


def playheads(runtime: LiveRuntime) -> dict[str, str | None]:
    return {name: (lst.playhead.number if lst.playhead else None)
            for name, lst in runtime.engine.lists.items()}


def look_at(runtime: LiveRuntime, when: float) -> dict[str, str]:
    """Every universe's DMX bytes (hex) at clock time ``when`` (tests: compare a resumed
    run with an uninterrupted one), without touching the frame loop's renderer."""
    session = runtime.session
    assert session is not None
    lighting = session.lighting
    renderer = Renderer(lighting.layout)
    renderer.render(lighting.values(when))
    return {f"{o}/{u}": data.hex() for o, u, data in renderer.all_universes()}
