"""One running instance of a cue: its phase, its countdowns, its action and children.

A run goes PREWAIT → ACTION → FINISHED. Its postwait countdown (for auto-continue) runs
beside the action and may outlive it. Pausing a run pauses every countdown it owns, its
action and its children; resuming continues each where it stopped.
"""

from __future__ import annotations

import enum
from typing import Protocol

from showctl.engine.countdown import Countdown
from showctl.model import show as m


class Phase(enum.StrEnum):
    PREWAIT = "prewait"
    ACTION = "action"
    FINISHED = "finished"


class Action(Protocol):
    """What a cue does once its prewait is over.

    ``duration`` is known when the action is built (shown in countdowns); ``None`` means
    unknown in advance (a group). An action with ``self_ending`` calls
    ``engine.end_action(run)`` itself, after its last output, so "completed" never
    comes before the final value is sent; otherwise the engine ends it after
    ``duration``.
    """

    duration: float | None
    self_ending: bool

    def start(self) -> None: ...

    def pause(self) -> None: ...

    def resume(self) -> None: ...

    def stop(self) -> None: ...

    def fade_out(self, duration: float) -> None: ...


class NoAction:
    """Memo, wait and control cues: nothing to pause or stop beyond the countdown."""

    self_ending = False

    def __init__(self, duration: float = 0.0) -> None:
        self.duration: float | None = duration

    def start(self) -> None:
        pass

    def pause(self) -> None:
        pass

    def resume(self) -> None:
        pass

    def stop(self) -> None:
        pass

    def fade_out(self, duration: float) -> None:
        pass


class Run:
    def __init__(self, list_name: str, cue: m.CueBase, parent: Run | None) -> None:
        self.list = list_name
        self.cue = cue
        self.parent = parent
        self.phase = Phase.PREWAIT
        self.paused = False
        self.prewait: Countdown | None = None
        self.action_timer: Countdown | None = None
        self.postwait: Countdown | None = None
        self.action: Action | None = None
        self.children: list[Run] = []
        self.triggered_at = 0.0
        self.due: float | None = None
        """Clock time this run was ideally triggered at (a continue's deadline), so a
        chain's timings count from its first GO, not from late wake-ups."""
        self.by_go = False
        """Fired by a GO (not by a continue, a trigger or a control cue)."""
        self.seq_start = float("inf")
        """Show time of the GO that began this run's cue sequence (inf: no GO began it,
        e.g. a Start cue or a trigger)."""
        """Fired by a GO (not by a continue, a trigger or a control cue)."""
        self.started_at: float | None = None
        self.duration: float | None = None
        self.starting = False
        """Set while a timeline group starts its children."""
        self.stopping = False
        """Set while the run stops its children, so a playlist does not start the next."""
        self.next_child = 0
        """Playlist groups: index of the next child to start."""

    @property
    def number(self) -> str:
        return self.cue.number

    def countdowns(self) -> list[Countdown]:
        return [c for c in (self.prewait, self.action_timer, self.postwait) if c is not None]

    def pending(self) -> bool:
        """Whether anything of this run is still to happen (action or a continue)."""
        if self.phase is not Phase.FINISHED:
            return True
        return self.postwait is not None and not self.postwait.done

    def elapsed(self, now: float) -> float:
        """Action time elapsed (0 during prewait)."""
        if self.action_timer is not None:
            return self.action_timer.elapsed()
        if self.started_at is None:
            return 0.0
        return now - self.started_at
