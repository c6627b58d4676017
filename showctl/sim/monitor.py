"""``showctl monitor dmx``: live channel values of any Art-Net/sACN source, like
``ola_dmxmonitor`` but as text lines.

Each line is one universe update: seconds since start, the universe, its sources (name,
protocol, address, priority), the packet rate, and the channels that changed since the
last line for that universe (``channel=value``, 1-based). ``full=True`` prints all 512
values as a 16 × 32 grid after the header instead. Sources appearing and going away
(data-loss timeout, stream termination) get their own lines. Updates are gathered and
printed every ``interval`` seconds (0 = on every packet that changed something)::

    0.250 u1 'showctl (lx)' sacn 127.0.0.1:51234 prio 100 · 44.0 pkt/s · 101=255 102=128

The merge is the simulator's (:mod:`showctl.sim.receiver`): highest priority wins,
equal priorities merge HTP.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable, Iterable
from typing import Literal, TextIO

from showctl.clocks.clock import Clock, LoopClock
from showctl.protocols import artnet as art
from showctl.protocols import sacn as sacn
from showctl.sim.listen import Listener
from showctl.sim.receiver import Address, FeedResult, Receiver, ReceiverEvent

ProtocolChoice = Literal["artnet", "sacn", "both"]
DEFAULT_MULTICAST = tuple(range(1, 9))


def changed_channels(before: bytes, after: bytes) -> list[tuple[int, int]]:
    """(1-based channel, new value) of every slot that differs."""
    return [(i + 1, b) for i, (a, b) in enumerate(zip(before, after, strict=True)) if a != b]


def grid(levels: bytes, width: int = 32) -> list[str]:
    """512 values as rows of ``width``: ``  1: 000 255 …``."""
    return [f"{i + 1:>5}: " + " ".join(f"{v:03d}" for v in levels[i:i + width])
            for i in range(0, len(levels), width)]


class DmxPrinter:
    """Turns receiver state into monitor lines."""

    def __init__(self, receiver: Receiver, out: TextIO, clock: Clock, *, full: bool,
                 count: int | None) -> None:
        self.receiver = receiver
        self.out = out
        self.clock = clock
        self.start = clock.now()
        self.full = full
        self.count = count
        self.printed = 0
        self.shown: dict[int, tuple[int, bytes, str]] = {}
        self.done: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def stamp(self) -> str:
        return f"{self.clock.now() - self.start:.3f}"

    def event(self, ev: ReceiverEvent) -> None:
        self._write(f"{self.stamp()} {ev}")

    def flush(self) -> None:
        """Print every universe that changed (levels or sources) since its last line."""
        self.receiver.expire()
        now = self.clock.now()
        for n in sorted(self.receiver.universes):
            u = self.receiver.universes[n]
            sources = u.describe_sources() or "no live source (holding last look)"
            seen = self.shown.get(n)
            if seen is not None and seen[0] == u.version and seen[2] == sources:
                continue
            before = seen[1] if seen is not None else bytes(512)
            head = f"{self.stamp()} u{n} {sources} · {u.rate(now):.1f} pkt/s"
            self.shown[n] = (u.version, u.levels, sources)
            if self.full:
                self._write(head, grid(u.levels))
            else:
                diff = changed_channels(before, u.levels)
                text = " ".join(f"{c}={v}" for c, v in diff) if diff else "no change"
                self._write(f"{head} · {text}")

    def _write(self, line: str, extra: Iterable[str] = ()) -> None:
        if self.done.done():
            return
        self.out.write(line + "\n")
        for e in extra:
            self.out.write(e + "\n")
        self.out.flush()
        self.printed += 1
        if self.count is not None and self.printed >= self.count:
            self.done.set_result(None)


async def monitor_dmx(
    out: TextIO | None = None,
    *,
    universes: Iterable[int] | None = None,
    protocol: ProtocolChoice = "both",
    bind: str = "0.0.0.0",
    artnet_port: int = art.ARTNET_PORT,
    sacn_port: int = sacn.SACN_PORT,
    interface: str = "127.0.0.1",
    multicast: Iterable[int] | None = None,
    full: bool = False,
    interval: float = 0.5,
    count: int | None = None,
    clock: Clock | None = None,
    ready: Callable[[Listener], None] | None = None,
) -> int:
    """Print universe updates until cancelled or ``count`` lines; returns lines printed.

    ``universes`` limits what is shown (and which multicast groups are joined; without
    it groups 1–8 are joined, and unicast of any universe is shown). Binding errors
    raise ``OSError`` for the CLI to report.
    """
    stream = sys.stdout if out is None else out
    clk = clock or LoopClock()
    wanted = set(universes) if universes else None
    receiver = Receiver(clk, universes=wanted)
    printer = DmxPrinter(receiver, stream, clk, full=full, count=count)
    receiver.on_event = printer.event
    groups = multicast if multicast is not None else (wanted or DEFAULT_MULTICAST)

    def hook(_p: object, _d: bytes, _a: Address, result: FeedResult) -> None:
        if interval <= 0 and result == "ok":
            printer.flush()

    listener = Listener(
        receiver, bind=bind,
        artnet_port=artnet_port if protocol in ("artnet", "both") else None,
        sacn_port=sacn_port if protocol in ("sacn", "both") else None,
        multicast=groups, interface=interface, hook=hook)
    await listener.start()
    try:
        if ready is not None:
            ready(listener)
        if interval <= 0:
            await printer.done
        else:
            k = 0
            while not printer.done.done():
                k += 1
                sleeper = asyncio.ensure_future(clk.sleep_until(printer.start + k * interval))
                await asyncio.wait({sleeper, printer.done},
                                   return_when=asyncio.FIRST_COMPLETED)
                sleeper.cancel()
                printer.flush()
    finally:
        listener.close()
    return printer.printed
