"""Sockets for the OSC API: UDP datagrams and TCP streams (SLIP, or OSC 1.0 length
prefix), both on the same port, both on the event loop without threads.

The loop is never blocked and a peer can never delay a frame: every socket call is
non-blocking; a TCP chunk holding thousands of tiny frames is handled a few frames per
loop iteration (reading pauses meanwhile); a TCP client that does not read its replies
is dropped once its write buffer passes ``max_write_buffer``; replies too big for a
datagram become an error reply. Replies to UDP go to the sender's IP at its reply port
(QLab: 53001 unless the client sent ``/udpReplyPort``), or to its source port when the
server is configured with ``udp_reply_port: null``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import deque

from showctl.drivers.base import OscMessage
from showctl.protocols.osc import (
    LengthPrefixDecoder,
    OscDecodeError,
    SlipDecoder,
    encode_message,
    length_prefix,
    slip_encode,
)
from showctl.remote.api import Client, QLabApi
from showctl.remote.config import OscApiConfig

__all__ = ["OscApiServer"]

_log = logging.getLogger(__name__)
_FRAMES_PER_TURN = 16
"""TCP frames handled per loop iteration before yielding to the frame loop."""


class _Udp(asyncio.DatagramProtocol):
    def __init__(self, server: OscApiServer) -> None:
        self.server = server

    def datagram_received(self, data: bytes, addr: tuple[str | int, ...]) -> None:
        self.server.udp_packet(data, str(addr[0]), int(addr[1]))

    def error_received(self, exc: Exception) -> None:
        pass  # ICMP unreachable for a reply: the client went away; nothing to do


class _Tcp(asyncio.Protocol):
    def __init__(self, server: OscApiServer) -> None:
        self.server = server
        self.transport: asyncio.Transport | None = None
        self.client: Client | None = None
        self.decoder: SlipDecoder | LengthPrefixDecoder | None = None
        self.frames: deque[bytes] = deque()
        self.draining = False
        self.closed = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        server = self.server
        if len(server.tcp_clients) >= server.config.max_tcp_clients:
            transport.abort()
            self.closed = True
            return
        peer = transport.get_extra_info("peername") or ("?", 0)
        self.client = server.api.add_client(Client("tcp", str(peer[0]), int(peer[1])))
        self.client.send = self.send
        server.tcp_clients.add(self)

    def data_received(self, data: bytes) -> None:
        if self.closed or self.client is None:
            return
        max_frame = self.server.config.max_packet
        if self.decoder is None:
            self.decoder = (SlipDecoder(max_frame) if data[:1] == b"\xc0"
                            else LengthPrefixDecoder(max_frame))
        try:
            self.frames.extend(self.decoder.feed(data))
        except OscDecodeError:
            self.abort()  # a bad length prefix cannot be resynchronised
            return
        if self.frames and not self.draining:
            self._drain()

    def _drain(self) -> None:
        self.draining = False
        if self.closed or self.client is None or self.transport is None:
            return
        for _ in range(min(_FRAMES_PER_TURN, len(self.frames))):
            frame = self.frames.popleft()
            for reply in self.server.api.handle_packet(frame, self.client):
                self.send(reply)
            if self.closed:
                return
        if self.frames:
            # More work queued: let the frame loop and everyone else run first.
            self.transport.pause_reading()
            self.draining = True
            asyncio.get_running_loop().call_soon(self._drain)
        elif not self.transport.is_closing():
            self.transport.resume_reading()

    def send(self, msg: OscMessage) -> None:
        if self.closed or self.transport is None or self.transport.is_closing():
            return
        try:
            data = encode_message(msg)
        except (ValueError, TypeError):
            return
        framed = (length_prefix(data) if isinstance(self.decoder, LengthPrefixDecoder)
                  else slip_encode(data))
        self.transport.write(framed)
        if self.transport.get_write_buffer_size() > self.server.config.max_write_buffer:
            _log.warning("OSC API: dropping %s, it does not read its replies",
                         self.client.host if self.client else "?")
            self.abort()

    def abort(self) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.abort()

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self.server.tcp_clients.discard(self)
        if self.client is not None:
            self.server.api.remove_client(self.client)
        self.frames.clear()


class OscApiServer:
    """UDP + TCP listeners for one :class:`QLabApi`."""

    def __init__(self, api: QLabApi, config: OscApiConfig) -> None:
        self.api = api
        self.config = config
        self.udp: asyncio.DatagramTransport | None = None
        self.tcp: asyncio.Server | None = None
        self.tcp_clients: set[_Tcp] = set()

    @property
    def udp_port(self) -> int | None:
        if self.udp is None:
            return None
        return int(self.udp.get_extra_info("sockname")[1])

    @property
    def tcp_port(self) -> int | None:
        if self.tcp is None or not self.tcp.sockets:
            return None
        return int(self.tcp.sockets[0].getsockname()[1])

    async def start(self) -> None:
        """Bind the sockets (raises OSError, e.g. the port is busy)."""
        loop = asyncio.get_running_loop()
        cfg = self.config
        port = cfg.port
        if cfg.tcp:
            self.tcp = await loop.create_server(lambda: _Tcp(self), cfg.host, port,
                                                reuse_address=True)
            if port == 0:
                port = self.tcp_port or 0  # UDP on the same number as TCP
        if cfg.udp:
            try:
                transport, _ = await loop.create_datagram_endpoint(
                    lambda: _Udp(self), local_addr=(cfg.host, port))
            except OSError:
                await self.close()
                raise
            self.udp = transport

    def udp_packet(self, data: bytes, host: str, port: int) -> None:
        client = self.api.udp_client(host, port)
        if client.send is None:
            client.send = lambda msg, c=client: self._udp_send(c, msg)
        for reply in self.api.handle_packet(data, client):
            self._udp_send(client, reply)

    def _udp_send(self, client: Client, msg: OscMessage) -> None:
        if self.udp is None or self.udp.is_closing():
            return
        try:
            data = encode_message(msg)
        except (ValueError, TypeError):
            return
        if len(data) > self.config.max_udp_reply:
            address = msg.address.removeprefix("/reply")
            body = {"workspace_id": self.api.ws.uid, "address": address, "status": "error",
                    "data": "reply too large for UDP; use TCP"}
            data = encode_message(OscMessage(msg.address, (json.dumps(body),)))
        with contextlib.suppress(OSError):
            self.udp.sendto(data, (client.host, client.reply_port or client.port))

    async def close(self) -> None:
        """Tell clients getting updates that we are going, then close every socket."""
        bye = self.api.disconnect_message()
        for client in list(self.api.clients.values()):
            if client.updates and client.send is not None:
                client.send(bye)
        if self.udp is not None:
            self.udp.close()
            self.udp = None
        for conn in list(self.tcp_clients):
            if conn.transport is not None:
                conn.transport.close()
        if self.tcp is not None:
            self.tcp.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.tcp.wait_closed(), 1.0)
            self.tcp = None
