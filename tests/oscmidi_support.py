"""Helpers shared by the OSC/MIDI tests: free ports, fault recorders, waiting."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable
from dataclasses import dataclass, field

from showctl.clocks.clock import LoopClock
from showctl.drivers.base import DriverContext, Payload


def free_port(kind: int = socket.SOCK_DGRAM) -> int:
    """A port nobody is bound to right now on 127.0.0.1 (for UDP or TCP)."""
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class Recorder:
    """A DriverContext whose fault/sent reports are kept for assertions."""

    faults: list[str] = field(default_factory=list)
    sent: list[Payload] = field(default_factory=list)
    recovered: list[str] = field(default_factory=list)

    def ctx(self) -> DriverContext:
        return DriverContext(
            clock=LoopClock(),
            on_fault=lambda output, reason: self.faults.append(reason),
            on_sent=lambda output, payload: self.sent.append(payload),
            on_recovered=lambda output, reason: self.recovered.append(reason),
        )


async def wait_for(cond: Callable[[], bool], timeout: float = 5.0, step: float = 0.01) -> None:
    """Poll ``cond`` on the running loop until true (tests only: real time is fine)."""
    async with asyncio.timeout(timeout):
        while not cond():
            await asyncio.sleep(step)
