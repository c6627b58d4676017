"""The cue stack: every cue of the current list with its times and live state.

The standby cue is marked with a ``▶`` and a reversed bar; running cues show a
progress bar and the time left in their current phase (prewait, action or postwait).
In edit mode a second marker (``›``) shows the cue selected for editing. Only the rows
that fit are drawn, scrolled so the standby (or selected) cue stays in view.
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from showctl.console.cuestate import CueRow, CueState, bar, fmt_time

STATE_STYLE = {
    CueState.IDLE: "",
    CueState.STANDBY: "bold black on yellow",
    CueState.PREWAIT: "bold cyan",
    CueState.RUNNING: "bold green",
    CueState.POSTWAIT: "bold blue",
    CueState.PAUSED: "bold magenta",
    CueState.DONE: "dim",
    CueState.STOPPED: "dim italic",
    CueState.FAILED: "bold white on red",
}


class CueStack(Static, can_focus=True):
    """The current list's cues. Rendering only; the app handles the keys."""

    DEFAULT_CSS = """
    CueStack { height: 1fr; border: round $primary; padding: 0 1; }
    CueStack:focus { border: round $accent; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self.rows: list[CueRow] = []
        self.selected: str | None = None
        self.edit_mode = False
        self._key: object = None

    def show_rows(self, rows: list[CueRow], *, title: str, selected: str | None,
                  edit_mode: bool) -> None:
        """Redraw if anything visible changed."""
        key = (tuple(rows), title, selected, edit_mode, self.size)
        if key == self._key:
            return
        self._key = key
        self.rows = rows
        self.selected = selected
        self.edit_mode = edit_mode
        self.border_title = title
        self.update(self._table())

    def _focus_index(self) -> int:
        want = self.selected if self.edit_mode else None
        for i, r in enumerate(self.rows):
            if (want is not None and r.number == want) or (want is None and r.standby):
                return i
        for i, r in enumerate(self.rows):
            if r.state in (CueState.RUNNING, CueState.PREWAIT, CueState.PAUSED):
                return i
        return 0

    def _table(self) -> Table:
        t = Table(box=None, expand=True, pad_edge=False, show_edge=False, padding=(0, 1, 0, 0))
        t.add_column("", width=2, no_wrap=True)
        t.add_column("cue", width=6, no_wrap=True)
        t.add_column("name", ratio=1, min_width=16, no_wrap=True, overflow="ellipsis")
        t.add_column("type", width=6, no_wrap=True, overflow="ellipsis")
        t.add_column("pre", width=5, justify="right", no_wrap=True)
        t.add_column("dur", width=5, justify="right", no_wrap=True)
        t.add_column("post", width=5, justify="right", no_wrap=True)
        t.add_column("cont", width=7, no_wrap=True)
        t.add_column("state", width=14, no_wrap=True, overflow="ellipsis")
        visible = max(1, self.size.height - 3) if self.size.height else len(self.rows)
        focus = self._focus_index()
        start = 0
        if len(self.rows) > visible:
            start = min(max(0, focus - visible // 3), len(self.rows) - visible)
        for r in self.rows[start:start + visible]:
            t.add_row(*self._cells(r), style=self._row_style(r))
        if not self.rows:
            t.add_row("", "", Text("(this list has no cues)", style="dim"))
        return t

    def _row_style(self, r: CueRow) -> str:
        if self.edit_mode and r.number == self.selected:
            return "bold on dark_blue"
        if r.standby:
            return "bold black on yellow"
        if not r.armed:
            return "dim strike"
        if not r.navigable:
            return "grey62"
        return ""

    def _cells(self, r: CueRow) -> list[Text | str]:
        mark = "▶" if r.standby else ""
        if self.edit_mode and r.number == self.selected:
            mark = "›" + mark
        name = "  " * r.depth + (r.name or "—")
        return [
            Text(mark, style="bold"),
            r.number,
            name,
            r.type,
            fmt_time(r.prewait, blank_zero=True),
            fmt_time(r.duration, blank_zero=True),
            fmt_time(r.postwait, blank_zero=True),
            r.continue_mode,
            self._state_cell(r),
        ]

    def _state_cell(self, r: CueRow) -> Text:
        style = STATE_STYLE[r.state]
        if r.state is CueState.STANDBY:
            return Text("STANDBY", style=style)
        if r.state in (CueState.PREWAIT, CueState.RUNNING, CueState.POSTWAIT,
                       CueState.PAUSED) and r.progress is not None:
            word = {"prewait": "pre ", "running": "", "postwait": "post ",
                    "paused": "II "}[r.state.value]
            return Text(f"{bar(r.progress, 6)} {word}{fmt_time(r.remaining)}", style=style)
        if r.state is CueState.FAILED:
            return Text(f"FAILED {r.reason}", style=style)
        if not r.armed:
            return Text("disarmed", style="dim")
        return Text(r.state.value, style=style)
