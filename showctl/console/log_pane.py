"""The log pane: the engine's log lines (cue events, what was sent, every fault) as the
state stream brings them (:class:`showctl.api.views.LogLine`), in their colours."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import RichLog

from showctl.api.views import LogLine


class LogPane(RichLog):
    DEFAULT_CSS = """
    LogPane { height: 9; border: round $panel; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, max_lines=1000, wrap=False, markup=False, auto_scroll=True)
        self.border_title = "Log"
        self.can_focus = False
        self.history: list[str] = []
        """Plain text of every line shown (tests read it)."""

    def add_lines(self, lines: list[LogLine]) -> None:
        for line in lines:
            self.history.append(line.text)
            self.write(Text(line.text, style=line.style))
