"""YAML values for edited cue fields: which fields are editable, where a new key goes,
how a typed value (time, armed, continue, number, text) becomes YAML keeping the author's
quoting, and cue-number arithmetic."""

from __future__ import annotations

import re
from typing import Any

from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.scalarstring import (
    DoubleQuotedScalarString,
    LiteralScalarString,
    SingleQuotedScalarString,
)

from showctl.model import show as m
from showctl.model.editing.base import EditError
from showctl.model.timevalue import parse_seconds

EDITABLE_FIELDS = ("name", "notes", "prewait", "postwait", "duration", "time", "continue",
                   "armed")
"""Cue fields the editor changes with :class:`SetField` (YAML key names)."""

TIME_FIELDS = frozenset({"prewait", "postwait", "duration", "time"})

# Where a key goes when a cue does not have it yet: after the nearest key before it here.
_KEY_ORDER = ("number", "type", "mode", "name", "notes", "prewait", "duration", "time",
              "up", "down", "continue", "postwait", "armed")


def _insert_position(node: CommentedMap, key: str) -> int:
    keys = list(node)
    order = {k: i for i, k in enumerate(_KEY_ORDER)}
    mine = order.get(key, len(_KEY_ORDER))
    pos = 0
    for i, k in enumerate(keys):
        if order.get(k, len(_KEY_ORDER)) <= mine:
            pos = i + 1
    return pos


def _restyle(new: str, old: Any) -> Any:
    """Keep the author's quoting style for a replaced string."""
    if "\n" in new:
        return LiteralScalarString(new)
    if isinstance(old, DoubleQuotedScalarString):
        return DoubleQuotedScalarString(new)
    if isinstance(old, SingleQuotedScalarString):
        return SingleQuotedScalarString(new)
    return new


def _number_value(new: str, old: Any) -> Any:
    if isinstance(old, str):
        return _restyle(new, old)
    if re.fullmatch(r"[1-9]\d*|0", new):
        return int(new)
    return DoubleQuotedScalarString(new)


def _yaml_value(field_name: str, value: Any, old: Any) -> Any:
    if field_name in TIME_FIELDS:
        if isinstance(value, str):
            text = value.strip()
            try:
                seconds = parse_seconds(text)
            except ValueError as exc:
                raise EditError(f"{field_name}: {exc}") from None
            if re.fullmatch(r"\d+(\.\d*)?|\.\d+", text):
                return int(seconds) if seconds == int(seconds) else seconds
            return _restyle(text, old)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise EditError(f"{field_name}: expected a time")
        parse_seconds_checked(field_name, value)
        return int(value) if float(value) == int(value) else float(value)
    if field_name == "armed":
        if not isinstance(value, bool):
            raise EditError("armed: expected true or false")
        return value
    if field_name == "continue":
        try:
            return m.ContinueMode(str(value)).value
        except ValueError:
            raise EditError(f"continue: {value!r} is not one of "
                            f"{', '.join(c.value for c in m.ContinueMode)}") from None
    return _restyle(str(value), old)


def parse_seconds_checked(field_name: str, value: float) -> float:
    try:
        return parse_seconds(value)
    except ValueError as exc:
        raise EditError(f"{field_name}: {exc}") from None


def _num_or_none(text: str | None) -> float | None:
    if text is None:
        return None
    try:
        return float(text)
    except ValueError:
        return None


def _fmt(x: float) -> str:
    return f"{x:.3f}".rstrip("0").rstrip(".")
