"""The programmer's command line, parsed (Eos-like; the first word selects fixtures:
an id ``101``, a range ``1-4`` or a group name ``front``)::

    101 intensity 80          set an attribute (people's units, as in cues)
    front color warm white    the rest of the line is the value
    1-4 pan 45
    101 @ 80                  intensity shorthand (also ``at``; ``full``, ``out``)
    102 pan 45 tilt 10        several attributes on one line
    front @ 50 color red      (an attribute word followed by a value starts the next)
    clear                     release everything at once (``clear 101``: those only)
    sneak [seconds]           release everything with a fade
    record                    record a new light cue (also the ``r`` key)
    update                    update the selected light cue (also the ``u`` key)

Front ends send the line as it was typed (the ``programmer`` command); the runtime
parses it here and applies it to the programmer it owns.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from showctl.engine.programmer import parse_value as _parse_value

INTENSITY_WORDS = frozenset({"@", "at"})
ATTRIBUTE_WORDS = frozenset({
    "intensity", "dimmer", "color", "colour", "red", "green", "blue", "white", "amber",
    "uv", "cyan", "magenta", "yellow", "lime", "cto", "ctb", "pan", "tilt", "pan_fine",
    "tilt_fine", "pan_tilt_speed", "zoom", "focus", "iris", "frost", "prism", "gobo",
    "gobo_rotation", "color_wheel", "shutter", "strobe", "effect", "effect_speed",
    "control", "speed", "edge",
})
"""Words that start another attribute on a line of several (``102 pan 45 tilt 10``)
when a value follows them."""


@dataclass(frozen=True, slots=True)
class ProgrammerLine:
    """A command line: ``verb`` set/clear/sneak/record/update and its arguments."""

    verb: str
    selection: str | None = None
    attr: str | None = None
    value: Any = None
    time: float | None = None
    values: tuple[tuple[str, Any], ...] = ()
    """Every (attribute, value) of a ``set`` line, in order (the first is attr/value)."""


class ProgrammerLineError(ValueError):
    """A command line the programmer cannot take (the message says why)."""


def parse_programmer_line(text: str,
                          parse_value: Callable[[str], Any] = _parse_value) -> ProgrammerLine:
    """One command line (see the module docstring)."""
    words = text.split()
    if not words:
        raise ProgrammerLineError("type a command, e.g. 101 intensity 80")
    head = words[0].lower()
    if head == "clear":
        return ProgrammerLine("clear", selection=" ".join(words[1:]) or None)
    if head == "sneak":
        if len(words) > 2:
            raise ProgrammerLineError("sneak [seconds]")
        try:
            t = float(words[1]) if len(words) == 2 else None
        except ValueError:
            raise ProgrammerLineError(f"sneak: {words[1]!r} is not a time in seconds") from None
        return ProgrammerLine("sneak", time=t)
    if head in ("record", "rec"):
        return ProgrammerLine("record")
    if head == "update":
        return ProgrammerLine("update")
    sel = words[0]
    rest = words[1:]
    if not rest:
        raise ProgrammerLineError(f"{sel}: what to set? e.g. {sel} intensity 80")
    pairs: list[tuple[str, list[str]]] = []
    i = 0
    while i < len(rest):
        word = rest[i]
        if word.lower() in INTENSITY_WORDS:
            pairs.append(("intensity", []))
        elif word.startswith("@") and len(word) > 1:  # "101 @80"
            pairs.append(("intensity", [word[1:]]))
        elif not pairs or _starts_attribute(rest, i, pairs[-1][1]):
            pairs.append((word, []))
        else:
            pairs[-1][1].append(word)
        i += 1
    values: list[tuple[str, Any]] = []
    for attr, value_words in pairs:
        if not value_words or not "".join(value_words):
            raise ProgrammerLineError(f"{sel} {attr}: which value?")
        # "101 intensity 80%" is the same as 80; keep the number as a number when it is one.
        values.append((attr, parse_value(" ".join(value_words))))
    seen = [a for a, _ in values]
    dup = next((a for a in seen if seen.count(a) > 1), None)
    if dup is not None:
        raise ProgrammerLineError(f"{sel}: {dup} is given twice on one line")
    attr, value = values[0]
    return ProgrammerLine("set", selection=sel, attr=attr, value=value,
                          values=tuple(values))


def _starts_attribute(words: list[str], i: int, current: list[str]) -> bool:
    """Does ``words[i]`` start the next attribute? Only after the current one has a
    value, when it is an attribute word followed by a value (``color warm white`` keeps
    ``white``; ``pan 45 tilt 10`` splits)."""
    if not current:
        return False
    word = words[i].lower()
    if word not in ATTRIBUTE_WORDS or i + 1 >= len(words):
        return False
    nxt = words[i + 1].lower()
    return nxt not in ATTRIBUTE_WORDS or nxt in INTENSITY_WORDS
