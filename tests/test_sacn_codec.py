"""sACN codec, byte for byte against the E1.31-2018 field tables, plus round trips, a
cross-check with the independent ``sacn`` package's encoder, and CID persistence."""

from __future__ import annotations

import contextlib
import uuid
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from showctl.drivers import sacn as sacn_driver
from showctl.protocols import sacn as e131

CID = uuid.UUID("00112233-4455-6677-8899-aabbccddeeff")
CID_RAW = bytes.fromhex("00112233445566778899aabbccddeeff")
ROOT_PREFIX = (
    b"\x00\x10"  # [0-1] preamble size
    b"\x00\x00"  # [2-3] postamble size
    b"ASC-E1.17\x00\x00\x00"  # [4-15] ACN packet identifier
)


def name64(text: bytes) -> bytes:
    return text + bytes(64 - len(text))


# ---------------------------------------------------------------------------- data packet


def test_data_packet_bytes() -> None:
    packet = e131.encode_data(CID, "Desk", 150, 7, 0x42, 0x00, 0x0101, b"\x01\x02\x03")
    expected = (
        ROOT_PREFIX
        + b"\x70\x71"  # [16-17] flags 0x7, length 129 - 16 = 113
        + b"\x00\x00\x00\x04"  # [18-21] VECTOR_ROOT_E131_DATA
        + CID_RAW  # [22-37]
        + b"\x70\x5b"  # [38-39] framing length 129 - 38 = 91
        + b"\x00\x00\x00\x02"  # [40-43] VECTOR_E131_DATA_PACKET
        + name64(b"Desk")  # [44-107] source name
        + b"\x96"  # [108] priority 150
        + b"\x00\x07"  # [109-110] synchronization address
        + b"\x42"  # [111] sequence
        + b"\x00"  # [112] options
        + b"\x01\x01"  # [113-114] universe 257
        + b"\x70\x0e"  # [115-116] DMP length 129 - 115 = 14
        + b"\x02"  # [117] VECTOR_DMP_SET_PROPERTY
        + b"\xa1"  # [118] address type & data type
        + b"\x00\x00"  # [119-120] first property address
        + b"\x00\x01"  # [121-122] address increment
        + b"\x00\x04"  # [123-124] property value count = 1 + 3
        + b"\x00"  # [125] start code
        + b"\x01\x02\x03"
    )
    assert packet == expected


def test_full_data_packet_lengths() -> None:
    packet = e131.encode_data(CID, "x", 100, 0, 0, e131.OPTION_STREAM_TERMINATED, 1, bytes(512))
    assert len(packet) == 638
    assert packet[16:18] == b"\x72\x6e"  # 622
    assert packet[38:40] == b"\x72\x58"  # 600
    assert packet[115:117] == b"\x72\x0b"  # 523
    assert packet[123:125] == b"\x02\x01"  # 513 property values
    assert packet[112] == 0x40


def test_source_name_is_nul_terminated_and_not_cut_inside_a_character() -> None:
    packet = e131.encode_data(CID, "ü" * 40, 100, 0, 0, 0, 1, b"")
    assert packet[44 + 62 : 44 + 64] == b"\x00\x00"  # 31 × 2 bytes, then NULs
    decoded = e131.decode(packet)
    assert isinstance(decoded, e131.SacnData) and decoded.source_name == "ü" * 31


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"universe": 0}, r"sACN universe 0 outside 1–63999"),
        ({"universe": 64000}, r"sACN universe 64000 outside 1–63999"),
        ({"priority": 201}, r"priority 201 outside 0–200"),
        ({"sync_address": 64000}, r"sACN universe 64000 outside 1–63999"),
        ({"sequence": 256}, r"sequence, options and start code are single bytes"),
        ({"data": bytes(513)}, r"a DMX universe has at most 512 slots, got 513"),
    ],
)
def test_data_packet_rejects_out_of_range(kwargs: dict[str, object], message: str) -> None:
    args: dict[str, object] = {
        "cid": CID,
        "source_name": "x",
        "priority": 100,
        "sync_address": 0,
        "sequence": 0,
        "options": 0,
        "universe": 1,
        "data": b"",
    }
    args.update(kwargs)
    with pytest.raises(ValueError, match=message):
        e131.encode_data(**args)  # type: ignore[arg-type]


def test_data_packet_matches_independent_sacn_package() -> None:
    from sacn.messages.data_packet import DataPacket

    data = bytes((i * 7) & 0xFF for i in range(512))
    theirs = DataPacket(
        cid=tuple(CID_RAW),
        sourceName="showctl test",
        universe=1234,
        dmxData=tuple(data),
        priority=120,
        sequence=99,
        sync_universe=5,
    ).getBytes()
    ours = e131.encode_data(CID, "showctl test", 120, 5, 99, 0, 1234, data)
    assert bytes(theirs) == ours


@given(
    priority=st.integers(0, 200),
    sync=st.integers(0, 63999),
    seq=st.integers(0, 255),
    options=st.sampled_from([0, 0x80, 0x40, 0x20, 0xE0]),
    universe=st.integers(1, 63999),
    data=st.binary(max_size=512),
    start_code=st.sampled_from([0x00, 0xDD]),
)
def test_data_round_trip(
    priority: int, sync: int, seq: int, options: int, universe: int, data: bytes, start_code: int
) -> None:
    packet = e131.encode_data(CID, "src", priority, sync, seq, options, universe, data, start_code)
    assert e131.decode(packet) == e131.SacnData(
        CID, "src", priority, sync, seq, options, universe, start_code, data
    )


# ---------------------------------------------------------------------------- sync, discovery


def test_sync_packet_bytes() -> None:
    packet = e131.encode_sync(CID, 0x10, 0x1234)
    expected = (
        ROOT_PREFIX
        + b"\x70\x21"  # 49 - 16 = 33
        + b"\x00\x00\x00\x08"  # VECTOR_ROOT_E131_EXTENDED
        + CID_RAW
        + b"\x70\x0b"  # 49 - 38 = 11
        + b"\x00\x00\x00\x01"  # VECTOR_E131_EXTENDED_SYNCHRONIZATION
        + b"\x10"  # [44] sequence
        + b"\x12\x34"  # [45-46] synchronization address
        + b"\x00\x00"  # [47-48] reserved
    )
    assert packet == expected and len(packet) == 49
    assert e131.decode(packet) == e131.SacnSync(CID, 0x10, 0x1234)
    with pytest.raises(ValueError, match="sACN universe 0 outside 1–63999"):
        e131.encode_sync(CID, 0, 0)  # sync address 0 must not be sent


def test_discovery_packet_bytes() -> None:
    packet = e131.encode_discovery(CID, "Desk", 0, 1, [3, 1, 2])
    expected = (
        ROOT_PREFIX
        + b"\x70\x6e"  # 126 - 16 = 110
        + b"\x00\x00\x00\x08"
        + CID_RAW
        + b"\x70\x58"  # 126 - 38 = 88
        + b"\x00\x00\x00\x02"  # VECTOR_E131_EXTENDED_DISCOVERY
        + name64(b"Desk")
        + b"\x00\x00\x00\x00"  # [108-111] reserved
        + b"\x70\x0e"  # [112-113] 126 - 112 = 14
        + b"\x00\x00\x00\x01"  # VECTOR_UNIVERSE_DISCOVERY_UNIVERSE_LIST
        + b"\x00"  # page
        + b"\x01"  # last page
        + b"\x00\x01\x00\x02\x00\x03"  # sorted list
    )
    assert packet == expected
    assert e131.decode(packet) == e131.SacnDiscovery(CID, "Desk", 0, 1, (1, 2, 3))


def test_discovery_pages_split_at_512() -> None:
    pages = e131.encode_discovery_pages(CID, "Desk", set(range(1, 1100)))
    decoded = [e131.decode(p) for p in pages]
    assert [(d.page, d.last_page, len(d.universes)) for d in decoded] == [  # type: ignore[union-attr]
        (0, 2, 512),
        (1, 2, 512),
        (2, 2, 75),
    ]
    assert len(pages[0]) == 120 + 1024 == 1144
    assert e131.encode_discovery_pages(CID, "Desk", []) == [
        e131.encode_discovery(CID, "Desk", 0, 0, [])
    ]


def test_multicast_groups() -> None:
    assert e131.multicast_group(1) == "239.255.0.1"
    assert e131.multicast_group(255) == "239.255.0.255"
    assert e131.multicast_group(256) == "239.255.1.0"
    assert e131.multicast_group(63999) == "239.255.249.255"
    assert e131.multicast_group(e131.DISCOVERY_UNIVERSE) == "239.255.250.214"
    for bad in (0, 64000):
        with pytest.raises(ValueError, match=rf"sACN universe {bad} outside 1–63999 \(or 64214"):
            e131.multicast_group(bad)


# ---------------------------------------------------------------------------- bad input


GOOD = e131.encode_data(CID, "x", 100, 0, 1, 0, 1, b"\x01\x02")


@pytest.mark.parametrize(
    ("packet", "message"),
    [
        (GOOD[:30], "too short"),
        (b"\x00\x11" + GOOD[2:], "not an ACN packet"),
        (GOOD[:4] + b"ASC-E1.18\x00\x00\x00" + GOOD[16:], "not an ACN packet"),
        (GOOD + b"\x00", "length field"),
        (GOOD[:100], "length field"),
        (GOOD[:16] + b"\x60" + GOOD[17:], "flags"),
        (GOOD[:21] + b"\x05" + GOOD[22:], "root vector"),
        (GOOD[:43] + b"\x03" + GOOD[44:], "framing vector"),
        (GOOD[:117] + b"\x03" + GOOD[118:], "DMP layer"),
        (GOOD[:124] + b"\x05" + GOOD[125:], "property count"),
    ],
)
def test_decode_rejects_garbage_with_clear_errors(packet: bytes, message: str) -> None:
    with pytest.raises(e131.SacnDecodeError, match=message):
        e131.decode(packet)


@given(st.binary(max_size=700))
def test_decode_never_raises_anything_else(packet: bytes) -> None:
    with contextlib.suppress(e131.SacnDecodeError):
        e131.decode(packet)


# ---------------------------------------------------------------------------- CID
# (kept by the sACN driver, showctl.drivers.sacn: a source's state, not the wire format)


def test_cid_persists_across_restarts(tmp_path: Path) -> None:
    path = tmp_path / "state" / "cid"
    first = sacn_driver.load_or_create_cid(path)
    assert path.read_text().strip() == str(first)
    assert sacn_driver.load_or_create_cid(path) == first
    assert sacn_driver.load_or_create_cid(str(path)) == first


def test_corrupt_cid_file_is_replaced(tmp_path: Path) -> None:
    path = tmp_path / "cid"
    path.write_text("not a uuid")
    cid = sacn_driver.load_or_create_cid(path)
    assert sacn_driver.load_or_create_cid(path) == cid
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left behind


def test_default_cid_path_follows_xdg_state_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    assert sacn_driver.default_cid_path() == tmp_path / "showctl" / "cid"
    cid = sacn_driver.load_or_create_cid()
    assert (tmp_path / "showctl" / "cid").read_text().strip() == str(cid)
    monkeypatch.delenv("XDG_STATE_HOME")
    assert sacn_driver.default_cid_path() == Path.home() / ".local" / "state" / "showctl" / "cid"
