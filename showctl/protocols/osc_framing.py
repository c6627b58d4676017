"""OSC over byte streams (TCP): SLIP framing (OSC 1.1) and int32 length prefixes (OSC 1.0).

Framing for stream transports: :func:`slip_encode` with :class:`SlipDecoder` (OSC 1.1,
RFC 1055) and :func:`length_prefix` with :class:`LengthPrefixDecoder` (OSC 1.0:
big-endian int32 size); :class:`AutoFramingDecoder` picks one from a connection's first
byte. The frames are packets for :func:`~showctl.protocols.osc_packets.decode_packet`.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from showctl.protocols.osc_packets import OscDecodeError

__all__ = [
    "AutoFramingDecoder",
    "LengthPrefixDecoder",
    "SlipDecoder",
    "length_prefix",
    "slip_encode",
]


# ---------------------------------------------------------------------------- SLIP (OSC 1.1)

_END = 0xC0
_ESC = 0xDB
_ESC_END = 0xDC
_ESC_ESC = 0xDD


def slip_encode(packet: bytes) -> bytes:
    """SLIP-frame one packet with END at both ends (OSC 1.1's "double-END" style)."""
    body = packet.replace(b"\xdb", b"\xdb\xdd").replace(b"\xc0", b"\xdb\xdc")
    return b"\xc0" + body + b"\xc0"


class SlipDecoder:
    """Streaming SLIP decoder: feed bytes as they arrive, get complete packets back.

    Accepts both framings seen in the wild: ``END pkt END`` (OSC 1.1, and two ENDs
    back to back between packets) and ``pkt END`` (RFC 1055 single-END, what some
    peers send): empty frames are skipped, so both decode the same. A frame with an
    invalid escape is dropped and counted in :attr:`errors` rather than raising, because
    one bad frame must not kill a control connection.
    """

    def __init__(self, max_frame: int = 1 << 20) -> None:
        self._buf = bytearray()
        self._escaped = False
        self._bad = False
        self.max_frame = max_frame
        self.errors = 0

    def feed(self, data: bytes) -> list[bytes]:
        frames: list[bytes] = []
        buf = self._buf
        for byte in data:
            if byte == _END:
                if self._bad or self._escaped:
                    self.errors += 1
                elif buf:
                    frames.append(bytes(buf))
                buf.clear()
                self._escaped = self._bad = False
            elif self._bad:
                continue
            elif self._escaped:
                self._escaped = False
                if byte == _ESC_END:
                    buf.append(_END)
                elif byte == _ESC_ESC:
                    buf.append(_ESC)
                else:
                    self._bad = True
            elif byte == _ESC:
                self._escaped = True
            else:
                buf.append(byte)
                if len(buf) > self.max_frame:
                    self._bad = True
        return frames


# ------------------------------------------------------------------- length prefix (OSC 1.0)


def length_prefix(packet: bytes) -> bytes:
    """OSC 1.0 stream framing: a big-endian int32 byte count, then the packet."""
    return struct.pack(">i", len(packet)) + packet


class LengthPrefixDecoder:
    """Streaming decoder for int32-length-prefixed packets (OSC 1.0 over TCP, liblo).

    A size that is negative or above ``max_frame`` cannot be resynchronised on a byte
    stream, so it raises :class:`OscDecodeError`; the owner should drop the connection.
    """

    def __init__(self, max_frame: int = 1 << 20) -> None:
        self._buf = bytearray()
        self.max_frame = max_frame

    def feed(self, data: bytes) -> list[bytes]:
        self._buf += data
        frames: list[bytes] = []
        while len(self._buf) >= 4:
            size = struct.unpack_from(">i", self._buf, 0)[0]
            if size < 0 or size > self.max_frame:
                self._buf.clear()
                raise OscDecodeError(f"bad OSC 1.0 frame length {size}")
            if len(self._buf) < 4 + size:
                break
            if size:
                frames.append(bytes(self._buf[4 : 4 + size]))
            del self._buf[: 4 + size]
        return frames


@dataclass(slots=True)
class AutoFramingDecoder:
    """Picks SLIP or length-prefix framing from a connection's first byte.

    An OSC 1.1 peer opens with END (0xC0); an OSC 1.0 peer opens with the high byte of
    a length, which is 0x00 for any sane packet. Used by the monitor, which must accept
    both QLab-style SLIP and liblo-style length framing on one port.
    """

    decoder: SlipDecoder | LengthPrefixDecoder | None = None

    def feed(self, data: bytes) -> list[bytes]:
        if self.decoder is None:
            if not data:
                return []
            self.decoder = SlipDecoder() if data[0] == _END else LengthPrefixDecoder()
        return self.decoder.feed(data)
