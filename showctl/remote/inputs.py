"""Inputs for triggers and timecode: MIDI ports (rtmidi or network sockets) and an
Art-Net timecode listener. Each hands decoded messages to a callback *on the event
loop*, stamped with the loop clock's time of arrival.

* :class:`SocketMidiInput` listens on TCP for mido's network MIDI (raw MIDI bytes; a
  sender does ``mido.sockets.connect(host, port).send(msg)``), natively on asyncio.
* :class:`RtMidiInput` opens a hardware/virtual port through mido's rtmidi backend.
  rtmidi calls back on its own thread; every message is handed to the loop with
  ``loop.call_soon_threadsafe``. Opening (which may block) runs in a worker thread; a
  missing port is retried every ``retry_interval`` seconds and never stops the show.
* :class:`ArtnetTimecodeListener` receives ArtTimeCode datagrams (other Art-Net
  packets on the port are ignored).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import Callable
from typing import Any

from showctl.clocks.clock import Clock
from showctl.drivers.midi import find_port_name, rtmidi_backend
from showctl.protocols.artnet import ArtNetDecodeError, ArtTimeCode, decode
from showctl.protocols.midi import MidiEvent, decode_midi
from showctl.remote.config import ArtnetTimecodeConfig, MidiInputConfig

__all__ = ["ArtnetTimecodeListener", "MidiCallback", "RtMidiInput", "SocketMidiInput",
           "open_midi_input"]

_log = logging.getLogger(__name__)

MidiCallback = Callable[[MidiEvent, str, float], object]
"""(decoded message, input name, clock time of arrival)."""


class _Parser:
    """mido's stream parser (running status, interleaved real-time bytes) → events."""

    def __init__(self) -> None:
        import mido

        self._parser = mido.Parser()

    def feed(self, chunk: bytes) -> list[MidiEvent]:
        self._parser.feed(chunk)
        out: list[MidiEvent] = []
        for msg in self._parser:
            with contextlib.suppress(ValueError):
                out.append(decode_midi(bytes(msg.bin())))
        return out


class _SocketConn(asyncio.Protocol):
    def __init__(self, owner: SocketMidiInput) -> None:
        self.owner = owner
        self.parser = _Parser()
        self.transport: asyncio.BaseTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport
        self.owner.connections.add(self)

    def data_received(self, data: bytes) -> None:
        if len(data) > 1 << 16:
            data = data[: 1 << 16]
        at = self.owner.clock.now()
        for event in self.parser.feed(data):
            self.owner.deliver(event, at)

    def connection_lost(self, exc: Exception | None) -> None:
        self.owner.connections.discard(self)


class SocketMidiInput:
    """Listens for mido network MIDI connections on ``host:port``."""

    def __init__(self, config: MidiInputConfig, clock: Clock, callback: MidiCallback) -> None:
        self.config = config
        self.name = config.name
        self.clock = clock
        self.callback = callback
        self.server: asyncio.Server | None = None
        self.connections: set[_SocketConn] = set()

    @property
    def port(self) -> int | None:
        if self.server is None or not self.server.sockets:
            return None
        return int(self.server.sockets[0].getsockname()[1])

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        self.server = await loop.create_server(
            lambda: _SocketConn(self), self.config.host, int(self.config.port),
            reuse_address=True)

    def deliver(self, event: MidiEvent, at: float) -> None:
        try:
            self.callback(event, self.name, at)
        except Exception:
            _log.exception("MIDI input %s: handling %s failed", self.name, event)

    async def close(self) -> None:
        for conn in list(self.connections):
            if conn.transport is not None:
                conn.transport.close()
        if self.server is not None:
            self.server.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.server.wait_closed(), 1.0)
            self.server = None


class RtMidiInput:
    """A MIDI input port by name through mido's rtmidi backend (or a given backend)."""

    def __init__(self, config: MidiInputConfig, clock: Clock, callback: MidiCallback,
                 *, backend: Any = None) -> None:
        self.config = config
        self.name = config.name
        self.clock = clock
        self.callback = callback
        self._backend = backend
        self._port: Any = None
        self._task: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._parser = _Parser()
        self.problem: str | None = None

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._task = self._loop.create_task(self._keep_open(), name=f"midi-in {self.name}")

    async def _keep_open(self) -> None:
        while self._port is None:
            try:
                self._port = await asyncio.to_thread(self._open)
                self.problem = None
                return
            except Exception as exc:  # missing port, no backend: report, retry
                if str(exc) != self.problem:
                    _log.warning("MIDI input %s: %s", self.name, exc)
                self.problem = str(exc)
            await self.clock.sleep_until(self.clock.now() + self.config.retry_interval)

    def _open(self) -> Any:
        backend = self._backend or rtmidi_backend(self.config.api)
        names = list(backend.get_input_names())
        found = find_port_name(str(self.config.port), names)
        if found is None:
            shown = ", ".join(repr(n) for n in names) or "none"
            raise LookupError(f"port {self.config.port!r} not found (inputs: {shown})")
        return backend.open_input(found, callback=self._on_thread)

    def _on_thread(self, msg: Any) -> None:
        """rtmidi's thread: hand the raw bytes to the loop, do nothing else here."""
        loop = self._loop
        if loop is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(self._on_loop, bytes(msg.bin()))

    def _on_loop(self, data: bytes) -> None:
        at = self.clock.now()
        for event in self._parser.feed(data):
            try:
                self.callback(event, self.name, at)
            except Exception:
                _log.exception("MIDI input %s: handling %s failed", self.name, event)

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
        if self._port is not None:
            port, self._port = self._port, None
            with contextlib.suppress(Exception):
                await asyncio.to_thread(port.close)


def open_midi_input(config: MidiInputConfig, clock: Clock,
                    callback: MidiCallback) -> SocketMidiInput | RtMidiInput:
    if config.transport == "socket":
        return SocketMidiInput(config, clock, callback)
    return RtMidiInput(config, clock, callback)


class _ArtnetProtocol(asyncio.DatagramProtocol):
    def __init__(self, owner: ArtnetTimecodeListener) -> None:
        self.owner = owner

    def datagram_received(self, data: bytes, addr: tuple[str | int, ...]) -> None:
        if len(data) < 19 or not data.startswith(b"Art-Net\x00"):
            return
        try:
            pkt = decode(data)
        except ArtNetDecodeError:
            return
        if isinstance(pkt, ArtTimeCode):
            self.owner.callback(pkt, str(addr[0]), self.owner.clock.now())


class ArtnetTimecodeListener:
    """Receives ArtTimeCode on UDP (shares the port with other Art-Net software)."""

    def __init__(self, config: ArtnetTimecodeConfig, clock: Clock,
                 callback: Callable[[ArtTimeCode, str, float], None]) -> None:
        self.config = config
        self.clock = clock
        self.callback = callback
        self.transport: asyncio.DatagramTransport | None = None

    @property
    def port(self) -> int | None:
        if self.transport is None:
            return None
        return int(self.transport.get_extra_info("sockname")[1])

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if hasattr(socket, "SO_REUSEPORT"):
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
        try:
            sock.bind((self.config.host, self.config.port))
        except OSError:
            sock.close()
            raise
        sock.setblocking(False)
        transport, _ = await loop.create_datagram_endpoint(lambda: _ArtnetProtocol(self),
                                                           sock=sock)
        self.transport = transport

    async def close(self) -> None:
        if self.transport is not None:
            self.transport.close()
            self.transport = None
