"""MIDI 1.0 channel voice and system messages as bytes.

Pure code, no I/O. Each message is a small frozen dataclass with ``encode() -> bytes``
and ``describe() -> str`` (words for the monitor). Channels are 0–15 on the wire and
here (a show file's "channel 1" is 0; the model layer converts). MTC and MSC, which are
carried in system messages too, have their own modules (:mod:`showctl.protocols.mtc`,
:mod:`showctl.protocols.msc`); :func:`showctl.protocols.midi.decode_midi` decodes all.
"""

from __future__ import annotations

from dataclasses import dataclass

from showctl.protocols._checks import _check

__all__ = [
    "ChannelAftertouch",
    "ControlChange",
    "NoteOff",
    "NoteOn",
    "PitchBend",
    "PolyAftertouch",
    "ProgramChange",
    "SysEx",
    "SystemMessage",
]


# ============================================================================ channel voice


@dataclass(frozen=True, slots=True)
class NoteOn:
    channel: int
    note: int
    velocity: int = 127

    def __post_init__(self) -> None:
        _check("channel", self.channel, 0, 15)
        _check("note", self.note, 0, 127)
        _check("velocity", self.velocity, 0, 127)

    def encode(self) -> bytes:
        return bytes((0x90 | self.channel, self.note, self.velocity))

    def describe(self) -> str:
        return f"note on ch{self.channel + 1} note {self.note} velocity {self.velocity}"


@dataclass(frozen=True, slots=True)
class NoteOff:
    channel: int
    note: int
    velocity: int = 0

    def __post_init__(self) -> None:
        _check("channel", self.channel, 0, 15)
        _check("note", self.note, 0, 127)
        _check("velocity", self.velocity, 0, 127)

    def encode(self) -> bytes:
        return bytes((0x80 | self.channel, self.note, self.velocity))

    def describe(self) -> str:
        return f"note off ch{self.channel + 1} note {self.note} velocity {self.velocity}"


@dataclass(frozen=True, slots=True)
class PolyAftertouch:
    channel: int
    note: int
    pressure: int

    def __post_init__(self) -> None:
        _check("channel", self.channel, 0, 15)
        _check("note", self.note, 0, 127)
        _check("pressure", self.pressure, 0, 127)

    def encode(self) -> bytes:
        return bytes((0xA0 | self.channel, self.note, self.pressure))

    def describe(self) -> str:
        return f"poly aftertouch ch{self.channel + 1} note {self.note} pressure {self.pressure}"


@dataclass(frozen=True, slots=True)
class ControlChange:
    channel: int
    control: int
    value: int

    def __post_init__(self) -> None:
        _check("channel", self.channel, 0, 15)
        _check("control", self.control, 0, 127)
        _check("value", self.value, 0, 127)

    def encode(self) -> bytes:
        return bytes((0xB0 | self.channel, self.control, self.value))

    def describe(self) -> str:
        return f"control change ch{self.channel + 1} cc {self.control} value {self.value}"


@dataclass(frozen=True, slots=True)
class ProgramChange:
    channel: int
    program: int

    def __post_init__(self) -> None:
        _check("channel", self.channel, 0, 15)
        _check("program", self.program, 0, 127)

    def encode(self) -> bytes:
        return bytes((0xC0 | self.channel, self.program))

    def describe(self) -> str:
        return f"program change ch{self.channel + 1} program {self.program}"


@dataclass(frozen=True, slots=True)
class ChannelAftertouch:
    channel: int
    pressure: int

    def __post_init__(self) -> None:
        _check("channel", self.channel, 0, 15)
        _check("pressure", self.pressure, 0, 127)

    def encode(self) -> bytes:
        return bytes((0xD0 | self.channel, self.pressure))

    def describe(self) -> str:
        return f"channel aftertouch ch{self.channel + 1} pressure {self.pressure}"


@dataclass(frozen=True, slots=True)
class PitchBend:
    """14-bit pitch bend; ``value`` is signed, -8192..8191, 0 = centre (as in mido).

    On the wire: ``Ex lsb msb`` of ``value + 8192`` (0x2000 = centre).
    """

    channel: int
    value: int = 0

    def __post_init__(self) -> None:
        _check("channel", self.channel, 0, 15)
        _check("value", self.value, -8192, 8191)

    def encode(self) -> bytes:
        raw = self.value + 8192
        return bytes((0xE0 | self.channel, raw & 0x7F, raw >> 7))

    def describe(self) -> str:
        return f"pitch bend ch{self.channel + 1} {self.value:+d}"


# ============================================================================ system


@dataclass(frozen=True, slots=True)
class SysEx:
    """A System Exclusive message; ``data`` is the body without F0/F7."""

    data: bytes

    def __post_init__(self) -> None:
        if any(b > 0x7F for b in self.data):
            raise ValueError("SysEx data bytes must be 0..127")

    def encode(self) -> bytes:
        return b"\xf0" + bytes(self.data) + b"\xf7"

    def describe(self) -> str:
        return "sysex " + " ".join(f"{b:02X}" for b in self.data)


_SYSTEM_NAMES = {
    0xF2: "song position",
    0xF3: "song select",
    0xF6: "tune request",
    0xF8: "clock",
    0xFA: "start",
    0xFB: "continue",
    0xFC: "stop",
    0xFE: "active sensing",
    0xFF: "reset",
}


@dataclass(frozen=True, slots=True)
class SystemMessage:
    """Any other system common / real-time message, kept as raw bytes."""

    data: bytes

    def encode(self) -> bytes:
        return bytes(self.data)

    def describe(self) -> str:
        name = _SYSTEM_NAMES.get(self.data[0], "system") if self.data else "empty"
        rest = " ".join(f"{b:02X}" for b in self.data[1:])
        return f"{name} {rest}".strip()
