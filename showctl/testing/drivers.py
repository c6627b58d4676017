"""The driver conformance suite: public ``check_*`` functions a driver's author runs on
their driver (trio's ``trio.testing.check_*_stream`` functions are the model).

Every built-in driver's tests run it, and a third-party driver's tests can too
(docs/drivers.md, "Writing a driver"). Each check is a coroutine that builds the driver
itself through a *maker* (``make(ctx) -> Driver``), so it controls the
:class:`~showctl.drivers.base.DriverContext` and sees every report the driver makes;
a breach of the contract raises :class:`ConformanceError` saying which rule and how.

The contract (:mod:`showctl.drivers.base`), as checked here:

- :func:`check_never_raises`: ``open``, ``send``, ``frame`` and ``close`` never raise,
  whatever they are given and in whatever order (send before open, after close); a
  payload type the driver does not take (``Driver.payloads``) is a fault event.
- :func:`check_never_blocks`: no call into the driver holds the loop longer than a
  bound (default 0.1 s: far more than any send should take, far less than a blocking
  connect, name lookup or sleep).
- :func:`check_fault_is_an_event`: an unreachable destination (a closed port) becomes
  a fault event through ``ctx.on_fault`` with the driver's output name and a reason,
  health says so, nothing raises, and an outage is reported once, not once per send.
- :func:`check_frame`: a DMX driver's ``frame(now, changed)`` reports each changed
  universe as sent and an empty frame sends nothing new.
- :func:`check_keepalive`: a DMX driver refreshes an unchanged universe on its own
  timers (``ctx.clock``), with no frame ticks, at least every ``interval`` seconds.

:func:`check_driver` runs every check that applies. The checks run on whichever loop
runs them: the virtual loop (:func:`showctl.clocks.virtual.run_virtual`, where waiting
costs nothing) or a real one.
"""

from __future__ import annotations

import asyncio
import inspect
import socket
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from functools import partial
from typing import Any, cast

from showctl.clocks.clock import LoopClock
from showctl.drivers.base import (
    DmxPayload,
    Driver,
    DriverContext,
    HealthState,
    MidiPayload,
    OscBundle,
    OscMessage,
    Payload,
    TimecodePayload,
)

__all__ = [
    "SAMPLES",
    "ConformanceError",
    "DriverMaker",
    "Reports",
    "UdpSink",
    "check_driver",
    "check_fault_is_an_event",
    "check_frame",
    "check_keepalive",
    "check_never_blocks",
    "check_never_raises",
    "closed_port",
    "udp_sink",
]

DriverMaker = Callable[[DriverContext], "Driver | Awaitable[Driver]"]
"""Builds the driver under test on the context the check gives it, e.g.
``lambda ctx: MyDriver("out", MyConfig(port=sink.port), ctx)``."""

SAMPLES: dict[type[Any], Payload] = {
    DmxPayload: DmxPayload(1, bytes(range(256)) * 2),
    OscMessage: OscMessage("/showctl/check", (1, 2.5, "text", b"blob", True, None)),
    OscBundle: OscBundle((OscMessage("/showctl/check/a", (1,)),
                          OscMessage("/showctl/check/b", ("two",)))),
    MidiPayload: MidiPayload(b"\x90\x3c\x64"),
    TimecodePayload: TimecodePayload(1, 2, 3, 4, 1),
}
"""One well-formed payload of each type."""

_ODD: tuple[Any, ...] = (
    DmxPayload(99999, bytes(512)),  # a universe no protocol can carry
    DmxPayload(1, bytes(600)),  # longer than a universe
    DmxPayload(1, b""),
    OscMessage("", ()),
    MidiPayload(b""),
    MidiPayload(b"\xf0\x7f"),  # SysEx with no end
    TimecodePayload(99, 99, 99, 99, 9),
    None,
    "not a payload",
)
"""Payloads (and non-payloads) a bug upstream could hand a driver: it may fault on
them, never raise."""


class ConformanceError(AssertionError):
    """A driver broke the driver contract; the message says which rule and how."""


@dataclass
class Reports:
    """What a driver reported through its context, each with the clock time."""

    faults: list[tuple[float, str, str]] = field(default_factory=list)
    """(time, output, reason)."""
    sent: list[tuple[float, str, Payload]] = field(default_factory=list)
    recovered: list[tuple[float, str, str]] = field(default_factory=list)

    def context(self, clock: LoopClock) -> DriverContext:
        return DriverContext(
            clock=clock,
            on_fault=lambda output, reason: self.faults.append((clock.now(), output, reason)),
            on_sent=lambda output, payload: self.sent.append((clock.now(), output, payload)),
            on_recovered=lambda output, what: self.recovered.append(
                (clock.now(), output, what)),
        )


def _fail(rule: str, detail: str) -> ConformanceError:
    return ConformanceError(f"driver contract, {rule}: {detail}")


async def _build(make: DriverMaker, reports: Reports) -> tuple[Driver, LoopClock]:
    clock = LoopClock()
    made = make(reports.context(clock))
    driver = await made if inspect.isawaitable(made) else made
    if not isinstance(driver, Driver):
        raise _fail("the maker", f"make(ctx) returned {driver!r}, not a Driver")
    return driver, clock


async def _call(rule: str, what: str, fn: Callable[[], Any], bound: float | None = None
                ) -> float:
    """Run one call into the driver (awaiting it if it is a coroutine); it must not
    raise. Returns the time it held the loop (wall clock, for :func:`check_never_blocks`)."""
    started = time.perf_counter()
    try:
        result = fn()
        held = time.perf_counter() - started
        if asyncio.iscoroutine(result):
            await result
    except Exception as exc:  # the rule under test: nothing may come out of a driver
        raise _fail(rule, f"{what} raised {exc!r}") from exc
    if bound is not None and held > bound:
        raise _fail(rule, f"{what} held the loop {held * 1000:.1f} ms (bound "
                          f"{bound * 1000:.0f} ms)")
    return held


async def _pause(clock: LoopClock, seconds: float) -> None:
    """Let the driver's own timers and I/O run for ``seconds`` of clock time."""
    await clock.sleep_until(clock.now() + seconds)
    for _ in range(20):  # and whatever the kernel already delivered
        await asyncio.sleep(0)


def _accepted(driver: Driver) -> list[Payload]:
    return [p for t, p in SAMPLES.items() if t in driver.payloads]


# ---------------------------------------------------------------------------- checks


async def check_never_raises(make: DriverMaker) -> None:
    """``open``, ``send``, ``frame`` and ``close`` never raise, in any order, with any
    payload; each payload type the driver does not take becomes a fault event."""
    rule = "never raise"
    reports = Reports()
    driver, clock = await _build(make, reports)
    for p in _accepted(driver):  # before open: queue, drop or fault, never raise
        await _call(rule, f"send({type(p).__name__}) before open()", partial(driver.send, p))
    await _call(rule, "open()", driver.open)
    for t, p in SAMPLES.items():
        if t in driver.payloads:
            continue
        before = len(reports.faults)
        await _call(rule, f"send({t.__name__})", partial(driver.send, p))
        if len(reports.faults) == before:
            raise _fail("a wrong payload is a fault", f"{type(driver).__name__} does not "
                        f"take {t.__name__} (payloads = {driver.payloads}) but sending one "
                        f"reported no fault")
    for p in _ODD:
        await _call(rule, f"send({p!r:.60})", partial(driver.send, cast(Payload, p)))
    now = clock.now()
    await _call(rule, "frame(now, [])", lambda: driver.frame(now, []))
    if DmxPayload in driver.payloads:
        odd = [p for p in _ODD if isinstance(p, DmxPayload)]
        await _call(rule, "frame(now, odd universes)", lambda: driver.frame(now, odd))
    await _pause(clock, 0.05)
    await _call(rule, "close()", driver.close)
    for p in _accepted(driver):
        await _call(rule, f"send({type(p).__name__}) after close()", partial(driver.send, p))
    await _call(rule, "frame() after close()", lambda: driver.frame(clock.now(), []))
    await _call(rule, "a second close()", driver.close)


async def check_never_blocks(make: DriverMaker, *, bound: float = 0.1, rounds: int = 50,
                             payloads: Sequence[Payload] | None = None) -> None:
    """No ``send`` or ``frame`` call holds the loop longer than ``bound`` seconds, over
    ``rounds`` rounds of every payload the driver takes (or ``payloads``)."""
    rule = "never block"
    reports = Reports()
    driver, clock = await _build(make, reports)
    await _call(rule, "open()", driver.open)
    try:
        sample = list(payloads) if payloads is not None else _accepted(driver)
        dmx = [p for p in sample if isinstance(p, DmxPayload)]
        for _ in range(rounds):
            for p in sample:
                await _call(rule, f"send({type(p).__name__})", partial(driver.send, p),
                            bound)
            if dmx:
                await _call(rule, "frame()", lambda: driver.frame(clock.now(), dmx), bound)
            await asyncio.sleep(0)  # the driver's own callbacks run between rounds
    finally:
        await _call(rule, "close()", driver.close)


async def check_fault_is_an_event(make_unreachable: DriverMaker, *, within: float = 5.0,
                                  sends: int = 20, bound: float = 0.1,
                                  payloads: Sequence[Payload] | None = None) -> None:
    """A driver whose destination cannot be reached (``make_unreachable``: e.g. a port
    nobody listens on) reports it as a fault event within ``within`` seconds: through
    ``ctx.on_fault``, with its output name and a reason, health FAULTED or RETRYING
    when it is reported (a datagram driver may go back to SENDING as it retries);
    nothing raised; sends while it is down neither raise nor block; and the outage is
    reported once (a few times at most), not once per send."""
    rule = "a fault is an event"
    reports = Reports()
    driver, clock = await _build(make_unreachable, reports)
    await _call(rule, "open()", driver.open)
    try:
        sample = list(payloads) if payloads is not None else _accepted(driver)
        if not sample:
            raise _fail(rule, "the driver takes no payload type the suite can send")
        deadline = clock.now() + within
        step = within / (2 * sends)
        n = 0
        while not reports.faults and clock.now() < deadline:
            p = sample[n % len(sample)]
            await _call(rule, f"send({type(p).__name__})", partial(driver.send, p), bound)
            n += 1
            await _pause(clock, step)
        if not reports.faults:
            raise _fail(rule, f"{n} sends to an unreachable destination in {within} s "
                              f"reported no fault (health: {driver.health})")
        _, output, reason = reports.faults[0]
        if output != driver.output:
            raise _fail(rule, f"the fault names output {output!r}, not {driver.output!r}")
        if not reason.strip():
            raise _fail(rule, "the fault has no reason")
        if driver.health.state not in (HealthState.FAULTED, HealthState.RETRYING):
            raise _fail(rule, f"health is {driver.health.state.value} right after the fault "
                              f"event, not faulted or retrying (use Driver.fault())")
        for i in range(sends):  # the outage goes on: the show keeps sending
            p = sample[i % len(sample)]
            await _call(rule, f"send({type(p).__name__}) while down",
                        partial(driver.send, p), bound)
            await _pause(clock, step)
        if len(reports.faults) > 3:
            reasons = [r for _, _, r in reports.faults]
            raise _fail(rule, f"one outage, {len(reports.faults)} fault events (report an "
                              f"outage once, not once per send): {reasons[:5]}")
    finally:
        await _call(rule, "close()", driver.close)


async def check_frame(make: DriverMaker, *, universes: Sequence[int] = (1, 2)) -> None:
    """``frame(now, changed)`` reports each changed universe as sent (``ctx.on_sent``,
    via :meth:`Driver.sent` or directly), with its data; an empty frame reports nothing
    new. For drivers that take DMX; ``make`` points at a destination that receives."""
    rule = "frame()"
    reports = Reports()
    driver, clock = await _build(make, reports)
    if DmxPayload not in driver.payloads:
        raise _fail(rule, f"{type(driver).__name__} takes no DmxPayload")
    await _call(rule, "open()", driver.open)
    try:
        await _pause(clock, 0.01)
        changed = [DmxPayload(u, bytes([u]) * 512) for u in universes]
        now = clock.now()
        await _call(rule, "frame(now, changed)", lambda: driver.frame(now, changed))
        got = [(p.universe, p.data) for _, out, p in reports.sent
               if out == driver.output and isinstance(p, DmxPayload)]
        want = [(p.universe, p.data) for p in changed]
        if sorted(got) != sorted(want):
            raise _fail(rule, f"frame() with universes {list(universes)} reported "
                              f"{[u for u, _ in got]} as sent")
        if driver.health.sent < len(changed):
            raise _fail(rule, f"health counts {driver.health.sent} sent, not "
                              f"{len(changed)}")
        before = len(reports.sent)
        await _call(rule, "frame(now, [])", lambda: driver.frame(clock.now(), []))
        if len(reports.sent) != before:
            raise _fail(rule, "an empty frame reported payloads as sent")
    finally:
        await _call(rule, "close()", driver.close)


async def check_keepalive(make: DriverMaker, sink: UdpSink, *, interval: float,
                          matches: Callable[[bytes], bool] | None = None,
                          universe: int = 1, periods: int = 4) -> None:
    """After one frame with ``universe`` and no frame tick since, packets keep reaching
    ``sink`` (the driver's destination; ``matches`` picks the universe's packets from
    others) at least every ``interval`` seconds (plus a tenth, for the loop's timing)
    for ``periods`` intervals: the driver refreshes on its own timers."""
    rule = "keep-alive"
    reports = Reports()
    driver, clock = await _build(make, reports)
    await _call(rule, "open()", driver.open)
    pick = matches or (lambda _data: True)
    try:
        await _pause(clock, 0.01)
        start = clock.now()
        await _call(rule, "frame()", lambda: driver.frame(
            start, [DmxPayload(universe, bytes([7]) * 512)]))
        await _pause(clock, interval * periods)
        end = clock.now()
    finally:
        await _call(rule, "close()", driver.close)
    times = [t for t, data in sink.packets if start <= t <= end and pick(data)]
    if not times:
        raise _fail(rule, "nothing reached the sink after the frame")
    gaps = [b - a for a, b in zip([start, *times], [*times, end], strict=True)]
    if max(gaps) > interval * 1.1:
        raise _fail(rule, f"{len(times)} packets in {end - start:.2f} s with no frame tick: "
                          f"a gap of {max(gaps):.3f} s, more than {interval} s")


async def check_driver(make: DriverMaker, *, unreachable: DriverMaker | None = None,
                       sink: UdpSink | None = None, keepalive: float | None = None,
                       matches: Callable[[bytes], bool] | None = None,
                       bound: float = 0.1) -> None:
    """Every check that applies: never raises, never blocks; a fault is an event (with
    ``unreachable``); ``frame()`` for a DMX driver; keep-alive (with ``sink`` and
    ``keepalive``, the driver's refresh interval)."""
    await check_never_raises(make)
    await check_never_blocks(make, bound=bound)
    if unreachable is not None:
        await check_fault_is_an_event(unreachable, bound=bound)
    probe, _ = await _build(make, Reports())
    takes_dmx = DmxPayload in probe.payloads
    if takes_dmx:
        await check_frame(make)
    if keepalive is not None:
        if sink is None:
            raise ValueError("check_driver: keepalive needs the sink the driver sends to")
        await check_keepalive(make, sink, interval=keepalive, matches=matches)


# ---------------------------------------------------------------------------- a sink


class UdpSink(asyncio.DatagramProtocol):
    """A UDP receiver on 127.0.0.1: every datagram with the loop's (clock) time."""

    def __init__(self) -> None:
        self.packets: list[tuple[float, bytes]] = []
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.DatagramTransport, transport)

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        self.packets.append((asyncio.get_running_loop().time(), data))

    @property
    def port(self) -> int:
        assert self.transport is not None
        port: int = self.transport.get_extra_info("sockname")[1]
        return port


@asynccontextmanager
async def udp_sink(port: int = 0) -> AsyncIterator[UdpSink]:
    """A :class:`UdpSink` on 127.0.0.1 (``port`` 0: any free port), closed on exit."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", port))
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    _, sink = await asyncio.get_running_loop().create_datagram_endpoint(UdpSink, sock=sock)
    try:
        yield sink
    finally:
        if sink.transport is not None:
            sink.transport.close()


def closed_port(kind: int = socket.SOCK_DGRAM) -> int:
    """A port on 127.0.0.1 nobody listens on right now (for an ``unreachable`` maker):
    loopback answers ICMP port unreachable (UDP) or refuses (TCP)."""
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port
