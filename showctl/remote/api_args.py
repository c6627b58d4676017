"""OSC arguments as the QLab API's methods need them, and the errors a method raises.

Each helper takes one untrusted :data:`~showctl.drivers.base.OscArg` and returns text,
an integer, seconds or a key list, bounded, or raises :class:`_Error` (an ``error``
reply); :class:`_Denied` means the client lacks the access level (a ``denied`` reply).
"""

from __future__ import annotations

import json
from typing import Any

from showctl.drivers.base import OscArg

_MAX_KEYS = 64
_MAX_KEYS_TEXT = 4096


class _Denied(Exception):
    pass


class _Error(Exception):
    pass


class _EachCue(list[Any]):
    """A method's answer for several cues: one ``ok`` reply per cue, each holding that
    cue's value, all at the same ``/reply`` address (QLab's way with ``/cue/active``
    and ``/cue/selected`` when more than one cue matches)."""


def _text(arg: OscArg) -> str:
    if isinstance(arg, str):
        return arg
    if isinstance(arg, int | float) and not isinstance(arg, bool):
        return f"{arg:g}" if isinstance(arg, float) else str(arg)
    raise _Error(f"expected text, got {type(arg).__name__}")


def _int(arg: OscArg) -> int:
    if isinstance(arg, bool):
        return int(arg)
    if isinstance(arg, int):
        return arg
    if isinstance(arg, float) and arg == arg and abs(arg) < 2**31:
        return int(arg)
    if isinstance(arg, str) and arg.strip().lstrip("-").isdigit() and len(arg) < 12:
        return int(arg)
    raise _Error(f"expected a number, got {arg!r}"[:80])


def _seconds(arg: OscArg) -> float:
    if isinstance(arg, int | float) and not isinstance(arg, bool):
        value = float(arg)
    elif isinstance(arg, str):
        try:
            value = float(arg)
        except ValueError:
            raise _Error("expected seconds") from None
    else:
        raise _Error("expected seconds")
    if not 0 <= value <= 3600:
        raise _Error("time must be 0-3600 s")
    return value


def _keys(args: tuple[OscArg, ...]) -> list[str]:
    if not args or not isinstance(args[0], str):
        raise _Error('valuesForKeys needs a JSON list of keys, e.g. ["number","name"]')
    text = args[0]
    if len(text) > _MAX_KEYS_TEXT:
        raise _Error("key list too long")
    try:
        keys = json.loads(text)
    except ValueError:
        raise _Error("key list is not JSON") from None
    if not isinstance(keys, list) or len(keys) > _MAX_KEYS or not all(
        isinstance(k, str) for k in keys
    ):
        raise _Error(f"key list must be a JSON list of at most {_MAX_KEYS} strings")
    return keys
