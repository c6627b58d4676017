"""The show's log: engine events as human lines, for the console, pages and headless.

:func:`describe` turns one event into one line (or None for events not worth one);
:class:`EventLog` is the bus listener that keeps the lines (with a style word for
front ends that colour them) in a bounded buffer, so it costs the engine next to
nothing. DMX frames are far too many to list; with the DMX log on, each flush adds one
line per universe summing up what changed.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable

from showctl.api.views import LogLine
from showctl.engine import events as ev

FAULT_KINDS = (ev.DriverFaulted, ev.CueFailed)


def describe(e: ev.Event, names: dict[tuple[str, str], str]) -> str | None:
    """One human line for an event (None for events not worth a line)."""
    t = f"{e.t:9.3f}"
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


def payload_text(e: ev.Output) -> str:
    d = e.data
    if "address" in d:
        return f"{d['address']} {' '.join(map(str, d.get('args', [])))}".rstrip()
    if "bundle" in d:
        return "bundle " + "; ".join(f"{m['address']} {' '.join(map(str, m['args']))}".rstrip()
                                     for m in d["bundle"])
    if "data" in d:
        return f"midi {d['data']}"
    return str(d)


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
        self.pending: deque[LogLine] = deque(maxlen=maxlen)
        self.history: deque[str] = deque(maxlen=maxlen)
        """Plain text of every line logged (newest last), for tests and export."""
        self.log_dmx = False
        self._dmx: dict[tuple[str, int], dict[str, int]] = {}
        self._dmx_t = 0.0

    def __call__(self, e: ev.Event) -> None:
        if isinstance(e, ev.Output):
            if e.out_kind == "dmx":
                if self.log_dmx:
                    key = (e.output, int(e.data.get("universe", 0)))
                    self._dmx.setdefault(key, {}).update(e.data.get("channels", {}))
                    self._dmx_t = e.t
                return
            self._add(LogLine(e.t, f"{e.t:9.3f}  sent      {e.output} {payload_text(e)}",
                              "cyan"))
            return
        line = describe(e, self.names)
        if line is not None:
            self._add(LogLine(e.t, line, style_of(e)))

    def note(self, text: str, style: str = "italic") -> None:
        """A message of the runtime's (saved, edit refused…), not an engine event."""
        t = self.now()
        self._add(LogLine(t, f"{t:9.3f}  {text}", style))

    def flush_dmx(self) -> None:
        for (output, universe), channels in sorted(self._dmx.items()):
            shown = ", ".join(f"{k}={v}" for k, v in list(channels.items())[:8])
            more = f" (+{len(channels) - 8})" if len(channels) > 8 else ""
            self._add(LogLine(self._dmx_t, f"{self._dmx_t:9.3f}  dmx       {output} "
                              f"u{universe}: {shown}{more}", "dim cyan"))
        self._dmx.clear()

    def _add(self, line: LogLine) -> None:
        self.pending.append(line)
        self.history.append(line.text)

    def drain(self) -> list[LogLine]:
        self.flush_dmx()
        out = list(self.pending)
        self.pending.clear()
        return out
