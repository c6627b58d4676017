"""The log: cue events, what was sent (OSC, MIDI; DMX on request) and every fault.

:class:`EventCollector` is the bus listener: it only formats a line and appends it to
a bounded deque, so it costs the engine next to nothing. The app moves the pending
lines into the :class:`LogPane` on its refresh tick. DMX frames are far too many to
list one by one; with DMX logging on, each tick adds one line per universe summing up
what changed.
"""

from __future__ import annotations

from collections import deque

from rich.text import Text
from textual.widgets import RichLog

from showctl.engine import events as ev
from showctl.headless import describe

FAULT_KINDS = (ev.DriverFaulted, ev.CueFailed)


class EventCollector:
    """Bus listener that turns events into log lines, buffered until the next tick."""

    def __init__(self, names: dict[tuple[str, str], str], *, maxlen: int = 2000) -> None:
        self.names = names
        self.pending: deque[Text] = deque(maxlen=maxlen)
        self.history: deque[str] = deque(maxlen=maxlen)
        """Plain text of every line logged (newest last), for tests and a future export."""
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
            self._add(Text(f"{e.t:9.3f}  sent      {e.output} {_payload(e)}", style="cyan"))
            return
        line = describe(e, self.names)
        if line is None:
            return
        if isinstance(e, FAULT_KINDS):
            style = "bold white on red"
        elif isinstance(e, ev.Panic):
            style = "bold red"
        elif isinstance(e, ev.GoRejected):
            style = "yellow"
        elif isinstance(e, ev.Go):
            style = "bold green"
        else:
            style = ""
        self._add(Text(line, style=style))

    def flush_dmx(self) -> None:
        for (output, universe), channels in sorted(self._dmx.items()):
            shown = ", ".join(f"{k}={v}" for k, v in list(channels.items())[:8])
            more = f" (+{len(channels) - 8})" if len(channels) > 8 else ""
            self._add(Text(f"{self._dmx_t:9.3f}  dmx       {output} u{universe}: {shown}{more}",
                           style="dim cyan"))
        self._dmx.clear()

    def note(self, text: str, style: str = "italic") -> None:
        """A console message (saved, edit refused…), not an engine event."""
        self._add(Text(f"{'':9}  {text}", style=style))

    def _add(self, line: Text) -> None:
        self.pending.append(line)
        self.history.append(line.plain)

    def drain(self) -> list[Text]:
        self.flush_dmx()
        out = list(self.pending)
        self.pending.clear()
        return out


def _payload(e: ev.Output) -> str:
    d = e.data
    if "address" in d:
        return f"{d['address']} {' '.join(map(str, d.get('args', [])))}".rstrip()
    if "bundle" in d:
        return "bundle " + "; ".join(f"{m['address']} {' '.join(map(str, m['args']))}".rstrip()
                                     for m in d["bundle"])
    if "data" in d:
        return f"midi {d['data']}"
    return str(d)


class LogPane(RichLog):
    DEFAULT_CSS = """
    LogPane { height: 9; border: round $panel; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, max_lines=1000, wrap=False, markup=False, auto_scroll=True)
        self.border_title = "Log"
        self.can_focus = False

    def add_lines(self, lines: list[Text]) -> None:
        for line in lines:
            self.write(line)
