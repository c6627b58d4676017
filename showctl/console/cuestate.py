"""What the stage manager sees per cue: its state, times and progress, as plain data.

No Textual here: :func:`cue_rows` turns engine state into :class:`CueRow` values that
the cue stack renders and tests assert on. :class:`CueHistory` listens to the event
bus to remember how each cue last ended (done, stopped, failed).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from showctl.engine import events as ev
from showctl.engine.countdown import Countdown
from showctl.engine.engine import Engine
from showctl.engine.runs import Phase, Run
from showctl.model import show as m


class CueState(enum.StrEnum):
    IDLE = ""
    STANDBY = "standby"
    PREWAIT = "prewait"
    RUNNING = "running"
    POSTWAIT = "postwait"
    PAUSED = "paused"
    DONE = "done"
    STOPPED = "stopped"
    FAILED = "failed"


CONTINUE_MARK = {
    m.ContinueMode.NONE: "",
    m.ContinueMode.AUTO_CONTINUE: "→cont",
    m.ContinueMode.AUTO_FOLLOW: "↓follow",
}


@dataclass(frozen=True, slots=True)
class CueRow:
    """One line of the cue stack."""

    number: str
    name: str
    type: str
    depth: int
    navigable: bool
    prewait: float
    duration: float | None
    postwait: float
    continue_mode: str
    armed: bool
    state: CueState
    standby: bool
    progress: float | None
    """0..1 through the current phase (None when not running)."""
    remaining: float | None
    """Seconds left in the current phase (None when not running)."""
    reason: str = ""
    """Why the cue failed (state FAILED)."""


class CueHistory:
    """Remembers how each cue last ended; subscribe it to the session's bus."""

    def __init__(self) -> None:
        self.outcome: dict[tuple[str, str], tuple[CueState, str]] = {}
        self.faults = 0

    def __call__(self, e: ev.Event) -> None:
        if isinstance(e, ev.CueTriggered):
            self.outcome.pop((e.list, e.cue), None)
        elif isinstance(e, ev.CueCompleted):
            if self.outcome.get((e.list, e.cue), (None,))[0] is not CueState.FAILED:
                self.outcome[(e.list, e.cue)] = (CueState.DONE, "")
        elif isinstance(e, ev.CueStopped):
            if self.outcome.get((e.list, e.cue), (None,))[0] is not CueState.FAILED:
                self.outcome[(e.list, e.cue)] = (CueState.STOPPED, "")
        elif isinstance(e, ev.CueFailed):
            self.outcome[(e.list, e.cue)] = (CueState.FAILED, e.reason)
            self.faults += 1
        elif isinstance(e, ev.DriverFaulted):
            self.faults += 1


def nominal_duration(cue: m.CueBase, show: m.Show) -> float | None:
    """A cue's action time as written (light cues use the show's default fade)."""
    if isinstance(cue, m.GroupCue):
        return None
    if isinstance(cue, m.LightCue):
        up, down = cue.fade_times(show.settings.default_fade)
        return cue.delay + max(up, down, *cue.times.values())
    return cue.action_duration()


def run_progress(run: Run, now: float) -> tuple[CueState, float | None, float | None]:
    """(state, progress 0..1, seconds left) of a running cue's current phase."""
    c: Countdown | None
    if run.phase is Phase.PREWAIT and run.prewait is not None:
        c = run.prewait
        state = CueState.PREWAIT
    elif run.phase is Phase.ACTION:
        c = run.action_timer
        state = CueState.RUNNING
        if c is None:
            return (CueState.PAUSED if run.paused else state), None, None
    elif run.postwait is not None and not run.postwait.done:
        c = run.postwait
        state = CueState.POSTWAIT
    else:
        return CueState.RUNNING, 1.0, 0.0
    if run.paused:
        state = CueState.PAUSED
    assert c is not None
    left = c.remaining()
    prog = 1.0 if c.duration <= 0 else min(1.0, max(0.0, 1.0 - left / c.duration))
    return state, prog, left


def cue_rows(engine: Engine, list_name: str, history: CueHistory | None = None) -> list[CueRow]:
    """Every cue of a list (group children indented) with its live state."""
    lst = engine.lists[list_name]
    show = engine.show
    standby = lst.playhead
    rows: list[CueRow] = []
    now = engine.now()

    def add(cues: list[m.Cue], depth: int) -> None:
        for cue in cues:
            run = lst.runs.get(cue.number)
            progress = remaining = None
            reason = ""
            if run is not None:
                state, progress, remaining = run_progress(run, now)
            elif standby is cue:
                state = CueState.STANDBY
            elif history is not None and (list_name, cue.number) in history.outcome:
                state, reason = history.outcome[(list_name, cue.number)]
            else:
                state = CueState.IDLE
            rows.append(CueRow(
                number=cue.number, name=cue.name, type=str(getattr(cue, "type", "")),
                depth=depth, navigable=cue.number in lst.nav.navigable,
                prewait=cue.prewait, duration=nominal_duration(cue, show),
                postwait=cue.postwait, continue_mode=CONTINUE_MARK[cue.continue_],
                armed=engine.is_armed(list_name, cue), state=state,
                standby=standby is cue, progress=progress, remaining=remaining,
                reason=reason,
            ))
            if isinstance(cue, m.GroupCue):
                add(list(cue.cues), depth + 1)

    add(list(show.cuelists[list_name].cues), 0)
    return rows


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
