"""The standby panel (the next cue's number, name and notes, large) and the GO button.

The GO button shows what GO will fire and, while the double-GO guard is closed, the
time left until it accepts again (the list view's ``go_wait``); a disarmed standby cue
is marked in both.
"""

from __future__ import annotations

from rich.console import Group
from rich.text import Text
from textual.widgets import Button, Static

from showctl.model import show as m


class StandbyPanel(Static):
    """Number, name and notes of the standby cue, large and high-contrast."""

    DEFAULT_CSS = """
    StandbyPanel { height: 1fr; border: heavy $warning; padding: 0 1; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self._key: object = None
        self.border_title = "STANDBY"

    def show_cue(self, list_name: str, cue: m.CueBase | None, *, armed: bool = True) -> None:
        key = (list_name, cue.number if cue else None, cue.name if cue else None,
               cue.notes if cue else None, armed)
        if key == self._key:
            return
        self._key = key
        self.border_title = f"STANDBY · {list_name}"
        if cue is None:
            self.update(Text(f"{list_name}: end of list — nothing on standby", style="dim"))
            return
        title = Text(f"{cue.number}  {cue.name}", style="bold black on yellow")
        notes = Text(cue.notes or "(no notes)", style="bold" if cue.notes else "dim")
        if armed:
            self.update(Group(title, Text(""), notes))
        else:
            warn = Text("DISARMED — GO runs its waits, not its action", style="bold white on red")
            self.update(Group(title, warn, notes))


class GoButton(Button, can_focus=False):
    """GO. Never takes focus, so Space always means GO in show mode."""

    DEFAULT_CSS = """
    GoButton { width: 100%; height: 3; text-style: bold; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("GO", id=id, variant="success")
        self._key: object = None

    def show_state(self, *, standby: m.CueBase | None, wait: float, enabled: bool,
                   list_name: str = "", armed: bool = True) -> None:
        """``wait``: seconds until the guard accepts a GO (0 = accepts now); ``list_name``
        is shown when GO fires a list other than the main one."""
        where = f"{list_name.upper()} · " if list_name else ""
        if not enabled:
            label, variant = "GO (edit mode)", "default"
        elif standby is None:
            label, variant = "GO — nothing on standby", "default"
        elif wait > 0:
            label, variant = f"{where}GO in {wait:.1f} s (guard)", "warning"
        elif not armed:
            label, variant = f"{where}GO ▸ {standby.number} (DISARMED)", "error"
        else:
            label = f"{where}GO ▸ {standby.number} {standby.name}"
            # Another list than the main one: a colour of its own, so it is not mistaken.
            variant = "primary" if list_name else "success"
        key = (label, variant)
        if key == self._key:
            return
        self._key = key
        self.label = label
        self.variant = variant
