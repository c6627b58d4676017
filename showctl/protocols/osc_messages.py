"""OSC messages and bundles as values: what the OSC codec encodes and decodes.

The engine hands them to drivers as payloads (:mod:`showctl.drivers.base` re-exports
them); the OSC API, triggers and monitors get them from the decoder.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["OscArg", "OscBundle", "OscMessage"]

OscArg = int | float | str | bytes | bool | None


@dataclass(frozen=True, slots=True)
class OscMessage:
    address: str
    args: tuple[OscArg, ...] = ()


@dataclass(frozen=True, slots=True)
class OscBundle:
    """A bundle of messages with an NTP timetag (1 = immediately)."""

    messages: tuple[OscMessage, ...]
    timetag: int = 1
