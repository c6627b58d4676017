"""Checks of the values a cue sends (MIDI, MSC, OSC), for ``showctl check``.

Everything the encoders would refuse (or, worse, cut to 7 bits) when the cue fires is
refused here first, each at its key: a MIDI data byte past 127, a pitch bend past
-8192..8191, an MSC field its encoder rejects (cue "5A", a list without a cue, a timed
GO without a time, seconds 61, a message over 128 bytes), an OSC address with a space.
Findings are ``(path, message)`` with paths into the show file's data.
"""

from __future__ import annotations

from showctl.model import show as m

Path = tuple[str | int, ...]

DATA_BYTE = (0, 127)
PITCH_BEND = (-8192, 8191)
_VALUE_RANGE = {
    "control_change": DATA_BYTE, "aftertouch": DATA_BYTE, "poly_aftertouch": DATA_BYTE,
    "pitch_bend": PITCH_BEND,
}


def check_outputs(show: m.Show, cue_paths: dict[tuple[str, str], Path]) -> list[tuple[Path, str]]:
    out: list[tuple[Path, str]] = []
    for lname, cue, _parent in show.walk():
        path = cue_paths.get((lname, cue.number))
        if path is None:
            continue
        if isinstance(cue, m.MidiCue):
            for i, spec in enumerate(cue.messages):
                out.extend(_midi(cue.number, spec, (*path, "messages", i)))
        elif isinstance(cue, m.MscCue):
            out.extend(_msc(cue, path))
        elif isinstance(cue, m.OscCue):
            if cue.address is not None:
                out.extend(_osc_address(cue.number, cue.address, (*path, "address")))
            for i, msg in enumerate(cue.messages or []):
                out.extend(_osc_address(cue.number, msg.address,
                                        (*path, "messages", i, "address")))
    return out


def _midi(number: str, spec: m.MidiMessageSpec, path: Path) -> list[tuple[Path, str]]:
    lo, hi = _VALUE_RANGE.get(spec.kind, (None, None))
    if lo is not None and hi is not None and not lo <= spec.value <= hi:
        what = "pitch bend" if spec.kind == "pitch_bend" else f"{spec.kind} value"
        return [((*path, "value"), f"cue {number}: {what} {spec.value} is outside "
                 f"{lo}..{hi}")]
    return []


_MSC_CUE_COMMANDS = frozenset({"go", "stop", "resume", "timed_go", "load", "go_off"})
MSC_MAX_LENGTH = 128
"""MSC 1.0: a complete message, F0 to F7, is at most 128 bytes."""


def _digits(text: str) -> bool:
    return bool(text) and all(c.isascii() and (c.isdigit() or c == ".") for c in text)


def msc_problem(cue: m.MscCue) -> tuple[str, str] | None:
    """(key, message) for the first field of an MSC cue its encoder would refuse, or None.

    The same rules as :class:`showctl.protocols.msc.MscMessage` (the model layer does not
    import drivers; ``tests/test_msc.py`` checks both agree)."""
    cmd = cue.command.name.lower()
    words = cmd.upper()
    if cue.time is not None:
        parts = cue.time.replace(";", ":").split(":")
        if len(parts) != 4 or not all(p.isdigit() for p in parts):
            return "time", f"MSC time {cue.time!r}: write hh:mm:ss:ff"
        h, mi, sec, ff = (int(p) for p in parts)
        for name, v, hi in (("hours", h, 23), ("minutes", mi, 59), ("seconds", sec, 59),
                            ("frames", ff, 29)):
            if v > hi:
                return "time", f"MSC time {cue.time!r}: {name} {v} is outside 0..{hi}"
    fields = (("cue", cue.cue), ("cue_list", cue.cue_list), ("cue_path", cue.cue_path))
    given = [(k, text) for k, text in fields if text is not None]
    if given and cmd not in _MSC_CUE_COMMANDS:
        return given[0][0], f"MSC {words} takes no cue number"
    for k, text in given:
        if not _digits(text):
            return k, f"MSC {k.replace('_', ' ')} must be ASCII digits and '.', got {text!r}"
    if cue.cue_list is not None and cue.cue is None:
        return "cue_list", "MSC cue list needs a cue number"
    if cue.cue_path is not None and cue.cue_list is None:
        return "cue_path", "MSC cue path needs a cue list"
    if cmd == "load" and cue.cue is None:
        return "command", "MSC LOAD needs a cue number"
    if cmd == "timed_go" and cue.time is None:
        return "command", "MSC TIMED_GO needs a time"
    if cue.time is not None and cmd not in ("timed_go", "set"):
        return "time", f"MSC {words} takes no time"
    if cmd == "set":
        if cue.control is None or cue.value is None:
            return "command", "MSC SET needs a control number and a value"
    elif cue.control is not None or cue.value is not None:
        return ("control" if cue.control is not None else "value"), \
            f"MSC {words} takes no control/value"
    if cmd == "fire":
        if cue.macro is None:
            return "command", "MSC FIRE needs a macro number"
    elif cue.macro is not None:
        return "macro", f"MSC {words} takes no macro"
    body = len(b"\x00".join(text.encode() for _, text in given))
    body += 5 if cue.time is not None else 0
    body += 4 if cmd == "set" else 1 if cmd == "fire" else 0
    if body + 7 > MSC_MAX_LENGTH:
        return "command", f"MSC message longer than {MSC_MAX_LENGTH} bytes"
    return None


def _msc(cue: m.MscCue, path: Path) -> list[tuple[Path, str]]:
    found = msc_problem(cue)
    if found is None:
        return []
    key, text = found
    return [((*path, key), f"cue {cue.number}: {text}")]


def _osc_address(number: str, address: str, path: Path) -> list[tuple[Path, str]]:
    bad = sorted({c for c in address if c.isspace() or c == "#" or not c.isprintable()
                  or ord(c) > 126})
    if bad:
        shown = ", ".join(repr(c) for c in bad)
        return [(path, f"cue {number}: OSC address {address!r} contains {shown}; OSC 1.0 "
                 "addresses are printable ASCII without spaces or '#'")]
    return []
