"""A Python OSC client of showctl's QLab-compatible API, for the socket-level and
fuzzing tests (python-osc messages, UDP or TCP with SLIP framing).

What Bitfocus Companion does is not imitated here: ``tests/companion`` runs Companion's
real QLab module against showctl.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any

from pythonosc import slip
from pythonosc.osc_message import OscMessage as PyOscMessage
from pythonosc.osc_message_builder import OscMessageBuilder

COMPANION_KEYS = json.dumps([
    "number", "uniqueID", "listName", "type", "mode", "isPaused", "duration", "actionElapsed",
    "preWait", "postWait", "parent", "flagged", "notes", "autoLoad", "colorName", "isRunning",
    "isAuditioning", "isLoaded", "armed", "isBroken", "continueMode", "percentActionElapsed",
    "cartPosition", "infiniteLoop", "holdLastFrame"])
"""The keys Companion's QLab module (2.14) asks ``valuesForKeys`` for."""


def build(address: str, *args: Any) -> bytes:
    b = OscMessageBuilder(address)
    for a in args:
        b.add_arg(a)
    return bytes(b.build().dgram)


class Reply:
    def __init__(self, msg: PyOscMessage) -> None:
        self.address: str = msg.address
        self.args: list[Any] = list(msg.params)
        self.json: dict[str, Any] | None = None
        if self.address.startswith("/reply/") and self.args:
            self.json = json.loads(self.args[0])


class OscClient:
    """A plain OSC client of the API over UDP or TCP (SLIP): send messages, wait for
    replies and ``/update`` pushes. ``transport`` is "udp" or "tcp"."""

    def __init__(self, transport: str, port: int, host: str = "127.0.0.1") -> None:
        self.transport = transport
        self.host = host
        self.port = port
        self.inbox: asyncio.Queue[Reply] = asyncio.Queue()
        self.all: list[Reply] = []
        self._writer: asyncio.StreamWriter | None = None
        self._reader_task: asyncio.Task[None] | None = None
        self._udp: asyncio.DatagramTransport | None = None
        self.local_port = 0

    async def open(self) -> None:
        loop = asyncio.get_running_loop()
        if self.transport == "tcp":
            reader, self._writer = await asyncio.open_connection(self.host, self.port)
            self._reader_task = loop.create_task(self._read_tcp(reader))
        else:
            client = self

            class Proto(asyncio.DatagramProtocol):
                def datagram_received(self, data: bytes, addr: Any) -> None:
                    client._got(data)

            tr, _ = await loop.create_datagram_endpoint(Proto, local_addr=("127.0.0.1", 0))
            self._udp = tr
            self.local_port = tr.get_extra_info("sockname")[1]

    async def _read_tcp(self, reader: asyncio.StreamReader) -> None:
        buf = b""
        while True:
            chunk = await reader.read(65536)
            if not chunk:
                return
            buf += chunk
            *frames, buf = buf.split(b"\xc0")
            for f in frames:
                if f:
                    self._got(slip.decode(f))

    def _got(self, data: bytes) -> None:
        r = Reply(PyOscMessage(data))
        self.all.append(r)
        self.inbox.put_nowait(r)

    def send(self, address: str, *args: Any) -> None:
        data = build(address, *args)
        if self.transport == "tcp":
            assert self._writer is not None
            self._writer.write(slip.encode(data))
        else:
            assert self._udp is not None
            self._udp.sendto(data, (self.host, self.port))

    def send_raw(self, data: bytes) -> None:
        if self.transport == "tcp":
            assert self._writer is not None
            self._writer.write(data)
        else:
            assert self._udp is not None
            self._udp.sendto(data, (self.host, self.port))

    async def expect(self, address: str, timeout: float = 3.0) -> Reply:
        """The next message to ``address`` (others received meanwhile are kept in .all)."""
        loop = asyncio.get_running_loop()
        end = loop.time() + timeout
        while True:
            left = end - loop.time()
            if left <= 0:
                raise AssertionError(f"no {address} within {timeout} s; got "
                                     f"{[r.address for r in self.all][-10:]}")
            try:
                r = await asyncio.wait_for(self.inbox.get(), left)
            except TimeoutError:
                continue
            if r.address == address:
                return r

    async def ask(self, address: str, *args: Any) -> dict[str, Any]:
        self.send(address, *args)
        r = await self.expect("/reply" + address)
        assert r.json is not None
        return r.json

    async def connect(self, passcode: str | None = None) -> dict[str, Any]:
        """``/connect`` (with a passcode), then ``/updates 1``; the /connect reply."""
        if passcode is not None:
            self.send("/connect", passcode)
        else:
            self.send("/connect")
        connect = await self.expect("/reply/connect")
        self.send("/updates", 1)
        await self.expect("/reply/updates")
        assert connect.json is not None
        return connect.json

    async def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            with contextlib.suppress(ConnectionError, OSError):
                await self._writer.wait_closed()
        if self._reader_task is not None:
            self._reader_task.cancel()
        if self._udp is not None:
            self._udp.close()
