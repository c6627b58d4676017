"""OSC 1.0/1.1 packets as bytes: messages, bundles, and the two TCP framings.

Pure functions, no I/O: :func:`encode_message`, :func:`encode_bundle` and
:func:`encode_packet` turn the engine's :class:`~showctl.drivers.base.OscMessage` /
:class:`~showctl.drivers.base.OscBundle` into datagrams; :func:`decode_packet` does the
reverse (tolerantly: every standard and the common non-standard type tags). Framing for
stream transports: :func:`slip_encode` with :class:`SlipDecoder` (OSC 1.1, RFC 1055) and
:func:`length_prefix` with :class:`LengthPrefixDecoder` (OSC 1.0: big-endian int32 size).

Argument types follow Python types: ``int`` → ``i`` (``h`` when it does not fit 32 bits),
``float`` → ``f``, ``str`` → ``s``, ``bytes`` → ``b``, ``True``/``False`` → ``T``/``F``,
``None`` → ``N``. For an explicit type, wrap the value: :class:`Int32`, :class:`Int64`,
:class:`Float32`, :class:`Double`, :class:`Symbol`, :class:`Char`, :class:`TimeTag`,
:data:`IMPULSE`. The wrappers subclass ``int``/``float``/``str``, so they fit the engine's
``OscArg`` type unchanged; decoding returns the same wrappers for the non-default tags,
so ``decode_packet(encode_packet(m)) == m`` for every message we can build.

Why not python-osc's builder/parser (which the rest of the project uses for clients in
tests and benchmarks): in 1.10 it rejects empty blobs (valid OSC), types
``-2**31`` as int64, decodes bundle timetags only as lossy wall-clock floats, and on a
type tag it does not know (``c``, ``S``, ``I``) logs and *does not advance*, so every
following argument is misread. The format itself is a few struct calls; the tests check
our bytes against the OSC 1.0 specification's examples and against python-osc.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass

from showctl.drivers.base import OscArg, OscBundle, OscMessage

__all__ = [
    "IMMEDIATELY",
    "IMPULSE",
    "AutoFramingDecoder",
    "Char",
    "Double",
    "Float32",
    "Impulse",
    "Int32",
    "Int64",
    "LengthPrefixDecoder",
    "OscDecodeError",
    "SlipDecoder",
    "Symbol",
    "TimeTag",
    "decode_packet",
    "encode_bundle",
    "encode_message",
    "encode_packet",
    "format_args",
    "iter_messages",
    "length_prefix",
    "slip_encode",
    "type_tags",
]

IMMEDIATELY = 1
"""The NTP timetag meaning "now" (OSC 1.0: 63 zero bits then a one)."""

_BUNDLE_HEAD = b"#bundle\x00"


class OscDecodeError(ValueError):
    """A packet or frame that is not valid OSC."""


# ---------------------------------------------------------------------------- typed args


class Int32(int):
    """Force type tag ``i`` (a plain ``int`` gets it too when it fits)."""

    tag = "i"


class Int64(int):
    """Force type tag ``h`` (64-bit big-endian two's complement)."""

    tag = "h"


class Float32(float):
    """Force type tag ``f`` (what a plain ``float`` gets)."""

    tag = "f"


class Double(float):
    """Force type tag ``d`` (64-bit IEEE 754)."""

    tag = "d"


class Symbol(str):
    """Type tag ``S``: an alternate string type some peers (Max, SuperCollider) use."""

    __slots__ = ()
    tag = "S"


class Char(str):
    """Type tag ``c``: one ASCII character sent as a 32-bit value."""

    __slots__ = ()
    tag = "c"


class TimeTag(int):
    """Type tag ``t``: a raw 64-bit NTP timetag (seconds << 32 | fraction)."""

    tag = "t"


class Impulse(int):
    """Type tag ``I`` ("bang", no data). Use the :data:`IMPULSE` singleton."""

    tag = "I"

    def __repr__(self) -> str:
        return "IMPULSE"


IMPULSE = Impulse(0)


def _tag_of(arg: OscArg) -> str:
    # Order matters: bool is an int, and wrappers subclass int/float/str.
    tag = getattr(arg, "tag", None)
    if isinstance(tag, str) and isinstance(arg, int | float | str):
        return tag
    if arg is None:
        return "N"
    if arg is True:
        return "T"
    if arg is False:
        return "F"
    if isinstance(arg, int):
        return "i" if -(2**31) <= arg < 2**31 else "h"
    if isinstance(arg, float):
        return "f"
    if isinstance(arg, str):
        return "s"
    if isinstance(arg, bytes | bytearray | memoryview):
        return "b"
    raise TypeError(f"unsupported OSC argument {arg!r} ({type(arg).__name__})")


def type_tags(args: tuple[OscArg, ...]) -> str:
    """The type tag string (with its leading comma) ``encode_message`` writes for args."""
    return "," + "".join(_tag_of(a) for a in args)


# ---------------------------------------------------------------------------- encoding


def _osc_string(text: str) -> bytes:
    raw = text.encode("utf-8")
    if b"\x00" in raw:
        raise ValueError(f"OSC strings cannot contain NUL: {text!r}")
    # Always at least one NUL, then pad to a multiple of 4.
    return raw + b"\x00" * (4 - len(raw) % 4)


def _osc_blob(data: bytes) -> bytes:
    return struct.pack(">i", len(data)) + data + b"\x00" * (-len(data) % 4)


def _encode_arg(tag: str, arg: OscArg) -> bytes:
    if tag in "TFNI":
        return b""
    try:
        if tag == "i":
            return struct.pack(">i", arg)
        if tag == "h":
            return struct.pack(">q", arg)
        if tag == "f":
            return struct.pack(">f", arg)
        if tag == "d":
            return struct.pack(">d", arg)
        if tag == "t":
            return struct.pack(">Q", arg)
    except struct.error as exc:
        raise ValueError(f"OSC argument {arg!r} does not fit type {tag!r}: {exc}") from None
    if tag in "sS":
        assert isinstance(arg, str)
        return _osc_string(arg)
    if tag == "c":
        assert isinstance(arg, str)
        if len(arg) != 1 or ord(arg) > 0x7F:
            raise ValueError(f"OSC char must be one ASCII character, got {arg!r}")
        return struct.pack(">I", ord(arg))
    if tag == "b":
        assert isinstance(arg, bytes | bytearray | memoryview)
        return _osc_blob(bytes(arg))
    raise TypeError(f"unsupported OSC type tag {tag!r}")  # pragma: no cover - guarded above


def encode_message(message: OscMessage) -> bytes:
    """One OSC message: padded address, padded ``,tags``, big-endian arguments.

    Raises ``ValueError``/``TypeError`` for an address not starting with ``/`` or an
    argument that cannot be encoded (callers in drivers turn that into a fault).
    """
    if not message.address.startswith("/"):
        raise ValueError(f"OSC address must start with '/': {message.address!r}")
    tags = [_tag_of(a) for a in message.args]
    parts = [_osc_string(message.address), _osc_string("," + "".join(tags))]
    parts.extend(_encode_arg(t, a) for t, a in zip(tags, message.args, strict=True))
    return b"".join(parts)


def encode_bundle(bundle: OscBundle) -> bytes:
    """``#bundle``, the 64-bit NTP timetag, then each element prefixed by its int32 size."""
    if not 0 <= bundle.timetag < 2**64:
        raise ValueError(f"OSC timetag out of range: {bundle.timetag}")
    parts = [_BUNDLE_HEAD, struct.pack(">Q", bundle.timetag)]
    for msg in bundle.messages:
        element = encode_message(msg)
        parts.append(struct.pack(">i", len(element)))
        parts.append(element)
    return b"".join(parts)


def encode_packet(packet: OscMessage | OscBundle) -> bytes:
    """Encode a message or a bundle."""
    if isinstance(packet, OscBundle):
        return encode_bundle(packet)
    return encode_message(packet)


# ---------------------------------------------------------------------------- decoding


def _read_string(data: bytes, pos: int) -> tuple[str, int]:
    end = data.find(b"\x00", pos)
    if end < 0:
        raise OscDecodeError(f"unterminated OSC string at byte {pos}")
    nxt = end + 4 - (end - pos) % 4
    if nxt > len(data):
        raise OscDecodeError(f"OSC string at byte {pos} is not padded to 4 bytes")
    try:
        return data[pos:end].decode("utf-8"), nxt
    except UnicodeDecodeError as exc:
        raise OscDecodeError(f"OSC string at byte {pos} is not UTF-8: {exc}") from None


def _need(data: bytes, pos: int, n: int) -> None:
    if pos + n > len(data):
        raise OscDecodeError(f"packet ends inside an argument at byte {pos}")


def _decode_message(data: bytes) -> OscMessage:
    address, pos = _read_string(data, 0)
    if pos == len(data):
        # OSC 1.0 allows (old) messages without a type tag string.
        return OscMessage(address, ())
    tags, pos = _read_string(data, pos)
    if not tags.startswith(","):
        raise OscDecodeError(f"type tag string must start with ',': {tags!r}")
    args: list[OscArg] = []
    for tag in tags[1:]:
        if tag == "i":
            _need(data, pos, 4)
            args.append(struct.unpack_from(">i", data, pos)[0])
            pos += 4
        elif tag == "f":
            _need(data, pos, 4)
            args.append(struct.unpack_from(">f", data, pos)[0])
            pos += 4
        elif tag == "s":
            text, pos = _read_string(data, pos)
            args.append(text)
        elif tag == "S":
            text, pos = _read_string(data, pos)
            args.append(Symbol(text))
        elif tag == "b":
            _need(data, pos, 4)
            size = struct.unpack_from(">i", data, pos)[0]
            if size < 0:
                raise OscDecodeError(f"negative blob size at byte {pos}")
            pos += 4
            _need(data, pos, size)
            args.append(bytes(data[pos : pos + size]))
            pos += size + (-size % 4)
        elif tag == "h":
            _need(data, pos, 8)
            args.append(Int64(struct.unpack_from(">q", data, pos)[0]))
            pos += 8
        elif tag == "d":
            _need(data, pos, 8)
            args.append(Double(struct.unpack_from(">d", data, pos)[0]))
            pos += 8
        elif tag == "t":
            _need(data, pos, 8)
            args.append(TimeTag(struct.unpack_from(">Q", data, pos)[0]))
            pos += 8
        elif tag == "c":
            _need(data, pos, 4)
            args.append(Char(chr(struct.unpack_from(">I", data, pos)[0] & 0x7F)))
            pos += 4
        elif tag in "rm":
            # RGBA colour / 4-byte MIDI message: kept as raw bytes.
            _need(data, pos, 4)
            args.append(bytes(data[pos : pos + 4]))
            pos += 4
        elif tag == "T":
            args.append(True)
        elif tag == "F":
            args.append(False)
        elif tag == "N":
            args.append(None)
        elif tag == "I":
            args.append(IMPULSE)
        elif tag in "[]":
            # Arrays are flattened: the engine's payloads have no nesting.
            continue
        else:
            raise OscDecodeError(f"unknown OSC type tag {tag!r} in {tags!r}")
    return OscMessage(address, tuple(args))


def _decode_bundle(data: bytes, depth: int) -> tuple[int, list[tuple[int, OscMessage]]]:
    if depth > 8:
        raise OscDecodeError("OSC bundles nested too deeply")
    if len(data) < 16:
        raise OscDecodeError("OSC bundle shorter than its 16-byte header")
    timetag = struct.unpack_from(">Q", data, 8)[0]
    pos = 16
    out: list[tuple[int, OscMessage]] = []
    while pos < len(data):
        _need(data, pos, 4)
        size = struct.unpack_from(">i", data, pos)[0]
        pos += 4
        if size <= 0 or pos + size > len(data):
            raise OscDecodeError(f"bad bundle element size {size} at byte {pos - 4}")
        element = data[pos : pos + size]
        pos += size
        if element.startswith(_BUNDLE_HEAD):
            out.extend(_decode_bundle(element, depth + 1)[1])
        else:
            out.append((timetag, _decode_message(element)))
    return timetag, out


def decode_packet(data: bytes) -> OscMessage | OscBundle:
    """Decode one OSC packet. Nested bundles are flattened into the outer bundle.

    Raises :class:`OscDecodeError` for anything malformed.
    """
    data = bytes(data)
    if data.startswith(_BUNDLE_HEAD):
        timetag, items = _decode_bundle(data, 0)
        return OscBundle(tuple(m for _, m in items), timetag)
    if data.startswith(b"/"):
        return _decode_message(data)
    raise OscDecodeError("OSC packet must start with '/' or '#bundle'")


def iter_messages(data: bytes) -> Iterator[tuple[int | None, OscMessage]]:
    """Each message of a packet with the timetag of its innermost bundle (None if bare)."""
    data = bytes(data)
    if data.startswith(_BUNDLE_HEAD):
        yield from _decode_bundle(data, 0)[1]
    else:
        msg = decode_packet(data)
        assert isinstance(msg, OscMessage)
        yield None, msg


def format_args(args: tuple[OscArg, ...]) -> str:
    """Arguments printed the way liblo's ``oscdump`` prints them."""
    out: list[str] = []
    for tag, arg in zip(type_tags(args)[1:], args, strict=True):
        if tag in "fd":
            out.append(f"{float(arg):f}")  # type: ignore[arg-type]
        elif tag in "sS":
            out.append(f'"{arg!s}"')
        elif tag == "c":
            out.append(f"'{arg!s}'")
        elif tag == "b":
            blob = bytes(arg)  # type: ignore[arg-type]
            out.append(f"[{len(blob)}b " + " ".join(f"0x{b:x}" for b in blob) + "]")
        elif tag in "TF":
            out.append(f"#{tag}")
        elif tag == "N":
            out.append("Nil")
        elif tag == "I":
            out.append("Infinitum")
        elif tag == "t":
            tt = int(arg)  # type: ignore[arg-type]
            out.append(f"{tt >> 32:08x}.{tt & 0xFFFFFFFF:08x}")
        else:
            out.append(str(int(arg)))  # type: ignore[arg-type]
    return " ".join(out)


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
