"""The console's top bar: mode, show title, clocks, and what needs attention."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rich.text import Text

from showctl.console.formatting import fmt_clock


def topbar_text(*, edit_mode: bool, title: str, wallclock: datetime, elapsed: float,
                running: int, faults: int, unsaved: bool, held: int | None,
                blackout: bool = False, grandmaster: float = 1.0,
                connected: bool = True, timecode: tuple[str, ...] = (),
                remote_error: str = "", show_file: dict[str, Any] | None = None,
                resumed: str = "") -> Text:
    """One line: SHOW/EDIT, title, time of day, show time, running cues, and warnings
    (blackout, grandmaster below full, faults, unsaved edits, programmer values held;
    ``held`` None = no programmer; the engine connection lost; the OSC API off because
    its port was busy: ``remote_error``, also in the log; hot reload's news of the show
    file: ``show_file``, the state's, a refused save's problems in the log; ``resumed``:
    the run was resumed after a crash, "resumed after a crash at 21:14:03 (down 0.6 s)")."""
    mode = (Text(" EDIT ", style="bold white on dark_red") if edit_mode
            else Text(" SHOW ", style="bold black on green"))
    t = Text()
    if not connected:
        t.append(" ENGINE LOST ", style="bold white on red")
        t.append(" ")
    if blackout:
        t.append(" BLACKOUT ", style="bold white on red blink")
        t.append(" ")
    if grandmaster < 1.0:
        t.append(f" GM {grandmaster * 100:.0f}% ", style="bold black on yellow")
        t.append(" ")
    t.append_text(mode)
    t.append(f"  {title}", style="bold")
    t.append(f"   {wallclock:%H:%M:%S}")
    t.append(f"   show {fmt_clock(elapsed)}")
    t.append(f"   running {running}")
    for tc in timecode:
        t.append(f"   TC {tc}", style="cyan")
    if remote_error:
        t.append("   OSC API OFF", style="bold white on red")
    if show_file:
        if show_file.get("problems"):
            t.append("   SHOW FILE REFUSED (see log)", style="bold white on red")
        if show_file.get("conflict"):
            t.append("   FILE CHANGED ON DISK", style="bold black on yellow")
        if show_file.get("pending"):
            t.append("   RELOAD WAITS FOR RUNNING CUES", style="bold yellow")
    if resumed:
        t.append(f"   {resumed}", style="bold yellow")
    if faults:
        t.append(f"   faults {faults}", style="bold red")
    if unsaved:
        t.append("   ● unsaved", style="bold yellow")
    if held is not None:
        t.append(f"   programmer {held}", style="bold red")
    return t
