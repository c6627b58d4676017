"""Helpers for testing the remote API, public like :mod:`showctl.testing`.

* :func:`local_api` / :func:`call`: drive the pure :class:`~showctl.remote.api.QLabApi`
  dispatcher without sockets (on the virtual clock).
* :class:`CompanionLikeClient`: talks to a running OSC API server the way Bitfocus
  Companion's QLab module does (``/connect``, ``/version``, ``/updates 1``,
  ``/cueLists``, then polling ``valuesForKeys`` and following ``/update/...`` pushes),
  with python-osc messages, over UDP or over TCP with SLIP framing.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
from typing import Any

from pythonosc import slip
from pythonosc.osc_message import OscMessage as PyOscMessage
from pythonosc.osc_message_builder import OscMessageBuilder

from showctl.drivers.base import OscMessage
from showctl.remote.api import Client, QLabApi
from showctl.remote.config import OscApiConfig
from showctl.session import Session
from showctl.testing import make_show

EXAMPLE_SHOW = """
show: {title: Remote Test}
settings: {go_guard: 0, panic_time: 1}
outputs:
  lx: {kind: dmx, universes: [1]}
  sound: {kind: osc}
cuelists:
  main:
    description: The SM's list
    cues:
      - {number: "1", type: light, name: Wash up, channels: {"1": 100}, time: 2}
      - {number: "2", type: wait, name: Hold, duration: 5, notes: Standby sound,
         prewait: 0.5}
      - number: "3"
        type: group
        mode: timeline
        name: Sting
        cues:
          - {number: "3.1", type: osc, output: sound, address: /play}
          - {number: "3.2", type: wait, duration: 1}
      - {number: "4", type: memo, name: End, color: red}
  side:
    cues:
      - {number: "S1", type: wait, duration: 3}
"""

COMPANION_KEYS = json.dumps(["number", "uniqueID", "listName", "type", "isPaused", "duration",
                             "actionElapsed", "parent", "flagged", "notes", "autoLoad",
                             "colorName", "isRunning", "isLoaded", "armed", "isBroken",
                             "percentActionElapsed", "cartPosition"])
"""The key list Companion's QLab module polls with."""


def free_port(kind: int = socket.SOCK_STREAM) -> int:
    """A port free for both TCP and UDP on 127.0.0.1 right now."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, kind) as s:
            s.bind(("127.0.0.1", 0))
            port: int = s.getsockname()[1]
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
                u.bind(("127.0.0.1", port))
            return port
        except OSError:
            continue
    raise RuntimeError("no free port")


async def open_session(text: str = EXAMPLE_SHOW) -> Session:
    session = Session(make_show(text))
    await session.open()
    return session


def local_api(session: Session, **cfg: Any) -> tuple[QLabApi, Client]:
    api = QLabApi(session.engine, OscApiConfig(**cfg))
    return api, api.add_client(Client("local", "127.0.0.1", 0))


def call(api: QLabApi, client: Client, address: str, *args: Any) -> dict[str, Any]:
    """Send one message through the pure dispatcher, return the decoded JSON reply."""
    reply = api.handle(OscMessage(address, tuple(args)), client)
    assert reply is not None
    assert reply.address == "/reply" + address
    body: dict[str, Any] = json.loads(str(reply.args[0]))
    return body


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


class CompanionLikeClient:
    """Talks to the API like Companion's QLab module: ``/connect``, ``/version``,
    ``/updates 1``, ``/cueLists``, then polls ``valuesForKeys`` and follows
    ``/update/...`` pushes. ``transport`` is "udp" or "tcp" (SLIP)."""

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

    async def prime(self, passcode: str | None = None) -> dict[str, Any]:
        """Companion's start-up sequence; returns the /connect reply."""
        if passcode is not None:
            self.send("/connect", passcode)
        else:
            self.send("/connect")
        connect = await self.expect("/reply/connect")
        self.send("/version")
        self.send("/cue/playhead/uniqueID")
        self.send("/updates", 1)
        self.send("/cueLists")
        self.send("/auditionWindow")
        self.send("/showMode")
        await self.expect("/reply/showMode")
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
