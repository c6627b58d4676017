"""The console's top bar: mode, show title, clocks, and what needs attention."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text

from showctl.console.cuestate import fmt_clock


def topbar_text(*, edit_mode: bool, title: str, wallclock: datetime, elapsed: float,
                running: int, faults: int, unsaved: bool, held: int | None) -> Text:
    """One line: SHOW/EDIT, title, time of day, show time, running cues, and warnings
    (faults, unsaved edits, programmer values held; ``held`` None = no programmer)."""
    mode = (Text(" EDIT ", style="bold white on dark_red") if edit_mode
            else Text(" SHOW ", style="bold black on green"))
    t = Text()
    t.append_text(mode)
    t.append(f"  {title}", style="bold")
    t.append(f"   {wallclock:%H:%M:%S}")
    t.append(f"   show {fmt_clock(elapsed)}")
    t.append(f"   running {running}")
    if faults:
        t.append(f"   faults {faults}", style="bold red")
    if unsaved:
        t.append("   ● unsaved", style="bold yellow")
    if held is not None:
        t.append(f"   programmer {held}", style="bold red")
    return t
