"""Small modal prompts: a cue number for goto and renumber; the type of a new cue; what
to do on quit."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList
from textual.widgets.option_list import Option


class NumberDialog(ModalScreen[str | None]):
    """Ask for one line of text (a cue number). Enter accepts, Esc cancels."""

    DEFAULT_CSS = """
    NumberDialog { align: center middle; }
    NumberDialog > Vertical {
        width: 44; height: auto; border: thick $accent; background: $surface; padding: 1 2;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, *, value: str = "", placeholder: str = "cue number") -> None:
        super().__init__()
        self.title_text = title
        self.value = value
        self.placeholder = placeholder

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text)
            yield Input(value=self.value, placeholder=self.placeholder, id="dialog-input")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        self.dismiss(text or None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class QuitDialog(ModalScreen[str | None]):
    """Quitting while the show is live: leave it running, end it, or stay."""

    DEFAULT_CSS = """
    QuitDialog { align: center middle; }
    QuitDialog > Vertical {
        width: 64; height: auto; border: thick $warning; background: $surface; padding: 1 2;
    }
    QuitDialog Horizontal { height: auto; margin-top: 1; }
    QuitDialog Button { margin-right: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Stay"),
        Binding("l", "choose('leave')", "Leave running"),
        Binding("x", "choose('end')", "End the show"),
    ]

    def __init__(self, why: str) -> None:
        super().__init__()
        self.why = why

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(f"The show is live ({self.why}).")
            yield Label("l: leave it running (showctl attach to come back)")
            yield Label("x: end the show (stop cues, release outputs)")
            yield Label("Esc: stay in the console")
            with Horizontal():
                yield Button("Leave running", id="leave", variant="primary")
                yield Button("End the show", id="end", variant="error")
                yield Button("Stay", id="stay")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None if event.button.id == "stay" else event.button.id)

    def action_choose(self, choice: str) -> None:
        self.dismiss(choice)

    def action_cancel(self) -> None:
        self.dismiss(None)


class SaveConflictDialog(ModalScreen[str | None]):
    """The show file changed on disk since it was opened: reload (this session's edits
    re-applied where they still apply), save as another file, or overwrite — the last
    only after a second, confirming key."""

    DEFAULT_CSS = """
    SaveConflictDialog { align: center middle; }
    SaveConflictDialog > Vertical {
        width: 72; height: auto; border: thick $error; background: $surface; padding: 1 2;
    }
    SaveConflictDialog #confirm { color: $error; text-style: bold; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("r", "choose('reload')", "Reload"),
        Binding("a", "choose('save_as')", "Save as"),
        Binding("o", "overwrite", "Overwrite"),
    ]

    def __init__(self, path: str) -> None:
        super().__init__()
        self.path = path
        self.confirming = False

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(f"{self.path} changed on disk since it was opened.")
            yield Label("r: reload it and re-apply this session's edits where they apply")
            yield Label("a: save as another file")
            yield Label("o: overwrite the other version (kept as .bak)")
            yield Label("Esc: cancel (nothing is written, the edits stay)")
            yield Label("", id="confirm")

    def action_choose(self, choice: str) -> None:
        self.dismiss(choice)

    def action_overwrite(self) -> None:
        if self.confirming:
            self.dismiss("overwrite")
            return
        self.confirming = True
        self.query_one("#confirm", Label).update(
            "Press o again to overwrite the version on disk.")

    def action_cancel(self) -> None:
        self.dismiss(None)


CUE_TYPE_HELP: dict[str, str] = {
    "memo": "a note for the stage manager",
    "wait": "waits (5 s)",
    "group": "cues played together",
    "light": "a lighting look",
    "osc": "an OSC message",
    "midi": "MIDI messages",
    "msc": "a MIDI Show Control command",
    "midi_file": "plays a MIDI file",
    "timecode": "generates timecode",
    "start": "starts another cue",
    "stop": "stops a cue or a list",
    "pause": "pauses a cue or a list",
    "resume": "resumes a cue or a list",
    "goto": "moves the playhead",
    "arm": "arms a cue",
    "disarm": "disarms a cue",
    "fade_out": "fades a cue out",
}
"""The cue types the insert dialog offers, in its order, with a few words each."""


class CueTypeDialog(ModalScreen[str | None]):
    """Pick the type of a new cue: arrows and Enter (or a click); Esc cancels."""

    DEFAULT_CSS = """
    CueTypeDialog { align: center middle; }
    CueTypeDialog > Vertical {
        width: 50; height: auto; max-height: 90%; border: thick $accent;
        background: $surface; padding: 0 1;
    }
    CueTypeDialog OptionList { height: auto; max-height: 20; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, *, highlight: str = "memo") -> None:
        super().__init__()
        self.title_text = title
        self.highlight = highlight

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text)
            yield OptionList(*[Option(f"{t:<10} {help_}", id=t)
                               for t, help_ in CUE_TYPE_HELP.items()], id="cue-types")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        types = list(CUE_TYPE_HELP)
        options.highlighted = types.index(self.highlight) if self.highlight in types else 0
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
