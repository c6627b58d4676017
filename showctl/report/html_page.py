"""The rehearsal report as one self-contained HTML file, with its SVG timeline.

Inline CSS and SVG, no scripts, no external links: a file to mail round or print.
"""

from __future__ import annotations

import html
from typing import Any

from showctl.model.schedule import format_delta, format_length, format_plan_time
from showctl.report.formatting import _carried, _clock, _date, _how, fmt_delta, fmt_time
from showctl.report.model import Deviation, Report

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
table.segments td.late { color: #b00020; font-weight: 600; }
table.segments td.early { color: #0b6bcb; font-weight: 600; }
table.segments tr.total th { text-align: right; }
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

    if r.schedule is not None:
        add(schedule_table_html(r.schedule))

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

    add("<h2>GOs ignored, panics, faults, crashes</h2>\n")
    rows: list[tuple[float, str, str]] = []
    rows += [(g.at, "go", f"GO ignored on {g.list}: {g.rejected}") for g in r.ignored_gos]
    rows += [(p.at, "panic", "PANIC — " + ("hard stop" if p.hard else
                                           f"fade out over {p.duration:g} s"))
             for p in r.panics]
    rows += [(f.at, "fault", f"FAULT on {f.output}: {f.reason}") for f in r.faults]
    rows += [(f.at, "fault", f"cue {f.list} {f.cue} failed: {f.reason}") for f in r.failures]
    rows += [(c.at, "crash", f"CRASH — the engine was down {c.down:.1f} s, resumed from "
              f"its journal" + (f"; {c.late} sent late" if c.late else "")
              + (f"; {c.skipped} skipped" if c.skipped else "")) for c in r.crashes]
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


def schedule_table_html(sc: dict[str, Any]) -> str:
    """The run of show: planned vs actual per segment, over/under each and in total."""
    tod = bool(sc["time_of_day"])
    out = ["<h2>Run of show</h2>\n<table class=\"segments\">\n<tr><th>segment</th>"
           "<th>cue</th><th class=\"n\">planned</th><th class=\"n\">length</th>"
           "<th class=\"n\">actual</th><th class=\"n\">length</th>"
           "<th class=\"n\">start +/−</th><th class=\"n\">over/under</th></tr>\n"]
    for g in sc["segments"]:
        out.append(
            f"<tr><td>{_e(g['name'])}</td><td>{_e(g['list'])} {_e(g['cue'])}</td>"
            f"<td class=\"n\">{format_plan_time(g['planned_start'], tod)}</td>"
            f"<td class=\"n\">{format_length(g['planned_length'])}</td>"
            f"<td class=\"n\">{format_plan_time(g['actual_start'], tod)}</td>"
            f"<td class=\"n\">{format_length(g['actual_length'])}</td>"
            f"{_delta_cell(g['start_delta'])}{_delta_cell(g['length_delta'])}</tr>\n")
    out.append(f"<tr class=\"total\"><th colspan=\"7\">over/under in total</th>"
               f"{_delta_cell(sc['over'])}</tr>\n</table>\n")
    return "".join(out)


def _delta_cell(t: float | None) -> str:
    cls = "" if t is None or round(t) == 0 else (" late" if t > 0 else " early")
    return f"<td class=\"n{cls}\">{format_delta(t)}</td>"
