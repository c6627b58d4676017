"""The cue stack: every cue of the current list with its times and live state.

The standby cue is marked with a ``▶`` and a reversed bar; running cues show a
progress bar and the time left in their current phase (prewait, action or postwait).
In edit mode a second marker (``›``) shows the cue selected for editing. Only the rows
that fit are drawn, scrolled so the standby (or selected) cue stays in view.
"""

from __future__ import annotations

from rich.text import Text

from showctl.api.views import CueRow, CueState
from showctl.console.formatting import bar, fmt_time
from showctl.console.textview import TextView, fit

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


class CueStack(TextView, can_focus=True):
    """The current list's cues. Rendering only; the app handles the keys."""

    DEFAULT_CSS = """
    CueStack { height: 1fr; border: round $primary; padding: 0 1; }
    CueStack:focus { border: round $accent; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
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
        self.show(self._lines())

    def _focus_index(self) -> int:
        want = self.selected if self.edit_mode else None
        for i, r in enumerate(self.rows):
            if (want is not None and r.number == want) or (want is None and r.standby):
                return i
        for i, r in enumerate(self.rows):
            if r.state in (CueState.RUNNING, CueState.PREWAIT, CueState.PAUSED):
                return i
        return 0

    COMPACT = 80
    """Below this width (a 100-column terminal) the stack drops its pre/post columns
    and narrows the others, so names keep their room and nothing wraps."""

    def _columns(self, width: int) -> tuple[list[int], list[int]]:
        """(the indices of the columns shown, their widths)."""
        if width >= self.COMPACT:
            cols = list(range(9))
            fixed = {0: 2, 1: 6, 3: 6, 4: 5, 5: 5, 6: 5, 7: 7, 8: 14}
        else:
            cols = [0, 1, 2, 3, 5, 7, 8]
            fixed = {0: 2, 1: 5, 3: 5, 5: 5, 7: 6, 8: 11}
        name_w = max(8, width - sum(fixed.values()) - (len(cols) - 1))
        return cols, [fixed.get(c, name_w) for c in cols]

    def _lines(self) -> Text:
        width = max(30, self.size.width)
        cols, widths = self._columns(width)
        right = {cols.index(c) for c in (4, 5, 6) if c in cols}
        out = Text(no_wrap=True, overflow="crop", end="")
        head = [["", "cue", "name", "type", "pre", "dur", "post", "cont", "state"][c]
                for c in cols]
        out.append(" ".join(fit(h, w, right=i in right) for i, (h, w) in
                            enumerate(zip(head, widths, strict=True))), style="bold")
        # Before the first layout the height is unknown: a screenful, not every row (a
        # 10,000-cue list took seconds to draw, unseen); the size is in the redraw key.
        visible = max(1, self.size.height - 3) if self.size.height else 100
        focus = self._focus_index()
        start = 0
        if len(self.rows) > visible:
            start = min(max(0, focus - visible // 3), len(self.rows) - visible)
        for r in self.rows[start:start + visible]:
            all_cells = self._cells(r)
            cells = [all_cells[c] for c in cols]
            line = Text(style=self._row_style(r))
            for i, (cell, w) in enumerate(zip(cells, widths, strict=True)):
                if i:
                    line.append(" ")
                if isinstance(cell, Text):
                    line.append(fit(cell.plain, w), style=cell.style)
                else:
                    line.append(fit(cell, w, right=i in right))
            out.append("\n")
            out.append_text(line)
        if not self.rows:
            out.append("\n(this list has no cues)", style="dim")
        return out

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
        compact = self.size.width < self.COMPACT
        if r.state is CueState.STANDBY:
            return Text("STANDBY", style=style)
        if r.state in (CueState.PREWAIT, CueState.RUNNING, CueState.POSTWAIT,
                       CueState.PAUSED) and r.progress is not None:
            word = {"prewait": "pre ", "running": "", "postwait": "post ",
                    "paused": "II "}[r.state.value]
            return Text(f"{bar(r.progress, 4 if compact else 6)} {word}"
                        f"{fmt_time(r.remaining)}", style=style)
        if r.state is CueState.FAILED:
            return Text(f"FAILED {r.reason}", style=style)
        if not r.armed:
            return Text("disarmed", style="dim")
        return Text(r.state.value, style=style)
