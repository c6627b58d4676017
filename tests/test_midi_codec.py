"""MIDI 1.0 channel and system messages, byte for byte, and the decoder."""

from __future__ import annotations

import mido
import pytest
from hypothesis import given
from hypothesis import strategies as st

from showctl.protocols.midi import (
    ChannelAftertouch,
    ControlChange,
    MidiEvent,
    NoteOff,
    NoteOn,
    PitchBend,
    PolyAftertouch,
    ProgramChange,
    SysEx,
    SystemMessage,
    decode_midi,
)

# Expected bytes written from the MIDI 1.0 specification's status table:
# 8n note off, 9n note on, An poly pressure, Bn control change, Cn program change,
# Dn channel pressure, En pitch bend (LSB then MSB, 0x2000 = centre), F0 ... F7 SysEx.
CASES: list[tuple[MidiEvent, str]] = [
    (NoteOn(0, 60, 100), "90 3c 64"),
    (NoteOn(15, 127, 0), "9f 7f 00"),
    (NoteOff(0, 60), "80 3c 00"),
    (NoteOff(9, 36, 64), "89 24 40"),
    (PolyAftertouch(2, 64, 90), "a2 40 5a"),
    (ControlChange(0, 7, 127), "b0 07 7f"),
    (ControlChange(4, 64, 0), "b4 40 00"),
    (ProgramChange(0, 0), "c0 00"),
    (ProgramChange(15, 127), "cf 7f"),
    (ChannelAftertouch(3, 17), "d3 11"),
    (PitchBend(0, 0), "e0 00 40"),
    (PitchBend(0, -8192), "e0 00 00"),
    (PitchBend(0, 8191), "e0 7f 7f"),
    (PitchBend(1, 1), "e1 01 40"),
    (PitchBend(1, -1), "e1 7f 3f"),
    (SysEx(b"\x7d\x01\x02"), "f0 7d 01 02 f7"),
    (SysEx(b""), "f0 f7"),
    (SystemMessage(b"\xf8"), "f8"),
    (SystemMessage(b"\xfa"), "fa"),
    (SystemMessage(b"\xf2\x10\x20"), "f2 10 20"),
]


@pytest.mark.parametrize(("event", "wire"), CASES, ids=[w for _, w in CASES])
def test_bytes_and_decode(event: MidiEvent, wire: str) -> None:
    assert event.encode() == bytes.fromhex(wire)
    assert decode_midi(bytes.fromhex(wire)) == event
    assert event.describe()


@pytest.mark.parametrize(("event", "wire"), CASES[:17], ids=[w for _, w in CASES[:17]])
def test_mido_agrees(event: MidiEvent, wire: str) -> None:
    # mido as an independent second opinion on the same bytes.
    msg = mido.Message.from_bytes(bytes.fromhex(wire))
    assert bytes(msg.bin()) == event.encode()
    if isinstance(event, PitchBend):
        assert msg.pitch == event.value


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: NoteOn(16, 60, 100), r"channel must be an integer 0\.\.15, got 16"),
        (lambda: NoteOn(0, 128, 100), r"note must be an integer 0\.\.127, got 128"),
        (lambda: NoteOff(0, 60, -1), r"velocity must be an integer 0\.\.127, got -1"),
        (lambda: ControlChange(0, 7, 128), r"value must be an integer 0\.\.127, got 128"),
        (lambda: ProgramChange(-1, 0), r"channel must be an integer 0\.\.15, got -1"),
        (lambda: PitchBend(0, 8192), r"value must be an integer -8192\.\.8191, got 8192"),
        (lambda: PitchBend(0, -8193), r"value must be an integer -8192\.\.8191, got -8193"),
        (lambda: SysEx(b"\x80"), r"SysEx data bytes must be 0\.\.127"),
        # bools are not MIDI numbers
        (lambda: NoteOn(0, True, 1), r"note must be an integer 0\.\.127, got True"),
    ],
)
def test_out_of_range_values_raise(make: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make()  # type: ignore[operator]


@pytest.mark.parametrize(
    ("junk", "message"),
    [
        ("", "MIDI message must start with a status byte"),
        ("3c", "MIDI message must start with a status byte"),
        ("90 3c", "status 90 needs 3 bytes, got 2"),
        ("90 3c 64 00", "status 90 needs 3 bytes, got 4"),
        ("c0", "status C0 needs 2 bytes, got 1"),
        ("90 80 00", "bad data byte in 90 80 00"),
        ("f0 01 02", "bad SysEx f0 01 02"),
        ("f0 80 f7", "bad SysEx f0 80 f7"),
        ("f1", "MTC quarter frame is 2 bytes"),
    ],
)
def test_decode_rejects_malformed(junk: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        decode_midi(bytes.fromhex(junk))


channel_events = st.one_of(
    st.builds(NoteOn, st.integers(0, 15), st.integers(0, 127), st.integers(0, 127)),
    st.builds(NoteOff, st.integers(0, 15), st.integers(0, 127), st.integers(0, 127)),
    st.builds(PolyAftertouch, st.integers(0, 15), st.integers(0, 127), st.integers(0, 127)),
    st.builds(ControlChange, st.integers(0, 15), st.integers(0, 127), st.integers(0, 127)),
    st.builds(ProgramChange, st.integers(0, 15), st.integers(0, 127)),
    st.builds(ChannelAftertouch, st.integers(0, 15), st.integers(0, 127)),
    st.builds(PitchBend, st.integers(0, 15), st.integers(-8192, 8191)),
    st.builds(SysEx, st.binary(max_size=30).map(lambda b: bytes(x & 0x7F for x in b))),
)


@given(channel_events)
def test_round_trip_and_mido_parser_agree(event: MidiEvent) -> None:
    data = event.encode()
    assert decode_midi(data) == event
    parser = mido.Parser()
    parser.feed(data)
    (msg,) = list(parser)
    assert bytes(msg.bin()) == data
