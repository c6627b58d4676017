"""The numbers of a rehearsal report: cue, section and deviation timings from a run log.

``build_report(runlog, show=None, against=None)`` works out the numbers; the renderers
(:mod:`showctl.report.text`, :mod:`showctl.report.html_page`) only lay them out. The
rules (also in docs/reports.md):

* **Running time** runs from the first cue fired (normally the first GO) to the end of
  the last cue run; a cue still running when the recording ended ends with it.
* **Sections** start at the top-level memo cues of the main list ("Act 1",
  "Interval"…); cues before the first memo make a leading section, and a main list
  without a top-level memo is one section. A section starts when its first cue fires
  and runs until the next section starts (the last one: until the end of the run).
* **Late / early against the plan**: planned start = triggered + prewait; a cue whose
  action started more than ``tolerance`` seconds away from it (a pause during its
  prewait, say) is listed.
* **Against the last run** (``against``): the n-th run of each cue is matched with the
  n-th run of the same cue (list and number) in the previous run log. A cue's *shift*
  is how much later (or earlier) it started than last time, **less the difference the
  cue fired just before it already had** (by trigger time): one late GO is reported
  once, at the cue it fired, and not again for every cue after it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from showctl.model import schedule
from showctl.model import show as m
from showctl.report.formatting import DEFAULT_TOLERANCE, _date
from showctl.runlog import (
    CrashRecord,
    FailureRecord,
    FaultRecord,
    GoRecord,
    PanicRecord,
    RunLog,
    load_runlog,
)

# ---------------------------------------------------------------------------- the numbers


@dataclass(frozen=True, slots=True)
class CueTiming:
    list: str
    cue: str
    name: str
    depth: int
    """0 for a top-level cue, 1 inside a group, …"""
    section: int | None
    triggered: float
    planned: float
    started: float | None
    ended: float | None
    how: str
    failed: str | None = None
    previous: float | None = None
    """When the same run of this cue started in the ``against`` run log."""
    carried: float = 0.0
    """How much later than last time the cue fired before this one was triggered."""

    @property
    def duration(self) -> float | None:
        if self.started is None or self.ended is None:
            return None
        return self.ended - self.started

    @property
    def late(self) -> float | None:
        """Actual start minus planned start (negative = early)."""
        return None if self.started is None else self.started - self.planned

    @property
    def vs_last(self) -> float | None:
        """The shift against the last run: actual start minus the last run's start, less
        what the cue fired before it had already carried (negative = earlier)."""
        if self.started is None or self.previous is None:
            return None
        return self.started - self.previous - self.carried


@dataclass(frozen=True, slots=True)
class SectionTiming:
    index: int
    cue: str | None
    name: str
    start: float | None
    end: float | None

    @property
    def running(self) -> float | None:
        if self.start is None or self.end is None:
            return None
        return self.end - self.start


@dataclass(frozen=True, slots=True)
class Deviation:
    list: str
    cue: str
    name: str
    expected: float
    actual: float
    carried: float = 0.0
    """Against the last run: the shift the cue fired before this one already had."""

    @property
    def delta(self) -> float:
        return self.actual - self.expected - self.carried

    @property
    def word(self) -> str:
        return "late" if self.delta > 0 else "early"


@dataclass(slots=True)
class Report:
    title: str
    venue: str
    show_path: str | None
    mode: str
    started: datetime
    """Wall clock at show time 0."""
    recorded: float
    """Show time at which the recording ended."""
    start: float | None
    end: float | None
    tolerance: float
    sections: list[SectionTiming] = field(default_factory=list)
    cues: list[CueTiming] = field(default_factory=list)
    late_vs_plan: list[Deviation] = field(default_factory=list)
    late_vs_last: list[Deviation] = field(default_factory=list)
    missing_vs_last: list[tuple[str, str, str]] = field(default_factory=list)
    """(list, cue, name) of cues that ran last time but not this time."""
    not_run: list[tuple[str, str, str]] = field(default_factory=list)
    """(list, cue, name) of the show's cues that never fired (needs ``show``)."""
    gos: list[GoRecord] = field(default_factory=list)
    faults: list[FaultRecord] = field(default_factory=list)
    failures: list[FailureRecord] = field(default_factory=list)
    panics: list[PanicRecord] = field(default_factory=list)
    crashes: list[CrashRecord] = field(default_factory=list)
    """Gaps: the engine crashed and the run was resumed (docs/journal.md)."""
    against: str | None = None
    """Describes the previous run compared with (path or date), when there was one."""
    against_started: datetime | None = None
    schedule: dict[str, Any] | None = None
    """The run of show, planned vs actual per segment (needs ``show`` with segments):
    :func:`showctl.model.schedule.progress` of the finished run."""

    @property
    def running_time(self) -> float | None:
        if self.start is None or self.end is None:
            return None
        return self.end - self.start

    @property
    def ignored_gos(self) -> list[GoRecord]:
        return [g for g in self.gos if g.rejected]

    def wall(self, t: float) -> datetime:
        from datetime import timedelta

        return self.started + timedelta(seconds=t)


def build_report(
    runlog: RunLog | str | Path,
    show: m.Show | None = None,
    against: RunLog | str | Path | None = None,
    *,
    tolerance: float = DEFAULT_TOLERANCE,
) -> Report:
    """Work out a report from a run log (a path or a loaded :class:`RunLog`).

    ``show`` (optional) adds the cues that never fired; ``against`` (a previous run log)
    adds the comparison with the last run."""
    log = runlog if isinstance(runlog, RunLog) else load_runlog(runlog)
    prev: RunLog | None = None
    against_label = None
    if against is not None:
        if isinstance(against, RunLog):
            prev = against
            against_label = f"run of {_date(against.started)}"
        else:
            prev = load_runlog(against)
            against_label = f"{Path(against).name}, run of {_date(prev.started)}"

    previous: dict[tuple[str, str, int], tuple[float, float | None]] = {}
    if prev is not None:
        seen: dict[tuple[str, str], int] = {}
        for c in prev.cues:
            n = seen.get((c.list, c.cue), 0)
            seen[(c.list, c.cue)] = n + 1
            previous[(c.list, c.cue, n)] = (c.triggered, c.started)

    parents = {(c.list, c.cue): c.parent for c in log.cues}
    if show is not None:
        parents.update({(ln, c.number): (p.number if p else None) for ln, c, p in show.walk()})

    def depth(lst: str, cue: str) -> int:
        d, p = 0, parents.get((lst, cue))
        while p is not None and d < 50:
            d, p = d + 1, parents.get((lst, p))
        return d

    cues: list[CueTiming] = []
    counts: dict[tuple[str, str], int] = {}
    carried = 0.0  # trigger-time difference of the last cue fired that both runs have
    for c in log.cues:  # in the order they fired
        n = counts.get((c.list, c.cue), 0)
        counts[(c.list, c.cue)] = n + 1
        before = previous.get((c.list, c.cue, n))
        cues.append(CueTiming(
            list=c.list, cue=c.cue, name=c.name, depth=depth(c.list, c.cue),
            section=c.section, triggered=c.triggered, planned=c.planned, started=c.started,
            ended=c.ended, how=c.how, failed=c.failed,
            previous=before[1] if before else None, carried=carried,
        ))
        if before is not None:
            carried = c.triggered - before[0]

    fired = [c.triggered for c in cues]
    start = min(fired) if fired else None
    ends = [c.ended if c.ended is not None else log.ended for c in cues]
    end = max(ends) if ends else None

    report = Report(
        title=log.show.title, venue=log.show.venue, show_path=log.show.path, mode=log.mode,
        started=log.started, recorded=log.ended, start=start, end=end, tolerance=tolerance,
        cues=cues, gos=list(log.gos), faults=list(log.faults), failures=list(log.failures),
        panics=list(log.panics), crashes=list(log.crashes), against=against_label,
        against_started=prev.started if prev is not None else None,
    )
    report.sections = _sections(log, cues, end)
    for t in cues:
        if t.started is None:
            continue
        if t.late is not None and abs(t.late) > tolerance + 1e-9:
            report.late_vs_plan.append(Deviation(t.list, t.cue, t.name, t.planned, t.started))
        if t.vs_last is not None and abs(t.vs_last) > tolerance + 1e-9:
            assert t.previous is not None
            report.late_vs_last.append(
                Deviation(t.list, t.cue, t.name, t.previous, t.started, t.carried))
    if prev is not None:
        ran_now = {(c.list, c.cue) for c in cues}
        missing: dict[tuple[str, str], str] = {}
        for c in prev.cues:
            if (c.list, c.cue) not in ran_now:
                missing.setdefault((c.list, c.cue), c.name)
        report.missing_vs_last = [(lst, cue, name) for (lst, cue), name in missing.items()]
    if show is not None:
        ran = {(c.list, c.cue) for c in cues}
        report.not_run = [(ln, c.number, c.name) for ln, c, _ in show.walk()
                          if (ln, c.number) not in ran]
        report.schedule = _schedule(show, log, cues, end)
    return report


def _schedule(show: m.Show, log: RunLog, cues: list[CueTiming],
              end: float | None) -> dict[str, Any] | None:
    plan = schedule.plan(show)
    if not plan:
        return None
    starts: dict[tuple[str, str], float] = {}
    for c in cues:
        starts.setdefault((c.list, c.cue), c.triggered)
    midnight = log.started.replace(hour=0, minute=0, second=0, microsecond=0)
    gos = [g.at for g in log.gos if not g.rejected]
    return schedule.progress(plan, starts, end if end is not None else log.ended,
                             wall_start=(log.started - midnight).total_seconds(),
                             show_start=min(gos) if gos else None, live=False)


def _sections(log: RunLog, cues: list[CueTiming], end: float | None) -> list[SectionTiming]:
    # A section starts when its first cue fires; it ends when the next one starts.
    starts: dict[int, float] = {}
    for c in cues:
        if c.section is not None:
            starts[c.section] = min(starts.get(c.section, c.triggered), c.triggered)
    order = sorted(starts, key=lambda i: (starts[i], i))
    ends: dict[int, float | None] = {}
    for pos, i in enumerate(order):
        ends[i] = starts[order[pos + 1]] if pos + 1 < len(order) else end
    return [SectionTiming(i, s.cue, s.name, starts.get(i), ends.get(i))
            for i, s in enumerate(log.sections)]
