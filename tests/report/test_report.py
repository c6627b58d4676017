"""Rehearsal reports: the numbers, the text, the HTML and its SVG timeline."""

from __future__ import annotations

import functools
import html.parser
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from showctl.api.calls import Call
from showctl.model import show as m
from showctl.model.loader import load_show, parse_show
from showctl.replay import record_replay
from showctl.report import (
    LABEL_W,
    PLOT_W,
    build_report,
    fmt_delta,
    fmt_time,
    main,
    previous_runlog,
    render_html,
    render_text,
)
from showctl.runlog import RunLog, load_runlog, write_runlog

ROOT = Path(__file__).resolve().parents[2]
# A frozen copy of an early demo show: report numbers must not move when the demo grows.
DEMO = ROOT / "tests" / "report" / "data" / "rehearsal.yaml"
START = datetime(2026, 3, 1, 19, 30, 0, tzinfo=UTC)
SVG = "{http://www.w3.org/2000/svg}"


@functools.cache
def demo_show() -> m.Show:
    return load_show(DEMO)


@functools.cache
def demo_log() -> RunLog:
    """The demo replayed with auto-GO (its GOs at 0, 1, 7, 12.5 … 40.7; ends at 44.7)."""
    _, rec = record_replay(demo_show(), None, show_path="shows/demo.yaml", started=START)
    return rec.runlog()


@functools.cache
def three_act_show() -> m.Show:
    """The demo with memos making sections: Act 1 (0.5), Interval (6.9), Act 2 (10.9)."""
    data = yaml.safe_load(DEMO.read_text(encoding="utf-8"))
    cues = data["cuelists"]["main"]["cues"]
    numbers = [c["number"] for c in cues]
    cues.insert(numbers.index("11"), {"number": "10.9", "type": "memo", "name": "Act 2"})
    cues.insert(numbers.index("7"), {"number": "6.9", "type": "memo", "name": "Interval"})
    cues[0]["name"] = "Act 1"
    show, problems = parse_show(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    assert not problems and show is not None
    return show


# ---------------------------------------------------------------------------- numbers


def test_demo_report_totals_one_section_and_cue_timings() -> None:
    r = build_report(demo_log(), demo_show())
    assert (r.title, r.venue, r.mode, r.started) == (
        "Aurora Summit 2026 — Opening", "Hall A", "replay", START)
    assert (r.start, r.end, r.running_time) == (0.0, 44.7, 44.7)
    # The demo's only top-level memo is its first cue: one section, the whole run.
    assert [(s.cue, s.name, s.start, s.end) for s in r.sections] == [
        ("0.5", "Pre-show checks", 0.0, 44.7)]
    by = {(c.list, c.cue): c for c in r.cues}
    assert len(r.cues) == 29
    c34 = by[("main", "3.4")]
    assert (c34.triggered, c34.planned, c34.started, c34.ended, c34.duration, c34.depth) == (
        7.0, 7.5, 7.5, 11.5, 4.0, 1)
    l2 = by[("ambience", "L2")]
    assert (l2.started, l2.ended, l2.how) == (2.0, 37.7, "stopped")
    assert r.late_vs_plan == [] and r.late_vs_last == [] and r.against is None
    assert r.not_run == [("main", "9", "BACKUP keynote clip (disarmed by 8)")]
    assert len(r.gos) == 15 and r.ignored_gos == [] and r.panics == [] and r.faults == []


def test_sections_run_from_memo_to_memo() -> None:
    _, rec = record_replay(three_act_show(), None, started=START)
    r = build_report(rec.runlog())
    # Auto-GO: the Interval memo is GOne 1 s after cue 6 ends (19.7), Act 2 likewise
    # after 10.4 (30.7, then 11 at 31.7 in the demo becomes the memo here).
    assert [(s.cue, s.name, s.start, s.end) for s in r.sections] == [
        ("0.5", "Act 1", 0.0, 20.7), ("6.9", "Interval", 20.7, 32.7),
        ("10.9", "Act 2", 32.7, 46.7)]
    assert [round(s.running or 0, 6) for s in r.sections] == [20.7, 12.0, 14.0]
    assert r.running_time == 46.7
    section_of = {c.cue: c.section for c in r.cues}
    assert (section_of["6"], section_of["6.9"], section_of["7"], section_of["10.4"],
            section_of["10.9"], section_of["15"]) == (0, 1, 1, 1, 2, 2)
    text = render_text(r)
    assert "6.9 Interval                    0:20.7    0:32.7    0:12.0  19:30:20–19:30:32" in text


def test_a_section_that_never_ran_and_a_show_without_memos() -> None:
    show = three_act_show()
    calls = [Call(at=t, do="go") for t in (0.0, 1.0, 7.0)]
    # Stopped after cue 3: the walk-in loop is still on hold when the recording ends at
    # 30 s, and a cue still running ends with the recording.
    _, rec = record_replay(show, calls, started=START, limit=30)
    r = build_report(rec.runlog())
    assert [(c.cue, c.how, c.ended) for c in r.cues if c.list == "ambience"] == [
        ("L1", "completed", 2.0), ("L2", "running", None)]
    assert [(s.name, s.start, s.end) for s in r.sections] == [
        ("Act 1", 0.0, 30.0), ("Interval", None, None), ("Act 2", None, None)]
    assert re.search(r"\n  6\.9 Interval +not run\n", render_text(r))

    data = yaml.safe_load(DEMO.read_text(encoding="utf-8"))
    del data["cuelists"]["main"]["cues"][0]
    plain, problems = parse_show(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    assert plain is not None and not problems
    _, rec = record_replay(plain, None, started=START)
    r = build_report(rec.runlog())
    assert [(s.cue, s.name, s.start, s.end) for s in r.sections] == [
        (None, "Aurora Summit 2026 — Opening", 0.0, 43.7)]


def test_late_against_the_plan_when_a_prewait_was_held() -> None:
    calls = [Call.model_validate(c) for c in demo_log().model_dump()["calls"]]
    calls += [Call(at=33.0, do="pause", list="main"), Call(at=34.0, do="resume", list="main")]
    _, rec = record_replay(demo_show(), sorted(calls, key=lambda c: c.at), started=START)
    r = build_report(rec.runlog())
    (late,) = r.late_vs_plan
    assert (late.cue, late.expected, late.actual, late.word) == ("12", 34.7, 35.7, "late")
    assert late.delta == pytest.approx(1.0)
    assert "  main 12 Fade the loop out: planned 0:34.7, started 0:35.7 — 1.00 s late" in \
        render_text(r)


def previous_run(tmp_path: Path) -> Path:
    """Last night's run log: the same run with a few cues moved."""
    data = demo_log().model_dump(mode="json")
    data["started"] = "2026-02-28T19:30:00+00:00"
    cues = data["cues"]
    for c in cues:
        if c["cue"] == "7":
            c["started"] = 20.0       # this run: 20.7 → 0.7 s late
        elif c["cue"] == "15":
            c["started"] = 41.0       # this run: 40.7 → 0.3 s early
        elif c["cue"] == "12":
            c["started"] = 34.75      # 0.05 s: inside the tolerance
    data["cues"] = [c for c in cues if c["cue"] != "13"]  # 13 did not run last night
    data["cues"].append({"list": "main", "cue": "99", "name": "Cut since", "triggered": 50.0,
                         "planned": 50.0, "started": 50.0, "ended": 50.0, "how": "completed"})
    path = tmp_path / "demo-20260228-193000.runlog.yaml"
    write_runlog(RunLog.model_validate(data), path)
    return path


def test_against_the_last_run_with_a_tolerance(tmp_path: Path) -> None:
    prev = previous_run(tmp_path)
    r = build_report(demo_log(), against=prev)
    assert [(d.cue, d.expected, d.actual, d.word) for d in r.late_vs_last] == [
        ("7", 20.0, 20.7, "late"), ("15", 41.0, 40.7, "early")]
    assert [round(d.delta, 6) for d in r.late_vs_last] == [0.7, -0.3]
    by = {c.cue: c for c in r.cues}
    assert by["13"].previous is None and by["13"].vs_last is None
    assert by["12"].vs_last == pytest.approx(-0.05)
    assert r.missing_vs_last == [("main", "99", "Cut since")]
    assert r.against == "demo-20260228-193000.runlog.yaml, run of 2026-02-28 19:30:00"
    text = render_text(r)
    assert "Against the last run (demo-20260228-193000.runlog.yaml" in text
    assert "  main 7 Speech state: last run 0:20.0, started 0:20.7 — 0.70 s late" in text
    assert "  main 15 Panel state: last run 0:41.0, started 0:40.7 — 0.30 s early" in text
    assert "  main 99 Cut since: ran last time, not this time" in text
    tight = build_report(demo_log(), against=load_runlog(prev), tolerance=0.01)
    assert [d.cue for d in tight.late_vs_last] == ["7", "12", "15"]


def test_time_formats() -> None:
    assert [fmt_time(t) for t in (None, 0, 44.66, 59.96, 3723.46)] == [
        "-", "0:00.0", "0:44.7", "1:00.0", "1:02:03.5"]
    assert [fmt_delta(d) for d in (None, 0.7, -0.3, 75.0)] == ["", "+0.70 s", "-0.30 s",
                                                                "+1:15.0"]


def test_one_late_go_is_reported_once_not_for_every_cue_after_it() -> None:
    last = demo_log()
    calls = [Call(at=t if t < 20 else t + 2.0, do="go") for t in (c.at for c in last.calls)]
    _, rec = record_replay(demo_show(), calls, started=START)
    r = build_report(rec.runlog(), against=last)
    # GO 7 was called 2 s late; everything after it moved by 2 s too, but only 7 is listed.
    (late,) = r.late_vs_last
    assert (late.cue, late.expected, late.actual, late.carried) == ("7", 20.7, 22.7, 0.0)
    assert late.delta == pytest.approx(2.0)
    by = {c.cue: c for c in r.cues}
    assert by["15"].started == 42.7 and by["15"].carried == pytest.approx(2.0)
    assert by["15"].vs_last == pytest.approx(0.0)
    # Then 15 called 0.5 s earlier than its usual gap: listed with what it carried.
    calls[-1] = Call(at=calls[-1].at - 0.5, do="go")
    _, rec = record_replay(demo_show(), calls, started=START)
    r = build_report(rec.runlog(), against=last)
    assert [(d.cue, round(d.delta, 6), d.word) for d in r.late_vs_last] == [
        ("7", 2.0, "late"), ("15", -0.5, "early")]
    assert ("  main 15 Panel state: last run 0:40.7 (+2.00 s from the cues before), started "
            "0:42.2 — 0.50 s early") in render_text(r)


# ---------------------------------------------------------------------------- HTML


def test_html_is_one_well_formed_self_contained_file(tmp_path: Path) -> None:
    doc = render_html(build_report(demo_log(), demo_show(), against=previous_run(tmp_path)))
    root = ET.fromstring(doc)  # well-formed XML, so well-formed HTML
    assert root.tag == "html"
    assert root.find("head/style") is not None and root.find("head/meta") is not None
    assert "<script" not in doc and "<link" not in doc and "src=" not in doc
    assert doc.count("http") == doc.count("http://www.w3.org/2000/svg") == 1

    class Strict(html.parser.HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.stack: list[str] = []

        def handle_starttag(self, tag: str, attrs: Any) -> None:
            if tag not in ("meta",):
                self.stack.append(tag)

        def handle_startendtag(self, tag: str, attrs: Any) -> None:
            pass

        def handle_endtag(self, tag: str) -> None:
            assert self.stack and self.stack.pop() == tag, tag

    p = Strict()
    p.feed(doc)
    p.close()
    assert p.stack == []
    text = "".join(root.itertext())
    assert "Running time 0:44.7" in text and "Pre-show checks" in text and "0.70 s late" in text


def test_svg_has_one_bar_per_cue_at_the_right_place() -> None:
    log = demo_log()
    svg = ET.fromstring(render_html(build_report(log))).find(f".//{SVG}svg")
    assert svg is not None
    x0, pxs = float(svg.get("data-x0", "")), float(svg.get("data-px-per-s", ""))
    assert x0 == LABEL_W and pxs == pytest.approx(PLOT_W / 44.7)
    bars = [e for e in svg.iter(f"{SVG}rect") if "bar" in (e.get("class") or "").split()]
    ran = [c for c in log.cues if c.started is not None]
    assert len(bars) == len(ran) == 29
    for bar, c in zip(bars, ran, strict=True):
        assert (bar.get("data-list"), bar.get("data-cue")) == (c.list, c.cue)
        assert c.ended is not None
        assert float(bar.get("x", "")) == pytest.approx(x0 + c.started * pxs, abs=1e-3)
        assert float(bar.get("width", "")) == pytest.approx((c.ended - c.started) * pxs,
                                                            abs=1e-3)
    widths = {b.get("data-cue"): float(b.get("width", "")) for b in bars}
    assert widths["L2"] == pytest.approx(35.7 / 44.7 * PLOT_W, abs=1e-3)
    gos = [e for e in svg.iter(f"{SVG}line") if e.get("class") == "go"]
    assert [float(g.get("x1", "")) for g in gos] == pytest.approx(
        [x0 + g.at * pxs for g in log.gos], abs=1e-3)
    rows = {float(b.get("y", "")) for b in bars}
    assert len(rows) == 29  # one row per cue
    ticks = [t.text for t in svg.iter(f"{SVG}text") if t.get("class") == "ticklabel"]
    assert ticks == ["0:00", "0:05", "0:10", "0:15", "0:20", "0:25", "0:30", "0:35", "0:40"]


def test_html_escapes_names_and_marks_panics_and_faults() -> None:
    data = demo_log().model_dump(mode="json")
    data["show"]["title"] = "Tom & Jerry <live>"
    data["cues"][1]["name"] = "a <b> & \"c\""
    data["panics"] = [{"at": 30.0, "duration": 2.0, "hard": False}]
    data["faults"] = [{"at": 12.0, "output": "lx", "reason": "node <10.0.0.5> unreachable"}]
    log = RunLog.model_validate(data)
    r = build_report(log)
    root = ET.fromstring(render_html(r))
    assert root.findtext("head/title", "").startswith("Tom & Jerry <live>")
    svg = root.find(f".//{SVG}svg")
    assert svg is not None
    classes = [e.get("class") for e in svg.iter(f"{SVG}line")]
    assert classes.count("panicmark") == 1 and classes.count("faultmark") == 1
    text = render_text(r)
    assert "     0:30.0  fade out over 2 s" in text
    assert "     0:12.0  lx: node <10.0.0.5> unreachable" in text


# ---------------------------------------------------------------------------- command line


def test_command_line_text_html_and_against_last(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    prev = previous_run(tmp_path)
    now = tmp_path / "demo-20260301-193000.runlog.yaml"
    write_runlog(demo_log(), now)
    assert previous_runlog(now) == prev
    assert previous_runlog(prev) is None
    out = tmp_path / "out" / "report.html"
    assert main([str(now), "--html", str(out), "--against", "last",
                 "--show", str(DEMO)]) == 0
    printed = capsys.readouterr().out
    assert "Running time 0:44.7" in printed and "0.70 s late" in printed
    assert "Not run\n  main 9 BACKUP keynote clip" in printed
    ET.fromstring(out.read_text(encoding="utf-8"))
    assert main([str(tmp_path / "missing.runlog.yaml")]) == 1
    assert "missing.runlog.yaml:1:1: no such file" in capsys.readouterr().err


def test_command_line_defaults_to_the_newest_run_log(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    assert main([]) == 1
    assert "no run logs in" in capsys.readouterr().err
    runs = tmp_path / "showctl" / "runs"
    write_runlog(demo_log(), runs / "demo-20260301-193000.runlog.yaml")
    older = demo_log().model_copy(update={"mode": "headless"})
    write_runlog(older, runs / "demo-20260227-193000.runlog.yaml")
    assert main([]) == 0
    assert "(replay of shows/demo.yaml)" in capsys.readouterr().out


def test_a_crash_gap_is_in_the_run_log_and_the_report(tmp_path: Path) -> None:
    """The recorder of a resumed run marks the gap; it survives the run log file and
    the report shows it (text and HTML)."""
    _, rec = record_replay(demo_show(), None, show_path="shows/demo.yaml", started=START)
    rec.crash(12.25, 12.875, late=2, skipped=1)
    path = write_runlog(rec.runlog(), tmp_path / "run.yaml")
    log = load_runlog(path)
    (gap,) = log.crashes
    assert (gap.at, gap.resumed, gap.down, gap.late, gap.skipped) == (12.25, 12.875, 0.625,
                                                                      2, 1)
    r = build_report(log)
    assert ("CRASH at 19:30:12 (show time 0:12.2): resumed after 0.6 s down; "
            "2 messages sent late, 1 skipped (on_resume: skip)") in render_text(r)
    page = render_html(r)
    ET.fromstring(page)
    assert "CRASH — the engine was down 0.6 s, resumed from its journal; 2 sent late; " \
           "1 skipped" in page
    # A run without a crash says nothing about crashes.
    assert "CRASH" not in render_text(build_report(demo_log()))
