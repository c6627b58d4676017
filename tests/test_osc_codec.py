"""OSC codec: byte-for-byte against the OSC 1.0 specification, round trips, framing."""

from __future__ import annotations

import math
import struct

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pythonosc import osc_bundle, osc_message, osc_message_builder, slip

from showctl.drivers.base import OscBundle, OscMessage
from showctl.protocols.osc import (
    IMMEDIATELY,
    IMPULSE,
    AutoFramingDecoder,
    Char,
    Double,
    Float32,
    Int32,
    Int64,
    LengthPrefixDecoder,
    OscDecodeError,
    SlipDecoder,
    Symbol,
    TimeTag,
    decode_packet,
    encode_bundle,
    encode_message,
    encode_packet,
    format_args,
    iter_messages,
    length_prefix,
    slip_encode,
    type_tags,
)


def hexbytes(text: str) -> bytes:
    return bytes.fromhex(text)


# ---------------------------------------------------------------------------- spec examples


def test_spec_example_oscillator_frequency() -> None:
    # OSC 1.0 spec, "Examples": /oscillator/4/frequency with float 440.0.
    expected = hexbytes(
        "2f 6f 73 63  69 6c 6c 61  74 6f 72 2f  34 2f 66 72"
        "65 71 75 65  6e 63 79 00  2c 66 00 00  43 dc 00 00"
    )
    assert encode_message(OscMessage("/oscillator/4/frequency", (440.0,))) == expected


def test_spec_example_foo_mixed_args() -> None:
    # OSC 1.0 spec: /foo 1000 -1 "hello" 1.234 5.678
    expected = hexbytes(
        "2f 66 6f 6f  00 00 00 00  2c 69 69 73  66 66 00 00"
        "00 00 03 e8  ff ff ff ff  68 65 6c 6c  6f 00 00 00"
        "3f 9d f3 b6  40 b5 b2 2d"
    )
    assert encode_message(OscMessage("/foo", (1000, -1, "hello", 1.234, 5.678))) == expected


def test_spec_string_padding_examples() -> None:
    # "OSC" -> 4 bytes with one NUL; "data" -> 8 bytes (a NUL is always required).
    assert encode_message(OscMessage("/OSC"))[:8] == b"/OSC\x00\x00\x00\x00"
    assert encode_message(OscMessage("/a", ("OSC",)))[8:] == b"OSC\x00"
    assert encode_message(OscMessage("/a", ("data",)))[8:] == b"data\x00\x00\x00\x00"


def test_message_without_args_has_empty_type_tag_string() -> None:
    assert encode_message(OscMessage("/go")) == b"/go\x00,\x00\x00\x00"


@pytest.mark.parametrize(
    ("arg", "tags", "data"),
    [
        (True, "T", ""),
        (False, "F", ""),
        (None, "N", ""),
        (IMPULSE, "I", ""),
        (0, "i", "00 00 00 00"),
        (-(2**31), "i", "80 00 00 00"),
        (2**31 - 1, "i", "7f ff ff ff"),
        (2**31, "h", "00 00 00 00 80 00 00 00"),
        (Int64(1), "h", "00 00 00 00 00 00 00 01"),
        (Int32(-2), "i", "ff ff ff fe"),
        (1.0, "f", "3f 80 00 00"),
        (Float32(-2.5), "f", "c0 20 00 00"),
        (Double(1.0), "d", "3f f0 00 00 00 00 00 00"),
        ("", "s", "00 00 00 00"),
        ("abc", "s", "61 62 63 00"),
        (Symbol("ab"), "S", "61 62 00 00"),
        (Char("A"), "c", "00 00 00 41"),
        (b"", "b", "00 00 00 00"),
        (b"\x01\x02\x03", "b", "00 00 00 03 01 02 03 00"),
        (b"\x01\x02\x03\x04", "b", "00 00 00 04 01 02 03 04"),
        (TimeTag(1), "t", "00 00 00 00 00 00 00 01"),
    ],
)
def test_each_argument_type(arg: object, tags: str, data: str) -> None:
    msg = OscMessage("/x", (arg,))  # type: ignore[arg-type]
    tag_block = ("," + tags).encode() + b"\x00" * (4 - len("," + tags) % 4)
    assert encode_message(msg) == b"/x\x00\x00" + tag_block + hexbytes(data)
    assert type_tags(msg.args) == "," + tags
    back = decode_packet(encode_message(msg))
    assert back == msg
    assert type_tags(back.args) == "," + tags  # type: ignore[union-attr]


def test_utf8_strings_are_padded_by_byte_length() -> None:
    data = encode_message(OscMessage("/é", ("ü",)))
    assert data == "/é".encode() + b"\x00" + b",s\x00\x00" + "ü".encode() + b"\x00\x00"
    assert decode_packet(data) == OscMessage("/é", ("ü",))


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (OscMessage("no-slash"), r"OSC address must start with '/': 'no-slash'"),
        (OscMessage("/a", ("nul\x00inside",)), r"OSC strings cannot contain NUL: 'nul\\x00inside'"),
        (OscMessage("/a", (Int32(2**31),)), r"OSC argument 2147483648 does not fit type 'i'"),
        (OscMessage("/a", (Char("ab"),)), r"OSC char must be one ASCII character, got 'ab'"),
        # type: ignore[arg-type]
        (OscMessage("/a", ([1, 2],)), r"unsupported OSC argument \[1, 2\] \(list\)"),
    ],
)
def test_unencodable_messages_raise_value_or_type_error(bad: OscMessage, message: str) -> None:
    with pytest.raises((ValueError, TypeError), match=message):
        encode_message(bad)


# ---------------------------------------------------------------------------- bundles


def test_bundle_bytes() -> None:
    bundle = OscBundle((OscMessage("/a", (1,)), OscMessage("/b")), timetag=IMMEDIATELY)
    a = b"/a\x00\x00,i\x00\x00\x00\x00\x00\x01"
    b = b"/b\x00\x00,\x00\x00\x00"
    expected = (
        b"#bundle\x00"
        + hexbytes("00 00 00 00 00 00 00 01")
        + struct.pack(">i", len(a))
        + a
        + struct.pack(">i", len(b))
        + b
    )
    assert encode_bundle(bundle) == expected
    assert encode_packet(bundle) == expected
    assert decode_packet(expected) == bundle


def test_bundle_timetag_is_kept_exactly() -> None:
    tt = (3_900_000_000 << 32) | 0x12345678
    bundle = OscBundle((OscMessage("/a"),), timetag=tt)
    assert decode_packet(encode_bundle(bundle)) == bundle
    parsed = osc_bundle.OscBundle(encode_bundle(bundle))  # python-osc reads it too
    assert parsed.num_contents == 1


def test_nested_bundles_are_flattened_with_inner_timetags() -> None:
    inner = encode_bundle(OscBundle((OscMessage("/in", (2,)),), timetag=7))
    outer = (
        b"#bundle\x00"
        + struct.pack(">Q", 5)
        + length_prefix(encode_message(OscMessage("/out", (1,))))
        + length_prefix(inner)
    )
    assert decode_packet(outer) == OscBundle((OscMessage("/out", (1,)), OscMessage("/in", (2,))), 5)
    assert [(tt, m.address) for tt, m in iter_messages(outer)] == [(5, "/out"), (7, "/in")]


@pytest.mark.parametrize(
    ("junk", "message"),
    [
        (b"", r"OSC packet must start with '/' or '#bundle'"),
        (b"abc", r"OSC packet must start with '/' or '#bundle'"),
        (b"/a", r"unterminated OSC string at byte 0"),  # unterminated address
        # int cut short
        (b"/a\x00\x00,i\x00\x00\x00\x01", r"packet ends inside an argument at byte 8"),
        # type tags without comma
        (b"/a\x00\x00xi\x00\x00", r"type tag string must start with ',': 'xi'"),
        (b"/a\x00\x00,q\x00\x00", r"unknown OSC type tag 'q' in ',q'"),  # unknown tag
        # negative blob size
        (b"/a\x00\x00,b\x00\x00\xff\xff\xff\xff", r"negative blob size at byte 8"),
        (b"#bundle\x00\x00", r"OSC bundle shorter than its 16-byte header"),  # short bundle header
        # element overruns
        (
            b"#bundle\x00" + bytes(8) + b"\x00\x00\x00\x40/a\x00\x00",
            r"bad bundle element size 64 at byte 16",
        ),
    ],
)
def test_malformed_packets_raise_decode_error(junk: bytes, message: str) -> None:
    with pytest.raises(OscDecodeError, match=message):
        decode_packet(junk)


def test_message_without_type_tag_string_decodes() -> None:
    assert decode_packet(b"/old\x00\x00\x00\x00") == OscMessage("/old")


# ---------------------------------------------------------------------------- vs python-osc


def test_python_osc_reads_our_bytes() -> None:
    args = (1, -7, 2.5, "hi", b"\x00\x01", True, False, None, Double(0.1), Int64(2**40))
    parsed = osc_message.OscMessage(encode_message(OscMessage("/p", args)))
    assert parsed.address == "/p"
    assert parsed.params == [1, -7, 2.5, "hi", b"\x00\x01", True, False, None, 0.1, 2**40]


def test_we_read_python_osc_bytes() -> None:
    builder = osc_message_builder.OscMessageBuilder("/q")
    for value, tag in [(3, "i"), (0.5, "f"), ("s", "s"), (b"\x07", "b"), (0.25, "d")]:
        builder.add_arg(value, tag)
    assert decode_packet(builder.build().dgram) == OscMessage("/q", (3, 0.5, "s", b"\x07", 0.25))


def test_unknown_to_python_osc_types_do_not_shift_later_args() -> None:
    # python-osc skips 'c' without consuming its 4 bytes; we must not.
    msg = OscMessage("/c", (Char("x"), 5, Symbol("y"), IMPULSE, 6))
    assert decode_packet(encode_message(msg)) == msg


f32 = st.floats(width=32, allow_nan=False)
osc_args = st.one_of(
    st.integers(-(2**31), 2**31 - 1),
    st.integers(-(2**63), 2**63 - 1).map(Int64),
    f32,
    st.floats(allow_nan=False).map(Double),
    st.text(alphabet=st.characters(blacklist_characters="\x00", codec="utf-8")),
    st.binary(max_size=40),
    st.booleans(),
    st.none(),
    st.just(IMPULSE),
)
addresses = st.text(
    alphabet=st.characters(blacklist_characters="\x00", codec="utf-8"), max_size=20
).map(lambda s: "/" + s)


@given(addresses, st.lists(osc_args, max_size=8))
def test_round_trip_any_message(address: str, args: list[object]) -> None:
    msg = OscMessage(address, tuple(args))  # type: ignore[arg-type]
    data = encode_message(msg)
    assert len(data) % 4 == 0
    back = decode_packet(data)
    assert isinstance(back, OscMessage)
    assert back.address == msg.address
    assert type_tags(back.args) == type_tags(msg.args)
    for a, b in zip(back.args, msg.args, strict=True):
        if isinstance(b, float) and math.isnan(b):
            continue
        assert a == b


@given(st.lists(st.tuples(addresses, st.lists(osc_args, max_size=3)), max_size=5),
       st.integers(0, 2**64 - 1))  # fmt: skip
def test_round_trip_any_bundle(items: list[tuple[str, list[object]]], timetag: int) -> None:
    bundle = OscBundle(tuple(OscMessage(a, tuple(x)) for a, x in items), timetag)  # type: ignore[arg-type]
    assert decode_packet(encode_bundle(bundle)) == bundle


# ---------------------------------------------------------------------------- SLIP


def test_slip_encode_escapes_and_double_end() -> None:
    assert slip_encode(b"\x01\xc0\x02\xdb\x03") == hexbytes("c0 01 db dc 02 db dd 03 c0")
    # Same bytes as python-osc's (SlipLib's) encoder.
    assert slip_encode(b"\x01\xc0\x02\xdb\x03") == slip.encode(b"\x01\xc0\x02\xdb\x03")


def test_slip_decoder_double_end_frames() -> None:
    d = SlipDecoder()
    stream = slip_encode(b"one") + slip_encode(b"tw\xc0o")  # C0 one C0 C0 tw.. C0
    assert d.feed(stream) == [b"one", b"tw\xc0o"]


def test_slip_decoder_single_end_frames() -> None:
    d = SlipDecoder()
    assert d.feed(b"one\xc0two\xc0three") == [b"one", b"two"]
    assert d.feed(b"\xc0") == [b"three"]


def test_slip_decoder_byte_by_byte() -> None:
    d = SlipDecoder()
    packets = [encode_message(OscMessage("/a", (i, "x" * i, b"\xc0\xdb" * i))) for i in range(5)]
    stream = b"".join(slip_encode(p) for p in packets)
    out: list[bytes] = []
    for byte in stream:
        out += d.feed(bytes([byte]))
    assert out == packets
    assert [decode_packet(p) for p in out][3] == OscMessage("/a", (3, "xxx", b"\xc0\xdb" * 3))


def test_slip_decoder_drops_a_frame_with_a_bad_escape_and_resyncs() -> None:
    d = SlipDecoder()
    assert d.feed(b"\xc0bad\xdb\x01frame\xc0good\xc0") == [b"good"]
    assert d.errors == 1


def test_python_osc_slip_decode_reads_our_frames() -> None:
    data = encode_message(OscMessage("/s", (b"\xc0\xdb\xc0",)))
    assert slip.decode(slip_encode(data)) == data


# ---------------------------------------------------------------------------- length prefix


def test_length_prefix_framing() -> None:
    packet = encode_message(OscMessage("/l", (1,)))
    framed = length_prefix(packet)
    assert framed[:4] == struct.pack(">i", len(packet))
    d = LengthPrefixDecoder()
    assert d.feed(framed[:3]) == []
    assert d.feed(framed[3:] + framed + framed[:5]) == [packet, packet]
    assert d.feed(framed[5:]) == [packet]


def test_length_prefix_rejects_absurd_sizes() -> None:
    d = LengthPrefixDecoder(max_frame=1000)
    with pytest.raises(OscDecodeError, match=r"bad OSC 1\.0 frame length -1"):
        d.feed(struct.pack(">i", -1))
    with pytest.raises(OscDecodeError, match=r"bad OSC 1\.0 frame length 1001"):
        LengthPrefixDecoder(max_frame=1000).feed(struct.pack(">i", 1001))


def test_auto_framing_picks_by_first_byte() -> None:
    packet = encode_message(OscMessage("/auto"))
    assert AutoFramingDecoder().feed(slip_encode(packet)) == [packet]
    assert AutoFramingDecoder().feed(length_prefix(packet)) == [packet]


# ---------------------------------------------------------------------------- formatting


def test_format_args_like_oscdump() -> None:
    args = (1, 2.5, "hello", True, False, None, Int64(5_000_000_000), Double(3.25), Char("x"))
    assert format_args(args) == "1 2.500000 \"hello\" #T #F Nil 5000000000 3.250000 'x'"
    assert format_args((b"\x01\x02\x03",)) == "[3b 0x1 0x2 0x3]"
