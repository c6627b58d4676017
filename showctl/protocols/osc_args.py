"""OSC argument types: which type tag each Python value gets, and how to force one.

Argument types follow Python types: ``int`` → ``i`` (``h`` when it does not fit 32 bits),
``float`` → ``f``, ``str`` → ``s``, ``bytes`` → ``b``, ``True``/``False`` → ``T``/``F``,
``None`` → ``N``. For an explicit type, wrap the value: :class:`Int32`, :class:`Int64`,
:class:`Float32`, :class:`Double`, :class:`Symbol`, :class:`Char`, :class:`TimeTag`,
:data:`IMPULSE`. The wrappers subclass ``int``/``float``/``str``, so they fit the engine's
``OscArg`` type unchanged; decoding returns the same wrappers for the non-default tags,
so ``decode_packet(encode_packet(m)) == m`` for every message we can build.

:func:`type_tags` gives the tag string :func:`~showctl.protocols.osc_packets.encode_message`
writes; :func:`format_args` prints arguments the way liblo's ``oscdump`` does.
"""

from __future__ import annotations

from showctl.protocols.osc_messages import OscArg

__all__ = [
    "IMPULSE",
    "Char",
    "Double",
    "Float32",
    "Impulse",
    "Int32",
    "Int64",
    "Symbol",
    "TimeTag",
    "format_args",
    "type_tags",
]


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
