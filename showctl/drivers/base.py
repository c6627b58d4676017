"""The driver contract, the payloads the engine hands to drivers, and the registry.

A driver is built from a pydantic config model (one per driver kind), opened once,
given payloads with :meth:`Driver.send` (never blocking, never raising into the engine),
and closed at the end. Faults are reported through :meth:`DriverContext.fault` as events;
the show goes on and the driver retries on its own.

Drivers are found through the ``showctl.drivers`` entry-point group, so built-ins and
third-party packages register the same way; :func:`register` adds one at run time
(tests, plugins loaded by path).
"""

from __future__ import annotations

import enum
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict

from showctl.clocks.clock import Clock
from showctl.protocols.osc_messages import OscArg, OscBundle, OscMessage

__all__ = [
    "DmxPayload", "Driver", "DriverConfig", "DriverContext", "Health", "HealthState",
    "MidiPayload", "OscArg", "OscBundle", "OscMessage", "Payload", "TimecodePayload",
    "available", "driver_class", "register",
]

# ---------------------------------------------------------------------------- payloads

# OSC messages and bundles are the OSC codec's values (showctl.protocols.osc_messages),
# re-exported here with the other payloads.

@dataclass(slots=True)  # not frozen: built per universe per frame, frozen costs 0.35 µs
class DmxPayload:
    """One universe's 512 slot values (fewer is allowed: the rest are 0)."""

    universe: int
    data: bytes


@dataclass(frozen=True, slots=True)
class MidiPayload:
    """One complete MIDI message as raw bytes (channel voice, SysEx, MSC, MTC...)."""

    data: bytes


@dataclass(frozen=True, slots=True)
class TimecodePayload:
    """One frame of timecode for Art-Net (ArtTimeCode); ``type`` 0=24, 1=25, 2=29.97DF, 3=30."""

    hours: int
    minutes: int
    seconds: int
    frames: int
    type: int


Payload = DmxPayload | OscMessage | OscBundle | MidiPayload | TimecodePayload


# ---------------------------------------------------------------------------- health


class HealthState(enum.StrEnum):
    IDLE = "idle"
    SENDING = "sending"
    FAULTED = "faulted"
    RETRYING = "retrying"
    CLOSED = "closed"


@dataclass(slots=True)
class Health:
    state: HealthState = HealthState.IDLE
    reason: str = ""
    sent: int = 0
    faults: int = 0


# ---------------------------------------------------------------------------- context


@dataclass(slots=True)
class DriverContext:
    """What a driver gets from the engine: the clock and two ways to report."""

    clock: Clock
    on_fault: Callable[[str, str], None] = field(default=lambda output, reason: None)
    on_sent: Callable[[str, Payload], None] = field(default=lambda output, payload: None)
    on_recovered: Callable[[str, str], None] | None = None
    """Called once when a faulted endpoint works again ("10.0.0.5:6454 back after
    12.4 s"). None until the engine's output router wires it (:meth:`OutputRouter.add`)."""


class DriverConfig(BaseModel):
    """Base of every driver's config model: typos in a rig file are errors."""

    model_config = ConfigDict(extra="forbid")

    driver: str


class Driver(ABC):
    """One logical output bound to one endpoint."""

    kind: ClassVar[str]
    """The registry name used in rig files (``driver: artnet``)."""
    config_model: ClassVar[type[DriverConfig]] = DriverConfig
    """The pydantic model of this driver's rig-file section."""
    payloads: ClassVar[tuple[type[Any], ...]] = (
        DmxPayload, OscMessage, OscBundle, MidiPayload, TimecodePayload)
    """Payload types this driver accepts (checked when a rig maps an output to it)."""

    def __init__(self, output: str, config: DriverConfig, ctx: DriverContext) -> None:
        self.output = output
        self.config = config
        self.ctx = ctx
        self.health = Health()

    async def open(self) -> None:  # noqa: B027 - optional hook
        """Acquire sockets or ports. A failure must be reported as a fault, not raised."""

    async def close(self) -> None:  # noqa: B027 - optional hook
        """Release everything; send protocol goodbyes (e.g. sACN stream termination)."""

    @abstractmethod
    def send(self, payload: Payload) -> None:
        """Queue or send a payload now. Must not block and must not raise."""

    def frame(self, now: float, changed: Sequence[DmxPayload]) -> None:
        """One tick of the lighting frame loop at ``now``: the universes whose data
        changed since the last frame (possibly none). The default sends each; DMX
        drivers override it to pace and sync frames. Keep-alive refreshes of unchanged
        universes are the driver's own business, on its own timers (``ctx.clock``), so
        the frame loop may sleep while nothing fades. Must not block or raise."""
        for p in changed:
            self.send(p)

    def fault(self, reason: str) -> None:
        """Record and report a fault; the engine turns it into a ``fault`` event."""
        self.health.state = HealthState.FAULTED
        self.health.reason = reason
        self.health.faults += 1
        self.ctx.on_fault(self.output, reason)

    def back(self, what: str, down_since: float) -> None:
        """Report, once, that ``what`` (an endpoint) works again after a fault reported
        at clock time ``down_since``."""
        after = self.ctx.clock.now() - down_since
        if self.ctx.on_recovered is not None:
            self.ctx.on_recovered(self.output, f"{what} back after {after:.1f} s")

    def sent(self, payload: Payload) -> None:
        self.health.state = HealthState.SENDING
        self.health.reason = ""
        self.health.sent += 1
        self.ctx.on_sent(self.output, payload)


# ---------------------------------------------------------------------------- registry

_registry: dict[str, type[Driver]] = {}


def register(cls: type[Driver]) -> type[Driver]:
    """Register a driver class under ``cls.kind`` (usable as a class decorator)."""
    _registry[cls.kind] = cls
    return cls


def driver_class(kind: str) -> type[Driver]:
    """Find a driver by kind: run-time registrations first, then entry points."""
    if kind not in _registry:
        for ep in entry_points(group="showctl.drivers"):
            if ep.name == kind:
                _registry[kind] = ep.load()
                break
    if kind not in _registry:
        raise KeyError(f"unknown driver {kind!r}; known: {', '.join(sorted(available()))}")
    return _registry[kind]


def available() -> set[str]:
    names = set(_registry)
    names.update(ep.name for ep in entry_points(group="showctl.drivers"))
    return names
