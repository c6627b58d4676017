"""USITT "ASCII Text Representation for Lighting Console Data" 3.0: read and write.

The format (docs/usitt-ascii.md) is a list of one-line records. A record is a keyword
and its fields, separated by any run of the delimiters space, tab, ``,`` ``/`` ``<``
``>`` ``=`` ``@``, so ``Up 5/2``, ``Up 5 2`` and ``Chan 12@50`` / ``Chan 12,50`` are
the same. ``!`` starts a comment to the end of the line. Keywords are case-blind and
only their first ten characters count (``MANUFACTURER`` is ``MANUFACTUR``). There is
no continuation character: a record too long for a line is continued by repeating
its keyword (``Chan``, ``Patch``, ``Text``) on the next line.

Keywords: *basic* ones stand alone (``Ident``, ``Manufacturer``, ``Console``,
``Clear``, ``Patch``, ``Set``, ``EndData``); *primary* ones open a record that the
following *secondary* ones belong to (``Cue`` → ``Up``, ``Down``, ``Followon``,
``Link``, ``Part``, ``Text``, ``Chan``; ``Group`` → ``Chan``, ``Part``, ``Text``;
``Sub``). Keywords starting with ``$`` are a manufacturer's: ``$Xxx`` primary,
``$$Xxx`` secondary. This module understands the ETC Eos ones that carry cue
information (``$CueList``, ``$Patch``, ``$$Follow``, ``$$Hang``, ``$$Block``,
``$$IntBlock``, ``$$CueNotes``, ``$$Text``) and reports the others it meets.

:func:`parse` turns text into an :class:`AsciiFile` (plain records, every problem
with its line and column, nothing about showctl's show model); :func:`write` turns an
:class:`AsciiFile` back into text a console loads, no line longer than 80 characters.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

DELIMITERS = " \t,/<>=@"
MAX_LINE = 80
"""The standard's line length; :func:`write` keeps to it, :func:`parse` only warns."""

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True, order=True)
class Note:
    """A problem in the file: errors lose information, warnings say what is not carried."""

    line: int
    col: int
    severity: Severity
    message: str


@dataclass(slots=True)
class Times:
    """A fade time and its delay, in seconds."""

    time: float
    delay: float = 0.0


@dataclass(slots=True)
class AsciiCue:
    number: str
    list: int
    line: int
    text: str = ""
    notes: str = ""
    up: Times | None = None
    down: Times | None = None
    followon: float | None = None
    """Auto-follow: the next cue goes this long after this one's GO (FOLLOWON, $$Follow)."""
    hang: float | None = None
    """Auto-follow: the next cue goes this long after this one completes ($$Hang)."""
    link: str | None = None
    link_line: int = 0
    block: bool = False
    levels: dict[int, float] = field(default_factory=dict)
    """Channel → level 0..1: the whole look (a channel not listed is at zero)."""
    level_lines: dict[int, int] = field(default_factory=dict)


@dataclass(slots=True)
class AsciiGroup:
    number: str
    line: int
    text: str = ""
    levels: dict[int, float] = field(default_factory=dict)


@dataclass(slots=True)
class PatchPoint:
    dimmer: int
    """Absolute DMX address from 1: 513 is universe 2 address 1."""
    level: float = 1.0
    line: int = 0
    label: str = ""


@dataclass(slots=True)
class AsciiFile:
    """What a file says, in its own terms."""

    ident: str = ""
    manufacturer: str = ""
    console: str = ""
    patch: dict[int, list[PatchPoint]] = field(default_factory=dict)
    has_patch: bool = False
    lists: dict[int, str] = field(default_factory=dict)
    """Cue list number → label (``$CueList n`` with its ``Text``)."""
    cues: list[AsciiCue] = field(default_factory=list)
    groups: list[AsciiGroup] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)
    """Leading comment lines (without ``!``), kept for a reader's header."""

    @property
    def errors(self) -> list[Note]:
        return [n for n in self.notes if n.severity == "error"]

    @property
    def warnings(self) -> list[Note]:
        return [n for n in self.notes if n.severity == "warning"]


class Token(NamedTuple):
    """One field of a line and its column (from 1). A tuple: a big file has millions."""

    text: str
    col: int


_NUMBER = re.compile(r"^(\d+(\.\d*)?|\.\d+)$")


_FIELD = re.compile(r"[^ \t,/<>=@]+")


def tokenize(line: str) -> tuple[list[Token], str]:
    """The fields of one line (comment removed) and the raw text after the keyword."""
    body = line.split("!", 1)[0]
    tokens = [Token(m.group(), m.start() + 1) for m in _FIELD.finditer(body)]
    rest = body[tokens[0].col - 1 + len(tokens[0].text):].lstrip(DELIMITERS) if tokens else ""
    return tokens, rest.strip()


def keyword(token: str) -> str:
    """The keyword as compared: lower case, ``$`` kept, only the first ten characters."""
    return token.lower()[:10]


@functools.lru_cache(maxsize=8192)  # a big file repeats a few hundred level texts
def parse_level(text: str) -> float:
    """``50`` (percent), ``FL`` (full), ``H80`` (hex 00–FF) → 0..1, or ``ValueError``."""
    if text.isdigit() and len(text) <= 3:  # the common case, fast: a whole percent
        whole = int(text)
        if whole <= 100:
            return whole / 100.0
    t = text.strip().upper()
    if t in ("FL", "FULL"):
        return 1.0
    if t.startswith("H") and len(t) > 1:
        digits = t[1:]
        if len(digits) > 2 or not all(c in "0123456789ABCDEF" for c in digits):
            raise ValueError(f"level {text!r}: hex levels are H00 to HFF")
        return int(digits, 16) / 255.0
    if not _NUMBER.match(t):
        raise ValueError(f"level {text!r}: write 0 to 100, FL or H00 to HFF")
    value = float(t)
    if value > 100:
        raise ValueError(f"level {text!r} is above 100")
    return value / 100.0


def parse_time(text: str) -> float:
    """``5``, ``2.5``, ``1:30``, ``1:02:03`` → seconds, or ``ValueError``."""
    parts = text.strip().split(":")
    if len(parts) > 3 or not all(_NUMBER.match(p) for p in parts):
        raise ValueError(f"time {text!r}: write seconds (2.5) or minutes:seconds (1:30)")
    total = 0.0
    for p in parts:
        total = total * 60 + float(p)
    return total


def parse_cue_number(text: str) -> str:
    """A cue number as written (``1``, ``12.5``), or ``ValueError``: they are numbers."""
    if not _NUMBER.match(text) or float(text) <= 0:
        raise ValueError(f"cue number {text!r}: cue numbers are positive decimal numbers")
    return text


@functools.lru_cache(maxsize=65536)
def _int(text: str, what: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise ValueError(f"{what} {text!r}: give a whole number from 1")
    return int(text)


# Manufacturer keywords we read, and those we know carry nothing showctl keeps.
_EOS_IGNORED = {
    "$$timeup", "$$timedown", "$$chanmove", "$$alerttim", "$$scenetex", "$$sceneend",
}
"""Eos secondaries that repeat what standard records already say (times, levels) or are
about the console's display only — as :func:`keyword` cuts them, to ten characters."""


class _Reader:
    def __init__(self) -> None:
        self.f = AsciiFile()
        self.context: Literal["none", "cue", "group", "sub", "cuelist", "patch", "mfg"] = "none"
        self.cue: AsciiCue | None = None
        self.group: AsciiGroup | None = None
        self.list_no = 0
        self.current_list = 1
        self.patch_chan: tuple[int, PatchPoint] | None = None
        # keyword → (line, col, count) of what is not carried, and its spelling in the file
        self.ignored: dict[str, tuple[int, int, int]] = {}
        self.spelling: dict[str, str] = {}
        self.word = ""
        self.seen_cues: dict[tuple[int, str], int] = {}
        self.part_warned: set[tuple[int, str]] = set()

    def note(self, line: int, col: int, severity: Severity, message: str) -> None:
        self.f.notes.append(Note(line, col, severity, message))

    def ignore(self, word: str, line: int, col: int, shown: str | None = None) -> None:
        self.spelling.setdefault(word, shown or self.word)
        first = self.ignored.get(word)
        self.ignored[word] = (line, col, 1) if first is None else (first[0], first[1],
                                                                   first[2] + 1)

    def run(self, text: str) -> AsciiFile:
        ended = False
        header = True
        for lineno, raw in enumerate(text.splitlines(), start=1):
            stripped = raw.strip()
            if header:
                if stripped.startswith("!"):
                    self.f.comments.append(stripped[1:].strip())
                    continue
                if stripped:
                    header = False
            if len(raw.rstrip("\r\n")) > MAX_LINE:
                self.note(lineno, MAX_LINE + 1, "warning",
                          f"line is longer than {MAX_LINE} characters (the standard's "
                          "limit): read anyway, but some consoles refuse it")
            if self.context == "cue" and self._fast_chan(raw, lineno):
                continue
            tokens, rest = tokenize(raw)
            if not tokens:
                continue
            try:
                if self.line(lineno, tokens, rest):
                    ended = True
                    break
            except ValueError as exc:
                self.note(lineno, tokens[0].col, "error", str(exc))
        if not ended:
            self.note(max(1, len(text.splitlines())), 1, "warning",
                      "no ENDDATA: the file may be cut short (read to its end)")
        for word, (line, col, count) in sorted(self.ignored.items(), key=lambda x: x[1]):
            times = f" ({count} times; first here)" if count > 1 else ""
            self.note(line, col, "warning",
                      f"{self.spelling[word]} is not carried{times}")
        self.f.notes.sort()
        return self.f

    def _fast_chan(self, raw: str, lineno: int) -> bool:
        """A cue's ``Chan`` line read without per-field tokens (a big file is mostly
        these); False when it is not one or has a problem, for the full reading (which
        finds each problem's column)."""
        fields = _FIELD.findall(raw.split("!", 1)[0])
        if not fields or fields[0].lower() != "chan" or len(fields) % 2 == 0:
            return False
        cue = self.cue
        assert cue is not None
        try:
            pairs = [(_int(fields[i], "channel"), parse_level(fields[i + 1]))
                     for i in range(1, len(fields), 2)]
        except ValueError:
            return False
        for chan, level in pairs:
            cue.levels[chan] = level
            cue.level_lines[chan] = lineno
        return True

    def _close(self) -> None:
        self.context, self.cue, self.group, self.patch_chan = "none", None, None, None

    def line(self, lineno: int, tokens: list[Token], rest: str) -> bool:
        """Read one record; True at ENDDATA."""
        word = keyword(tokens[0].text)
        self.word = tokens[0].text
        args = tokens[1:]
        col = tokens[0].col
        # --- basic keywords: they stand alone and end any open record
        if word == "enddata":
            return True
        if word in ("ident", "manufactur", "console", "clear", "patch", "set"):
            self._close()
            if word == "ident":
                self.f.ident = rest
                if rest.replace(" ", "") not in ("3:0", "3.0"):
                    self.note(lineno, col, "warning",
                              f"IDENT {rest!r}: this reader knows version 3:0")
            elif word == "manufactur":
                self.f.manufacturer = rest
            elif word == "console":
                self.f.console = rest
            elif word == "clear":
                self._clear(lineno, col, args)
            elif word == "patch":
                self._patch(lineno, args)
            else:
                self.ignore("set", lineno, col, "SET (console settings)")
            return False
        # --- primary keywords
        if word == "cue":
            self._close()
            if not args:
                raise ValueError("CUE needs a cue number")
            number = parse_cue_number(args[0].text)
            lst = _int(args[1].text, "cue page / list") if len(args) > 1 else self.current_list
            key = (lst, number)
            if key in self.seen_cues:
                self.note(lineno, args[0].col, "warning",
                          f"cue {number} of list {lst} again (also line "
                          f"{self.seen_cues[key]}): this one replaces it")
                self.f.cues = [c for c in self.f.cues if (c.list, c.number) != key]
            self.seen_cues[key] = lineno
            self.cue = AsciiCue(number, lst, lineno)
            self.f.cues.append(self.cue)
            self.context = "cue"
            return False
        if word == "group":
            self._close()
            if not args:
                raise ValueError("GROUP needs a group number")
            self.group = AsciiGroup(parse_cue_number(args[0].text), lineno)
            self.f.groups.append(self.group)
            self.context = "group"
            return False
        if word == "sub":
            self._close()
            self.context = "sub"
            self.ignore("sub", lineno, col, "SUB (submasters)")
            return False
        if word == "$cuelist":
            self._close()
            if not args:
                raise ValueError("$CueList needs a list number")
            self.current_list = _int(args[0].text, "cue list")
            self.list_no = self.current_list
            self.f.lists.setdefault(self.current_list, "")
            self.context = "cuelist"
            return False
        if word == "$patch":
            self._close()
            if len(args) < 2:
                raise ValueError("$Patch needs a channel and an address")
            chan = _int(args[0].text, "channel")
            point = PatchPoint(_int(args[1].text, "address"), 1.0, lineno)
            self.f.has_patch = True
            self._patch_point(chan, point, lineno, args[1].col)
            self.patch_chan = (chan, point)
            self.context = "patch"
            return False
        if word.startswith("$") and not word.startswith("$$"):
            self._close()
            self.context = "mfg"
            self.ignore(word, lineno, col)
            return False
        # --- secondary keywords
        if self.context == "cue":
            assert self.cue is not None
            self._cue_secondary(self.cue, word, lineno, col, args, rest)
        elif self.context == "group":
            assert self.group is not None
            if word == "chan":
                self._levels(self.group.levels, None, lineno, args)
            elif word == "text":
                self.group.text = _join(self.group.text, rest)
            elif word == "part":
                self.ignore("group part", lineno, col, "GROUP PART")
            elif word.startswith("$$"):
                self.ignore(word, lineno, col)
            else:
                self._unknown(word, lineno, col)
        elif self.context == "cuelist":
            if word in ("text", "$$text"):
                self.f.lists[self.list_no] = _join(self.f.lists[self.list_no], rest)
            elif word.startswith("$$"):
                self.ignore(f"$cuelist {word}", lineno, col, f"$CueList {self.word}")
            else:
                self._unknown(word, lineno, col)
        elif self.context == "patch":
            assert self.patch_chan is not None
            if word in ("text", "$$text"):
                self.patch_chan[1].label = _join(self.patch_chan[1].label, rest)
            elif not word.startswith("$$"):
                self._unknown(word, lineno, col)
        elif self.context in ("sub", "mfg"):
            pass  # the secondaries of a record already reported as not carried
        elif word in ("chan", "up", "down", "followon", "follow", "link", "part", "text",
                      "label", "wait", "delay", "mark") or word.startswith("$$"):
            raise ValueError(f"{tokens[0].text.upper()} outside a CUE or GROUP record")
        else:
            self._unknown(word, lineno, col)
        return False

    def _unknown(self, word: str, lineno: int, col: int) -> None:
        self.note(lineno, col, "warning", f"unknown keyword {word.upper()!r}: ignored")

    def _clear(self, lineno: int, col: int, args: list[Token]) -> None:
        what = keyword(args[0].text) if args else "all"
        if what in ("all", "cues"):
            self.f.cues.clear()
            self.seen_cues.clear()
            self.f.lists.clear()
        if what in ("all", "patch"):
            self.f.patch.clear()
        if what in ("all", "groups"):
            self.f.groups.clear()
        if what not in ("all", "cues", "patch", "groups", "subs"):
            self.note(lineno, args[0].col if args else col, "warning",
                      f"CLEAR {args[0].text if args else ''}: nothing of that kind is read")

    def _patch(self, lineno: int, args: list[Token]) -> None:
        self.f.has_patch = True
        if not args:
            raise ValueError("PATCH needs a page and channel, dimmer, level triples")
        triples = args[1:]
        if len(triples) % 3:
            bad = triples[len(triples) - len(triples) % 3]
            self.note(lineno, bad.col, "error",
                      "PATCH fields come in threes: channel, dimmer, level")
            triples = triples[: len(triples) - len(triples) % 3]
        for i in range(0, len(triples), 3):
            c, d, lv = triples[i: i + 3]
            try:
                chan = _int(c.text, "channel")
            except ValueError as exc:
                self.note(lineno, c.col, "error", str(exc))
                continue
            if d.text == "0":
                self.f.patch.pop(chan, None)  # dimmer 0: the channel is unpatched
                continue
            try:
                dimmer = _int(d.text, "dimmer")
                level = parse_level(lv.text)
            except ValueError as exc:
                self.note(lineno, d.col, "error", str(exc))
                continue
            if level < 1.0:
                self.note(lineno, lv.col, "warning",
                          f"channel {chan} is patched to dimmer {dimmer} at "
                          f"{level * 100:g} %: proportional patch is not carried (full)")
            self._patch_point(chan, PatchPoint(dimmer, level, lineno), lineno, d.col)

    def _patch_point(self, chan: int, point: PatchPoint, lineno: int, col: int) -> None:
        """Patch a dimmer to a channel. A dimmer belongs to one channel: patched again,
        it moves (as at a console), and the move is reported."""
        for other, points in list(self.f.patch.items()):
            for p in points:
                if p.dimmer == point.dimmer and other != chan:
                    self.note(lineno, col, "warning",
                              f"dimmer {point.dimmer} moves from channel {other} (line "
                              f"{p.line}) to channel {chan}")
            kept = [p for p in points if p.dimmer != point.dimmer]
            if kept:
                self.f.patch[other] = kept
            else:
                del self.f.patch[other]
        self.f.patch.setdefault(chan, []).append(point)

    def _levels(self, into: dict[int, float], lines: dict[int, int] | None, lineno: int,
                args: list[Token]) -> None:
        if len(args) % 2:
            self.note(lineno, args[-1].col, "error",
                      f"channel {args[-1].text} has no level (CHAN takes channel, level pairs)")
            args = args[:-1]
        for i in range(0, len(args), 2):
            c, lv = args[i], args[i + 1]
            try:
                chan = _int(c.text, "channel")
            except ValueError as exc:
                self.note(lineno, c.col, "error", str(exc))
                continue
            try:
                into[chan] = parse_level(lv.text)
            except ValueError as exc:
                self.note(lineno, lv.col, "error", f"channel {chan}: {exc}")
                continue
            if lines is not None:
                lines[chan] = lineno

    def _cue_secondary(self, cue: AsciiCue, word: str, lineno: int, col: int,
                       args: list[Token], rest: str) -> None:
        def times() -> Times:
            if not args:
                raise ValueError(f"{word.upper()} needs a time")
            if len(args) > 2:
                self.note(lineno, args[2].col, "warning",
                          f"{word.upper()} takes a time and a delay: the rest is ignored")
            return Times(parse_time(args[0].text),
                         parse_time(args[1].text) if len(args) > 1 else 0.0)

        if word == "chan":
            self._levels(cue.levels, cue.level_lines, lineno, args)
        elif word == "up":
            cue.up = times()
        elif word == "down":
            cue.down = times()
        elif word == "delay":
            # NSI and other consoles: the delay of the down fade, as DOWN's second field
            d = parse_time(args[0].text) if args else 0.0
            cue.down = Times(cue.down.time if cue.down else 0.0, d)
        elif word in ("followon", "follow", "wait", "$$follow"):
            # WAIT (NSI and others), FOLLOW (a short spelling some editors write): the
            # time before the next cue goes, as FOLLOWON
            if not args:
                raise ValueError(f"{word.upper()} needs a time")
            cue.followon = parse_time(args[0].text)
        elif word == "$$hang":
            cue.hang = parse_time(args[0].text) if args else 0.0
        elif word == "link":
            if not args:
                raise ValueError("LINK needs a cue number")
            cue.link = parse_cue_number(args[0].text)
            cue.link_line = lineno
        elif word in ("text", "label", "$$text"):
            cue.text = _join(cue.text, rest)
        elif word == "$$cuenotes":
            cue.notes = _join(cue.notes, rest)
        elif word in ("$$block", "$$intblock"):
            cue.block = True
        elif word == "part":
            key = (cue.list, cue.number)
            if key not in self.part_warned:
                self.part_warned.add(key)
                self.note(lineno, col, "warning",
                          f"cue {cue.number}: parts are not carried; their levels join the "
                          "cue, the times of the cue's last UP/DOWN apply to all")
        elif word in _EOS_IGNORED:
            pass
        elif word in ("mark", "$$mark"):
            self.ignore("$$mark", lineno, col, "MARK (move in dark)")
        elif word.startswith("$$"):
            self.ignore(word, lineno, col)
        else:
            self._unknown(word, lineno, col)


def _join(a: str, b: str) -> str:
    return f"{a} {b}".strip() if a else b


def parse(text: str) -> AsciiFile:
    """Read a whole file. Errors and warnings are in ``.notes``, in line order."""
    return _Reader().run(text)


# ------------------------------------------------------------------------------ write


@functools.lru_cache(maxsize=8192)  # … and a few hundred values
def format_level(value: float) -> str:
    """A level as a console reads it: ``FL``, a whole percent, or ``Hxx`` (8-bit) when
    no whole percent is the same DMX value."""
    value = min(1.0, max(0.0, value))
    if value >= 1.0 - 1e-9:
        return "FL"
    pct = value * 100
    whole = math.floor(pct + 0.5)
    if abs(pct - whole) < 1e-6:
        return str(whole)
    # the DMX byte a renderer makes of it (floor(v * 255 + 0.5), as showctl's does)
    byte = math.floor(value * 255 + 0.5)
    if math.floor(whole / 100 * 255 + 0.5) == byte:
        return str(whole)
    return f"H{byte:02X}"


def format_time(seconds: float) -> str:
    """Seconds as the standard writes them: ``5``, ``2.5``, ``1:30``."""
    if seconds >= 60:
        minutes = int(seconds // 60)
        rest = _g(seconds - 60 * minutes)
        return f"{minutes}:{'0' if seconds - 60 * minutes < 10 else ''}{rest}"
    return _g(seconds)


def _g(x: float) -> str:
    text = f"{x:.3f}".rstrip("0").rstrip(".")
    return text or "0"


def _wrapped(indent: str, word: str, items: list[str]) -> list[str]:
    """``word item item …`` lines of at most 80 characters, the keyword repeated."""
    lines: list[str] = []
    cur = f"{indent}{word}"
    count = 0
    for item in items:
        if count and len(cur) + 1 + len(item) > MAX_LINE:
            lines.append(cur)
            cur, count = f"{indent}{word}", 0
        cur += f" {item}"
        count += 1
    if count:
        lines.append(cur)
    return lines


def _text_lines(indent: str, word: str, text: str) -> list[str]:
    return _wrapped(indent, word, text.replace("!", ".").split())


def write(f: AsciiFile) -> str:
    """The file as text: header, patch, cue lists, ``EndData``."""
    out = [f"! {c}".rstrip() for c in f.comments]
    out.append("Ident 3:0")
    if f.manufacturer:
        out.append(f"Manufacturer {f.manufacturer}")
    if f.console:
        out.append(f"Console {f.console}")
    if f.patch:
        out.append("")
        items = [f"{chan}<{p.dimmer}@{format_level(p.level)}"
                 for chan in sorted(f.patch) for p in f.patch[chan]]
        out.extend(_wrapped("", "Patch 1", items))
    for lst in sorted({c.list for c in f.cues} | set(f.lists)):
        out.append("")
        out.append(f"$CueList {lst}")
        if f.lists.get(lst):
            out.extend(_text_lines("   ", "Text", f.lists[lst]))
        for cue in (c for c in f.cues if c.list == lst):
            out.append("")
            out.append(f"Cue {cue.number} {lst}")
            if cue.text:
                out.extend(_text_lines("   ", "Text", cue.text))
            if cue.up is not None:
                out.append(f"   Up {format_time(cue.up.time)} {format_time(cue.up.delay)}")
            if cue.down is not None:
                out.append(f"   Down {format_time(cue.down.time)} "
                           f"{format_time(cue.down.delay)}")
            if cue.followon is not None:
                out.append(f"   Followon {format_time(cue.followon)}")
            if cue.hang is not None:
                out.append(f"   $$Hang {format_time(cue.hang)}")
            if cue.link is not None:
                out.append(f"   Link {cue.link}")
            if cue.block:
                out.append("   $$Block")
            if cue.notes:
                out.extend(_text_lines("   ", "$$CueNotes", cue.notes))
            items = [f"{ch}@{format_level(v)}" for ch, v in sorted(cue.levels.items())]
            out.extend(_wrapped("   ", "Chan", items))
    for g in f.groups:
        out.append("")
        out.append(f"Group {g.number}")
        if g.text:
            out.extend(_text_lines("   ", "Text", g.text))
        out.extend(_wrapped("   ", "Chan", [f"{ch}@{format_level(v)}"
                                            for ch, v in sorted(g.levels.items())]))
    out.append("")
    out.append("EndData")
    return "\n".join(out) + "\n"
