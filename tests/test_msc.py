"""MIDI Show Control 1.0: every command byte for byte, fields, validation, decoding."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from showctl.protocols.midi import (
    FrameRate,
    MscCommand,
    MscFormat,
    MscMessage,
    MscTime,
    SysEx,
    decode_midi,
)

# F0 7F <device> 02 <command_format> <command> <data> F7  (MSC 1.0 §3)
# Cue data: ASCII number 00 list 00 path, trailing empty fields omitted.
CASES: list[tuple[MscMessage, str]] = [
    # GO, no cue: "go the next cue"
    (MscMessage(MscCommand.GO), "f0 7f 7f 02 01 01 f7"),
    # GO cue 1 (ASCII '1' = 31)
    (MscMessage(MscCommand.GO, cue="1"), "f0 7f 7f 02 01 01 31 f7"),
    # GO cue 235.5 list 36.6 path 1, lighting, device 1 (an example in the spec's style)
    (
        MscMessage(MscCommand.GO, MscFormat.LIGHTING, 1, "235.5", "36.6", "1"),
        "f0 7f 01 02 01 01 32 33 35 2e 35 00 33 36 2e 36 00 31 f7",
    ),
    # STOP cue 12 list 3, sound, device 0x10
    (
        MscMessage(MscCommand.STOP, MscFormat.SOUND, 0x10, "12", "3"),
        "f0 7f 10 02 10 02 31 32 00 33 f7",
    ),
    (MscMessage(MscCommand.STOP, MscFormat.SOUND), "f0 7f 7f 02 10 02 f7"),
    (MscMessage(MscCommand.RESUME, MscFormat.VIDEO, cue="4"), "f0 7f 7f 02 30 03 34 f7"),
    # TIMED_GO at 30 fps 01:02:03:04.05 cue 7: hr = 0 11 00001 = 0x61
    (
        MscMessage(MscCommand.TIMED_GO, time=MscTime(1, 2, 3, 4, 5, FrameRate.FPS_30), cue="7"),
        "f0 7f 7f 02 01 04 61 02 03 04 05 37 f7",
    ),
    # TIMED_GO at 25 fps, no cue: hr = 0 01 01010 = 0x2a
    (
        MscMessage(MscCommand.TIMED_GO, time=MscTime(10, 0, 0, 0, 0, FrameRate.FPS_25)),
        "f0 7f 7f 02 01 04 2a 00 00 00 00 f7",
    ),
    (MscMessage(MscCommand.LOAD, cue="20", cue_list="1"), "f0 7f 7f 02 01 05 32 30 00 31 f7"),
    # SET control 0x1234 (LSB 34, MSB 24) value 0x3FFF (7F 7F), LSB first
    (
        MscMessage(MscCommand.SET, control=0x1234, value=0x3FFF),
        "f0 7f 7f 02 01 06 34 24 7f 7f f7",
    ),
    # SET control 1 value 128 with a time (24 fps 00:00:01:00, hr = 0x00)
    (
        MscMessage(
            MscCommand.SET, control=1, value=128, time=MscTime(0, 0, 1, 0, 0, FrameRate.FPS_24)
        ),
        "f0 7f 7f 02 01 06 01 00 00 01 00 00 01 00 00 f7",
    ),
    (MscMessage(MscCommand.FIRE, macro=42), "f0 7f 7f 02 01 07 2a f7"),
    (MscMessage(MscCommand.ALL_OFF, MscFormat.ALL), "f0 7f 7f 02 7f 08 f7"),
    (MscMessage(MscCommand.RESTORE), "f0 7f 7f 02 01 09 f7"),
    (MscMessage(MscCommand.RESET, MscFormat.PYRO, 0x70), "f0 7f 70 02 60 0a f7"),
    (MscMessage(MscCommand.GO_OFF, cue="3.5"), "f0 7f 7f 02 01 0b 33 2e 35 f7"),
    (MscMessage(MscCommand.GO_OFF), "f0 7f 7f 02 01 0b f7"),
    # An extended (sound) command keeps its data verbatim: OPEN_CUE_LIST list 2
    (MscMessage(MscCommand.OPEN_CUE_LIST, MscFormat.SOUND, data=b"2"), "f0 7f 7f 02 10 1b 32 f7"),
]


@pytest.mark.parametrize(("msg", "wire"), CASES, ids=[w for _, w in CASES])
def test_bytes_and_round_trip(msg: MscMessage, wire: str) -> None:
    assert msg.encode() == bytes.fromhex(wire)
    assert MscMessage.decode(bytes.fromhex(wire)) == msg
    assert decode_midi(bytes.fromhex(wire)) == msg


def test_every_core_command_byte() -> None:
    expected = {
        "GO": 1, "STOP": 2, "RESUME": 3, "TIMED_GO": 4, "LOAD": 5, "SET": 6, "FIRE": 7,
        "ALL_OFF": 8, "RESTORE": 9, "RESET": 10, "GO_OFF": 11,
    }  # fmt: skip
    assert {c.name: c.value for c in MscCommand if c.value <= 0x0B} == expected
    covered = {m.command for m, _ in CASES}
    assert all(MscCommand(v) in covered for v in expected.values())


def test_command_formats() -> None:
    assert MscFormat.LIGHTING == 0x01
    assert MscFormat.MOVING_LIGHTS == 0x02
    assert MscFormat.SOUND == 0x10
    assert MscFormat.MACHINERY == 0x20
    assert MscFormat.VIDEO == 0x30
    assert MscFormat.PROJECTION == 0x40
    assert MscFormat.PROCESS_CONTROL == 0x50
    assert MscFormat.PYRO == 0x60
    assert MscFormat.ALL == 0x7F
    assert MscFormat.parse("sound") == 0x10
    assert MscFormat.parse("moving lights") == 0x02
    assert MscFormat.parse("video") == 0x30
    assert MscFormat.parse(0x45) == 0x45
    with pytest.raises(ValueError, match="unknown MSC command format 'laundry'"):
        MscFormat.parse("laundry")
    with pytest.raises(ValueError, match=r"command format must be an integer 1\.\.127, got 0"):
        MscFormat.parse(0)


def test_describe_in_words() -> None:
    msg = MscMessage(MscCommand.GO, MscFormat.SOUND, 0x7F, "12.5", "1")
    assert msg.describe() == "MSC GO cue 12.5 list 1 (sound, all-call)"
    assert "group 1" in MscMessage(MscCommand.STOP, device=0x70).describe()
    assert "device 5" in MscMessage(MscCommand.STOP, device=5).describe()
    assert "at 01:02:03:04" in MscMessage(MscCommand.TIMED_GO, time=MscTime(1, 2, 3, 4)).describe()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        # only digits and '.'
        (
            {"command": MscCommand.GO, "cue": "1a"},
            r"MSC cue must be ASCII digits and '\.', got '1a'",
        ),
        ({"command": MscCommand.GO, "cue": ""}, r"MSC cue must be ASCII digits and '\.', got ''"),
        # list without a cue
        ({"command": MscCommand.GO, "cue_list": "1"}, r"MSC cue list needs a cue number"),
        # path without a list
        ({"command": MscCommand.GO, "cue": "1", "cue_path": "2"}, r"MSC cue path needs a cue list"),
        ({"command": MscCommand.LOAD}, r"MSC LOAD needs a cue number"),  # LOAD needs a cue
        # needs a time
        ({"command": MscCommand.TIMED_GO, "cue": "1"}, r"MSC TIMED_GO needs a time"),
        # needs a value
        ({"command": MscCommand.SET, "control": 1}, r"MSC SET needs a control number and a value"),
        (
            {"command": MscCommand.SET, "control": 0x4000, "value": 0},
            r"SET control must be an integer 0\.\.16383, got 16384",
        ),
        ({"command": MscCommand.FIRE}, r"MSC FIRE needs a macro number"),  # needs a macro
        (
            {"command": MscCommand.FIRE, "macro": 128},
            r"FIRE macro must be an integer 0\.\.127, got 128",
        ),
        # takes no cue
        ({"command": MscCommand.ALL_OFF, "cue": "1"}, r"MSC ALL OFF takes no cue number"),
        # GO takes no time
        ({"command": MscCommand.GO, "time": MscTime()}, r"MSC GO takes no time"),
        (
            {"command": MscCommand.GO, "device": 0x80},
            r"device must be an integer 0\.\.127, got 128",
        ),
        (
            {"command": MscCommand.GO, "command_format": 0},
            r"command format must be an integer 1\.\.127, got 0",
        ),
        # longer than 128 bytes
        ({"command": MscCommand.GO, "cue": "1" * 130}, r"MSC message longer than 128 bytes"),
        # raw data only for 0x10+ commands
        (
            {"command": MscCommand.GO, "data": b"1"},
            r"MSC GO data is built from its fields, not raw bytes",
        ),
    ],
)
def test_invalid_messages_raise(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        MscMessage(**kwargs)  # type: ignore[arg-type]


def test_decode_tolerates_trailing_separator_and_reads_time_status() -> None:
    # Some senders end cue data with 00; fr bit 5 set means ff is status, not subframes.
    assert MscMessage.decode(bytes.fromhex("f0 7f 7f 02 01 01 35 00 f7")).cue == "5"
    t = MscTime.decode(bytes.fromhex("61 02 03 24 55"))
    assert (t.frames, t.fractional, t.rate) == (4, 0, FrameRate.FPS_30)


def test_non_msc_sysex_is_plain_sysex() -> None:
    assert decode_midi(bytes.fromhex("f0 7f 7f 02 01 7e f7")) == SysEx(bytes.fromhex("7f7f02017e"))
    assert decode_midi(bytes.fromhex("f0 43 10 4c f7")) == SysEx(bytes.fromhex("43104c"))


cue_field = st.text(alphabet="0123456789.", min_size=1, max_size=8)


@given(
    st.sampled_from([MscCommand.GO, MscCommand.STOP, MscCommand.RESUME, MscCommand.GO_OFF]),
    st.integers(1, 0x7F),
    st.integers(0, 0x7F),
    st.lists(cue_field, max_size=3),
)
def test_cue_commands_round_trip(cmd: MscCommand, fmt: int, dev: int, cues: list[str]) -> None:
    fields = dict(zip(("cue", "cue_list", "cue_path"), cues, strict=False))
    msg = MscMessage(cmd, fmt, dev, **fields)  # type: ignore[arg-type]
    data = msg.encode()
    assert data[6:-1].count(0) == max(0, len(cues) - 1)  # 00 only between present fields
    assert MscMessage.decode(data) == msg


def test_check_and_the_msc_encoder_agree() -> None:
    """``check`` refuses exactly the MSC cues the encoder would refuse when they fire."""
    from showctl.engine.midi_actions import encode_msc
    from showctl.model import show as m
    from showctl.model.output_checks import msc_problem

    cases: list[dict[str, object]] = [
        {"command": "go", "cue": "5"}, {"command": "go", "cue": "5A"},
        {"command": "go", "cue_list": "1"}, {"command": "go", "cue": "1", "cue_list": "2",
                                              "cue_path": "3"},
        {"command": "go", "cue": "1", "cue_path": "3"}, {"command": "load"},
        {"command": "timed_go", "cue": "1"}, {"command": "timed_go", "time": "01:00:00:00"},
        {"command": "timed_go", "time": "01:00:61:00"}, {"command": "go", "time": "1:0:0:0"},
        {"command": "set", "control": 1}, {"command": "set", "control": 1, "value": 2},
        {"command": "set", "control": 1, "value": 2, "time": "00:00:01:00"},
        {"command": "fire"}, {"command": "fire", "macro": 5}, {"command": "go", "macro": 5},
        {"command": "all_off"}, {"command": "all_off", "cue": "1"},
        {"command": "stop", "control": 3}, {"command": "go", "cue": "1" * 121},
        {"command": "go", "cue": "1" * 120},
    ]
    for case in cases:
        cue = m.MscCue.model_validate({"number": "1", "type": "msc", "output": "d", **case})
        try:
            encode_msc(cue)
            encodes = True
        except ValueError:
            encodes = False
        assert (msc_problem(cue) is None) == encodes, case
