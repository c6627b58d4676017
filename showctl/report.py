"""Rehearsal reports from run logs: text for the terminal, one HTML file to hand round.

``build_report(runlog, show=None, against=None)`` works out the numbers; the renderers
only lay them out. The rules (also in docs/reports.md):

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

import argparse
import html
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from showctl.model import show as m
from showctl.model.problems import ShowFileError
from showctl.runlog import (
    FailureRecord,
    FaultRecord,
    GoRecord,
    PanicRecord,
    RunLog,
    load_runlog,
)

DEFAULT_TOLERANCE = 0.1


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
    against: str | None = None
    """Describes the previous run compared with (path or date), when there was one."""
    against_started: datetime | None = None

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
        panics=list(log.panics), against=against_label,
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
    return report


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


# ---------------------------------------------------------------------------- formatting


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


# ---------------------------------------------------------------------------- text


def render_text(report: Report) -> str:
    r = report
    out: list[str] = []
    title = r.title + (f" — {r.venue}" if r.venue else "")
    out.append(title)
    out.append("=" * len(title))
    source = f" of {r.show_path}" if r.show_path else ""
    out.append(f"Run of {_date(r.started)} ({r.mode}{source})")
    if r.running_time is not None:
        out.append(f"Running time {fmt_time(r.running_time)}  (first cue {_clock(r, r.start)}, "
                   f"last cue ended {_clock(r, r.end)})")
    else:
        out.append("Nothing ran.")
    out.append("")

    out.append("Sections")
    out.append(f"  {'section':<28} {'up':>9} {'down':>9} {'running':>9}  clock")
    for s in r.sections:
        label = (f"{s.cue} " if s.cue else "") + s.name
        if s.start is None:
            out.append(f"  {label[:28]:<28} {'not run':>9}")
            continue
        out.append(f"  {label[:28]:<28} {fmt_time(s.start):>9} {fmt_time(s.end):>9} "
                   f"{fmt_time(s.running):>9}  {_clock(r, s.start)}–{_clock(r, s.end)}")
    out.append("")

    vs = r.against is not None
    out.append("Cues")
    head = (f"  {'list':<9}{'cue':<8}{'name':<30}{'planned':>9}{'actual':>9}{'end':>9}"
            f"{'length':>9}{'vs plan':>10}" + (f"{'vs last':>10}" if vs else ""))
    out.append(head)
    for c in r.cues:
        name = ("  " * c.depth + c.name)[:29]
        late = c.late if c.late is not None and abs(c.late) > r.tolerance + 1e-9 else None
        last = c.vs_last if c.vs_last is not None and abs(c.vs_last) > r.tolerance + 1e-9 \
            else None
        length = "" if c.duration is None else f"{c.duration:.1f}"
        line = (f"  {c.list[:8]:<9}{c.cue[:7]:<8}{name:<30}{fmt_time(c.planned):>9}"
                f"{fmt_time(c.started):>9}{fmt_time(c.ended):>9}{length:>9}"
                f"{fmt_delta(late):>10}" + (f"{fmt_delta(last):>10}" if vs else ""))
        how = _how(c)
        out.append(line + (f"  {how}" if how else ""))
    out.append("")

    out.append(f"Late or early against the plan (planned = triggered + prewait; "
               f"tolerance {r.tolerance:g} s)")
    out.extend(_deviation_lines(r.late_vs_plan, "planned") or ["  none"])
    if r.against is not None:
        out.append("")
        out.append(f"Against the last run ({r.against}; tolerance {r.tolerance:g} s)")
        out.extend(_deviation_lines(r.late_vs_last, "last run") or ["  none"])
        for lst, cue, name in r.missing_vs_last:
            out.append(f"  {lst} {cue} {name}: ran last time, not this time")
    if r.not_run:
        out.append("")
        out.append("Not run")
        out.extend(f"  {lst} {cue} {name}" for lst, cue, name in r.not_run)
    out.append("")
    out.append("GOs ignored")
    out.extend([f"  {fmt_time(g.at):>9}  {g.list}: {g.rejected}" for g in r.ignored_gos]
               or ["  none"])
    out.append("Panics")
    out.extend([f"  {fmt_time(p.at):>9}  " + ("hard stop" if p.hard else
                                                f"fade out over {p.duration:g} s")
                for p in r.panics] or ["  none"])
    out.append("Faults")
    out.extend([f"  {fmt_time(f.at):>9}  {f.output}: {f.reason}" for f in r.faults]
               or ["  none"])
    if r.failures:
        out.append("Cue failures")
        out.extend(f"  {fmt_time(f.at):>9}  {f.list} {f.cue}: {f.reason}" for f in r.failures)
    return "\n".join(line.rstrip() for line in out) + "\n"


def _carried(d: Deviation) -> str:
    if abs(d.carried) < 0.0005:
        return ""
    return f" ({fmt_delta(d.carried)} from the cues before)"


def _deviation_lines(devs: Iterable[Deviation], what: str) -> list[str]:
    return [f"  {d.list} {d.cue} {d.name}: {what} {fmt_time(d.expected)}{_carried(d)}, "
            f"started {fmt_time(d.actual)} — {abs(d.delta):.2f} s {d.word}" for d in devs]


# ---------------------------------------------------------------------------- HTML

# The timeline's geometry (pixels). Tests read them back from the SVG's data- attributes.
LABEL_W = 280.0
PLOT_W = 900.0
RIGHT_PAD = 30.0
AXIS_H = 34.0
ROW_H = 18.0
BAR_H = 12.0

_CSS = """
body { font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1d1d1f;
  margin: 2em auto; max-width: 1260px; padding: 0 1em; }
h1 { font-size: 1.6em; margin: 0 0 .2em; } h2 { font-size: 1.15em; margin: 1.6em 0 .4em; }
.meta { color: #555; margin: 0; }
table { border-collapse: collapse; margin: .3em 0; }
th, td { padding: 2px 10px 2px 0; text-align: left; vertical-align: top; }
th { border-bottom: 1px solid #999; font-weight: 600; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
tr.late td.dev { color: #b00020; font-weight: 600; }
tr.early td.dev { color: #0b6bcb; font-weight: 600; }
td.dev.late { color: #b00020; font-weight: 600; }
td.dev.early { color: #0b6bcb; font-weight: 600; }
.none { color: #777; font-style: italic; }
.fault, .panic { color: #b00020; }
svg { font: 11px system-ui, sans-serif; }
svg .bar { fill: #3b7dd8; }
svg .bar.stopped { fill: #d88b3b; }
svg .bar.running { fill: #8fb5ea; }
svg .bar.failed { fill: #b00020; }
svg .instant { stroke: #3b7dd8; stroke-width: 2; }
svg .prewait { stroke: #888; stroke-width: 1; stroke-dasharray: 2 2; }
svg .go { stroke: #2e8b57; stroke-width: 1; }
svg .go.rejected { stroke: #aaa; stroke-dasharray: 3 3; }
svg .panicmark { stroke: #b00020; stroke-width: 2; }
svg .faultmark { stroke: #e07b00; stroke-width: 2; stroke-dasharray: 4 2; }
svg .axis { stroke: #333; } svg .tick { stroke: #999; } svg .grid { stroke: #eee; }
svg .band0 { fill: #f6f8fb; } svg .band1 { fill: #eef2f8; }
svg .label { fill: #222; } svg .label.child { fill: #555; }
svg .sectionlabel { fill: #345; font-weight: 600; }
@media print { body { margin: 0; max-width: none; } }
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _n(v: float) -> str:
    return f"{v:.3f}"


def render_html(report: Report) -> str:
    """One self-contained HTML file (inline CSS and SVG, no scripts, no external links)."""
    r = report
    parts: list[str] = []
    add = parts.append
    add("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n")
    add(f"<title>{_e(r.title)} — run of {_e(_date(r.started))}</title>\n")
    add(f"<style>{_CSS}</style>\n</head>\n<body>\n")
    add(f"<h1>{_e(r.title)}</h1>\n")
    where = f"{_e(r.venue)} · " if r.venue else ""
    source = f" of <code>{_e(r.show_path)}</code>" if r.show_path else ""
    add(f"<p class=\"meta\">{where}run of {_e(_date(r.started))} ({_e(r.mode)}{source})</p>\n")
    if r.running_time is not None:
        add(f"<p class=\"meta\">Running time <strong>{fmt_time(r.running_time)}</strong> "
            f"(first cue {_clock(r, r.start)}, last cue ended {_clock(r, r.end)})</p>\n")

    add("<h2>Sections</h2>\n<table class=\"sections\">\n<tr><th>section</th>"
        "<th class=\"n\">up</th><th class=\"n\">down</th><th class=\"n\">running</th>"
        "<th>clock</th></tr>\n")
    for s in r.sections:
        label = (f"{s.cue} " if s.cue else "") + s.name
        if s.start is None:
            add(f"<tr><td>{_e(label)}</td><td class=\"n\" colspan=\"4\">not run</td></tr>\n")
            continue
        add(f"<tr><td>{_e(label)}</td><td class=\"n\">{fmt_time(s.start)}</td>"
            f"<td class=\"n\">{fmt_time(s.end)}</td><td class=\"n\">{fmt_time(s.running)}</td>"
            f"<td>{_clock(r, s.start)}–{_clock(r, s.end)}</td></tr>\n")
    add("</table>\n")

    add("<h2>Timeline</h2>\n")
    add(timeline_svg(r))
    add("\n")

    vs = r.against is not None
    add("<h2>Cues</h2>\n<table class=\"cues\">\n<tr><th>list</th><th>cue</th><th>name</th>"
        "<th class=\"n\">planned</th><th class=\"n\">actual</th><th class=\"n\">end</th>"
        "<th class=\"n\">length</th><th class=\"n\">vs plan</th>"
        + ("<th class=\"n\">vs last</th>" if vs else "") + "<th></th></tr>\n")
    for c in r.cues:
        late = c.late if c.late is not None and abs(c.late) > r.tolerance + 1e-9 else None
        last = c.vs_last if c.vs_last is not None and abs(c.vs_last) > r.tolerance + 1e-9 \
            else None
        length = "" if c.duration is None else f"{c.duration:.1f}"
        indent = "&#160;&#160;" * c.depth
        add(f"<tr><td>{_e(c.list)}</td><td>{_e(c.cue)}</td><td>{indent}{_e(c.name)}</td>"
            f"<td class=\"n\">{fmt_time(c.planned)}</td><td class=\"n\">{fmt_time(c.started)}</td>"
            f"<td class=\"n\">{fmt_time(c.ended)}</td><td class=\"n\">{length}</td>"
            f"{_dev_cell(late)}" + (_dev_cell(last) if vs else "")
            + f"<td>{_e(_how(c))}</td></tr>\n")
    add("</table>\n")

    add(f"<h2>Late or early against the plan</h2>\n<p class=\"meta\">planned start = "
        f"triggered + prewait; tolerance {r.tolerance:g} s</p>\n")
    add(_deviation_table(r.late_vs_plan, "planned"))
    if vs:
        add(f"<h2>Against the last run</h2>\n<p class=\"meta\">{_e(r.against)}; tolerance "
            f"{r.tolerance:g} s</p>\n")
        add(_deviation_table(r.late_vs_last, "last run"))
        if r.missing_vs_last:
            add("<p>Ran last time, not this time: "
                + ", ".join(f"{_e(lst)} {_e(cue)} {_e(name)}" for lst, cue, name in
                            r.missing_vs_last) + "</p>\n")
    if r.not_run:
        add("<h2>Not run</h2>\n<ul>\n" + "".join(
            f"<li>{_e(lst)} {_e(cue)} {_e(name)}</li>\n" for lst, cue, name in r.not_run)
            + "</ul>\n")

    add("<h2>GOs ignored, panics, faults</h2>\n")
    rows: list[tuple[float, str, str]] = []
    rows += [(g.at, "go", f"GO ignored on {g.list}: {g.rejected}") for g in r.ignored_gos]
    rows += [(p.at, "panic", "PANIC — " + ("hard stop" if p.hard else
                                           f"fade out over {p.duration:g} s"))
             for p in r.panics]
    rows += [(f.at, "fault", f"FAULT on {f.output}: {f.reason}") for f in r.faults]
    rows += [(f.at, "fault", f"cue {f.list} {f.cue} failed: {f.reason}") for f in r.failures]
    if rows:
        add("<table class=\"incidents\">\n<tr><th class=\"n\">time</th><th>clock</th>"
            "<th>what</th></tr>\n")
        for t, cls, text in sorted(rows, key=lambda x: x[0]):
            add(f"<tr class=\"{cls}\"><td class=\"n\">{fmt_time(t)}</td>"
                f"<td>{_clock(r, t)}</td><td>{_e(text)}</td></tr>\n")
        add("</table>\n")
    else:
        add("<p class=\"none\">none</p>\n")
    add("</body>\n</html>\n")
    return "".join(parts)


def _dev_cell(d: float | None) -> str:
    if d is None:
        return "<td class=\"n dev\"></td>"
    word = "late" if d > 0 else "early"
    return f"<td class=\"n dev {word}\">{fmt_delta(d)}</td>"


def _deviation_table(devs: list[Deviation], what: str) -> str:
    if not devs:
        return "<p class=\"none\">none</p>\n"
    out = [f"<table class=\"deviations\">\n<tr><th>list</th><th>cue</th><th>name</th>"
           f"<th class=\"n\">{_e(what)}</th><th class=\"n\">started</th>"
           f"<th class=\"n\">difference</th></tr>\n"]
    for d in devs:
        out.append(f"<tr class=\"{d.word}\"><td>{_e(d.list)}</td><td>{_e(d.cue)}</td>"
                   f"<td>{_e(d.name)}</td>"
                   f"<td class=\"n\">{fmt_time(d.expected)}{_e(_carried(d))}</td>"
                   f"<td class=\"n\">{fmt_time(d.actual)}</td>"
                   f"<td class=\"n dev\">{abs(d.delta):.2f} s {d.word}</td></tr>\n")
    out.append("</table>\n")
    return "".join(out)


def _tick_step(span: float) -> float:
    for step in (0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600):
        if span / step <= 12:
            return float(step)
    return 7200.0


def timeline_svg(report: Report) -> str:
    """The timeline: one row per cue (each run of it a bar from start to end), GO
    markers, panics and faults, section bands and a time axis. Show time ``t`` is at
    x = LABEL_W + t * px_per_s (``data-px-per-s`` on the ``svg`` element)."""
    r = report
    marks = [g.at for g in r.gos] + [p.at for p in r.panics] + [f.at for f in r.faults]
    span = max([r.end or 0.0, 1e-6, *marks])
    scale = PLOT_W / span
    rows: list[tuple[str, str]] = []
    for c in r.cues:
        if (c.list, c.cue) not in rows:
            rows.append((c.list, c.cue))
    row_of = {key: i for i, key in enumerate(rows)}
    height = AXIS_H + ROW_H * max(len(rows), 1) + 10
    width = LABEL_W + PLOT_W + RIGHT_PAD
    bottom = AXIS_H + ROW_H * len(rows)

    def x(t: float) -> float:
        return LABEL_W + t * scale

    out: list[str] = []
    add = out.append
    add(f"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"timeline\" "
        f"width=\"{_n(width)}\" height=\"{_n(height)}\" viewBox=\"0 0 {_n(width)} {_n(height)}\" "
        f"data-x0=\"{_n(LABEL_W)}\" data-px-per-s=\"{scale:.9g}\" data-span=\"{span:.6f}\" "
        f"role=\"img\" aria-label=\"timeline of the run\">\n")
    # section bands
    for s in r.sections:
        if s.start is None or s.end is None:
            continue
        add(f"<rect class=\"band{s.index % 2} section\" x=\"{_n(x(s.start))}\" "
            f"y=\"{_n(AXIS_H)}\" width=\"{_n((s.end - s.start) * scale)}\" "
            f"height=\"{_n(bottom - AXIS_H)}\"/>\n")
        add(f"<text class=\"sectionlabel\" x=\"{_n(x(s.start) + 3)}\" y=\"{_n(AXIS_H - 20)}\">"
            f"{_e(s.name)}</text>\n")
    # axis
    step = _tick_step(span)
    add(f"<line class=\"axis\" x1=\"{_n(LABEL_W)}\" y1=\"{_n(AXIS_H)}\" "
        f"x2=\"{_n(LABEL_W + PLOT_W)}\" y2=\"{_n(AXIS_H)}\"/>\n")
    k = 0
    while k * step <= span + 1e-9:
        t = k * step
        add(f"<line class=\"grid\" x1=\"{_n(x(t))}\" y1=\"{_n(AXIS_H)}\" x2=\"{_n(x(t))}\" "
            f"y2=\"{_n(bottom)}\"/>\n")
        add(f"<line class=\"tick\" x1=\"{_n(x(t))}\" y1=\"{_n(AXIS_H - 5)}\" x2=\"{_n(x(t))}\" "
            f"y2=\"{_n(AXIS_H)}\"/>\n")
        label = fmt_time(t).removesuffix(".0") if step >= 1 else fmt_time(t)
        add(f"<text class=\"ticklabel\" x=\"{_n(x(t))}\" y=\"{_n(AXIS_H - 7)}\" "
            f"text-anchor=\"middle\">{label}</text>\n")
        k += 1
    # row labels
    names = {(c.list, c.cue): (c.name, c.depth) for c in r.cues}
    for (lst, cue), i in row_of.items():
        name, depth = names[(lst, cue)]
        y = AXIS_H + ROW_H * i + ROW_H - 5
        label = f"{lst} {cue}  {name}"
        label = label if len(label) <= 40 else label[:39] + "…"
        cls = "label child" if depth else "label"
        add(f"<text class=\"{cls}\" x=\"{_n(4 + 10 * depth)}\" y=\"{_n(y)}\">{_e(label)}</text>\n")
    # bars
    for c in r.cues:
        i = row_of[(c.list, c.cue)]
        top = AXIS_H + ROW_H * i + (ROW_H - BAR_H) / 2
        mid = top + BAR_H / 2
        if c.started is not None and c.started > c.triggered:
            add(f"<line class=\"prewait\" x1=\"{_n(x(c.triggered))}\" y1=\"{_n(mid)}\" "
                f"x2=\"{_n(x(c.started))}\" y2=\"{_n(mid)}\"/>\n")
        if c.started is None:
            continue
        end = c.ended if c.ended is not None else span
        classes = "bar" + (" failed" if c.failed else "") + (
            " stopped" if c.how == "stopped" else " running" if c.how == "running" else "")
        tip = (f"{c.list} {c.cue} {c.name}: {fmt_time(c.started)}–{fmt_time(c.ended)}"
               + (f" ({_how(c)})" if _how(c) else ""))
        w = (end - c.started) * scale
        add(f"<rect class=\"{classes}\" x=\"{_n(x(c.started))}\" y=\"{_n(top)}\" "
            f"width=\"{_n(w)}\" height=\"{_n(BAR_H)}\" data-list=\"{_e(c.list)}\" "
            f"data-cue=\"{_e(c.cue)}\" data-start=\"{c.started:.6f}\" data-end=\"{end:.6f}\">"
            f"<title>{_e(tip)}</title></rect>\n")
        if w < 2:  # instant cues: a tick, so they can be seen
            add(f"<line class=\"instant\" x1=\"{_n(x(c.started))}\" y1=\"{_n(top)}\" "
                f"x2=\"{_n(x(c.started))}\" y2=\"{_n(top + BAR_H)}\"/>\n")
    # markers
    for g in r.gos:
        cls = "go rejected" if g.rejected else "go"
        what = f"GO ignored: {g.rejected}" if g.rejected else f"GO {g.list} {g.cue}"
        add(f"<line class=\"{cls}\" x1=\"{_n(x(g.at))}\" y1=\"{_n(AXIS_H - 4)}\" "
            f"x2=\"{_n(x(g.at))}\" y2=\"{_n(bottom)}\" data-t=\"{g.at:.6f}\">"
            f"<title>{_e(what)} at {fmt_time(g.at)}</title></line>\n")
    for p in r.panics:
        add(f"<line class=\"panicmark\" x1=\"{_n(x(p.at))}\" y1=\"{_n(AXIS_H - 4)}\" "
            f"x2=\"{_n(x(p.at))}\" y2=\"{_n(bottom)}\" data-t=\"{p.at:.6f}\">"
            f"<title>PANIC at {fmt_time(p.at)}</title></line>\n")
    for f in r.faults:
        add(f"<line class=\"faultmark\" x1=\"{_n(x(f.at))}\" y1=\"{_n(AXIS_H - 4)}\" "
            f"x2=\"{_n(x(f.at))}\" y2=\"{_n(bottom)}\" data-t=\"{f.at:.6f}\">"
            f"<title>{_e(f'FAULT {f.output}: {f.reason}')} at {fmt_time(f.at)}</title></line>\n")
    add("</svg>")
    return "".join(out)


# ---------------------------------------------------------------------------- command line

_NAME = re.compile(r"^(?P<stem>.+)-(?P<when>\d{8}-\d{6})(?:-(?P<n>\d+))?\.runlog\.yaml$")


def _order(path: Path) -> tuple[str, int] | None:
    found = _NAME.match(path.name)
    if found is None:
        return None
    return (found["when"], int(found["n"] or 1))


def runlogs_in(folder: Path, stem: str | None = None) -> list[Path]:
    """Run logs in ``folder`` named the default way, oldest first (of one show stem)."""
    if not folder.is_dir():
        return []
    found: list[tuple[tuple[str, int], Path]] = []
    for p in folder.glob("*.runlog.yaml"):
        key = _order(p)
        match = _NAME.match(p.name)
        if key is None or match is None or (stem is not None and match["stem"] != stem):
            continue
        found.append((key, p))
    return [p for _, p in sorted(found)]


def previous_runlog(path: str | Path) -> Path | None:
    """The run log of the same show just before ``path`` in the same folder (by the
    time in the default file names), or None."""
    p = Path(path)
    match = _NAME.match(p.name)
    if match is None:
        return None
    key = _order(p)
    assert key is not None
    older = [q for q in runlogs_in(p.parent, match["stem"]) if (_order(q) or key) < key]
    return older[-1] if older else None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``showctl report`` arguments (the CLI adds the sub-command and calls
    :func:`cmd_report`)."""
    parser.add_argument("runlog", nargs="?",
                        help="run log to report on (default: the newest in the state "
                             "folder, ~/.local/state/showctl/runs)")
    parser.add_argument("--html", metavar="OUT",
                        help="also write the report as one self-contained HTML file")
    parser.add_argument("--against", metavar="PREVIOUS",
                        help="compare with a previous run log; 'last' = the previous run "
                             "of the same show in the same folder")
    parser.add_argument("--tolerance", type=float, default=DEFAULT_TOLERANCE, metavar="S",
                        help=f"seconds a cue may be off before it is listed "
                             f"(default {DEFAULT_TOLERANCE:g})")
    parser.add_argument("--show", metavar="SHOW",
                        help="show file, to list cues that never ran (default: the show "
                             "path in the run log, when it still exists)")


def cmd_report(args: argparse.Namespace) -> int:
    """Print the text report; write the HTML one with --html. ShowFileError (bad or
    missing run log) is left to the caller, as for every showctl command."""
    from showctl.runlog import state_dir

    path = args.runlog
    if path is None:
        logs = runlogs_in(state_dir() / "runs")
        if not logs:
            print(f"no run logs in {state_dir() / 'runs'}: give a RUNLOG", file=sys.stderr)
            return 1
        path = str(logs[-1])
    log = load_runlog(path)
    against: Path | None = None
    if args.against == "last":
        against = previous_runlog(path)
        if against is None:
            print(f"no earlier run log of this show next to {path}", file=sys.stderr)
            return 1
    elif args.against:
        against = Path(args.against)
    show = None
    show_path = args.show or log.show.path
    if show_path and (args.show or Path(show_path).is_file()):
        from showctl.model.loader import load_show

        try:
            show = load_show(show_path)
        except ShowFileError:
            if args.show:
                raise
            print(f"note: {show_path} does not load any more; cues not run are not listed",
                  file=sys.stderr)
    report = build_report(log, show, against, tolerance=args.tolerance)
    sys.stdout.write(render_text(report))
    if args.html:
        out = Path(args.html)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(render_html(report), encoding="utf-8")
        print(f"html: {out}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """``python -m showctl.report`` until the CLI has ``showctl report``."""
    parser = argparse.ArgumentParser(prog="showctl report",
                                     description="a rehearsal report from a run log")
    add_arguments(parser)
    args = parser.parse_args(argv)
    try:
        return cmd_report(args)
    except ShowFileError as exc:
        for p in exc.problems:
            print(p, file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
