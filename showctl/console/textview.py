"""A cheap live view: a widget that draws a prepared ``Text`` and never re-lays-out.

``Static.update`` asks Textual for a full layout pass and Rich tables are measured on
every render; at 15 redraws a second that costs the DMX frame loop real time. Views
that change every tick (cue stack, running cues, outputs) therefore build plain
fixed-width ``Text`` lines themselves and call :meth:`TextView.show`, which only
repaints the widget's own region.
"""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget


def fit(text: str, width: int, *, right: bool = False) -> str:
    """Pad or cut ``text`` to exactly ``width`` cells (with an ellipsis when cut)."""
    if width <= 0:
        return ""
    if len(text) > width:
        return text[: width - 1] + "…"
    return text.rjust(width) if right else text.ljust(width)


class TextView(Widget):
    """Draws one ``Text`` (lines are not wrapped); :meth:`show` repaints it."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._text = Text("")

    def show(self, text: Text) -> None:
        self._text = text
        self.refresh()

    @property
    def plain(self) -> str:
        return self._text.plain

    def render(self) -> Text:
        return self._text
