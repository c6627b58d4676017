"""The rehearsal report as plain text for the terminal (what ``showctl report`` prints)."""

from __future__ import annotations

from collections.abc import Iterable

from showctl.model.schedule import summary_lines
from showctl.report.formatting import _carried, _clock, _date, _how, fmt_delta, fmt_time
from showctl.report.model import Deviation, Report


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
    out.extend(crash_lines(r))
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

    if r.schedule is not None:
        out.extend(summary_lines(r.schedule))
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


def crash_lines(r: Report) -> list[str]:
    """The gaps: "CRASH at 21:14:03 (show time 12:04.2), resumed after 0.6 s …"."""
    out = []
    for c in r.crashes:
        extra = [f"{c.late} message{'s' if c.late != 1 else ''} sent late"] if c.late else []
        if c.skipped:
            extra.append(f"{c.skipped} skipped (on_resume: skip)")
        out.append(f"CRASH at {_clock(r, c.at)} (show time {fmt_time(c.at)}): resumed after "
                   f"{c.down:.1f} s down" + (f"; {', '.join(extra)}" if extra else ""))
    return out


def _deviation_lines(devs: Iterable[Deviation], what: str) -> list[str]:
    return [f"  {d.list} {d.cue} {d.name}: {what} {fmt_time(d.expected)}{_carried(d)}, "
            f"started {fmt_time(d.actual)} — {abs(d.delta):.2f} s {d.word}" for d in devs]

