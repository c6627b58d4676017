"""The show's log: engine events as human lines, for the console, pages and headless.

:func:`describe` turns one event into one line (or None for events not worth one);
:class:`EventLog` is the bus listener that keeps the lines (with a style word for
front ends that colour them) in a bounded buffer, so it costs the engine next to
nothing. DMX frames are far too many to list; with the DMX log on, each flush adds one
line per universe summing up what changed. Timecode is summed up too: a line when it
starts, when it jumps (locate) and when it stops, never one per frame.

Times are the **show clock of the top bar**: seconds since the first GO (the state's
``elapsed``); lines before the first GO say ``pre-show``. What a payload did is said
as the output's driver reports it: ``sent`` (handed to the transport), ``queued`` (not
out yet), ``retrying`` (the endpoint is down, the driver retries), ``dropped`` (the
driver faulted or is closed) or ``captured`` (the capture driver: nothing leaves the
machine).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Mapping
from typing import Any

from showctl.api.views import LogLine
from showctl.drivers.base import Driver
from showctl.engine import events as ev

TIMECODE_GAP = 0.5
"""Seconds without a timecode frame after which the timecode counts as stopped."""

_HEALTH_WORD = {"sending": "sent", "idle": "queued", "retrying": "retrying",
                "faulted": "dropped", "closed": "dropped"}


def delivery(driver: Driver | None) -> str:
    """What became of a payload just handed to ``driver``, in one word (module doc)."""
    if driver is None:
        return "dropped"
    targets: list[Driver] = list(getattr(driver, "targets", ()))
    if targets:
        words = [delivery(t) for t in targets]
        if len(set(words)) == 1:
            return words[0]
        return " · ".join(f"{w} ({t.kind})" for w, t in zip(words, targets, strict=True))
    if driver.kind == "capture":
        return "captured"
    return _HEALTH_WORD.get(driver.health.state.value, driver.health.state.value)

FAULT_KINDS = (ev.DriverFaulted, ev.CueFailed)


def unmapped_outputs(show: Any, rig: Mapping[str, Any] | None) -> list[str]:
    """Lines announcing, at start, the outputs that go to the capture driver: with a
    rig, those it leaves unmapped; without one, every output."""
    names = list(show.outputs)
    if not names:
        return []
    if rig is None:
        return [f"no rig: every output ({', '.join(names)}) is captured, not sent "
                "(--rig to send)"]
    return [f"{n}: the rig does not map this output: captured, not sent"
            for n in names if n not in rig]


def stamp(t: float, origin: float | None) -> str:
    """The log's time column: the show clock (seconds since the first GO at engine time
    ``origin``), or ``pre-show`` before it."""
    return " pre-show" if origin is None else f"{t - origin:9.3f}"


def describe(e: ev.Event, names: dict[tuple[str, str], str],
             origin: float | None = 0.0) -> str | None:
    """One human line for an event (None for events not worth a line); times on the
    show clock that starts at engine time ``origin`` (None: before the first GO)."""
    t = stamp(e.t, origin)
    if isinstance(e, ev.Go):
        return f"{t}  GO        {e.list} {e.cue}"
    if isinstance(e, ev.CueStarted):
        name = names.get((e.list, e.cue), "")
        dur = f"  ({e.duration:.1f} s)" if e.duration else ""
        return f"{t}  start     {e.list} {e.cue:<6} {name}{dur}"
    if isinstance(e, ev.CueCompleted):
        return f"{t}  done      {e.list} {e.cue}"
    if isinstance(e, ev.CueStopped):
        return f"{t}  stopped   {e.list} {e.cue}"
    if isinstance(e, ev.CuePaused | ev.CueResumed):
        word = "paused" if isinstance(e, ev.CuePaused) else "resumed"
        return f"{t}  {word:<9} {e.list} {e.cue}"
    if isinstance(e, ev.PlayheadMoved):
        name = names.get((e.list, e.cue or ""), "")
        return f"{t}  standby   {e.list} {e.cue or '(end of list)'} {name}"
    if isinstance(e, ev.GoRejected):
        return f"{t}  GO ignored ({e.reason})"
    if isinstance(e, ev.Panic):
        return f"{t}  {e.describe()}"
    if isinstance(e, ev.DriverFaulted):
        return f"{t}  FAULT     {e.output}: {e.reason}"
    if isinstance(e, ev.DriverRecovered):
        return f"{t}  RECOVERED {e.output}: {e.reason}"
    if isinstance(e, ev.Blackout):
        return f"{t}  BLACKOUT  {'on' if e.on else 'off: the look is back'}"
    if isinstance(e, ev.Grandmaster):
        return f"{t}  GM        {e.level * 100:.0f} %"
    if isinstance(e, ev.PauseAll):
        what = ", ".join(e.cues) or "nothing"
        return f"{t}  {'PAUSE ALL' if e.paused else 'RESUME ALL'} {what}"
    if isinstance(e, ev.CueFailed):
        return f"{t}  FAILED    {e.list} {e.cue}: {e.reason}"
    return None


def _osc_arg(a: Any) -> str:
    if isinstance(a, dict) and "blob" in a:
        return f"blob({len(str(a['blob'])) // 2} bytes)"
    if isinstance(a, str):
        return f'"{a}"' if (" " in a or not a) else a
    if a is None:
        return "nil"
    if isinstance(a, bool):
        return "true" if a else "false"
    return str(a)


def _osc_text(msg: Mapping[str, Any]) -> str:
    return f"{msg.get('address', '')} {' '.join(map(_osc_arg, msg.get('args', [])))}".rstrip()


def midi_text(hex_bytes: str) -> str:
    """MIDI bytes (``"90 3C 7F"``) in people's terms (``note on ch1 note 60 …``)."""
    from showctl.protocols.midi import decode_midi

    try:
        return str(decode_midi(bytes.fromhex(hex_bytes)).describe())
    except ValueError:
        return f"MIDI bytes {hex_bytes}"


def payload_text(e: ev.Output) -> str:
    """What was sent, in people's terms (never a Python dict)."""
    d = e.data
    if "address" in d:
        return _osc_text(d)
    if "bundle" in d:
        return "bundle: " + "; ".join(_osc_text(m) for m in d["bundle"])
    if "timecode" in d:
        return f"timecode {d['timecode']}"
    if "data" in d:
        return midi_text(str(d["data"]))
    if "channels" in d:
        return f"u{d.get('universe', 0)}: {len(d['channels'])} channels"
    return ", ".join(f"{k} {v}" for k, v in d.items())


def _timecode_of(e: ev.Output) -> tuple[str, float | None] | None:
    """(kind, position in seconds or None) when ``e`` carries timecode, else None."""
    d = e.data
    if "timecode" in d:
        rate = {0: 24.0, 1: 25.0, 2: 29.97, 3: 30.0}.get(int(d.get("type", 1)), 25.0)
        return "timecode", _tc_seconds(str(d["timecode"]), rate)
    if e.out_kind == "midi":
        data = str(d.get("data", "")).upper()
        if data.startswith("F1 "):
            return "MTC", None
        if data.startswith("F0 7F") and data[9:14] == "01 01" and len(data.split()) == 10:
            b = bytes.fromhex(data)
            rate = (24.0, 25.0, 29.97, 30.0)[b[5] >> 5 & 3]
            return "MTC", (b[5] & 0x1F) * 3600 + b[6] * 60 + b[7] + b[8] / rate
    return None


def _tc_seconds(text: str, rate: float) -> float | None:
    try:
        h, m_, s_, f = (int(x) for x in text.replace(";", ":").split(":"))
    except ValueError:
        return None
    return h * 3600 + m_ * 60 + s_ + f / rate


def _tc_text(seconds: float | None) -> str:
    if seconds is None:
        return ""
    s = int(seconds)
    return f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"


def style_of(e: ev.Event) -> str:
    if isinstance(e, FAULT_KINDS):
        return "bold white on red"
    if isinstance(e, ev.Panic | ev.Blackout):
        return "bold red"
    if isinstance(e, ev.DriverRecovered):
        return "bold green"
    if isinstance(e, ev.GoRejected):
        return "yellow"
    if isinstance(e, ev.Go):
        return "bold green"
    return ""


class EventLog:
    """Bus listener that turns events into :class:`LogLine` values (see the module doc).

    ``now`` gives the show time for notes (messages that are not engine events)."""

    def __init__(self, names: dict[tuple[str, str], str], now: Callable[[], float],
                 *, maxlen: int = 2000) -> None:
        self.names = names
        self.now = now
        self.origin: float | None = None
        """Engine time of the first GO: the show clock's zero (the top bar's too)."""
        self.drivers: Mapping[str, Driver] = {}
        """The session's drivers, asked what became of each payload (module doc)."""
        self._tc: dict[str, list[Any]] = {}
        """Per output: [kind, first t, last t, position at last t or None]."""
        self.pending: deque[LogLine] = deque(maxlen=maxlen)
        self.recent: deque[LogLine] = deque(maxlen=200)
        """The last lines logged: a console that attaches starts with them."""
        self.history: deque[str] = deque(maxlen=maxlen)
        """Plain text of every line logged (newest last), for tests and export."""
        self.log_dmx = False
        self._dmx: dict[tuple[str, int], dict[str, int]] = {}
        self._dmx_t = 0.0

    def stamp(self, t: float) -> str:
        return stamp(t, self.origin)

    def __call__(self, e: ev.Event) -> None:
        self.stopped_timecode(e.t)
        if isinstance(e, ev.Go) and self.origin is None:
            self.origin = e.t
        if isinstance(e, ev.Output):
            if e.out_kind == "dmx":
                if self.log_dmx:
                    key = (e.output, int(e.data.get("universe", 0)))
                    self._dmx.setdefault(key, {}).update(e.data.get("channels", {}))
                    self._dmx_t = e.t
                return
            if self._timecode(e):
                return
            word = delivery(self.drivers.get(e.output))
            style = "cyan" if word in ("sent", "captured") else "bold yellow"
            self._add(LogLine(e.t, f"{self.stamp(e.t)}  {word:<9} {e.output} "
                              f"{payload_text(e)}", style))
            return
        line = describe(e, self.names, self.origin)
        if line is not None:
            self._add(LogLine(e.t, line, style_of(e)))

    def _timecode(self, e: ev.Output) -> bool:
        """Sum timecode up: start, locate, stop. True when ``e`` was timecode."""
        tc = _timecode_of(e)
        if tc is None:
            return False
        kind, pos = tc
        cur = self._tc.get(e.output)
        if cur is None:
            self._tc[e.output] = [kind, e.t, e.t, pos]
            at = f" at {_tc_text(pos)}" if pos is not None else ""
            self._add(LogLine(e.t, f"{self.stamp(e.t)}  {kind:<9} {e.output} start{at} "
                              f"({delivery(self.drivers.get(e.output))})", "cyan"))
            return True
        expected = None if cur[3] is None else cur[3] + (e.t - cur[2])
        if pos is not None and expected is not None and abs(pos - expected) > TIMECODE_GAP:
            self._add(LogLine(e.t, f"{self.stamp(e.t)}  {kind:<9} {e.output} locate "
                              f"{_tc_text(cur[3])} → {_tc_text(pos)}", "cyan"))
        cur[2] = e.t
        if pos is not None:
            cur[3] = pos
        elif cur[3] is not None:
            cur[3] = expected
        return True

    def timecode_status(self, now: float) -> list[str]:
        """Timecode the show generates now, one ``[MTC] output HH:MM:SS`` per output (for
        the top bar; positions run on from the last frame that carried one)."""
        out = []
        for output, (kind, _first, last, pos) in self._tc.items():
            if now - last > TIMECODE_GAP:
                continue
            at = "" if pos is None else " " + _tc_text(pos + (now - last))
            out.append(f"{'MTC ' if kind == 'MTC' else ''}{output}{at}")
        return out

    def stopped_timecode(self, now: float) -> None:
        """Timecode that has not moved for :data:`TIMECODE_GAP` seconds has stopped."""
        if not self._tc:
            return
        for output, (kind, _first, last, pos) in list(self._tc.items()):
            if now - last > TIMECODE_GAP:
                del self._tc[output]
                at = f" at {_tc_text(pos)}" if pos is not None else ""
                self._add(LogLine(last, f"{self.stamp(last)}  {kind:<9} {output} "
                                  f"stopped{at}", "cyan"))

    def note(self, text: str, style: str = "italic") -> None:
        """A message of the runtime's (saved, edit refused…), not an engine event."""
        t = self.now()
        self._add(LogLine(t, f"{self.stamp(t)}  {text}", style))

    def flush_dmx(self) -> None:
        for (output, universe), channels in sorted(self._dmx.items()):
            shown = ", ".join(f"{k}={v}" for k, v in list(channels.items())[:8])
            more = f" (+{len(channels) - 8})" if len(channels) > 8 else ""
            self._add(LogLine(self._dmx_t, f"{self.stamp(self._dmx_t)}  dmx       {output} "
                              f"u{universe}: {shown}{more}", "dim cyan"))
        self._dmx.clear()

    def _add(self, line: LogLine) -> None:
        self.pending.append(line)
        self.recent.append(line)
        self.history.append(line.text)

    def drain(self) -> list[LogLine]:
        self.stopped_timecode(self.now())
        self.flush_dmx()
        out = list(self.pending)
        self.pending.clear()
        return out
