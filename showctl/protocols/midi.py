"""MIDI 1.0 messages as bytes: channel voice, SysEx, MIDI Show Control, MIDI timecode.

This module decodes: :func:`decode_midi` turns one complete message back into the
matching dataclass. It is also the one import for the whole codec, which lives in
smaller modules and is re-exported from here:

* :mod:`showctl.protocols.midi_messages`: channel voice, SysEx and other system messages;
* :mod:`showctl.protocols.mtc`: MIDI timecode quarter/full frames and reassembly;
* :mod:`showctl.protocols.msc`: MIDI Show Control;
* :mod:`showctl.protocols.smpte_timecode`: :class:`Timecode` and :class:`FrameRate`, the
  frame-exact timecode maths MTC and MSC both need (29.97 drop-frame included).

Pure code, no I/O. Each message is a small frozen dataclass with ``encode() -> bytes``
and ``describe() -> str`` (words for the monitor). Channels are 0–15 on the wire and
here (a show file's "channel 1" is 0; the model layer converts).

mido is used where it helps — its stream :class:`mido.Parser` (running status,
interleaved real-time bytes) in the drivers and monitors — but not for encoding: MSC
and MTC are not in mido, and the channel messages are one line each; tests check every
message byte for byte against the MIDI 1.0 / MSC 1.0 tables and against mido.
"""

from __future__ import annotations

from showctl.protocols.midi_messages import (
    ChannelAftertouch,
    ControlChange,
    NoteOff,
    NoteOn,
    PitchBend,
    PolyAftertouch,
    ProgramChange,
    SysEx,
    SystemMessage,
)
from showctl.protocols.msc import MSC_MAX_LENGTH as MSC_MAX_LENGTH
from showctl.protocols.msc import MscCommand, MscFormat, MscMessage, MscTime
from showctl.protocols.mtc import MtcAssembler, MtcFullFrame, MtcQuarterFrame, mtc_quarter_frames
from showctl.protocols.smpte_timecode import (
    FrameRate,
    Timecode,
    frames_from_hmsf,
    hmsf_from_frames,
)

__all__ = [
    "ChannelAftertouch",
    "ControlChange",
    "FrameRate",
    "MidiEvent",
    "MscCommand",
    "MscFormat",
    "MscMessage",
    "MscTime",
    "MtcAssembler",
    "MtcFullFrame",
    "MtcQuarterFrame",
    "NoteOff",
    "NoteOn",
    "PitchBend",
    "PolyAftertouch",
    "ProgramChange",
    "SysEx",
    "SystemMessage",
    "Timecode",
    "decode_midi",
    "frames_from_hmsf",
    "hmsf_from_frames",
    "mtc_quarter_frames",
]


# ============================================================================ decoding

MidiEvent = (
    NoteOn
    | NoteOff
    | PolyAftertouch
    | ControlChange
    | ProgramChange
    | ChannelAftertouch
    | PitchBend
    | SysEx
    | MscMessage
    | MtcQuarterFrame
    | MtcFullFrame
    | SystemMessage
)


def _decode_sysex(data: bytes) -> MidiEvent:
    if len(data) >= 7 and data[1] == 0x7F and data[3] == 0x02:
        try:
            return MscMessage.decode(data)
        except ValueError:
            pass
    if len(data) == 10 and data[1] == 0x7F and data[3:5] == b"\x01\x01":
        hr = data[5]
        try:
            tc = Timecode(hr & 0x1F, data[6], data[7], data[8], FrameRate(hr >> 5 & 0x03))
            return MtcFullFrame(tc, data[2])
        except ValueError:
            pass
    return SysEx(data[1:-1])


def decode_midi(data: bytes) -> MidiEvent:
    """Decode one complete MIDI message (as a mido ``Parser`` or ``msg.bin()`` yields).

    Note on with velocity 0 stays a :class:`NoteOn` (the wire form is kept); callers
    that treat it as note off can check ``velocity == 0``. Raises ``ValueError`` for
    bytes that are not exactly one message.
    """
    data = bytes(data)
    if not data or data[0] < 0x80:
        raise ValueError("MIDI message must start with a status byte")
    status = data[0]
    if status == 0xF0:
        if len(data) < 2 or data[-1] != 0xF7 or any(b > 0x7F for b in data[1:-1]):
            raise ValueError(f"bad SysEx {data.hex(' ')}")
        return _decode_sysex(data)
    if any(b > 0x7F for b in data[1:]):
        raise ValueError(f"bad data byte in {data.hex(' ')}")
    if status == 0xF1:
        if len(data) != 2:
            raise ValueError("MTC quarter frame is 2 bytes")
        return MtcQuarterFrame(data[1] >> 4 & 0x07, data[1] & 0x0F)
    if status >= 0xF0:
        return SystemMessage(data)
    kind, ch = status & 0xF0, status & 0x0F
    need = 2 if kind in (0xC0, 0xD0) else 3
    if len(data) != need:
        raise ValueError(f"status {status:02X} needs {need} bytes, got {len(data)}")
    if kind == 0x80:
        return NoteOff(ch, data[1], data[2])
    if kind == 0x90:
        return NoteOn(ch, data[1], data[2])
    if kind == 0xA0:
        return PolyAftertouch(ch, data[1], data[2])
    if kind == 0xB0:
        return ControlChange(ch, data[1], data[2])
    if kind == 0xC0:
        return ProgramChange(ch, data[1])
    if kind == 0xD0:
        return ChannelAftertouch(ch, data[1])
    return PitchBend(ch, (data[1] | data[2] << 7) - 8192)
