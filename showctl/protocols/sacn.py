"""sACN (ANSI E1.31-2018) packet codec. No sockets, no files.

Encoders for the three packets a source sends (data, synchronization, universe
discovery), decoders for the same, and the multicast group of a universe. The source's
CID, which E1.31 wants the same "for the lifetime of the device", is kept in a state
file by the driver (:func:`showctl.drivers.sacn.load_or_create_cid`).

Every PDU starts with a 16-bit "flags and length": 0x7 in the top nibble and, in the
low 12 bits, the PDU's length counted from that field to the end of the packet.
"""

from __future__ import annotations

import struct
import uuid
from dataclasses import dataclass
from typing import Final

SACN_PORT: Final = 5568
ACN_PID: Final = b"ASC-E1.17\x00\x00\x00"

VECTOR_ROOT_E131_DATA: Final = 0x00000004
VECTOR_ROOT_E131_EXTENDED: Final = 0x00000008
VECTOR_E131_DATA_PACKET: Final = 0x00000002
VECTOR_E131_EXTENDED_SYNCHRONIZATION: Final = 0x00000001
VECTOR_E131_EXTENDED_DISCOVERY: Final = 0x00000002
VECTOR_DMP_SET_PROPERTY: Final = 0x02
VECTOR_UNIVERSE_DISCOVERY_UNIVERSE_LIST: Final = 0x00000001

OPTION_PREVIEW: Final = 0x80
OPTION_STREAM_TERMINATED: Final = 0x40
OPTION_FORCE_SYNC: Final = 0x20

START_CODE_LEVELS: Final = 0x00
START_CODE_PER_ADDRESS_PRIORITY: Final = 0xDD

DISCOVERY_UNIVERSE: Final = 64214
DISCOVERY_INTERVAL: Final = 10.0
DISCOVERY_PAGE_SIZE: Final = 512
MIN_UNIVERSE: Final = 1
MAX_UNIVERSE: Final = 63999
DEFAULT_PRIORITY: Final = 100
MAX_PRIORITY: Final = 200

# Offsets into a data packet, for transports that patch a preallocated buffer.
DATA_PRIORITY_OFFSET: Final = 108
DATA_SEQUENCE_OFFSET: Final = 111
DATA_OPTIONS_OFFSET: Final = 112
DATA_START_CODE_OFFSET: Final = 125
DATA_SLOTS_OFFSET: Final = 126
DATA_PACKET_FULL_LENGTH: Final = 638
SYNC_PACKET_LENGTH: Final = 49
DISCOVERY_HEADER_LENGTH: Final = 120

_ROOT = struct.Struct(">HH12sHI16s")  # preamble, postamble, ACN PID, flags+len, vector, CID
_DATA_FRAMING = struct.Struct(">HI64sBHBBH")
_DMP = struct.Struct(">HBBHHHB")
_SYNC_FRAMING = struct.Struct(">HIBHH")
_DISC_FRAMING = struct.Struct(">HI64sI")
_DISC_LAYER = struct.Struct(">HIBB")


class SacnDecodeError(ValueError):
    """A datagram that is not a well-formed E1.31 packet."""


# ---------------------------------------------------------------------------- helpers


def multicast_group(universe: int) -> str:
    """The IPv4 multicast group of a universe: 239.255.<hi>.<lo>."""
    if not (MIN_UNIVERSE <= universe <= MAX_UNIVERSE or universe == DISCOVERY_UNIVERSE):
        raise ValueError(f"sACN universe {universe} outside 1–63999 (or 64214, discovery)")
    return f"239.255.{universe >> 8}.{universe & 0xFF}"


def _cid_bytes(cid: uuid.UUID | bytes) -> bytes:
    raw = cid.bytes if isinstance(cid, uuid.UUID) else bytes(cid)
    if len(raw) != 16:
        raise ValueError(f"CID must be 16 bytes, got {len(raw)}")
    return raw


def _flags_length(length: int) -> int:
    if length > 0xFFF:
        raise ValueError(f"PDU length {length} does not fit 12 bits")
    return 0x7000 | length


def _source_name(name: str) -> bytes:
    """64-byte UTF-8 field, NUL-terminated: at most 63 bytes, never half a character."""
    raw = name.encode("utf-8")[:63].decode("utf-8", errors="ignore").encode("utf-8")
    return raw.ljust(64, b"\x00")


def _root(vector: int, cid: bytes, total: int) -> bytes:
    return _ROOT.pack(0x0010, 0x0000, ACN_PID, _flags_length(total - 16), vector, cid)


def _check_universe(universe: int) -> None:
    if not MIN_UNIVERSE <= universe <= MAX_UNIVERSE:
        raise ValueError(f"sACN universe {universe} outside 1–63999")


# ---------------------------------------------------------------------------- encoders


def encode_data(
    cid: uuid.UUID | bytes,
    source_name: str,
    priority: int,
    sync_address: int,
    sequence: int,
    options: int,
    universe: int,
    data: bytes,
    start_code: int = START_CODE_LEVELS,
) -> bytes:
    """E1.31 data packet: 126 bytes of layers + 0–512 slots (638 bytes when full)."""
    _check_universe(universe)
    if not 0 <= priority <= MAX_PRIORITY:
        raise ValueError(f"priority {priority} outside 0–200")
    if sync_address != 0:
        _check_universe(sync_address)
    if not 0 <= sequence <= 255 or not 0 <= options <= 255 or not 0 <= start_code <= 255:
        raise ValueError("sequence, options and start code are single bytes")
    n = len(data)
    if n > 512:
        raise ValueError(f"a DMX universe has at most 512 slots, got {n}")
    total = DATA_SLOTS_OFFSET + n
    cid_raw = _cid_bytes(cid)
    return b"".join(
        (
            _root(VECTOR_ROOT_E131_DATA, cid_raw, total),
            _DATA_FRAMING.pack(
                _flags_length(total - 38),
                VECTOR_E131_DATA_PACKET,
                _source_name(source_name),
                priority,
                sync_address,
                sequence,
                options,
                universe,
            ),
            _DMP.pack(
                _flags_length(total - 115),
                VECTOR_DMP_SET_PROPERTY,
                0xA1,  # address type and data type
                0x0000,  # first property address
                0x0001,  # address increment
                n + 1,  # property value count: start code + slots
                start_code,
            ),
            bytes(data),
        )
    )


def encode_sync(cid: uuid.UUID | bytes, sequence: int, sync_address: int) -> bytes:
    """E1.31 synchronization packet, 49 bytes. Its sequence is its own counter."""
    _check_universe(sync_address)  # 0 is meaningless here and must not be sent
    if not 0 <= sequence <= 255:
        raise ValueError("sequence is one byte")
    return _root(VECTOR_ROOT_E131_EXTENDED, _cid_bytes(cid), SYNC_PACKET_LENGTH) + (
        _SYNC_FRAMING.pack(
            _flags_length(SYNC_PACKET_LENGTH - 38),
            VECTOR_E131_EXTENDED_SYNCHRONIZATION,
            sequence,
            sync_address,
            0,  # reserved
        )
    )


def encode_discovery(
    cid: uuid.UUID | bytes,
    source_name: str,
    page: int,
    last_page: int,
    universes: list[int] | tuple[int, ...],
) -> bytes:
    """One page (≤ 512 universes, sent sorted) of an E1.31 universe discovery packet."""
    if not 0 <= page <= last_page <= 255:
        raise ValueError(f"page {page} / last page {last_page} invalid")
    if len(universes) > DISCOVERY_PAGE_SIZE:
        raise ValueError(f"a discovery page lists at most 512 universes, got {len(universes)}")
    for u in universes:
        _check_universe(u)
    listed = sorted(universes)
    total = DISCOVERY_HEADER_LENGTH + 2 * len(listed)
    return b"".join(
        (
            _root(VECTOR_ROOT_E131_EXTENDED, _cid_bytes(cid), total),
            _DISC_FRAMING.pack(
                _flags_length(total - 38),
                VECTOR_E131_EXTENDED_DISCOVERY,
                _source_name(source_name),
                0,  # reserved
            ),
            _DISC_LAYER.pack(
                _flags_length(total - 112),
                VECTOR_UNIVERSE_DISCOVERY_UNIVERSE_LIST,
                page,
                last_page,
            ),
            struct.pack(f">{len(listed)}H", *listed),
        )
    )


def encode_discovery_pages(
    cid: uuid.UUID | bytes, source_name: str, universes: list[int] | tuple[int, ...] | set[int]
) -> list[bytes]:
    """All pages of the discovery message for ``universes`` (one empty page if none)."""
    listed = sorted(universes)
    chunks = [
        listed[i : i + DISCOVERY_PAGE_SIZE] for i in range(0, len(listed), DISCOVERY_PAGE_SIZE)
    ] or [[]]
    last = len(chunks) - 1
    return [encode_discovery(cid, source_name, i, last, c) for i, c in enumerate(chunks)]


# ---------------------------------------------------------------------------- decoders


@dataclass(frozen=True, slots=True)
class SacnData:
    cid: uuid.UUID
    source_name: str
    priority: int
    sync_address: int
    sequence: int
    options: int
    universe: int
    start_code: int
    data: bytes

    @property
    def preview(self) -> bool:
        return bool(self.options & OPTION_PREVIEW)

    @property
    def terminated(self) -> bool:
        return bool(self.options & OPTION_STREAM_TERMINATED)

    @property
    def force_sync(self) -> bool:
        return bool(self.options & OPTION_FORCE_SYNC)


@dataclass(frozen=True, slots=True)
class SacnSync:
    cid: uuid.UUID
    sequence: int
    sync_address: int


@dataclass(frozen=True, slots=True)
class SacnDiscovery:
    cid: uuid.UUID
    source_name: str
    page: int
    last_page: int
    universes: tuple[int, ...]


SacnPacket = SacnData | SacnSync | SacnDiscovery


def _check_flags_length(packet: bytes, offset: int, layer: str) -> None:
    fl = packet[offset] << 8 | packet[offset + 1]
    if fl >> 12 != 0x7:
        raise SacnDecodeError(f"sACN {layer} flags are 0x{fl >> 12:x}, want 0x7")
    if fl & 0xFFF != len(packet) - offset:
        raise SacnDecodeError(
            f"sACN {layer} length field says {fl & 0xFFF} bytes, "
            f"packet has {len(packet) - offset} from offset {offset}"
        )


def decode(packet: bytes) -> SacnPacket:
    """Decode one datagram; raise :class:`SacnDecodeError` saying what is wrong."""
    packet = bytes(packet)
    if len(packet) < 38:
        raise SacnDecodeError(f"sACN packet too short: {len(packet)} bytes, need ≥ 38")
    preamble, postamble, pid, _, vector, cid_raw = _ROOT.unpack_from(packet)
    if preamble != 0x0010 or postamble != 0 or pid != ACN_PID:
        raise SacnDecodeError("not an ACN packet: bad preamble, postamble or identifier")
    _check_flags_length(packet, 16, "root layer")
    cid = uuid.UUID(bytes=cid_raw)
    if vector == VECTOR_ROOT_E131_DATA:
        return _decode_data(packet, cid)
    if vector == VECTOR_ROOT_E131_EXTENDED:
        if len(packet) < 44:
            raise SacnDecodeError(f"sACN extended packet too short: {len(packet)} bytes")
        _check_flags_length(packet, 38, "framing layer")
        framing_vector = struct.unpack_from(">I", packet, 40)[0]
        if framing_vector == VECTOR_E131_EXTENDED_SYNCHRONIZATION:
            if len(packet) != SYNC_PACKET_LENGTH:
                raise SacnDecodeError(f"sACN sync packet is {len(packet)} bytes, want 49")
            _, _, seq, sync_address, _ = _SYNC_FRAMING.unpack_from(packet, 38)
            return SacnSync(cid, seq, sync_address)
        if framing_vector == VECTOR_E131_EXTENDED_DISCOVERY:
            return _decode_discovery(packet, cid)
        raise SacnDecodeError(f"unknown sACN extended framing vector 0x{framing_vector:08x}")
    raise SacnDecodeError(f"unknown sACN root vector 0x{vector:08x}")


def _decode_data(packet: bytes, cid: uuid.UUID) -> SacnData:
    if len(packet) < DATA_SLOTS_OFFSET:
        raise SacnDecodeError(f"sACN data packet truncated: {len(packet)} bytes, need ≥ 126")
    _check_flags_length(packet, 38, "framing layer")
    _, vector, name, priority, sync_address, seq, options, universe = _DATA_FRAMING.unpack_from(
        packet, 38
    )
    if vector != VECTOR_E131_DATA_PACKET:
        raise SacnDecodeError(f"sACN data framing vector 0x{vector:08x}, want 0x00000002")
    _check_flags_length(packet, 115, "DMP layer")
    _, dmp_vector, addr_type, first, incr, count, start_code = _DMP.unpack_from(packet, 115)
    if dmp_vector != VECTOR_DMP_SET_PROPERTY or addr_type != 0xA1 or first != 0 or incr != 1:
        raise SacnDecodeError(
            "sACN DMP layer: bad vector, address type, first address or increment"
        )
    if count != len(packet) - DATA_START_CODE_OFFSET or count > 513:
        raise SacnDecodeError(
            f"sACN DMP property count {count} does not match {len(packet) - 125} bytes of values"
        )
    return SacnData(
        cid=cid,
        source_name=name.split(b"\x00", 1)[0].decode("utf-8", errors="replace"),
        priority=priority,
        sync_address=sync_address,
        sequence=seq,
        options=options,
        universe=universe,
        start_code=start_code,
        data=packet[DATA_SLOTS_OFFSET:],
    )


def _decode_discovery(packet: bytes, cid: uuid.UUID) -> SacnDiscovery:
    if len(packet) < DISCOVERY_HEADER_LENGTH:
        raise SacnDecodeError(f"sACN discovery packet truncated: {len(packet)} bytes")
    _, _, name, _ = _DISC_FRAMING.unpack_from(packet, 38)
    _check_flags_length(packet, 112, "universe discovery layer")
    _, vector, page, last_page = _DISC_LAYER.unpack_from(packet, 112)
    if vector != VECTOR_UNIVERSE_DISCOVERY_UNIVERSE_LIST:
        raise SacnDecodeError(f"sACN discovery layer vector 0x{vector:08x}, want 0x00000001")
    rest = len(packet) - DISCOVERY_HEADER_LENGTH
    if rest % 2:
        raise SacnDecodeError("sACN discovery universe list has an odd number of bytes")
    universes = struct.unpack_from(f">{rest // 2}H", packet, DISCOVERY_HEADER_LENGTH)
    return SacnDiscovery(
        cid=cid,
        source_name=name.split(b"\x00", 1)[0].decode("utf-8", errors="replace"),
        page=page,
        last_page=last_page,
        universes=universes,
    )
