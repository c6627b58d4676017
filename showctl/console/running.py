"""The running-cues pane: every active cue of every list with its countdowns.

Per run: the prewait left, the action's elapsed and remaining time with a bar, and the
postwait countdown to the next auto-continue. Paused runs say so.
"""

from __future__ import annotations

from rich.text import Text

from showctl.api.views import RunRow
from showctl.console.formatting import bar, fmt_time
from showctl.console.textview import TextView, fit


class RunningPane(TextView):
    DEFAULT_CSS = """
    RunningPane { height: 1fr; border: round $success; padding: 0 1; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title = "Running"
        self.rows: list[RunRow] = []
        self._key: object = None

    def show_runs(self, rows: list[RunRow]) -> None:
        key = tuple(rows)
        if key == self._key:
            return
        self._key = key
        self.rows = rows
        self.border_title = f"Running ({len(rows)})"
        if not rows:
            self.show(Text("nothing running", style="dim"))
            return
        width = max(30, self.size.width)
        compact = width < 70
        # narrower: list and pre go (waits show in "action"), then post (a 100-column
        # terminal), so the name keeps its room and nothing wraps
        if not compact:
            cols, fixed = list(range(7)), {0: 8, 1: 6, 3: 5, 4: 22, 5: 6, 6: 5}
        elif width >= 52:
            cols, fixed = [1, 2, 4, 5, 6], {1: 5, 4: 16, 5: 5, 6: 5}
        else:
            cols, fixed = [1, 2, 4, 5], {1: 5, 4: 16, 5: 5}
        name_w = max(6, width - sum(fixed.values()) - (len(cols) - 1))
        widths = [fixed.get(c, name_w) for c in cols]
        right = {cols.index(c) for c in (3, 5, 6) if c in cols}
        head = [["list", "cue", "name", "pre", "action", "left", "post"][c] for c in cols]
        out = Text(no_wrap=True, overflow="crop", end="")
        out.append(" ".join(fit(h, w, right=i in right)
                            for i, (h, w) in enumerate(zip(head, widths, strict=True))),
                   style="bold")
        for r in rows:
            line = Text(style="magenta" if r.paused else "")
            cells = self._cells(r, compact)
            for i, (cell, w) in enumerate(zip([cells[c] for c in cols], widths,
                                              strict=True)):
                if i:
                    line.append(" ")
                if isinstance(cell, Text):
                    line.append(fit(cell.plain, w), style=cell.style)
                else:
                    line.append(fit(cell, w, right=i in right))
            out.append("\n")
            out.append_text(line)
        self.show(out)

    @staticmethod
    def _cells(r: RunRow, compact: bool = False) -> list[str | Text]:
        if r.phase == "prewait":
            wait = f" {fmt_time(r.prewait_left)}" if compact else ""
            action = Text(f"waiting{wait}", style="cyan")
        elif r.remaining is not None and r.duration:
            prog = 1 - r.remaining / r.duration
            action = Text(f"{bar(prog, 5 if compact else 10)} "
                          f"{fmt_time(r.elapsed)}/{fmt_time(r.duration)}", style="green")
        elif r.phase == "action":
            action = Text(f"running {fmt_time(r.elapsed)}", style="green")
        else:
            action = Text("done", style="dim")
        if r.paused:
            action = Text("II ", style="bold magenta") + action
        return [
            r.list, r.number, "  " * r.depth + r.name,
            fmt_time(r.prewait_left), action, fmt_time(r.remaining),
            fmt_time(r.postwait_left),
        ]
