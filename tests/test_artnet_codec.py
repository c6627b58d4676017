"""Art-Net codec, byte for byte against the Art-Net 4 packet tables, plus round trips.

Expected packets are written out by hand from the spec's field tables (offsets noted in
comments), never produced by the code under test.
"""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from showctl.protocols import artnet as art

ID = b"Art-Net\x00"  # [0-7]
VER = b"\x00\x0e"  # ProtVer 14, big-endian


# ---------------------------------------------------------------------------- ArtDmx


def test_dmx_bytes_with_odd_length_padded() -> None:
    packet = art.encode_dmx(0x2A, 3, art.port_address(1, 2, 3), b"\x01\x02\x03")
    expected = (
        ID
        + b"\x00\x50"  # [8-9] OpOutput 0x5000, little-endian
        + VER  # [10-11]
        + b"\x2a"  # [12] Sequence
        + b"\x03"  # [13] Physical
        + b"\x23"  # [14] SubUni = subnet 2 << 4 | universe 3
        + b"\x01"  # [15] Net
        + b"\x00\x04"  # [16-17] Length, big-endian, padded to even
        + b"\x01\x02\x03\x00"
    )
    assert packet == expected


def test_dmx_full_universe_and_top_port_address() -> None:
    data = bytes(range(256)) * 2
    packet = art.encode_dmx(255, 0, 0x7FFF, data)
    assert len(packet) == 18 + 512
    assert packet[12:18] == b"\xff\x00\xff\x7f\x02\x00"
    assert packet[18:] == data


def test_dmx_empty_data_is_two_zero_slots() -> None:
    assert art.encode_dmx(1, 0, 0, b"")[16:] == b"\x00\x02\x00\x00"


@pytest.mark.parametrize(
    ("seq", "physical", "pa", "n", "message"),
    [
        (256, 0, 0, 2, "sequence 256 outside 0–255"),
        (-1, 0, 0, 2, "sequence -1 outside 0–255"),
        (1, 256, 0, 2, "physical 256 outside 0–255"),
        (1, 0, 0x8000, 2, r"Port-Address 32768 outside 0–32767 \(15 bits\)"),
        (1, 0, 0, 513, "ArtDmx carries at most 512 slots, got 513"),
    ],
)
def test_dmx_rejects_out_of_range(seq: int, physical: int, pa: int, n: int, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        art.encode_dmx(seq, physical, pa, bytes(n))


def test_port_address_parts() -> None:
    assert art.port_address(0x7F, 0xF, 0xF) == 0x7FFF
    assert art.split_port_address(0x0123) == (1, 2, 3)
    with pytest.raises(ValueError, match="net/subnet/universe out of range: 128/0/0"):
        art.port_address(128, 0, 0)


@given(
    seq=st.integers(0, 255),
    physical=st.integers(0, 255),
    pa=st.integers(0, 0x7FFF),
    data=st.binary(min_size=0, max_size=512),
)
def test_dmx_round_trip(seq: int, physical: int, pa: int, data: bytes) -> None:
    decoded = art.decode(art.encode_dmx(seq, physical, pa, data))
    assert isinstance(decoded, art.ArtDmx)
    assert (decoded.sequence, decoded.physical, decoded.port_address) == (seq, physical, pa)
    padded = data + bytes(max(2, len(data) + (len(data) & 1)) - len(data))
    assert decoded.data == padded
    assert (decoded.net, decoded.subnet, decoded.universe) == art.split_port_address(pa)


# ---------------------------------------------------------------------------- small packets


def test_sync_bytes() -> None:
    assert art.encode_sync() == ID + b"\x00\x52" + VER + b"\x00\x00"  # OpSync, Aux1, Aux2


def test_poll_bytes() -> None:
    assert art.encode_poll() == ID + b"\x00\x20" + VER + b"\x00\x00"  # Flags, DiagPriority
    assert art.encode_poll(flags=0x02, diag_priority=0x10) == ID + b"\x00\x20" + VER + b"\x02\x10"


def test_targeted_poll_bytes() -> None:
    packet = art.encode_poll(target=(0x0010, 0x0123))
    assert (
        packet
        == (
            ID + b"\x00\x20" + VER + b"\x20\x00"  # Flags bit 5: Targeted Mode
            b"\x01\x23"  # [14-15] TargetPortAddressTop
            b"\x00\x10"  # [16-17] TargetPortAddressBottom
            b"\x00\x00\x00\x00"  # [18-21] EstaMan, Oem
        )
    )
    decoded = art.decode(packet)
    assert decoded == art.ArtPoll(0x20, 0, 0x0123, 0x0010, 0, 0)


def test_timecode_bytes() -> None:
    packet = art.encode_timecode(24, 59, 7, 23, art.TIMECODE_EBU)
    assert packet == ID + b"\x00\x97" + VER + b"\x00\x00" + bytes((24, 59, 7, 23, 1))
    assert len(packet) == 19
    assert art.decode(packet) == art.ArtTimeCode(24, 59, 7, 23, 1, 0)


@pytest.mark.parametrize(
    ("frames", "type_"), [(24, art.TIMECODE_FILM), (25, art.TIMECODE_EBU), (30, art.TIMECODE_DF)]
)
def test_timecode_rejects_frames_beyond_rate(frames: int, type_: int) -> None:
    with pytest.raises(ValueError, match=f"frames {frames} out of range for type {type_}"):
        art.encode_timecode(frames, 0, 0, 0, type_)


def test_timecode_rejects_unknown_type_and_bad_time() -> None:
    with pytest.raises(ValueError, match="timecode type 4 is not 0–3"):
        art.encode_timecode(0, 0, 0, 0, 4)
    with pytest.raises(ValueError, match="bad time 0:0:60"):
        art.encode_timecode(0, 60, 0, 0, 0)
    with pytest.raises(ValueError, match="bad time 24:0:0"):
        art.encode_timecode(0, 0, 0, 24, 0)


# ---------------------------------------------------------------------------- ArtPollReply


def test_poll_reply_bytes() -> None:
    packet = art.encode_poll_reply(
        "10.1.2.3",
        short_name="showctl",
        long_name="showctl show controller",
        node_report="#0001 [0001] ok",
        port_addresses=(0x0123, 0x0125),
        bind_index=2,
    )
    expected = bytearray(239)
    expected[0:8] = ID
    expected[8:10] = b"\x00\x21"  # OpPollReply, little-endian (no ProtVer in this packet)
    expected[10:14] = bytes((10, 1, 2, 3))  # IP
    expected[14:16] = b"\x36\x19"  # Port 0x1936, little-endian
    expected[16:18] = b"\x00\x00"  # VersInfo
    expected[18] = 0x01  # NetSwitch
    expected[19] = 0x02  # SubSwitch
    expected[20:22] = b"\x00\xff"  # Oem (hi, lo): OemUnknown
    expected[22] = 0x00  # UbeaVersion
    expected[23] = 0xD0  # Status1: indicators normal, addresses set locally
    expected[24:26] = b"\x00\x00"  # EstaMan (lo, hi)
    expected[26:33] = b"showctl"  # ShortName[18], NUL padded
    expected[44:67] = b"showctl show controller"  # LongName[64]
    expected[108:123] = b"#0001 [0001] ok"  # NodeReport[64]
    expected[172:174] = b"\x00\x02"  # NumPorts (hi, lo)
    expected[174:178] = b"\x40\x40\x00\x00"  # PortTypes: DMX512, input onto Art-Net
    expected[178:182] = b"\x80\x80\x00\x00"  # GoodInput: data received
    expected[182:186] = b"\x00\x00\x00\x00"  # GoodOutputA
    expected[186:190] = b"\x03\x05\x00\x00"  # SwIn: low nibble of each Port-Address
    expected[190:194] = b"\x00\x00\x00\x00"  # SwOut
    expected[194] = 100  # AcnPriority
    expected[200] = 0x01  # Style: StController
    expected[201:207] = bytes(6)  # MAC
    expected[207:211] = bytes((10, 1, 2, 3))  # BindIp
    expected[211] = 2  # BindIndex
    expected[212] = 0x08  # Status2: 15-bit Port-Address
    expected[226:228] = b"\x00\x2c"  # RefreshRate 44 Hz
    assert packet == bytes(expected)


def test_poll_reply_round_trip_and_ports() -> None:
    packet = art.encode_poll_reply("127.0.0.1", port_addresses=(0x7F30, 0x7F3F))
    reply = art.decode(packet)
    assert isinstance(reply, art.ArtPollReply)
    assert reply.ip == "127.0.0.1" and reply.port == 6454
    assert reply.style == art.STYLE_CONTROLLER and reply.status2 & 0x08
    assert reply.input_port_addresses == (0x7F30, 0x7F3F)
    assert reply.output_port_addresses == ()


def test_poll_reply_truncates_names_at_field_size() -> None:
    packet = art.encode_poll_reply("1.2.3.4", short_name="x" * 40, long_name="é" * 40)
    reply = art.decode(packet)
    assert isinstance(reply, art.ArtPollReply)
    assert reply.short_name == "x" * 17  # 18-byte field keeps its NUL
    assert reply.long_name == "é" * 31  # 63 bytes, never half a UTF-8 character
    assert packet[43] == 0 and packet[107] == 0


def test_poll_reply_rejects_mixed_subnets_and_too_many_ports() -> None:
    with pytest.raises(ValueError, match="all ports of one ArtPollReply must share Net and"):
        art.encode_poll_reply("1.2.3.4", port_addresses=(0x10, 0x20))
    with pytest.raises(ValueError, match="one ArtPollReply describes at most 4 ports"):
        art.encode_poll_reply("1.2.3.4", port_addresses=(1, 2, 3, 4, 5))


def test_decoder_accepts_old_short_poll_reply_and_short_poll() -> None:
    short = art.encode_poll_reply("1.2.3.4", port_addresses=(7,))[:198]
    reply = art.decode(short)
    assert isinstance(reply, art.ArtPollReply) and reply.bind_index == 0
    assert art.decode(ID + b"\x00\x20" + VER) == art.ArtPoll(0, 0)  # 12 bytes: accept


# ---------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("packet", "message"),
    [
        (b"", "too short"),
        (b"Art-Nex\x00\x00\x50\x00\x0e", "not Art-Net"),
        (ID + b"\x00\x50", "need ≥ 12"),
        (ID + b"\x00\x50" + b"\x00\x0d" + bytes(8), "version 13"),
        (ID + b"\x00\x50" + VER + b"\x01\x00\x00\x00\x00\x03" + bytes(4), "even"),
        (ID + b"\x00\x50" + VER + b"\x01\x00\x00\x00\x01\x00" + bytes(4), "truncated"),
        (ID + b"\x00\x50" + VER + b"\x01\x00\x00\x00\x00\x02", "need ≥ 20"),
        (ID + b"\x00\x21" + bytes(100), "ArtPollReply"),
        (ID + b"\x00\x52" + VER, "ArtSync"),
        (ID + b"\x00\x97" + VER + bytes(6), "ArtTimeCode"),
        (ID + b"\x00\x97" + VER + bytes(6) + b"\x09", "unknown type"),
        (ID + b"\x00\x60" + VER + bytes(10), "OpCode 0x6000"),
    ],
)
def test_decode_rejects_garbage_with_clear_errors(packet: bytes, message: str) -> None:
    with pytest.raises(art.ArtNetDecodeError, match=message):
        art.decode(packet)


@given(st.binary(max_size=600))
def test_decode_never_raises_anything_else(packet: bytes) -> None:
    with contextlib.suppress(art.ArtNetDecodeError):
        art.decode(packet)
