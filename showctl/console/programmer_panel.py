"""The programmer panel of edit mode: a command line and what the programmer holds.

Commands (one per line, Eos-like; the first word selects fixtures: an id ``101``, a
range ``1-4`` or a group name ``front``)::

    101 intensity 80          set an attribute (people's units, as in cues)
    front color warm white    the rest of the line is the value
    1-4 pan 45
    101 @ 80                  intensity shorthand (also ``at``; ``full``, ``out``)
    clear                     release everything at once (``clear 101``: those only)
    sneak [seconds]           release everything with a fade
    record                    record a new light cue (also the ``r`` key)
    update                    update the selected light cue (also the ``u`` key)

The panel only posts :class:`ProgrammerPanel.Command`; the app sends the line to the
engine (the ``programmer`` command), which parses and applies it
(:mod:`showctl.live.programmer_line`).
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Static


class ProgrammerPanel(Vertical):
    """The command line (``c`` focuses it), the programmer's contents and the outcome
    of the last command. In edit mode it takes the Running pane's place (nothing runs)."""

    DEFAULT_CSS = """
    ProgrammerPanel { height: 1fr; border: round $error; padding: 0 1; }
    ProgrammerPanel Input { width: 1fr; margin-bottom: 1; }
    ProgrammerPanel #prog-contents { height: 1fr; overflow-y: auto; }
    ProgrammerPanel #prog-status { height: auto; max-height: 2; }
    """

    class Command(Message):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title = "Programmer  (c: command, r: record, u: update)"
        self._lines: tuple[str, ...] | None = None

    def compose(self) -> ComposeResult:
        yield Input(placeholder="101 intensity 80 · front color warm white · clear",
                    id="prog-input", compact=True)
        yield Static("", id="prog-contents")
        yield Static("", id="prog-status")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        if text:
            event.input.value = ""
            self.post_message(self.Command(text))

    def show_lines(self, lines: list[str]) -> None:
        key = tuple(lines)
        if key == self._lines:
            return
        self._lines = key
        body = Text("\n".join(lines), style="bold red") if lines else Text(
            "empty — the output is the cue state", style="dim")
        self.query_one("#prog-contents", Static).update(body)

    def set_status(self, text: str, style: str = "") -> None:
        self.query_one("#prog-status", Static).update(Text(text, style=style))
