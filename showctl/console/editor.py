"""The cue editor form of edit mode: name, notes, times, continue mode, armed.

The form never changes the show itself: on Enter in a field (or a change of the
continue mode or the armed box) it posts :class:`CueEditor.Edited`; the app turns that
into a :class:`~showctl.model.editing.SetField` on the document, which validates it.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Checkbox, Input, Label, Select, Static

from showctl.model import show as m

DURATION_FIELD = {"wait": "duration", "fade_out": "duration", "light": "time"}
"""Which key holds a cue type's own time (others have none to edit here)."""


def field_text(cue: m.CueBase, name: str) -> str:
    """A cue field as the form shows it."""
    value: Any = getattr(cue, name, None)
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


class CueEditor(Vertical):
    """Fields of the selected cue. Posts :class:`Edited` when the TD commits a field."""

    DEFAULT_CSS = """
    CueEditor { height: auto; border: round $accent; padding: 0 1; }
    CueEditor Horizontal { height: auto; }
    CueEditor Horizontal { margin-bottom: 0; }
    CueEditor Label { width: 10; }
    CueEditor Input { width: 1fr; }
    CueEditor Select { width: 1fr; }
    CueEditor Checkbox { border: none; padding: 0; height: 1; }
    CueEditor #edit-status { height: auto; color: $error; }
    """

    class Edited(Message):
        """The TD committed a field: ``field`` is the YAML key, ``value`` text or bool."""

        def __init__(self, list_name: str, number: str, field: str, value: Any) -> None:
            super().__init__()
            self.list_name = list_name
            self.number = number
            self.field = field
            self.value = value

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title = "Edit cue"
        self.list_name = ""
        self.cue: m.CueBase | None = None
        self.status_text = ""
        """Why the last edit was refused, or what it left to do (kept while the same cue
        stays selected)."""

    def compose(self) -> ComposeResult:
        yield Static("", id="edit-header")
        for name in ("name", "notes", "prewait", "duration", "postwait"):
            with Horizontal(id=f"row-{name}"):
                yield Label(name, id=f"label-{name}")
                yield Input(id=f"edit-{name}", compact=True)
        with Horizontal():
            yield Label("continue")
            yield Select([(c.value, c.value) for c in m.ContinueMode], allow_blank=False,
                         value=m.ContinueMode.NONE.value, id="edit-continue",
                         compact=True)
        yield Checkbox("armed", True, id="edit-armed")
        yield Static("", id="edit-status")

    def load(self, list_name: str, cue: m.CueBase | None) -> None:
        """Show a cue's fields (or nothing selected)."""
        same = (list_name, getattr(cue, "number", None)) == (
            self.list_name, getattr(self.cue, "number", None))
        self.list_name = list_name
        self.cue = cue
        header = self.query_one("#edit-header", Static)
        if cue is None:
            header.update("no cue selected")
            return
        ctype = str(getattr(cue, "type", ""))
        header.update(f"[b]{list_name} · cue {cue.number}[/b] · {ctype}")
        for name in ("name", "notes", "prewait", "postwait"):
            self.query_one(f"#edit-{name}", Input).value = field_text(cue, name)
        dur_key = DURATION_FIELD.get(ctype)
        row = self.query_one("#row-duration", Horizontal)
        row.display = dur_key is not None
        if dur_key is not None:
            self.query_one("#label-duration", Label).update(dur_key)
            self.query_one("#edit-duration", Input).value = field_text(cue, dur_key)
        # Loading a cue is not an edit: keep these widgets' Changed messages from posting
        # (they would arrive after the selection moved on, and edit the wrong cue).
        with self.prevent(Select.Changed, Checkbox.Changed):
            self.query_one("#edit-continue", Select).value = cue.continue_.value
            self.query_one("#edit-armed", Checkbox).value = cue.armed
        if not same:
            self.set_status("")

    def set_status(self, text: str) -> None:
        self.status_text = text
        self.query_one("#edit-status", Static).update(text)

    def _post(self, field: str, value: Any) -> None:
        if self.cue is not None:
            self.post_message(self.Edited(self.list_name, self.cue.number, field, value))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._commit(event.input)

    def on_input_blurred(self, event: Input.Blurred) -> None:
        """Leaving a field (Tab, a click elsewhere) commits it, as Enter does."""
        event.stop()
        self._commit(event.input)

    def _commit(self, field_input: Input) -> None:
        if self.cue is None or field_input.id is None:
            return
        field = field_input.id.removeprefix("edit-")
        if field == "duration":
            field = DURATION_FIELD.get(str(getattr(self.cue, "type", "")), "duration")
        if field_input.value == field_text(self.cue, field):
            return
        self._post(field, field_input.value)

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        if self.cue is not None and event.value != self.cue.continue_.value:
            self._post("continue", event.value)

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        event.stop()
        if self.cue is not None and event.value != self.cue.armed:
            self._post("armed", event.value)
