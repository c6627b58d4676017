"""The simulated rig: a show's patch behind a receiving node, plus OSC and MIDI logs.

:class:`SimRig` is what both front ends of ``showctl sim`` (the Textual view and
``--headless``) run: it opens the Art-Net/sACN sockets into a
:class:`~showctl.sim.receiver.Receiver` (joining the multicast group of every patched
universe), starts the OSC and MIDI monitors of :mod:`showctl.monitor` as log sources,
and decodes the fixtures on demand. Defaults match ``drivers/sim.yaml``: Art-Net on
127.0.0.1:6454, OSC on 127.0.0.1:53400, network MIDI on 127.0.0.1:5401.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import TextIO, cast

from showctl.clocks.clock import Clock, LoopClock
from showctl.lighting.patch import Patch, build_patch
from showctl.model import show as m
from showctl.protocols import artnet as art
from showctl.protocols import sacn as sacn
from showctl.sim.decode import FixtureState, decode_patch
from showctl.sim.listen import Listener
from showctl.sim.receiver import Address, FeedResult, Protocol, Receiver, ReceiverEvent

DEFAULT_OSC_PORT = 53400
DEFAULT_MIDI_PORT = 5401


class LineSink(io.TextIOBase):
    """A text stream that hands each complete line to a callback (for the monitors)."""

    def __init__(self, on_line: Callable[[str], None]) -> None:
        super().__init__()
        self._on_line = on_line
        self._buf = ""

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self._buf += text
        while "\n" in self._buf:
            line, self._buf = self._buf.split("\n", 1)
            self._on_line(line)
        return len(text)


@dataclass(slots=True)
class SimOptions:
    """Where the simulated rig listens. ``None`` turns a listener off; port 0 = any."""

    bind: str = "127.0.0.1"
    artnet_port: int | None = art.ARTNET_PORT
    sacn_port: int | None = sacn.SACN_PORT
    interface: str = "127.0.0.1"
    artnet_offset: int = 0
    sacn_offset: int = 0
    osc_host: str = "127.0.0.1"
    osc_port: int | None = DEFAULT_OSC_PORT
    midi: str | None = f"127.0.0.1:{DEFAULT_MIDI_PORT}"


class SimRig:
    """The show's fixtures behind a receiving node; see the module docstring."""

    def __init__(
        self,
        show: m.Show,
        options: SimOptions | None = None,
        *,
        clock: Clock | None = None,
        on_event: Callable[[ReceiverEvent], None] | None = None,
        on_log: Callable[[str], None] | None = None,
    ) -> None:
        self.show = show
        self.options = options or SimOptions()
        self.clock = clock or LoopClock()
        self.patch: Patch = build_patch(show.patch)
        self.universes = self.patch.universes()
        self.receiver = Receiver(self.clock, artnet_offset=self.options.artnet_offset,
                                 sacn_offset=self.options.sacn_offset, on_event=on_event)
        self.on_log = on_log
        self.listener: Listener | None = None
        self.osc_port: int | None = None
        self.midi_port: int | None = None
        self.log_problems: list[str] = []
        self._tasks: list[asyncio.Task[int]] = []
        self.started_at = 0.0

    def states(self) -> list[FixtureState]:
        """Every fixture as it looks now (also expires silent sources first)."""
        self.receiver.expire()
        return decode_patch(self.patch, self.receiver.snapshot())

    def _log(self, line: str) -> None:
        if self.on_log is not None:
            self.on_log(line)

    async def start(self) -> None:
        """Open the DMX sockets (``OSError`` if they cannot be bound) and the log sources
        (a busy OSC or MIDI port is reported as a log line; the rig still runs)."""
        o = self.options
        self.started_at = self.clock.now()
        mcast = [u + o.sacn_offset for u in self.universes]
        self.listener = await Listener(
            self.receiver, bind=o.bind, artnet_port=o.artnet_port, sacn_port=o.sacn_port,
            multicast=mcast, interface=o.interface, hook=self._on_packet).start()
        loop = asyncio.get_running_loop()
        if o.osc_port is not None:
            from showctl.monitor.osc import monitor_osc

            ready = loop.create_future()
            sink = cast(TextIO, LineSink(lambda line: self._log(f"osc  {_unstamped(line)}")))
            task = loop.create_task(monitor_osc(
                o.osc_port, o.osc_host, "udp", sink, clock=self.clock,
                ready=lambda p: _set(ready, p)))
            self.osc_port = await self._started(task, ready, f"OSC {o.osc_host}:{o.osc_port}")
        if o.midi is not None:
            from showctl.monitor.midi import monitor_midi

            ready = loop.create_future()
            sink = cast(TextIO, LineSink(lambda line: self._log(f"midi {_unstamped(line)}")))
            task = loop.create_task(monitor_midi(o.midi, sink, clock=self.clock,
                                                 ready=lambda p: _set(ready, p)))
            self.midi_port = await self._started(task, ready, f"MIDI {o.midi}")

    def _on_packet(self, protocol: Protocol, data: bytes, addr: Address,
                   result: FeedResult) -> None:
        """Log ArtTimeCode once a second (on frame 0): a timecode cue sent over Art-Net."""
        if protocol != "artnet" or result != "ignored":
            return
        try:
            packet = art.decode(data)
        except art.ArtNetDecodeError:
            return
        if isinstance(packet, art.ArtTimeCode) and packet.frames == 0:
            fps = ("24", "25", "29.97 DF", "30")[packet.type]
            self._log(f"tc   Art-Net timecode {packet.hours:02d}:{packet.minutes:02d}:"
                      f"{packet.seconds:02d}:00 ({fps} fps) from {addr[0]}:{addr[1]}")

    async def _started(self, task: asyncio.Task[int], ready: asyncio.Future[int],
                       what: str) -> int | None:
        await asyncio.wait({task, ready}, return_when=asyncio.FIRST_COMPLETED)
        if ready.done():
            self._tasks.append(task)
            return ready.result()
        try:
            task.result()
            reason = "stopped"
        except Exception as exc:
            reason = getattr(exc, "strerror", None) or str(exc)
        problem = f"not logging {what}: {reason}"
        self.log_problems.append(problem)
        self._log(f"!    {problem}")
        return None

    async def close(self) -> None:
        if self.listener is not None:
            self.listener.close()
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._tasks.clear()

    async def __aenter__(self) -> SimRig:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    def universe_lines(self) -> list[str]:
        """One status line per patched universe: sources, priority, rate."""
        now = self.clock.now()
        out = []
        for n in self.universes:
            u = self.receiver.universe(n)
            if u is None:
                out.append(f"u{n}: no source")
                continue
            state = "LOST (holding last look)" if u.lost else f"{u.rate(now):.1f} pkt/s"
            srcs = u.describe_sources() or "no live source"
            out.append(f"u{n}: {srcs} · {state}")
        return out


def _unstamped(line: str) -> str:
    """A monitor line without its leading seconds (the front ends stamp lines themselves)."""
    first, _, rest = line.partition(" ")
    try:
        float(first)
    except ValueError:
        return line
    return rest


def _set(fut: asyncio.Future[int], port: int) -> None:
    if not fut.done():
        fut.set_result(port)
