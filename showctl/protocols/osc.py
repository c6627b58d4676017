"""OSC 1.0/1.1 packets as bytes: messages, bundles, and the two TCP framings.

The one import for the OSC codec, which lives in three smaller modules and is
re-exported from here: :mod:`showctl.protocols.osc_args` (argument types),
:mod:`showctl.protocols.osc_packets` (messages and bundles) and
:mod:`showctl.protocols.osc_framing` (stream framing).

Pure functions, no I/O: :func:`encode_message`, :func:`encode_bundle` and
:func:`encode_packet` turn the engine's :class:`~showctl.protocols.osc_messages.OscMessage` /
:class:`~showctl.protocols.osc_messages.OscBundle` into datagrams; :func:`decode_packet` does the
reverse (tolerantly: every standard and the common non-standard type tags). Framing for
stream transports: :func:`slip_encode` with :class:`SlipDecoder` (OSC 1.1, RFC 1055) and
:func:`length_prefix` with :class:`LengthPrefixDecoder` (OSC 1.0: big-endian int32 size).
"""

from __future__ import annotations

from showctl.protocols.osc_args import (
    IMPULSE,
    Char,
    Double,
    Float32,
    Impulse,
    Int32,
    Int64,
    Symbol,
    TimeTag,
    format_args,
    type_tags,
)
from showctl.protocols.osc_framing import (
    AutoFramingDecoder,
    LengthPrefixDecoder,
    SlipDecoder,
    length_prefix,
    slip_encode,
)
from showctl.protocols.osc_packets import (
    IMMEDIATELY,
    OscDecodeError,
    decode_packet,
    encode_bundle,
    encode_message,
    encode_packet,
    iter_messages,
)

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
