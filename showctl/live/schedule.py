"""The run of show, live: when each segment's cue actually fired, planned vs actual.

:class:`ScheduleTracker` listens to the engine's events for the first firing of each
segment's cue and computes the ``schedule`` of the state stream with
:func:`showctl.model.schedule.progress` (docs/api.md, docs/web.md).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from showctl.engine import events as ev
from showctl.model import schedule
from showctl.model import show as m


class ScheduleTracker:
    """Subscribe it to the session's bus; :meth:`state` gives the JSON of the stream."""

    def __init__(self) -> None:
        self.starts: dict[tuple[str, str], float] = {}
        self._plan: tuple[int, schedule.Plan] | None = None

    def __call__(self, e: ev.Event) -> None:
        if isinstance(e, ev.CueTriggered):
            self.starts.setdefault((e.list, e.cue), e.t)

    def plan(self, show: m.Show) -> schedule.Plan:
        if self._plan is None or self._plan[0] != id(show):
            self._plan = (id(show), schedule.plan(show))
        return self._plan[1]

    def state(self, show: m.Show, now: float, *, wall_start: datetime | None,
              show_start: float | None) -> dict[str, Any] | None:
        """None when the show has no segments."""
        p = self.plan(show)
        if not p:
            return None
        wall = None
        if wall_start is not None:
            midnight = wall_start.replace(hour=0, minute=0, second=0, microsecond=0)
            wall = (wall_start - midnight).total_seconds()
        return schedule.progress(p, self.starts, now, wall_start=wall, show_start=show_start)
