"""The run of show: segments with planned starts and lengths, and planned vs actual.

A cue (typically a memo or a group that opens a part of the event) carries
``segment: "Keynote"``, a ``planned_start`` and a ``planned_length``:

- ``planned_start: "19:50"`` (or ``"19:50:30"``) is a **time of day**;
  ``planned_start: "+15:00"`` (or ``"+15m"``, or a number of seconds) is an **offset**
  from the start of the show. One show uses one kind.
- ``planned_length: "30:00"`` (any show-file time). Left out: up to the next planned
  start. A segment without a planned start starts when the one before it is planned to
  end; the first one without: at offset 0.

:func:`plan` turns a show into :class:`Segment` rows on one **plan axis** (seconds since
midnight for times of day, seconds since the show start for offsets); :func:`progress`
puts actual starts (engine show times of the segments' cues) beside them: each
segment's start and length deltas, the **over/under** total (how late the next segment
would start if the show moved on now: positive = behind), the countdown to the next
planned start and the current segment's elapsed and remaining time. It is plain
arithmetic, the same for the live state stream, replays and reports.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from showctl.model.timevalue import parse_seconds

DAY = 86400.0
_TIME_OF_DAY = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}(?:\.\d+)?))?$")


def parse_planned_start(value: Any) -> tuple[float, bool]:
    """``(seconds, time_of_day)``: ``"19:50"`` → (71400, True); ``"+15:00"``, ``"+15m"``
    or ``900`` → (900, False). Raises ``ValueError`` with a sentence for anything else."""
    if isinstance(value, bool):
        raise ValueError("planned_start: write a time of day ('19:50') or an offset "
                         "from the show start ('+15:00')")
    if isinstance(value, int | float):
        return parse_seconds(value), False
    if not isinstance(value, str):
        raise ValueError("planned_start: write a time of day ('19:50') or an offset "
                         "from the show start ('+15:00')")
    text = value.strip()
    if text.startswith("+"):
        try:
            return parse_seconds(text[1:].strip()), False
        except ValueError as exc:
            raise ValueError(f"planned_start {value!r}: {exc}") from None
    m = _TIME_OF_DAY.match(text)
    if m is None:
        raise ValueError(f"planned_start {value!r}: write a time of day ('19:50', "
                         "'19:50:30') or an offset from the show start ('+15:00', '+15m')")
    h, mi, s = int(m.group(1)), int(m.group(2)), float(m.group(3) or 0)
    if not (h < 24 and mi < 60 and s < 60):
        raise ValueError(f"planned_start {value!r} is not a time of day (00:00 to 23:59:59)")
    return h * 3600.0 + mi * 60.0 + s, True


@dataclass(frozen=True, slots=True)
class Segment:
    """One segment of the run of show, on the plan axis."""

    name: str
    list: str
    cue: str
    start: float
    """Planned start: seconds since midnight (time of day) or since the show start."""
    length: float | None
    """Planned length (None: the last segment, with no length given)."""
    start_given: bool = True
    """False when the start was worked out from the segment before."""


@dataclass(frozen=True, slots=True)
class Plan:
    segments: tuple[Segment, ...]
    time_of_day: bool

    def __bool__(self) -> bool:
        return bool(self.segments)


@dataclass(frozen=True, slots=True)
class RawSegment:
    """A segment as written (for :func:`plan` and the checks)."""

    name: str
    list: str
    cue: str
    start: tuple[float, bool] | None
    length: float | None
    where: Any = None
    """Whatever locates it for an error message (a path into the raw data)."""


def build_plan(raw: Iterable[RawSegment]) -> tuple[Plan, list[tuple[Any, str]]]:
    """The plan, and the problems found on the way: ``(where, message)`` — starts out of
    order, overlapping segments, times of day mixed with offsets."""
    rows = list(raw)
    problems: list[tuple[Any, str]] = []
    first = next((r.start for r in rows if r.start is not None), None)
    time_of_day = first is not None and first[1]
    for r in rows:
        if r.start is not None and r.start[1] != time_of_day:
            problems.append((r.where, f"segment {r.name!r}: planned_start mixes a "
                             f"{'time of day' if r.start[1] else 'show offset'} with the "
                             f"{'times of day' if time_of_day else 'show offsets'} of the "
                             "segments before it; use one kind"))
    out: list[Segment] = []
    prev_end: float | None = None
    prev: RawSegment | None = None
    for r in rows:
        given = r.start is not None and r.start[1] == time_of_day
        if given:
            assert r.start is not None
            start = r.start[0]
            if time_of_day and out and start < out[-1].start - DAY / 2:
                start += DAY  # past midnight
            if out and start < out[-1].start:
                before = format_plan_time(out[-1].start, time_of_day)
                problems.append((r.where, f"segment {r.name!r} is planned at "
                                 f"{format_plan_time(start, time_of_day)}, before "
                                 f"{out[-1].name!r} ({before}): planned starts go in show "
                                 "order"))
            elif prev_end is not None and start < prev_end - 1e-9 and prev is not None:
                problems.append((r.where, f"segment {r.name!r} at "
                                 f"{format_plan_time(start, time_of_day)} overlaps "
                                 f"{prev.name!r}, planned until "
                                 f"{format_plan_time(prev_end, time_of_day)}"))
        elif prev_end is not None:
            start = prev_end
        elif out:
            start = out[-1].start
        else:
            start = 0.0
        if out and out[-1].length is None:
            last = out[-1]
            out[-1] = Segment(last.name, last.list, last.cue, last.start,
                              max(0.0, start - last.start), last.start_given)
        out.append(Segment(r.name, r.list, r.cue, start, r.length, given))
        prev_end = None if r.length is None else start + r.length
        prev = r
    return Plan(tuple(out), time_of_day), problems


def raw_segments(show: Any) -> Iterator[RawSegment]:
    """The segments of a validated show (:class:`showctl.model.show.Show`), in show
    order: every cue of every list, depth first, that has a ``segment``."""
    for lname, cue, _ in show.walk():
        name = getattr(cue, "segment", None)
        if name is None:
            continue
        ps = getattr(cue, "planned_start", None)
        yield RawSegment(name=name, list=lname, cue=cue.number,
                         start=None if ps is None else parse_planned_start(ps),
                         length=getattr(cue, "planned_length", None))


def plan(show: Any) -> Plan:
    """The run of show of a validated show (empty when no cue has a ``segment``)."""
    return build_plan(raw_segments(show))[0]


def check_raw(cues: Iterable[tuple[str, Any, dict[str, Any]]]) -> list[tuple[Any, str]]:
    """Problems of the planned times in raw show data: ``(path, message)``."""
    rows: list[RawSegment] = []
    problems: list[tuple[Any, str]] = []
    for lname, path, cue in cues:
        has = [k for k in ("segment", "planned_start", "planned_length") if k in cue]
        if not has:
            continue
        if "segment" not in cue:
            problems.append(((*path, has[0]), f"{has[0]} needs a 'segment' name on the same "
                             "cue"))
            continue
        try:
            start = (parse_planned_start(cue["planned_start"])
                     if cue.get("planned_start") is not None else None)
            length = (parse_seconds(cue["planned_length"])
                      if cue.get("planned_length") is not None else None)
        except ValueError:
            continue  # the schema reports it
        where = (*path, "planned_start") if "planned_start" in cue else (*path, "segment")
        rows.append(RawSegment(str(cue["segment"]), lname, str(cue.get("number")), start,
                               length, where))
    problems.extend(build_plan(rows)[1])
    return problems


# ------------------------------------------------------------------ planned vs actual


def progress(
    the_plan: Plan,
    starts: Mapping[tuple[str, str], float],
    now: float,
    *,
    wall_start: float | None = None,
    show_start: float | None = None,
    live: bool = True,
) -> dict[str, Any]:
    """Planned vs actual at show time ``now``, as JSON.

    ``starts``: engine show time at which each segment's cue was first fired, by
    ``(list, cue)``. ``wall_start``: the wall clock at show time 0 in seconds since
    midnight (a time-of-day plan needs it). ``show_start``: show time of the first GO
    (an offset plan counts from the first segment's start, or from it). ``live``: the
    last started segment runs on until ``now`` (a report of a finished run: False, its
    length is ``now - start``).

    Plan-axis values (``planned_start``, ``actual_start``, ``now``) are seconds since
    midnight for a time-of-day plan, else since the show start; lengths and deltas are
    seconds, deltas positive when late or long.
    """
    segs = the_plan.segments
    origin: float | None = None  # engine time of plan time 0
    if the_plan.time_of_day:
        if wall_start is not None:
            origin = -wall_start
    else:
        first = next(((i, starts[(s.list, s.cue)]) for i, s in enumerate(segs)
                      if (s.list, s.cue) in starts), None)
        if first is not None:
            origin = first[1] - segs[first[0]].start
        elif show_start is not None:
            origin = show_start - (segs[0].start if segs else 0.0)

    def axis(t: float) -> float | None:
        return None if origin is None else t - origin

    actual = [starts.get((s.list, s.cue)) for s in segs]
    current: int | None = None
    for i, a in enumerate(actual):
        if a is not None and (current is None or a >= (actual[current] or 0.0)):
            current = i
    rows = []
    for i, s in enumerate(segs):
        a = actual[i]
        later = [x for x in actual[i + 1:] if x is not None and a is not None and x >= a]
        end = min(later) if later else None
        state = "planned"
        length: float | None = None
        if a is not None:
            if end is not None:
                state, length = "done", end - a
            elif i == current and live:
                state, length = "running", now - a
            else:
                state, length = "done", now - a
        a_axis = None if a is None else axis(a)
        rows.append({
            "name": s.name, "list": s.list, "cue": s.cue,
            "planned_start": s.start, "planned_length": s.length,
            "actual_start": a_axis, "actual_length": length,
            "start_delta": None if a_axis is None else a_axis - s.start,
            "length_delta": (None if length is None or s.length is None or state == "running"
                             else length - s.length),
            "state": state,
        })
    now_axis = axis(now)
    over: float | None = None
    elapsed = remaining = next_in = None
    nxt: int | None = None
    if current is None:
        nxt = 0 if segs else None
        if now_axis is not None and segs:
            over = max(0.0, now_axis - segs[0].start)
    else:
        a = actual[current]
        assert a is not None
        delta = rows[current]["start_delta"]
        elapsed = now - a
        length = segs[current].length
        if live:
            remaining = None if length is None else length - elapsed
        if isinstance(delta, float):
            over = delta + (0.0 if length is None else
                            max(0.0, elapsed - length) if live else elapsed - length)
        nxt = current + 1 if current + 1 < len(segs) else None
    if nxt is not None and now_axis is not None:
        next_in = segs[nxt].start - now_axis
    return {
        "time_of_day": the_plan.time_of_day, "now": now_axis, "current": current,
        "next": nxt, "over": over, "next_in": next_in, "elapsed": elapsed,
        "remaining": remaining, "segments": rows,
    }


def replay_progress(the_plan: Plan, trace: Iterable[Mapping[str, Any]],
                    end: float) -> dict[str, Any] | None:
    """Planned vs actual of a replay (a trace: ``cue_triggered`` lines with ``t``). A
    replay has no wall clock: a time-of-day plan is lined up so the first segment that
    ran started on time, and the rest is measured against it."""
    if not the_plan:
        return None
    starts: dict[tuple[str, str], float] = {}
    gos: list[float] = []
    for line in trace:
        if line.get("kind") == "cue_triggered":
            starts.setdefault((str(line["list"]), str(line["cue"])), float(line["t"]))
        elif line.get("kind") == "go":
            gos.append(float(line["t"]))
    wall = None
    if the_plan.time_of_day:
        first = next(((s.start, starts[(s.list, s.cue)]) for s in the_plan.segments
                      if (s.list, s.cue) in starts), None)
        if first is None and gos:
            first = (the_plan.segments[0].start, min(gos))
        wall = None if first is None else first[0] - first[1]
    return progress(the_plan, starts, end, wall_start=wall,
                    show_start=min(gos) if gos else None, live=False)


def summary_lines(sc: Mapping[str, Any]) -> list[str]:
    """The run of show as text: planned vs actual, over/under each and in total."""
    tod = bool(sc["time_of_day"])
    out = ["Run of show",
           f"  {'segment':<24} {'planned':>9} {'length':>8} {'actual':>9} {'length':>8} "
           f"{'start':>8} {'over':>8}"]
    for g in sc["segments"]:
        out.append(f"  {g['name'][:24]:<24} {format_plan_time(g['planned_start'], tod):>9} "
                   f"{format_length(g['planned_length']):>8} "
                   f"{format_plan_time(g['actual_start'], tod):>9} "
                   f"{format_length(g['actual_length']):>8} "
                   f"{format_delta(g['start_delta']):>8} {format_delta(g['length_delta']):>8}")
    out.append(f"  {'over/under in total':<24} {format_delta(sc['over']):>56}")
    return out


def format_plan_time(t: float | None, time_of_day: bool) -> str:
    """A plan-axis time: ``19:50`` (``19:50:30``) of day, or ``+15:00`` from the start."""
    if t is None:
        return "-"
    if time_of_day:
        t %= DAY
        h, rest = divmod(round(t), 3600)
        mi, s = divmod(rest, 60)
        return f"{h:02d}:{mi:02d}" + (f":{s:02d}" if s else "")
    return "+" + format_length(t)


def format_length(t: float | None) -> str:
    """``1:05:00``, ``30:00``, ``0:45`` (whole seconds)."""
    if t is None:
        return "-"
    sign = "-" if t < 0 else ""
    n = round(abs(t))
    h, rest = divmod(n, 3600)
    mi, s = divmod(rest, 60)
    return f"{sign}{h}:{mi:02d}:{s:02d}" if h else f"{sign}{mi}:{s:02d}"


def format_delta(t: float | None) -> str:
    """Over/under: ``+2:00`` late, ``-1:30`` early, ``0:00`` on time."""
    if t is None:
        return "-"
    if round(t) == 0:
        return "0:00"
    return ("+" if t > 0 else "") + format_length(t)
