"""Remote control and triggers: a QLab-compatible OSC API, MIDI/MSC triggers,
timecode chase, wall-clock and hotkey triggers. Start it all with
:func:`start_remote`; see docs/remote.md."""

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
