"""``showctl monitor osc``: print every OSC message arriving on a UDP or TCP port.

One line per message, in the spirit of liblo's ``oscdump``::

    0.012345 /cue/1/go ifs 1 2.500000 "hello"

that is: seconds since the monitor started (on the injected clock), the address, the
type tags without the comma, then the arguments as ``oscdump`` prints them. A message
from a bundle with a real timetag ends with ``@<ntp-seconds>.<fraction>`` in hex. A
packet that is not valid OSC prints ``! malformed ...`` instead of stopping the monitor.

TCP accepts both framings per connection: SLIP (OSC 1.1, first byte 0xC0) and the
int32 length prefix (OSC 1.0, liblo's ``osc.tcp://``), unless ``framing`` pins one.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections.abc import Callable
from typing import Literal, TextIO

from showctl.clocks.clock import Clock, LoopClock
from showctl.protocols.osc import (
    IMMEDIATELY,
    AutoFramingDecoder,
    LengthPrefixDecoder,
    OscDecodeError,
    SlipDecoder,
    format_args,
    iter_messages,
    type_tags,
)

__all__ = ["OscPrinter", "monitor_osc"]


class OscPrinter:
    """Formats packets as monitor lines; counts messages and signals when done."""

    def __init__(self, out: TextIO, clock: Clock, count: int | None) -> None:
        self.out = out
        self.clock = clock
        self.start = clock.now()
        self.count = count
        self.printed = 0
        self.done = asyncio.get_running_loop().create_future()

    def packet(self, data: bytes) -> None:
        stamp = f"{self.clock.now() - self.start:.6f}"
        try:
            items = list(iter_messages(data))
        except OscDecodeError as exc:
            self.out.write(f"{stamp} ! malformed packet ({len(data)} bytes): {exc}\n")
            self.out.flush()
            return
        for timetag, msg in items:
            if self.done.done():
                return
            line = f"{stamp} {msg.address} {type_tags(msg.args)[1:]}"
            if msg.args:
                line += " " + format_args(msg.args)
            if timetag is not None and timetag != IMMEDIATELY:
                line += f" @{timetag >> 32:08x}.{timetag & 0xFFFFFFFF:08x}"
            self.out.write(line.rstrip() + "\n")
            self.printed += 1
            if self.count is not None and self.printed >= self.count:
                self.done.set_result(None)
        self.out.flush()


class _Udp(asyncio.DatagramProtocol):
    def __init__(self, printer: OscPrinter) -> None:
        self.printer = printer

    def datagram_received(self, data: bytes, addr: tuple[str | int, ...]) -> None:
        self.printer.packet(data)


async def monitor_osc(
    port: int,
    host: str = "127.0.0.1",
    transport: Literal["udp", "tcp"] = "udp",
    out: TextIO | None = None,
    *,
    framing: Literal["auto", "slip", "length"] = "auto",
    count: int | None = None,
    clock: Clock | None = None,
    ready: Callable[[int], None] | None = None,
) -> int:
    """Listen on ``host:port`` and print each OSC message received, until cancelled.

    ``port=0`` picks a free port; ``ready(port)`` is called with the bound port once
    listening. Stops after ``count`` messages when given. Returns the number printed.
    Binding errors (port in use) raise ``OSError`` for the CLI to report.
    """
    out = sys.stdout if out is None else out
    printer = OscPrinter(out, clock or LoopClock(), count)
    loop = asyncio.get_running_loop()
    if transport == "udp":
        udp, _ = await loop.create_datagram_endpoint(lambda: _Udp(printer), local_addr=(host, port))
        bound = udp.get_extra_info("sockname")[1]
        closer: Callable[[], None] = udp.close
    elif transport == "tcp":
        server = await asyncio.start_server(
            lambda r, w: _serve_tcp(r, w, printer, framing), host, port
        )
        bound = server.sockets[0].getsockname()[1]
        closer = server.close
    else:
        raise ValueError(f"unknown transport {transport!r}; use udp or tcp")
    try:
        if ready is not None:
            ready(bound)
        await printer.done
    finally:
        closer()
    return printer.printed


async def _serve_tcp(
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    printer: OscPrinter,
    framing: Literal["auto", "slip", "length"],
) -> None:
    decoder: AutoFramingDecoder | SlipDecoder | LengthPrefixDecoder
    if framing == "slip":
        decoder = SlipDecoder()
    elif framing == "length":
        decoder = LengthPrefixDecoder()
    else:
        decoder = AutoFramingDecoder()
    try:
        while chunk := await reader.read(65536):
            try:
                frames = decoder.feed(chunk)
            except OscDecodeError as exc:
                stamp = f"{printer.clock.now() - printer.start:.6f}"
                printer.out.write(f"{stamp} ! closing connection: {exc}\n")
                return
            for frame in frames:
                printer.packet(frame)
    except OSError:
        pass
    finally:
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()
