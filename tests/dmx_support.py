"""Helpers shared by the DMX driver and conformance tests: a loopback UDP receiver that
stamps each datagram with the loop's (virtual) time, a frame ticker, and driver setup."""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import socket
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from showctl.clocks.clock import LoopClock
from showctl.drivers.base import DmxPayload, DriverContext, Payload
from showctl.drivers.dmx_udp import DmxUdpDriver

RATE = 44.0

LOCK_PATH = Path(tempfile.gettempdir()) / "showctl-dmx-peers.lock"


@contextlib.contextmanager
def dmx_peers_lock(timeout: float = 120.0) -> Iterator[None]:
    """Hold the lock of the fixed DMX ports (Art-Net 6454, sACN 5568, OLA's 9010): tests
    in parallel processes (xdist, other checkouts) that use them run one at a time."""
    with open(LOCK_PATH, "a+") as fh:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{LOCK_PATH} held by another test run for "
                                       f"{timeout} s") from None
                time.sleep(0.1)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


@dataclass
class Events:
    faults: list[tuple[float, str]] = field(default_factory=list)
    sent: list[Payload] = field(default_factory=list)


def make_ctx(clock: LoopClock, events: Events) -> DriverContext:
    return DriverContext(
        clock=clock,
        on_fault=lambda output, reason: events.faults.append((clock.now(), reason)),
        on_sent=lambda output, payload: events.sent.append(payload),
    )


class Receiver(asyncio.DatagramProtocol):
    """Collects (loop time, datagram, source) on a loopback socket."""

    def __init__(self) -> None:
        self.packets: list[tuple[float, bytes, tuple[str, int]]] = []
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.DatagramTransport, transport)

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        self.packets.append((asyncio.get_running_loop().time(), data, addr))

    @property
    def port(self) -> int:
        assert self.transport is not None
        port: int = self.transport.get_extra_info("sockname")[1]
        return port

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()


async def receiver(host: str = "127.0.0.1", port: int = 0, sock: Any = None) -> Receiver:
    loop = asyncio.get_running_loop()
    if sock is None:
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.bind((host, port))
    # Deep enough for a burst of hundreds of universes read only after the burst.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    _, proto = await loop.create_datagram_endpoint(Receiver, sock=sock)
    return proto


async def settle(rounds: int = 100) -> None:
    """Let the loop read what the kernel already delivered (loopback is synchronous)."""
    # The datagram transport reads one datagram per loop iteration; give it plenty.
    for _ in range(rounds):
        await asyncio.sleep(0)


async def tick(
    driver: DmxUdpDriver,
    clock: LoopClock,
    frames: int,
    changes: dict[int, list[DmxPayload]] | None = None,
    t0: float = 0.0,
    rate: float = RATE,
) -> None:
    """Run ``frames`` frame ticks on deadlines t0 + k / rate, as the frame engine does."""
    changes = changes or {}
    for k in range(frames):
        t = t0 + k / rate
        await clock.sleep_until(t)
        driver.frame(t, changes.get(k, []))
    await settle()


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def frame_of(t: float, rate: float = RATE) -> int:
    return round(t * rate)
