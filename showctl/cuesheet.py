"""Cue sheets: the stage manager's calling script and each department's sheet.

``cue_sheet(show, list_name=None, dept=None)`` gives one :class:`SheetList` per cue list,
each a list of :class:`SheetRow` (number, name, type, department, what the cue does in
plain words, prewait/duration/postwait, continue, notes). The renderers lay them out as
CSV, Markdown or a printable HTML page (A4 or Letter, a page per list, a header with the
show's title and the date).

A cue's department is its output's ``department:`` or, when the output names none, the
output's name (a light cue without an output: the show's first DMX output); ``dept``
picks cues by department, by output name (``lx``, ``sound``) or by output kind
(``dmx``, ``osc``, ``midi``). Control cues (memo, wait, start, stop…) belong to the stage manager's
sheet, which is the whole list; a department's sheet keeps the groups its cues sit in.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
from dataclasses import dataclass, field
from typing import Any

from showctl.model import show as m


@dataclass(frozen=True)
class SheetRow:
    number: str
    name: str
    type: str
    dept: str
    what: str
    prewait: float
    duration: float
    postwait: float
    continue_: str
    notes: str
    depth: int = 0  # 1 for a cue in a group, 2 in a group in a group…


@dataclass
class SheetList:
    name: str
    description: str
    rows: list[SheetRow] = field(default_factory=list)


COLUMNS = ("number", "name", "type", "dept", "what", "prewait", "duration", "postwait",
           "continue", "notes")


class SheetError(ValueError):
    """A list or department the show does not have."""


def _secs(v: float) -> str:
    return f"{v:g} s"


def _num(v: float) -> str:
    return f"{v:g}"


# ------------------------------------------------------------------- plain words


def cue_outputs(show: m.Show, cue: m.CueBase) -> list[str]:
    """The outputs a cue drives (none for control cues)."""
    if isinstance(cue, m.LightCue):
        if cue.output:
            return [cue.output]
        first = next((n for n, o in show.outputs.items() if o.kind == m.OutputKind.DMX), "")
        return [first] if first else []
    if isinstance(cue, m.TimecodeCue):
        return [o for o in (cue.output, cue.artnet) if o]
    out = str(getattr(cue, "output", "") or "")
    return [out] if out else []


def cue_dept(show: m.Show, cue: m.CueBase) -> str:
    """The department of the output a cue drives ('' for control cues)."""
    outs = cue_outputs(show, cue)
    return show.department(outs[0]) if outs else ""


def _fixture_words(show: m.Show, key: str) -> str:
    names = {e.key: e.name for e in show.patch}
    groups: dict[str, list[str]] = {}
    for e in show.patch:
        for g in e.groups:
            groups.setdefault(g, []).append(e.key)
    if key in groups:
        return f"{key} ({', '.join(groups[key])})"
    if names.get(key):
        return f"{key} {names[key]}"
    return key


def _level_words(v: Any) -> str:
    if isinstance(v, bool):
        return "on" if v else "off"
    if isinstance(v, int | float):
        return f"{v:g}"
    return str(v)


def _attrs(values: dict[str, Any]) -> str:
    return ", ".join(f"{a} {_level_words(v)}" for a, v in values.items())


def light_times(show: m.Show, cue: m.LightCue) -> str:
    up, down = cue.fade_times(show.settings.default_fade)
    words = [f"time {_secs(up)}" if up == down else f"up {_secs(up)}, down {_secs(down)}"]
    if cue.delay:
        words.append(f"delay {_secs(cue.delay)}")
    words += [f"{k} {_secs(v)}" for k, v in cue.times.items()]
    if cue.curve != "linear":
        words.append(cue.curve.replace("_", "-"))
    if cue.block:
        words.append("block")
    if cue.cue_only:
        words.append("cue only")
    return ", ".join(words)


def _osc_msg(address: str, args: list[Any]) -> str:
    def arg(a: Any) -> str:
        if isinstance(a, m.OscTypedArg):
            return a.type if a.value is None else f"{a.value!r}"
        return "nil" if a is None else repr(a) if isinstance(a, str) else _level_words(a)

    return " ".join([address, *(arg(a) for a in args)])


_MIDI_WORDS = {
    "note_on": "note on", "note_off": "note off", "control_change": "CC",
    "program_change": "program change", "pitch_bend": "pitch bend",
    "aftertouch": "aftertouch", "poly_aftertouch": "poly aftertouch", "sysex": "sysex",
}


def _midi_msg(msg: m.MidiMessageSpec) -> str:
    what = _MIDI_WORDS[msg.kind]
    if msg.kind in ("note_on", "note_off"):
        what += f" {msg.note} vel {msg.velocity}"
    elif msg.kind == "poly_aftertouch":
        what += f" {msg.note} = {msg.value}"
    elif msg.kind == "control_change":
        what += f" {msg.control} = {msg.value}"
    elif msg.kind == "program_change":
        what += f" {msg.program}"
    elif msg.kind in ("pitch_bend", "aftertouch"):
        what += f" {msg.value}"
    elif msg.data is not None:
        what += " " + " ".join(f"{b:02X}" for b in msg.data)
    if msg.kind != "sysex":
        what += f" ch {msg.channel}"
    return (f"at {_secs(msg.at)}: " if msg.at else "") + what


def _target(cue: m.TargetedCue) -> str:
    if cue.target is None:
        return f"list {cue.list}"
    return f"cue {cue.target}" + (f" in list {cue.list}" if cue.list else "")


def describe(show: m.Show, cue: m.CueBase) -> str:
    """What a cue does, in the words of a cue sheet."""
    if isinstance(cue, m.LightCue):
        parts = [f"{_fixture_words(show, k)}: {_attrs(v)}" for k, v in cue.fixtures.items()]
        if cue.channels:
            parts.append("channels " + ", ".join(f"{a} @ {_level_words(v)}"
                                                 for a, v in cue.channels.items()))
        return "; ".join([*parts, light_times(show, cue)])
    if isinstance(cue, m.OscCue):
        if cue.messages is not None:
            body = "bundle: " + "; ".join(_osc_msg(x.address, x.args) for x in cue.messages)
        else:
            body = _osc_msg(cue.address or "", cue.args)
        if cue.fade is not None:
            f = cue.fade
            body += (f"; fade arg {f.arg} {f.start:g} → {f.to:g} over {_secs(f.duration)}"
                     f"{'' if f.curve == 'linear' else ' ' + f.curve.replace('_', '-')}")
        return f"OSC to {cue.output}: {body}"
    if isinstance(cue, m.MidiCue):
        return f"MIDI to {cue.output}: " + "; ".join(_midi_msg(x) for x in cue.messages)
    if isinstance(cue, m.MscCue):
        words = [f"MSC to {cue.output}: {cue.command}"]
        if cue.cue is not None:
            words.append(f"cue {cue.cue}")
        if cue.cue_list is not None:
            words.append(f"list {cue.cue_list}")
        if cue.time is not None:
            words.append(f"at {cue.time}")
        dev = "all-call" if cue.device == 0x7F else f"device {cue.device}"
        return " ".join(words) + f" ({cue.format}, {dev})"
    if isinstance(cue, m.MidiFileCue):
        speed = "" if cue.speed == 1 else f" at {cue.speed:g}x"
        return f"MIDI file to {cue.output}: plays {cue.file}{speed}"
    if isinstance(cue, m.TimecodeCue):
        to = [x for x in (f"MTC to {cue.output}" if cue.output else "",
                          f"Art-Net timecode on {cue.artnet}" if cue.artnet else "") if x]
        length = f" for {_secs(cue.duration)}" if cue.duration else " until stopped"
        return f"{' and '.join(to)}: from {cue.start} at {cue.fps:g} fps{length}"
    if isinstance(cue, m.GroupCue):
        nums = ", ".join(c.number for c in cue.cues)
        return {
            m.GroupMode.TIMELINE: f"starts {nums} together",
            m.GroupMode.PLAYLIST: f"plays {nums} one after another",
            m.GroupMode.FIRST: f"starts {cue.cues[0].number}; each GO then fires the next "
                               f"of {nums}",
        }[cue.mode]
    if isinstance(cue, m.WaitCue):
        return f"waits {_secs(cue.duration)}"
    if isinstance(cue, m.FadeOutCue):
        return f"fades out {_target(cue)} over {_secs(cue.duration)}"
    if isinstance(cue, m.TargetedCue):
        verb = {"start": "starts", "stop": "stops", "pause": "pauses", "resume": "resumes",
                "goto": "puts on standby", "arm": "arms", "disarm": "disarms"}
        return f"{verb.get(str(getattr(cue, 'type', '')), '')} {_target(cue)}".strip()
    return ""


def _duration(show: m.Show, cue: m.CueBase) -> float:
    if isinstance(cue, m.LightCue):
        up, down = cue.fade_times(show.settings.default_fade)
        return cue.delay + max([up, down, *cue.times.values()])
    return cue.action_duration()


# ------------------------------------------------------------------------- the sheet


def departments(show: m.Show) -> list[str]:
    """The show's departments (:meth:`~showctl.model.show.Show.departments`)."""
    return show.departments()


def _matches(show: m.Show, cue: m.CueBase, dept: str) -> bool:
    """A cue is on a sheet when one of its outputs is that department, that output or
    that kind of output."""
    for out in cue_outputs(show, cue):
        decl = show.outputs.get(out)
        if dept in (out, show.department(out)) or (decl is not None and decl.kind == dept):
            return True
    return False


def cue_sheet(show: m.Show, list_name: str | None = None,
              dept: str | None = None) -> list[SheetList]:
    if list_name is not None and list_name not in show.cuelists:
        raise SheetError(f"no cue list {list_name!r}; the show has: "
                         f"{', '.join(show.cuelists)}")
    kinds = {str(k) for k in m.OutputKind}
    depts = show.departments()
    if dept is not None and dept not in show.outputs and dept not in kinds and (
            dept not in depts):
        named = [d for d in depts if d not in show.outputs]
        raise SheetError(f"no department {dept!r}: give "
                         + (f"a department ({', '.join(named)}), " if named else "")
                         + f"an output ({', '.join(show.outputs)}) or a kind "
                         f"({', '.join(sorted(kinds))})")
    out: list[SheetList] = []
    for name, cl in show.cuelists.items():
        if list_name is not None and name != list_name:
            continue
        sheet = SheetList(name, cl.description)
        _rows(show, cl.cues, 0, dept, sheet.rows)
        if sheet.rows or dept is None:
            out.append(sheet)
    return out


def _rows(show: m.Show, cues: list[Any], depth: int, dept: str | None,
          into: list[SheetRow]) -> None:
    for cue in cues:
        below: list[SheetRow] = []
        if isinstance(cue, m.GroupCue):
            _rows(show, cue.cues, depth + 1, dept, below)
        if dept is None or below or _matches(show, cue, dept):
            into.append(SheetRow(
                cue.number, cue.name, str(cue.type), cue_dept(show, cue),
                describe(show, cue), cue.prewait, _duration(show, cue), cue.postwait,
                str(cue.continue_), cue.notes, depth))
        into.extend(below)


# ------------------------------------------------------------------------ renderers


def _cells(row: SheetRow) -> list[str]:
    cont = "" if row.continue_ == "none" else row.continue_.replace("_", " ")
    return [row.number, row.name, row.type, row.dept, row.what, _num(row.prewait),
            _num(row.duration), _num(row.postwait), cont, row.notes]


def render_csv(lists: list[SheetList]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["list", *COLUMNS])
    for sl in lists:
        for row in sl.rows:
            w.writerow([sl.name, *_cells(row)])
    return buf.getvalue()


def render_md(show: m.Show, lists: list[SheetList], date: str) -> str:
    def esc(s: str) -> str:
        return s.replace("|", "\\|").replace("\n", " ")

    out = [f"# {esc(show.show.title)} — cue sheet", "", date, ""]
    for sl in lists:
        out += [f"## {sl.name}" + (f": {esc(sl.description)}" if sl.description else ""), ""]
        out.append("| " + " | ".join(COLUMNS) + " |")
        out.append("|" + "---|" * len(COLUMNS))
        for row in sl.rows:
            cells = _cells(row)
            cells[0] = "&nbsp;&nbsp;" * row.depth + cells[0]
            out.append("| " + " | ".join(esc(c) for c in cells) + " |")
        out.append("")
    return "\n".join(out)


_CSS = """\
@page { size: %(paper)s; margin: 12mm 10mm 14mm 10mm; }
* { box-sizing: border-box; }
body { font: 9pt/1.3 "DejaVu Sans", Arial, sans-serif; color: #000; margin: 0; }
section.list { break-before: page; }
section.list:first-of-type { break-before: auto; }
tr.page-head th { background: none; border: 0; padding: 0 0 2mm 0; font-size: 9pt;
                  font-weight: normal; }
header { display: flex; justify-content: space-between; align-items: baseline;
         border-bottom: 1.5pt solid #000; margin-bottom: 2mm; }
header h1 { font-size: 14pt; margin: 0; }
header .meta { font-size: 9pt; text-align: right; }
h2 { font-size: 11pt; margin: 0; }
table { width: 100%%; border-collapse: collapse; table-layout: fixed; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
th, td { border-bottom: 0.5pt solid #999; padding: 1mm; vertical-align: top;
         text-align: left; overflow-wrap: anywhere; }
th { background: #eee; font-size: 8pt; }
td.n { font-weight: bold; white-space: nowrap; }
td.t { text-align: right; white-space: nowrap; }
tr.depth-1 td.n { padding-left: 4mm; } tr.depth-2 td.n { padding-left: 7mm; }
col.number { width: 6%%; } col.name { width: 14%%; } col.type { width: 8%%; }
col.dept { width: 6%%; } col.what { width: 31%%; } col.time { width: 5%%; }
col.continue { width: 9%%; } col.notes { width: 11%%; }
"""


def render_html(show: m.Show, lists: list[SheetList], date: str, paper: str = "A4",
                dept: str | None = None) -> str:
    e = html.escape
    title = show.show.title
    sub = " · ".join(x for x in (show.show.venue, f"version {show.show.version}"
                                 if show.show.version else "", date) if x)
    which = f"{dept} cue sheet" if dept else "calling script"
    parts = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{e(title)} — {e(which)}</title>",
        f"<style>{_CSS % {'paper': paper}}</style></head><body>",
    ]
    heads = ("Cue", "Name", "Type", "Dept", "What it does", "Pre", "Dur", "Post",
             "Continue", "Notes")
    cols = ("number", "name", "type", "dept", "what", "time", "time", "time", "continue",
            "notes")
    for sl in lists:
        # The page header sits in the table head, so it repeats on every printed page.
        parts.append(f'<section class="list" data-list="{e(sl.name)}">')
        parts.append("<table><colgroup>" + "".join(f'<col class="{c}">' for c in cols)
                     + '</colgroup><thead><tr class="page-head"><th colspan="10">'
                     f'<header><h1>{e(title)}</h1><div class="meta">{e(which)}<br>'
                     f'<span class="date">{e(sub)}</span></div></header>'
                     f"<h2>List {e(sl.name)}"
                     + (f" — {e(sl.description)}" if sl.description else "")
                     + "</h2></th></tr><tr>" + "".join(f"<th>{h}</th>" for h in heads)
                     + "</tr></thead><tbody>")
        for row in sl.rows:
            c = _cells(row)
            parts.append(
                f'<tr class="cue depth-{row.depth}" data-cue="{e(row.number)}">'
                f'<td class="n">{e(c[0])}</td><td>{e(c[1])}</td><td>{e(c[2])}</td>'
                f"<td>{e(c[3])}</td><td>{e(c[4])}</td>"
                + "".join(f'<td class="t">{e(x)}</td>' for x in c[5:8])
                + f"<td>{e(c[8])}</td><td>{e(c[9])}</td></tr>")
        parts.append("</tbody></table></section>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def render(show: m.Show, lists: list[SheetList], fmt: str, *, date: str | None = None,
           paper: str = "A4", dept: str | None = None) -> str:
    day = date or dt.date.today().isoformat()
    if fmt == "csv":
        return render_csv(lists)
    if fmt == "md":
        return render_md(show, lists, day)
    return render_html(show, lists, day, paper, dept)
