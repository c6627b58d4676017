"""``showctl monitor midi``: print every MIDI message arriving, decoded into words.

One line per message: seconds since start, the message in words, the raw bytes::

    0.104000 MSC GO cue 12.5 list 1 (lighting, all-call)  [F0 7F 7F 02 01 01 ...]
    0.140000 MTC 01:00:00:02 (25 fps)

MTC quarter frames are assembled: one ``MTC hh:mm:ss:ff`` line per complete 8-piece
cycle (every two frames), the time the cycle carries; ``quarter_frames=True`` also
prints each piece.

The source is either an rtmidi input port name (matched like the driver does: exact,
prefix, substring), or ``host:port`` for mido's network MIDI (raw MIDI bytes over
TCP). For ``host:port`` the monitor *listens* by default, so a ``midi`` output with
``transport: socket`` pointing there connects to it (as it would to a mido
``PortServer``); ``connect=True`` makes it a client of a running ``PortServer`` instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import sys
from collections.abc import Callable
from typing import Any, TextIO

from showctl.clocks.clock import Clock, LoopClock
from showctl.drivers.midi import find_port_name, rtmidi_backend
from showctl.protocols.midi import MtcAssembler, MtcQuarterFrame, decode_midi

__all__ = ["MidiPrinter", "monitor_midi"]


class MidiPrinter:
    """Decodes complete MIDI messages into monitor lines."""

    def __init__(
        self, out: TextIO, clock: Clock, count: int | None, quarter_frames: bool = False
    ) -> None:
        self.out = out
        self.clock = clock
        self.start = clock.now()
        self.count = count
        self.quarter_frames = quarter_frames
        self.printed = 0
        self.mtc = MtcAssembler()
        self.done = asyncio.get_running_loop().create_future()

    def message(self, data: bytes) -> None:
        if self.done.done():
            return
        stamp = f"{self.clock.now() - self.start:.6f}"
        raw = " ".join(f"{b:02X}" for b in data)
        try:
            event = decode_midi(data)
        except ValueError as exc:
            self._line(f"{stamp} ! malformed MIDI: {exc}  [{raw}]")
            return
        if isinstance(event, MtcQuarterFrame):
            if self.quarter_frames:
                self._line(f"{stamp} {event.describe()}  [{raw}]")
            tc = self.mtc.feed(event)
            if tc is not None:
                self._line(f"{stamp} MTC {tc} ({tc.rate.label} fps)")
            return
        self._line(f"{stamp} {event.describe()}  [{raw}]")

    def _line(self, line: str) -> None:
        self.out.write(line + "\n")
        self.out.flush()
        self.printed += 1
        if self.count is not None and self.printed >= self.count and not self.done.done():
            self.done.set_result(None)

    def feed_stream(self, parser: Any, chunk: bytes) -> None:
        parser.feed(chunk)
        for msg in parser:
            self.message(bytes(msg.bin()))


_HOST_PORT = re.compile(r"(?P<host>[^:\s]+|\[[0-9a-fA-F:]+\]):(?P<port>\d{1,5})")


async def monitor_midi(
    source: str,
    out: TextIO | None = None,
    *,
    count: int | None = None,
    clock: Clock | None = None,
    connect: bool = False,
    api: str | None = None,
    quarter_frames: bool = False,
    ready: Callable[[int], None] | None = None,
) -> int:
    """Print each MIDI message arriving from ``source`` until cancelled.

    ``source`` is ``host:port`` (network MIDI; listen, or ``connect=True``) or an input
    port name (rtmidi; ``api`` as for the driver, e.g. ``UNIX_JACK``). With a listening
    socket, ``port`` 0 picks a free port and ``ready(port)`` reports it. Stops after
    ``count`` lines when given; returns the number of lines printed. A missing port or a
    busy TCP port raises (``LookupError`` / ``OSError``) for the CLI to report.
    """
    out = sys.stdout if out is None else out
    printer = MidiPrinter(out, clock or LoopClock(), count, quarter_frames)
    m = _HOST_PORT.fullmatch(source.strip())
    if m:
        host, port = m.group("host").strip("[]"), int(m.group("port"))
        if connect:
            return await _socket_client(host, port, printer, ready)
        return await _socket_server(host, port, printer, ready)
    return await _rtmidi_input(source, api, printer, ready)


async def _socket_server(
    host: str, port: int, printer: MidiPrinter, ready: Callable[[int], None] | None
) -> int:
    import mido

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        parser = mido.Parser()  # one per connection: running status is per stream
        try:
            while chunk := await reader.read(4096):
                printer.feed_stream(parser, chunk)
        except OSError:
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(serve, host, port)
    try:
        if ready is not None:
            ready(server.sockets[0].getsockname()[1])
        await printer.done
    finally:
        server.close()
    return printer.printed


async def _socket_client(
    host: str, port: int, printer: MidiPrinter, ready: Callable[[int], None] | None
) -> int:
    import mido

    reader, writer = await asyncio.open_connection(host, port)
    parser = mido.Parser()
    if ready is not None:
        ready(port)

    async def pump() -> None:
        while chunk := await reader.read(4096):
            printer.feed_stream(parser, chunk)

    task = asyncio.get_running_loop().create_task(pump())
    try:
        await asyncio.wait({task, printer.done}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, OSError):
            await task
        writer.close()
    return printer.printed


async def _rtmidi_input(
    name: str, api: str | None, printer: MidiPrinter, ready: Callable[[int], None] | None
) -> int:
    loop = asyncio.get_running_loop()

    def open_port() -> Any:
        backend = rtmidi_backend(api)
        names = list(backend.get_input_names())
        found = find_port_name(name, names)
        if found is None:
            shown = ", ".join(repr(n) for n in names) or "none"
            raise LookupError(f"MIDI input {name!r} not found (available: {shown})")

        def callback(msg: Any) -> None:
            # rtmidi calls this on its own thread: hand the bytes to the loop.
            loop.call_soon_threadsafe(printer.message, bytes(msg.bin()))

        return backend.open_input(found, callback=callback)

    port = await loop.run_in_executor(None, open_port)
    try:
        if ready is not None:
            ready(0)
        await printer.done
    finally:
        await loop.run_in_executor(None, port.close)
    return printer.printed
