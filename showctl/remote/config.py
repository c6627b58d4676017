"""Settings of the remote-control side: the OSC API server, passcodes, MIDI inputs,
timecode sources and wall-clock triggers.

One :class:`RemoteConfig` is handed to :func:`showctl.remote.start_remote`. Every field
has a safe default: the API listens on 127.0.0.1:53000 (UDP and TCP) and, without a
passcode, it refuses to listen on anything but loopback, so a show is never remotely
controllable from the network by accident.
"""

from __future__ import annotations

import enum
import ipaddress
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = [
    "ArtnetTimecodeConfig",
    "Level",
    "MidiInputConfig",
    "MscControlConfig",
    "OscApiConfig",
    "PasscodeConfig",
    "RemoteConfig",
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Level(enum.StrEnum):
    """Access levels, as in QLab 5: view (queries, updates), control (GO, stop, playhead,
    cue actions) and edit (changing cue properties such as ``armed``)."""

    VIEW = "view"
    CONTROL = "control"
    EDIT = "edit"


ALL_LEVELS: frozenset[Level] = frozenset(Level)


class PasscodeConfig(_Strict):
    """One passcode and what it grants. QLab uses 4-digit codes; any 1–64 characters work."""

    code: str = Field(min_length=1, max_length=64)
    levels: list[Level] = Field(default_factory=lambda: [Level.VIEW, Level.CONTROL, Level.EDIT])


class OscApiConfig(_Strict):
    """The QLab-compatible OSC API server."""

    enabled: bool = True
    host: str = Field(
        "127.0.0.1",
        description="address to listen on (an IP literal); anything but loopback needs a passcode",
    )
    port: int = Field(53000, ge=0, le=65535, description="UDP and TCP port (0 = any free port)")
    udp: bool = True
    tcp: bool = True
    udp_reply_port: int | None = Field(
        53001,
        ge=1,
        le=65535,
        description="QLab replies to UDP on the sender's IP at port 53001 (clients may change "
        "it with /udpReplyPort); null = reply to the sender's own source port",
    )
    passcodes: list[PasscodeConfig] = Field(default_factory=list)
    open_access: list[Level] = Field(
        default_factory=list,
        description="with passcodes: what a client may do before /connect (default nothing)",
    )
    connect_reply: Literal["qlab5", "qlab4"] = Field(
        "qlab5", description='qlab5: /connect answers "ok:view|edit|control"; qlab4: "ok"'
    )
    workspace_id: str | None = Field(None, description="default: derived from the show title")
    max_tcp_clients: int = Field(16, ge=1, le=1024)
    max_udp_clients: int = Field(256, ge=1, le=65536)
    udp_update_timeout: float = Field(
        61.0, gt=0, description="UDP clients stop getting /update pushes after this long silent"
    )
    max_packet: int = Field(16384, ge=512, description="bigger datagrams/frames are dropped")
    max_messages_per_packet: int = Field(64, ge=1)
    max_write_buffer: int = Field(
        1 << 20, ge=4096, description="a TCP client that reads slower than this is dropped"
    )
    max_udp_reply: int = Field(
        60000, ge=512, description="replies bigger than this get an error over UDP (use TCP)"
    )
    failed_connect_limit: int = Field(
        5, ge=1, description="wrong passcodes from one address before it is locked out"
    )
    lockout: float = Field(30.0, ge=0, description="seconds an address stays locked out")

    @model_validator(mode="after")
    def _network_needs_passcode(self) -> OscApiConfig:
        try:
            ip = ipaddress.ip_address(self.host)
        except ValueError:
            raise ValueError(f"host must be an IP literal, got {self.host!r}") from None
        if not ip.is_loopback and not self.passcodes:
            raise ValueError(
                f"listening on {self.host} (not loopback) needs at least one passcode; "
                "without one the OSC API only listens on 127.0.0.1"
            )
        return self

    @property
    def protected(self) -> bool:
        return bool(self.passcodes)


class MidiInputConfig(_Strict):
    """A MIDI input for triggers, MSC and MTC.

    ``rtmidi``: a hardware/virtual port by name (exact, prefix, then substring).
    ``socket``: mido's network MIDI (raw MIDI bytes over TCP); showctl *listens* on
    ``host:port`` and any ``mido.sockets.connect(host, port)`` client can send to it.
    """

    name: str = Field(description="name that triggers and timecode chase refer to (input:)")
    transport: Literal["rtmidi", "socket"] = "rtmidi"
    port: str | int = Field(description="rtmidi: port name; socket: TCP port to listen on")
    host: str = Field("127.0.0.1", description="socket only: address to listen on")
    api: str | None = Field(None, description="rtmidi only: LINUX_ALSA, UNIX_JACK, ...")
    retry_interval: float = Field(2.0, gt=0, description="rtmidi: seconds between look-ups")


class MscControlConfig(_Strict):
    """MSC as a remote control of the main list: GO, STOP, RESUME (and GO with a cue
    number = put the playhead on that cue and GO), for one device id."""

    device: int = Field(ge=0, le=0x7F, description="our device id (we also obey all-call 7F)")
    input: str | None = Field(None, description="MIDI input name (default: any)")
    list: str | None = Field(None, description="cue list (default: the show's first)")


class ArtnetTimecodeConfig(_Strict):
    """Listen for ArtTimeCode (Art-Net OpCode 0x9700) on UDP."""

    host: str = "0.0.0.0"
    port: int = Field(6454, ge=0, le=65535)


class RemoteConfig(_Strict):
    """Everything :func:`showctl.remote.start_remote` starts."""

    osc: OscApiConfig = Field(default_factory=OscApiConfig)
    midi_inputs: list[MidiInputConfig] = Field(default_factory=list)
    msc: MscControlConfig | None = None
    artnet_timecode: ArtnetTimecodeConfig | None = Field(
        None, description="needed by lists whose timecode source is artnet"
    )
    wallclock_at_start: float | None = Field(
        None,
        ge=0,
        lt=86400,
        description="seconds since local midnight when the remote starts (default: read the "
        "wall clock once); tests set it to run wall-clock triggers on the virtual clock",
    )
    dropout_after: float = Field(
        0.1, gt=0, description="timecode: seconds without a frame before freewheeling"
    )
    timecode_precision: float = Field(
        0.001,
        ge=0,
        le=0.005,
        description="timecode: wake this long before a cue's frame and wait the rest "
        "precisely (the loop's timers have 1 ms granularity); 0 on the virtual clock",
    )
