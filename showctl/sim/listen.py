"""The receiving sockets of the simulated node: Art-Net and sACN into a :class:`Receiver`.

- Art-Net: one UDP socket on ``bind:6454`` with SO_REUSEADDR, so it can share the port
  with other Art-Net software on the same machine (OLA, a visualiser).
- sACN unicast: one UDP socket on ``bind:5568`` (SO_REUSEADDR).
- sACN multicast: one socket per universe, bound to the universe's group
  (239.255.hi.lo) on the sACN port, joined on ``interface`` (127.0.0.1 by default).
  Binding to the group keeps unicast out of it, so nothing is counted twice; pinning
  the membership's interface is what makes multicast over ``lo`` work, together with
  the sender pinning IP_MULTICAST_IF (showctl's sACN driver does with ``interface``).

Port 0 picks a free port (tests); multicast sockets always use the unicast socket's
port, because senders send multicast to 5568.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from showctl.protocols import artnet as art
from showctl.protocols import sacn as sacn
from showctl.sim.receiver import Address, FeedResult, Protocol, Receiver

PacketHook = Callable[[Protocol, bytes, Address, FeedResult], None]


class _Datagrams(asyncio.DatagramProtocol):
    def __init__(self, receiver: Receiver, protocol: Protocol, hook: PacketHook | None) -> None:
        self.receiver = receiver
        self.protocol = protocol
        self.hook = hook

    def datagram_received(self, data: bytes, addr: tuple[str | int, ...]) -> None:
        src: Address = (str(addr[0]), int(addr[1]))
        result = self.receiver.feed(self.protocol, data, src)
        if self.hook is not None:
            self.hook(self.protocol, data, src, result)

    def error_received(self, exc: Exception) -> None:
        pass  # ICMP noise on a receive socket: nothing to do


def _udp_socket(host: str, port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
        sock.setblocking(False)
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return sock


def multicast_socket(universe: int, port: int, interface: str) -> socket.socket:
    """A socket bound to a universe's multicast group and joined on ``interface``."""
    group = sacn.multicast_group(universe)
    sock = _udp_socket(group, port)
    try:
        mreq = socket.inet_aton(group) + socket.inet_aton(interface)
        sock.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, mreq)
    except OSError:
        sock.close()
        raise
    return sock


@dataclass(slots=True)
class Listener:
    """Open sockets feeding a receiver; :meth:`close` them when done."""

    receiver: Receiver
    bind: str = "127.0.0.1"
    artnet_port: int | None = art.ARTNET_PORT
    sacn_port: int | None = sacn.SACN_PORT
    multicast: Iterable[int] = ()
    interface: str = "127.0.0.1"
    hook: PacketHook | None = None
    transports: list[asyncio.DatagramTransport] = field(default_factory=list)
    artnet_address: Address | None = None
    sacn_address: Address | None = None
    joined: list[int] = field(default_factory=list)

    async def start(self) -> Listener:
        """Bind every socket. Raises ``OSError`` (port busy, bad address) after closing
        whatever was already open."""
        try:
            if self.artnet_port is not None:
                sock = _udp_socket(self.bind, self.artnet_port)
                await self._serve(sock, "artnet")
                self.artnet_address = _sockname(sock)
            if self.sacn_port is not None:
                sock = _udp_socket(self.bind, self.sacn_port)
                await self._serve(sock, "sacn")
                self.sacn_address = _sockname(sock)
                for universe in sorted(set(self.multicast)):
                    if not sacn.MIN_UNIVERSE <= universe <= sacn.MAX_UNIVERSE:
                        continue
                    msock = multicast_socket(universe, self.sacn_address[1], self.interface)
                    await self._serve(msock, "sacn")
                    self.joined.append(universe)
        except OSError:
            self.close()
            raise
        return self

    async def _serve(self, sock: socket.socket, protocol: Protocol) -> None:
        loop = asyncio.get_running_loop()
        try:
            transport, _ = await loop.create_datagram_endpoint(
                lambda: _Datagrams(self.receiver, protocol, self.hook), sock=sock)
        except OSError:
            sock.close()
            raise
        self.transports.append(transport)

    def close(self) -> None:
        for t in self.transports:
            t.close()
        self.transports.clear()

    async def __aenter__(self) -> Listener:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        self.close()


def _sockname(sock: socket.socket) -> Address:
    host, port = sock.getsockname()[:2]
    return str(host), int(port)
