"""Parsing the time values people write in show files.

``2.5`` (seconds), ``"250ms"``, ``"2s"``, ``"1:30"`` (m:s), ``"1:02:03.5"`` (h:m:s) and
``"1m30s"`` all become float seconds. Negative times are refused: a cue cannot wait
for less than nothing.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BeforeValidator, WithJsonSchema

_UNIT = re.compile(r"(\d+(?:\.\d*)?|\.\d+)\s*(ms|h|m|s)", re.IGNORECASE)
_SCALE = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}


def parse_seconds(value: Any) -> float:
    """Turn a time as written in a show file into seconds, or raise ``ValueError``."""
    if isinstance(value, bool):
        raise ValueError("a time must be a number of seconds or text like '1:30' or '250ms'")
    if isinstance(value, int | float):
        seconds = float(value)
    elif isinstance(value, str):
        seconds = _parse_text(value.strip())
    else:
        raise ValueError("a time must be a number of seconds or text like '1:30' or '250ms'")
    if seconds < 0:
        raise ValueError(f"a time cannot be negative (got {value!r})")
    if seconds != seconds or seconds == float("inf"):
        raise ValueError(f"a time must be finite (got {value!r})")
    return seconds


def _parse_text(text: str) -> float:
    if not text:
        raise ValueError("empty time")
    try:
        return float(text)
    except ValueError:
        pass
    if ":" in text:
        parts = text.split(":")
        if len(parts) > 3 or not all(parts):
            raise ValueError(f"cannot read {text!r} as a time: use 'm:ss' or 'h:mm:ss'")
        try:
            nums = [float(p) for p in parts]
        except ValueError:
            raise ValueError(f"cannot read {text!r} as a time: use 'm:ss' or 'h:mm:ss'") from None
        total = 0.0
        for n in nums:
            total = total * 60 + n
        return total
    pos = 0
    total = 0.0
    for m in _UNIT.finditer(text):
        if text[pos : m.start()].strip():
            break
        total += float(m.group(1)) * _SCALE[m.group(2).lower()]
        pos = m.end()
    if pos == 0 or text[pos:].strip():
        raise ValueError(
            f"cannot read {text!r} as a time: write seconds (2.5), '1:30', '250ms' or '1m30s'"
        )
    return total


Seconds = Annotated[
    float,
    BeforeValidator(parse_seconds),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "minimum": 0},
                {"type": "string", "pattern": r"^[0-9.:hms ]+$"},
            ],
            "description": "seconds (2.5) or text: '1:30', '250ms', '1m30s'",
        }
    ),
]
"""A non-negative duration in seconds, written as a number or a time string."""
