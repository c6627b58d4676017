"""Remote control and triggers: a QLab-compatible OSC API, MIDI/MSC triggers,
timecode chase, wall-clock and hotkey triggers. Start it all with
:func:`start_remote`; see docs/remote.md.

The service half (engine, sockets) is imported on first use, so the command line can
read remote options without loading the engine (``showctl --help`` stays quick)."""

from typing import TYPE_CHECKING, Any

from showctl.remote.config import (
    ArtnetTimecodeConfig,
    Level,
    MidiInputConfig,
    MscControlConfig,
    OscApiConfig,
    PasscodeConfig,
    RemoteConfig,
)

if TYPE_CHECKING:
    from showctl.remote.service import RemoteServer, TimecodeStatus, start_remote

__all__ = [
    "ArtnetTimecodeConfig",
    "Level",
    "MidiInputConfig",
    "MscControlConfig",
    "OscApiConfig",
    "PasscodeConfig",
    "RemoteConfig",
    "RemoteServer",
    "TimecodeStatus",
    "start_remote",
]


_LAZY = {"RemoteServer", "TimecodeStatus", "start_remote"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from showctl.remote import service

        return getattr(service, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
