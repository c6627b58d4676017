"""OSC 1.0/1.1 packets as bytes: messages and bundles, encoded and decoded.

Pure functions, no I/O: :func:`encode_message`, :func:`encode_bundle` and
:func:`encode_packet` turn the engine's :class:`~showctl.protocols.osc_messages.OscMessage` /
:class:`~showctl.protocols.osc_messages.OscBundle` into datagrams; :func:`decode_packet` does the
reverse (tolerantly: every standard and the common non-standard type tags), and
:func:`iter_messages` walks a packet's messages. Argument types are in
:mod:`showctl.protocols.osc_args`, stream framing in :mod:`showctl.protocols.osc_framing`.

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

from showctl.protocols.osc_args import IMPULSE, Char, Double, Int64, Symbol, TimeTag, _tag_of
from showctl.protocols.osc_messages import OscArg, OscBundle, OscMessage

__all__ = [
    "IMMEDIATELY",
    "OscDecodeError",
    "decode_packet",
    "encode_bundle",
    "encode_message",
    "encode_packet",
    "iter_messages",
]

IMMEDIATELY = 1
"""The NTP timetag meaning "now" (OSC 1.0: 63 zero bits then a one)."""

_BUNDLE_HEAD = b"#bundle\x00"


class OscDecodeError(ValueError):
    """A packet or frame that is not valid OSC."""


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
