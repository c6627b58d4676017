"""How times and progress read on the console: ``1:15.0``, ``00:12:05``, ``████▌·····``."""

from __future__ import annotations


def fmt_time(seconds: float | None, *, blank_zero: bool = False) -> str:
    """``2.5`` → ``"2.5"``, ``75`` → ``"1:15.0"``; None → ``""``."""
    if seconds is None:
        return ""
    if blank_zero and seconds == 0:
        return ""
    if seconds < 60:
        return f"{seconds:.1f}"
    minutes, secs = divmod(seconds, 60)
    if minutes < 60:
        return f"{int(minutes)}:{secs:04.1f}"
    hours, minutes = divmod(int(minutes), 60)
    return f"{hours}:{minutes:02d}:{secs:04.1f}"


def fmt_clock(seconds: float) -> str:
    """Show time as ``HH:MM:SS``."""
    s = max(0, int(seconds))
    return f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"


def bar(progress: float, width: int = 10) -> str:
    """A text progress bar with eighth-block resolution."""
    progress = min(1.0, max(0.0, progress))
    eighths = round(progress * width * 8)
    full, part = divmod(eighths, 8)
    partial = " ▏▎▍▌▋▊▉"[part] if part and full < width else ""
    return ("█" * full + partial).ljust(width, "·")
