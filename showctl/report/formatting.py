"""Show times, differences, dates and cue outcomes as short text, for both renderers."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from showctl.report.model import CueTiming, Deviation, Report

DEFAULT_TOLERANCE = 0.1
"""Seconds a cue may be off its reference before the report lists it."""


def fmt_time(t: float | None) -> str:
    """Show time as m:ss.s (h:mm:ss.s from an hour on); '-' for none."""
    if t is None:
        return "-"
    sign = "-" if t < 0 else ""
    tenths = round(abs(t) * 10)
    s, tenth = divmod(tenths, 10)
    h, rest = divmod(s, 3600)
    mins, secs = divmod(rest, 60)
    if h:
        return f"{sign}{h}:{mins:02d}:{secs:02d}.{tenth}"
    return f"{sign}{mins}:{secs:02d}.{tenth}"


def fmt_delta(d: float | None) -> str:
    """A signed difference: '+0.70 s', '-1:02.3'."""
    if d is None:
        return ""
    if abs(d) < 60:
        return f"{d:+.2f} s"
    return ("+" if d > 0 else "-") + fmt_time(abs(d))


def _date(d: datetime) -> str:
    return d.strftime("%Y-%m-%d %H:%M:%S")


def _clock(report: Report, t: float | None) -> str:
    return "-" if t is None else report.wall(t).strftime("%H:%M:%S")


def _how(c: CueTiming) -> str:
    words = {"completed": "", "stopped": "stopped", "running": "still running"}
    out = words.get(c.how, c.how)
    if c.failed:
        out = f"{out}, FAILED" if out else "FAILED"
    return out


def _carried(d: Deviation) -> str:
    if abs(d.carried) < 0.0005:
        return ""
    return f" ({fmt_delta(d.carried)} from the cues before)"
