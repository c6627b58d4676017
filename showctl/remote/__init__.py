"""Remote control and triggers: a QLab-compatible OSC API, MIDI/MSC triggers,
timecode chase, wall-clock and hotkey triggers. Start it all with
:func:`start_remote`; see docs/remote.md.

Names are imported on first use, so the command line can build its remote options
without loading pydantic models or the engine (``showctl --help`` stays quick)."""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from showctl.remote.config import (
        ArtnetTimecodeConfig,
        Level,
        MidiInputConfig,
        MscControlConfig,
        OscApiConfig,
        PasscodeConfig,
        RemoteConfig,
    )
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

_SERVICE = {"RemoteServer", "TimecodeStatus", "start_remote"}


def __getattr__(name: str) -> Any:
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    if name in _SERVICE:
        from showctl.remote import service

        return getattr(service, name)
    from showctl.remote import config

    return getattr(config, name)
