"""Art-Net 4 packet codec: pure functions from values to bytes and back, no I/O.

Covers the packets a controller needs: ArtDmx (levels), ArtSync (latch a frame),
ArtPoll / ArtPollReply (discovery; every device, controllers included, answers a poll)
and ArtTimeCode. Field offsets follow the Art-Net 4 specification's packet tables; the
tests check them against hand-written bytes, not against this module.

Conventions of the wire format worth knowing when reading the code: the OpCode is
little-endian, everything else (ProtVer, Length, the Port-Address parts) big-endian;
a Port-Address is 15 bits = Net (7) : Sub-Net (4) : Universe (4).
"""

from __future__ import annotations

import ipaddress
import struct
from dataclasses import dataclass
from typing import Final

ARTNET_PORT: Final = 6454
HEADER: Final = b"Art-Net\x00"
PROTOCOL_VERSION: Final = 14

OP_POLL: Final = 0x2000
OP_POLL_REPLY: Final = 0x2100
OP_DMX: Final = 0x5000
OP_SYNC: Final = 0x5200
OP_TIMECODE: Final = 0x9700

# Offsets into an ArtDmx packet, for transports that patch a preallocated buffer
# instead of re-encoding the header for every frame.
DMX_SEQUENCE_OFFSET: Final = 12
DMX_DATA_OFFSET: Final = 18
DMX_MAX_SLOTS: Final = 512

POLL_REPLY_LENGTH: Final = 239
POLL_REPLY_MIN_LENGTH: Final = 198  # older nodes send less; the spec says accept it
STYLE_NODE: Final = 0x00
STYLE_CONTROLLER: Final = 0x01
STATUS2_15BIT: Final = 0x08
PORT_TYPE_INPUT_DMX: Final = 0x40  # "can input onto the Art-Net network", DMX512
GOOD_INPUT_DATA: Final = 0x80

TIMECODE_FILM: Final = 0  # 24 fps
TIMECODE_EBU: Final = 1  # 25 fps
TIMECODE_DF: Final = 2  # 29.97 drop frame
TIMECODE_SMPTE: Final = 3  # 30 fps
_TIMECODE_FPS: Final = {TIMECODE_FILM: 24, TIMECODE_EBU: 25, TIMECODE_DF: 30, TIMECODE_SMPTE: 30}

_PREFIX = struct.Struct("<8sHBB")  # id, opcode (LE), protver hi, protver lo
_OPCODE = struct.Struct("<H")


class ArtNetDecodeError(ValueError):
    """A datagram that is not a well-formed Art-Net packet of a type we decode."""


# ---------------------------------------------------------------------------- helpers


def port_address(net: int, subnet: int, universe: int) -> int:
    """Compose a 15-bit Port-Address from Net (0–127), Sub-Net (0–15), Universe (0–15)."""
    if not 0 <= net <= 0x7F or not 0 <= subnet <= 0xF or not 0 <= universe <= 0xF:
        raise ValueError(f"net/subnet/universe out of range: {net}/{subnet}/{universe}")
    return (net << 8) | (subnet << 4) | universe


def split_port_address(address: int) -> tuple[int, int, int]:
    """Split a 15-bit Port-Address into (net, subnet, universe)."""
    _check_port_address(address)
    return address >> 8, (address >> 4) & 0xF, address & 0xF


def _check_port_address(address: int) -> None:
    if not 0 <= address <= 0x7FFF:
        raise ValueError(f"Port-Address {address} outside 0–32767 (15 bits)")


def _prefix(opcode: int) -> bytes:
    return _PREFIX.pack(HEADER, opcode, PROTOCOL_VERSION >> 8, PROTOCOL_VERSION & 0xFF)


def _fixed_str(text: str, size: int) -> bytes:
    """NUL-terminated, NUL-padded field; truncated so the terminator always fits."""
    raw = text.encode("utf-8")[: size - 1]
    # Do not leave half a multi-byte character at the cut.
    raw = raw.decode("utf-8", errors="ignore").encode("utf-8")
    return raw.ljust(size, b"\x00")


def _read_str(raw: bytes) -> str:
    return raw.split(b"\x00", 1)[0].decode("utf-8", errors="replace")


def _ip_bytes(ip: str) -> bytes:
    return ipaddress.IPv4Address(ip).packed


# ---------------------------------------------------------------------------- encoders


def encode_dmx(seq: int, physical: int, port_address: int, data: bytes) -> bytes:
    """ArtDmx (OpOutput): 18-byte header + slot data.

    ``seq`` is 1–255 (0 disables the receiver's re-ordering check). ``data`` may be
    0–512 bytes; an odd or empty length is padded with zero slots to the even length
    2–512 the spec requires.
    """
    if not 0 <= seq <= 255:
        raise ValueError(f"sequence {seq} outside 0–255")
    if not 0 <= physical <= 255:
        raise ValueError(f"physical {physical} outside 0–255")
    _check_port_address(port_address)
    n = len(data)
    if n > DMX_MAX_SLOTS:
        raise ValueError(f"ArtDmx carries at most 512 slots, got {n}")
    length = max(2, n + (n & 1))
    return (
        _prefix(OP_DMX)
        + bytes(
            (
                seq,
                physical,
                port_address & 0xFF,  # SubUni: Sub-Net << 4 | Universe
                port_address >> 8,  # Net
                length >> 8,
                length & 0xFF,
            )
        )
        + bytes(data)
        + bytes(length - n)
    )


def encode_sync() -> bytes:
    """ArtSync: 14 bytes, the two Aux bytes zero."""
    return _prefix(OP_SYNC) + b"\x00\x00"


def encode_poll(
    flags: int = 0,
    diag_priority: int = 0,
    target: tuple[int, int] | None = None,
) -> bytes:
    """ArtPoll. 14 bytes, or 22 with ``target=(bottom, top)`` (Targeted Mode, flag 0x20)."""
    if not 0 <= flags <= 255 or not 0 <= diag_priority <= 255:
        raise ValueError("flags and diag_priority are single bytes")
    if target is None:
        return _prefix(OP_POLL) + bytes((flags, diag_priority))
    bottom, top = target
    _check_port_address(bottom)
    _check_port_address(top)
    return (
        _prefix(OP_POLL)
        + bytes((flags | 0x20, diag_priority))
        + struct.pack(">HHHH", top, bottom, 0, 0)  # TargetTop, TargetBottom, EstaMan, Oem
    )


def encode_poll_reply(
    ip: str,
    *,
    short_name: str = "showctl",
    long_name: str = "showctl show controller",
    node_report: str = "#0001 [0000] Power On Tests successful",
    port_addresses: tuple[int, ...] = (),
    bind_index: int = 1,
    mac: bytes = bytes(6),
    version: int = 0,
    oem: int = 0x00FF,
    esta_manufacturer: int = 0x0000,
    status1: int = 0xD0,
    style: int = STYLE_CONTROLLER,
    status2: int = STATUS2_15BIT,
    acn_priority: int = 100,
) -> bytes:
    """ArtPollReply, 239 bytes, describing up to four input ports of a controller.

    All ports of one reply share Net and Sub-Net (the packet has one of each), so a
    device with more universes sends one reply per group with increasing
    ``bind_index``. Ports are typed "DMX512, input onto Art-Net" because that is what
    a controller's outputs look like to the network.
    """
    if len(port_addresses) > 4:
        raise ValueError("one ArtPollReply describes at most 4 ports")
    for pa in port_addresses:
        _check_port_address(pa)
    if len({pa >> 4 for pa in port_addresses}) > 1:
        raise ValueError("all ports of one ArtPollReply must share Net and Sub-Net")
    if len(mac) != 6:
        raise ValueError("mac must be 6 bytes")
    first = port_addresses[0] if port_addresses else 0
    net, subnet = first >> 8, (first >> 4) & 0xF
    n = len(port_addresses)
    pad = (0,) * (4 - n)
    ip_raw = _ip_bytes(ip)
    out = b"".join(
        (
            HEADER,
            _OPCODE.pack(OP_POLL_REPLY),  # no ProtVer in this packet: the IP follows
            ip_raw,
            struct.pack("<H", ARTNET_PORT),  # Port: little-endian, always 0x1936
            struct.pack(">H", version),
            bytes((net, subnet)),
            struct.pack(">H", oem),
            bytes((0, status1)),  # UbeaVersion, Status1
            struct.pack("<H", esta_manufacturer),  # EstaMan is little-endian (lo, hi)
            _fixed_str(short_name, 18),
            _fixed_str(long_name, 64),
            _fixed_str(node_report, 64),
            struct.pack(">H", n),
            bytes((PORT_TYPE_INPUT_DMX,) * n + pad),
            bytes((GOOD_INPUT_DATA,) * n + pad),  # GoodInput
            bytes(4),  # GoodOutputA
            bytes(tuple(pa & 0xF for pa in port_addresses) + pad),  # SwIn
            bytes(4),  # SwOut
            bytes((acn_priority, 0, 0)),  # AcnPriority, SwMacro, SwRemote
            bytes(3),  # Spare
            bytes((style,)),
            mac,
            ip_raw,  # BindIp: we are our own root device
            bytes((bind_index, status2)),
            bytes(4),  # GoodOutputB
            bytes(1),  # Status3
            bytes(6),  # DefaultRespUID
            bytes(2),  # User
            struct.pack(">H", 44),  # RefreshRate: we never send faster than DMX's 44 Hz
            bytes(11),  # BackgroundQueuePolicy + filler
        )
    )
    assert len(out) == POLL_REPLY_LENGTH, len(out)
    return out


def encode_timecode(
    frames: int,
    seconds: int,
    minutes: int,
    hours: int,
    type: int,
    stream_id: int = 0,
) -> bytes:
    """ArtTimeCode: 19 bytes. ``type`` is 0 film 24, 1 EBU 25, 2 DF 29.97, 3 SMPTE 30."""
    if type not in _TIMECODE_FPS:
        raise ValueError(f"timecode type {type} is not 0–3")
    if not 0 <= frames < _TIMECODE_FPS[type]:
        raise ValueError(f"frames {frames} out of range for type {type}")
    if not 0 <= seconds <= 59 or not 0 <= minutes <= 59 or not 0 <= hours <= 23:
        raise ValueError(f"bad time {hours}:{minutes}:{seconds}")
    if not 0 <= stream_id <= 255:
        raise ValueError("stream_id is one byte")
    return _prefix(OP_TIMECODE) + bytes((0, stream_id, frames, seconds, minutes, hours, type))


# ---------------------------------------------------------------------------- decoders


@dataclass(frozen=True, slots=True)
class ArtDmx:
    sequence: int
    physical: int
    port_address: int
    data: bytes

    @property
    def net(self) -> int:
        return self.port_address >> 8

    @property
    def subnet(self) -> int:
        return (self.port_address >> 4) & 0xF

    @property
    def universe(self) -> int:
        return self.port_address & 0xF


@dataclass(frozen=True, slots=True)
class ArtSync:
    aux: bytes = b"\x00\x00"


@dataclass(frozen=True, slots=True)
class ArtPoll:
    flags: int
    diag_priority: int
    target_top: int = 0
    target_bottom: int = 0
    esta_manufacturer: int = 0
    oem: int = 0


@dataclass(frozen=True, slots=True)
class ArtPollReply:
    ip: str
    port: int
    version: int
    net_switch: int
    sub_switch: int
    oem: int
    ubea_version: int
    status1: int
    esta_manufacturer: int
    short_name: str
    long_name: str
    node_report: str
    num_ports: int
    port_types: bytes
    good_input: bytes
    good_output_a: bytes
    sw_in: bytes
    sw_out: bytes
    acn_priority: int
    sw_macro: int
    sw_remote: int
    style: int
    mac: bytes
    bind_ip: str
    bind_index: int
    status2: int

    @property
    def input_port_addresses(self) -> tuple[int, ...]:
        """Port-Addresses of the ports that input onto Art-Net (a controller's outputs)."""
        base = (self.net_switch & 0x7F) << 8 | (self.sub_switch & 0xF) << 4
        return tuple(
            base | (self.sw_in[i] & 0xF)
            for i in range(min(4, self.num_ports))
            if self.port_types[i] & 0x40
        )

    @property
    def output_port_addresses(self) -> tuple[int, ...]:
        """Port-Addresses of the ports that output from Art-Net (a node's DMX outputs)."""
        base = (self.net_switch & 0x7F) << 8 | (self.sub_switch & 0xF) << 4
        return tuple(
            base | (self.sw_out[i] & 0xF)
            for i in range(min(4, self.num_ports))
            if self.port_types[i] & 0x80
        )


@dataclass(frozen=True, slots=True)
class ArtTimeCode:
    frames: int
    seconds: int
    minutes: int
    hours: int
    type: int
    stream_id: int = 0


ArtNetPacket = ArtDmx | ArtSync | ArtPoll | ArtPollReply | ArtTimeCode


def opcode(packet: bytes) -> int:
    """The OpCode of an Art-Net datagram (after checking the ID), without decoding it."""
    if len(packet) < 10:
        raise ArtNetDecodeError(f"Art-Net packet too short: {len(packet)} bytes, need ≥ 10")
    if packet[:8] != HEADER:
        raise ArtNetDecodeError(f"not Art-Net: ID is {bytes(packet[:8])!r}, want b'Art-Net\\x00'")
    op: int = _OPCODE.unpack_from(packet, 8)[0]
    return op


def decode(packet: bytes) -> ArtNetPacket:
    """Decode one datagram; raise :class:`ArtNetDecodeError` saying what is wrong."""
    op = opcode(packet)
    if op == OP_POLL_REPLY:
        # ArtPollReply has no ProtVer field: the IP address follows the OpCode.
        return _decode_poll_reply(packet)
    if len(packet) < 12:
        raise ArtNetDecodeError(f"Art-Net OpCode 0x{op:04x}: {len(packet)} bytes, need ≥ 12")
    version = packet[10] << 8 | packet[11]
    if version < PROTOCOL_VERSION:
        raise ArtNetDecodeError(f"Art-Net protocol version {version} < 14")
    if op == OP_DMX:
        return _decode_dmx(packet)
    if op == OP_SYNC:
        if len(packet) < 14:
            raise ArtNetDecodeError(f"ArtSync: {len(packet)} bytes, need 14")
        return ArtSync(bytes(packet[12:14]))
    if op == OP_POLL:
        # Receivers accept ≥ 12 bytes; missing fields are zero.
        raw = bytes(packet[12:22]).ljust(10, b"\x00")
        top, bottom, esta, oem = struct.unpack_from(">HHHH", raw, 2)
        return ArtPoll(raw[0], raw[1], top, bottom, esta, oem)
    if op == OP_TIMECODE:
        if len(packet) < 19:
            raise ArtNetDecodeError(f"ArtTimeCode: {len(packet)} bytes, need 19")
        stream_id, fr, sec, minute, hour, tc_type = packet[13:19]
        if tc_type not in _TIMECODE_FPS:
            raise ArtNetDecodeError(f"ArtTimeCode: unknown type {tc_type}")
        return ArtTimeCode(fr, sec, minute, hour, tc_type, stream_id)
    raise ArtNetDecodeError(f"Art-Net OpCode 0x{op:04x} is not one we decode")


def _decode_dmx(packet: bytes) -> ArtDmx:
    if len(packet) < DMX_DATA_OFFSET + 2:
        raise ArtNetDecodeError(f"ArtDmx: {len(packet)} bytes, need ≥ 20")
    length = packet[16] << 8 | packet[17]
    if length < 2 or length > DMX_MAX_SLOTS or length & 1:
        raise ArtNetDecodeError(f"ArtDmx: Length {length} is not an even number in 2–512")
    if len(packet) < DMX_DATA_OFFSET + length:
        raise ArtNetDecodeError(
            f"ArtDmx: truncated, Length says {length} slots but only "
            f"{len(packet) - DMX_DATA_OFFSET} follow"
        )
    return ArtDmx(
        sequence=packet[12],
        physical=packet[13],
        port_address=(packet[15] & 0x7F) << 8 | packet[14],
        data=bytes(packet[DMX_DATA_OFFSET : DMX_DATA_OFFSET + length]),
    )


def _decode_poll_reply(packet: bytes) -> ArtPollReply:
    if len(packet) < POLL_REPLY_MIN_LENGTH:
        raise ArtNetDecodeError(
            f"ArtPollReply: {len(packet)} bytes, need ≥ {POLL_REPLY_MIN_LENGTH}"
        )
    p = bytes(packet).ljust(POLL_REPLY_LENGTH, b"\x00")  # missing tail fields are zero
    return ArtPollReply(
        ip=str(ipaddress.IPv4Address(p[10:14])),
        port=struct.unpack_from("<H", p, 14)[0],
        version=struct.unpack_from(">H", p, 16)[0],
        net_switch=p[18],
        sub_switch=p[19],
        oem=struct.unpack_from(">H", p, 20)[0],
        ubea_version=p[22],
        status1=p[23],
        esta_manufacturer=struct.unpack_from("<H", p, 24)[0],
        short_name=_read_str(p[26:44]),
        long_name=_read_str(p[44:108]),
        node_report=_read_str(p[108:172]),
        num_ports=struct.unpack_from(">H", p, 172)[0],
        port_types=p[174:178],
        good_input=p[178:182],
        good_output_a=p[182:186],
        sw_in=p[186:190],
        sw_out=p[190:194],
        acn_priority=p[194],
        sw_macro=p[195],
        sw_remote=p[196],
        style=p[200],
        mac=p[201:207],
        bind_ip=str(ipaddress.IPv4Address(p[207:211])),
        bind_index=p[211],
        status2=p[212],
    )
