"""The journal: every input of a live run, written as it happens (crash resume).

A live run appends one JSON object per line to ``<state dir>/journal/<show key>.jsonl``
(see docs/journal.md for the format):

* a header (``journal``, the wall clock at show time 0, the show file, the pid);
* ``cmd``: every command the runtime carried out (operator verbs from any front end,
  edits, programmer lines, grandmaster/blackout), with its show time ``t`` — written
  before the command's result goes back (in the kernel at once: it survives a
  ``kill -9``), and fsync'd to the disk by a thread of the journal's own, because an
  fsync can take a second on a busy disk and the frame loop must not wait for it;
* ``input``: every call into the engine from anywhere else (the QLab-compatible OSC
  API, cue triggers — hotkeys, MIDI, MSC, OSC addresses, wall clock —, timecode chase):
  the engine method and its arguments, caught where every such path passes (the
  engine's input methods, :data:`showctl.engine.engine.INPUT_METHODS`);
* ``sent``: each OSC/MIDI message, written (not fsync'd: the kernel keeps it across a
  ``kill -9``) just before it goes to its driver, so a resume never sends it twice;
* ``beat``: a heartbeat every half second with the sACN/Art-Net sequence numbers (the
  crash time and where the sequences go on from);
* ``resumed``: a resume happened (when, how long the engine was down, the look sent);
* ``end``: the run ended cleanly. A journal without it is a crashed run.

Reading ignores a half-written last line (a crash in the middle of a write) and stops
at the first line that is not JSON: nothing after a torn write can be trusted.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from showctl.drivers.base import DmxPayload, Payload, TimecodePayload

FORMAT = "showctl-journal/1"

OPERATOR_FSYNC = True
"""fsync after each command line (the issue: a crash loses nothing already done)."""

NOT_JOURNALED = frozenset({"dmx_log", "end_show", "hotkey"})
"""Commands that change nothing a resume must restore (``hotkey``: what the key fired
is journaled as the engine inputs it made)."""


def journal_dir() -> Path:
    from showctl.runlog.files import state_dir

    return state_dir() / "journal"


def journal_path(show_path: str | Path) -> Path:
    """Where the journal of a show's current (or last) run lives."""
    from showctl.live.registry import show_key

    return journal_dir() / f"{show_key(show_path)}.jsonl"


@dataclass(frozen=True, slots=True)
class Input:
    """One input to replay: a runtime command (``kind`` "cmd", ``args`` a dict) or an
    engine input (``kind`` "input": an engine method and its positional args)."""

    t: float
    kind: str
    name: str
    args: Any


@dataclass(slots=True)
class JournalData:
    """A journal read back."""

    header: dict[str, Any] = field(default_factory=dict)
    commands: list[tuple[float, str, dict[str, Any]]] = field(default_factory=list)
    inputs: list[Input] = field(default_factory=list)
    """Every ``cmd`` and ``input`` line in the order they were written (a resume replays
    them in that order)."""
    sent: dict[str, int] = field(default_factory=dict)
    sequences: dict[str, int] = field(default_factory=dict)
    last_t: float = 0.0
    ended: bool = False
    resumes: list[dict[str, Any]] = field(default_factory=list)
    lines: int = 0
    torn: bool = False
    """The last line was cut (a crash mid-write): ignored."""

    @property
    def started_wall(self) -> float:
        return float(self.header.get("started", 0.0))


def parse(data: bytes) -> JournalData:
    """Read a journal's bytes. A torn last line is ignored, never an error.

    Most of a long show's journal is plain ``{"t":…,"sent":"name"}`` lines, and reading
    it is on the way to the first resumed frame: those are found and counted by one
    regular expression over the whole file, the JSON parser reads the rest. When a line
    is unreadable (reading stops there, and only ``sent`` lines before it count), the
    file is read again line by line."""
    plain = _PLAIN.findall(data)
    if not plain:
        return _read(data)[0]
    out, stopped = _read(_PLAIN.sub(b"", data))
    if stopped:
        return _read(data)[0]
    names = Counter(name for _t, name in plain)
    for name, n in names.items():
        key = name.decode("utf-8", "replace")
        out.sent[key] = out.sent.get(key, 0) + n
    out.lines += len(plain)
    with contextlib.suppress(ValueError):  # written in time order: the last is the latest
        out.last_t = max(out.last_t, float(plain[-1][0]))
    return out


_PLAIN = re.compile(rb'^\{"t":([0-9.eE+-]+),"sent":"([^"\\\n]*)"\}\n', re.MULTILINE)
"""A ``sent`` line as :class:`Journal` writes it (no escapes in the output's name)."""


def _read(data: bytes) -> tuple[JournalData, bool]:
    """Line by line; True when an unreadable complete line stopped the reading."""
    out = JournalData()
    *complete, rest = data.split(b"\n")
    out.torn = bool(rest.strip())
    for raw in complete:
        if not raw.strip():
            continue
        try:
            rec = json.loads(raw)
        except ValueError:
            out.torn = True
            return out, True
        if not isinstance(rec, dict):
            out.torn = True
            return out, True
        out.lines += 1
        _take(out, rec)
    return out, False


def _take(out: JournalData, rec: dict[str, Any]) -> None:
    if "journal" in rec:
        out.header = rec
        return
    t = float(rec.get("t", out.last_t))
    out.last_t = max(out.last_t, t)
    if "cmd" in rec:
        args = dict(rec.get("args") or {})
        out.commands.append((t, str(rec["cmd"]), args))
        out.inputs.append(Input(t, "cmd", str(rec["cmd"]), args))
    elif "input" in rec:
        out.inputs.append(Input(t, "input", str(rec["input"]), list(rec.get("args") or [])))
    elif "sent" in rec:
        name = str(rec["sent"])
        out.sent[name] = out.sent.get(name, 0) + 1
    elif "beat" in rec:
        out.sequences.update({str(k): int(v) for k, v in (rec.get("seq") or {}).items()})
    elif "resumed" in rec:
        out.resumes.append(rec)
    elif "end" in rec:
        out.ended = True


def read_journal(path: str | Path) -> JournalData | None:
    try:
        return parse(Path(path).read_bytes())
    except FileNotFoundError:
        return None


def needs_resume(show_path: str | Path) -> JournalData | None:
    """The journal of the show's last run when that run did not end cleanly, else None."""
    data = read_journal(journal_path(show_path))
    if data is None or data.ended or not data.header:
        return None
    return data


def is_message(payload: Payload) -> bool:
    """OSC and MIDI messages (each sent exactly once across a crash); DMX frames and
    timecode are streams, sent again from the resumed state."""
    return not isinstance(payload, DmxPayload | TimecodePayload)


class Journal:
    """Appends to a journal file (``O_APPEND``: each line goes to the kernel at once)."""

    def __init__(self, path: str | Path, *, fresh: bool) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if fresh and self.path.exists():
            # Keep the previous run's journal beside it (one generation).
            os.replace(self.path, self.path.with_suffix(".prev.jsonl"))
        if not fresh and self.path.exists():
            self._trim_torn()
        self._fd: int | None = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT,
                                       0o644)
        self.t0 = 0.0
        """Clock time of show time 0 (the first session's engine start)."""
        self.clock_now: Any = None
        self.writing = True
        """False while a resume fast-forwards (the lines are in the file already)."""
        self._sync_wanted = threading.Event()
        self._syncer: threading.Thread | None = None

    def _trim_torn(self) -> None:
        data = self.path.read_bytes()
        if data and not data.endswith(b"\n"):
            cut = data.rfind(b"\n") + 1
            with open(self.path, "r+b") as f:
                f.truncate(cut)

    def now(self) -> float:
        return float(self.clock_now()) - self.t0 if self.clock_now is not None else 0.0

    def write(self, rec: dict[str, Any], *, sync: bool = False) -> None:
        if self._fd is None or not self.writing:
            return
        line = json.dumps(rec, separators=(",", ":"), default=str) + "\n"
        try:
            os.write(self._fd, line.encode())
        except OSError:
            return  # a full disk must not stop the show
        if sync:
            self._request_sync()

    def _request_sync(self) -> None:
        """fsync soon, off the event loop (the thread touches the file, nothing else)."""
        if self._syncer is None:
            self._syncer = threading.Thread(target=self._sync_loop, name="journal-fsync",
                                            daemon=True)
            self._syncer.start()
        self._sync_wanted.set()

    def _sync_loop(self) -> None:
        while True:
            self._sync_wanted.wait()
            self._sync_wanted.clear()
            fd = self._fd
            if fd is None:
                return
            with contextlib.suppress(OSError):
                os.fsync(fd)

    def header(self, started_wall: float, show: str, pid: int) -> None:
        self.write({"journal": FORMAT, "started": started_wall, "show": show, "pid": pid},
                   sync=True)

    def command(self, t: float, verb: str, args: dict[str, Any]) -> None:
        if verb in NOT_JOURNALED:
            return
        self.write({"t": t, "cmd": verb, "args": args}, sync=OPERATOR_FSYNC)

    def input(self, t: float, method: str, args: tuple[Any, ...]) -> None:
        """An input that reached the engine other than through a runtime command (the
        OSC API, a trigger, timecode): fsync'd like an operator command."""
        self.write({"t": t, "input": method, "args": list(args)}, sync=OPERATOR_FSYNC)

    def sent(self, output: str) -> None:
        self.write({"t": self.now(), "sent": output})

    def beat(self, seqs: dict[str, int]) -> None:
        self.write({"t": self.now(), "beat": 1, "seq": seqs})

    def end(self) -> None:
        self.write({"t": self.now(), "end": 1}, sync=True)
        self.close()

    def close(self) -> None:
        """Sync what was written (now: the show is over) and close the file."""
        fd, self._fd = self._fd, None
        if fd is not None:
            with contextlib.suppress(OSError):
                os.fsync(fd)
            with contextlib.suppress(OSError):
                os.close(fd)
        self._sync_wanted.set()  # lets the fsync thread see the file is closed


def iter_lines(path: str | Path) -> Iterator[dict[str, Any]]:
    """Every complete record of a journal (tools, tests)."""
    data = Path(path).read_bytes()
    for raw in data.split(b"\n")[:-1]:
        try:
            rec = json.loads(raw)
        except ValueError:
            return
        if isinstance(rec, dict):
            yield rec
