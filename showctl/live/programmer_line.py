"""The programmer's command line, parsed (Eos-like; the first word selects fixtures:
an id ``101``, a range ``1-4`` or a group name ``front``)::

    101 intensity 80          set an attribute (people's units, as in cues)
    front color warm white    the rest of the line is the value
    1-4 pan 45
    101 @ 80                  intensity shorthand (also ``at``; ``full``, ``out``)
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


@dataclass(frozen=True, slots=True)
class ProgrammerLine:
    """A command line: ``verb`` set/clear/sneak/record/update and its arguments."""

    verb: str
    selection: str | None = None
    attr: str | None = None
    value: Any = None
    time: float | None = None


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
    if len(words) >= 2 and words[1].lower() in INTENSITY_WORDS:
        attr, rest = "intensity", words[2:]
    elif len(words) >= 2 and words[1].startswith("@"):  # "101 @80"
        attr, rest = "intensity", [words[1][1:], *words[2:]]
    elif len(words) >= 2:
        attr, rest = words[1], words[2:]
    else:
        raise ProgrammerLineError(f"{sel}: what to set? e.g. {sel} intensity 80")
    if not rest or not "".join(rest):
        raise ProgrammerLineError(f"{sel} {attr}: which value?")
    value_text = " ".join(rest)
    # "101 intensity 80%" is the same as 80; keep the number as a number when it is one.
    value = parse_value(value_text)
    return ProgrammerLine("set", selection=sel, attr=attr, value=value)
