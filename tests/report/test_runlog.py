"""Run logs: recording on the virtual clock, the GO-exactly-once rule, files, replay."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from showctl.api.calls import Call, load_calls
from showctl.engine import events as ev
from showctl.engine.engine import Engine
from showctl.model.loader import load_show
from showctl.model.problems import ShowFileError
from showctl.replay import perform, record_replay, replay
from showctl.runlog import (
    FORMAT,
    RunLogRecorder,
    default_runlog_path,
    load_runlog,
)
from showctl.testing import drive, make_show

ROOT = Path(__file__).resolve().parents[2]
# A frozen copy of an early demo show: report numbers must not move when the demo grows.
DEMO = ROOT / "tests" / "report" / "data" / "rehearsal.yaml"
START = datetime(2026, 3, 1, 19, 30, 0, tzinfo=timezone(timedelta(hours=1)))

WAITS = """
show: {title: Waits}
settings: {panic_time: 2, go_guard: 0.5}
outputs: {snd: {kind: osc}}
cuelists:
  main:
    cues:
      - {number: 1, type: wait, duration: 4, prewait: 2, postwait: 3, continue: auto_continue}
      - {number: 2, type: wait, duration: 1}
      - {number: 3, type: memo}
  other:
    cues:
      - {number: A, type: wait, duration: 10}
"""


def act(rec: RunLogRecorder | None, do: str, lst: str | None = None,
        *, tell: str = "before") -> Callable[[Engine], None]:
    """A drive() step doing an operator action; ``tell`` says when the front end calls
    ``rec.operator``: before, after or never."""
    def step(engine: Engine) -> None:
        if rec is not None and tell == "before":
            rec.operator(do, lst)
        perform(engine, Call(at=0, do=do, list=lst))
        if rec is not None and tell == "after":
            rec.operator(do, lst)
    return step


def record(show_text_or_show: Any, steps: list[tuple[float, Callable[[Engine], Any]]],
           until: float, mode: str = "headless") -> RunLogRecorder:
    show = make_show(show_text_or_show) if isinstance(show_text_or_show, str) \
        else show_text_or_show
    rec = RunLogRecorder(show, mode, "shows/waits.yaml", started=START)  # type: ignore[arg-type]
    drive(show, [(0.0, rec.attach), *steps], until=until)
    rec.finish(until)
    return rec


def calls(rec: RunLogRecorder) -> list[tuple[float, str, str | None]]:
    return [(c.at, c.do, c.list) for c in rec.calls()]


# ---------------------------------------------------------------------------- recording


def test_pause_during_prewait_shifts_the_start_and_is_recorded() -> None:
    show = make_show(WAITS)
    rec = RunLogRecorder(show, "headless", "shows/waits.yaml", started=START)
    steps = [(0.0, rec.attach), (0.0, act(rec, "go")), (1.0, act(rec, "pause")),
             (11.0, act(rec, "resume"))]
    drive(show, steps, until=30)
    rec.finish(30)
    log = rec.runlog()
    by_cue = {c.cue: c for c in log.cues}
    one, two = by_cue["1"], by_cue["2"]
    assert (one.triggered, one.prewait, one.planned) == (0.0, 2.0, 2.0)
    # 1 s of prewait left at the pause → starts at 12 (10 s late); postwait → 2 at 15.
    assert (one.started, one.ended, one.how) == (12.0, 16.0, "completed")
    assert one.pauses == [(1.0, 11.0)]
    assert one.late == 10.0
    assert (two.triggered, two.planned, two.started, two.ended) == (15.0, 15.0, 15.0, 16.0)
    assert two.late == 0.0
    assert calls(rec) == [(0.0, "go", "main"), (1.0, "pause", None), (11.0, "resume", None)]
    assert [(g.at, g.list, g.cue) for g in log.gos] == [(0.0, "main", "1")]
    assert log.started == START and log.ended == 30.0 and log.mode == "headless"


@pytest.mark.parametrize("tell", ["before", "after", "never"])
def test_each_go_is_recorded_exactly_once_whether_or_not_the_front_end_tells(tell: str) -> None:
    show = make_show(WAITS)
    rec = RunLogRecorder(show, "live", None, started=START)
    steps = [(0.0, rec.attach), (0.0, act(rec, "go", tell=tell)),
             (0.2, act(rec, "go", tell=tell)),            # inside the guard: ignored
             (0.3, act(rec, "go", "other", tell=tell)),   # another list, same moment
             (20.0, act(rec, "go", tell=tell))]
    drive(show, steps, until=30)
    assert calls(rec) == [(0.0, "go", "main"), (0.2, "go", "main"), (0.3, "go", "other"),
                          (20.0, "go", "main")]
    gos = rec.runlog().gos
    assert [(g.at, g.cue, g.rejected) for g in gos] == [
        (0.0, "1", None), (0.2, None, "double-GO guard"), (0.3, "A", None), (20.0, "3", None)]


def test_an_operator_go_a_moment_off_the_event_merges_and_takes_the_event_time() -> None:
    # On the real clock the front end's call and the engine's event are microseconds
    # apart, in either order.
    show = make_show(WAITS)
    rec = RunLogRecorder(show, "live", None, started=START)
    rec.operator("go", at=4.99998)
    rec(ev.Go(5.0, "main", "1"))
    rec(ev.Go(9.0, "main", "2"))
    rec.operator("go", "main", at=9.00002)
    rec.operator("go", at=30.0)  # refused by the engine before any event: still recorded
    assert calls(rec) == [(5.0, "go", "main"), (9.0, "go", "main"), (30.0, "go", "main")]


def test_panic_is_derived_too_and_merges_with_operator_calls() -> None:
    show = make_show(WAITS)
    rec = RunLogRecorder(show, "headless", None, started=START)
    steps = [(0.0, rec.attach), (0.0, act(rec, "go", tell="never")),
             (3.0, act(rec, "panic", tell="never")), (3.5, act(rec, "panic", tell="after"))]
    drive(show, steps, until=10)
    assert calls(rec) == [(0.0, "go", "main"), (3.0, "panic", None), (3.5, "panic", None)]
    log = rec.runlog()
    assert [(p.at, p.duration, p.hard) for p in log.panics] == [(3.0, 2.0, False),
                                                              (3.5, 0.0, True)]
    one = next(c for c in log.cues if c.cue == "1")
    assert (one.started, one.ended, one.how) == (2.0, 3.5, "stopped")


def test_stop_back_goto_are_recorded_only_through_operator() -> None:
    show = make_show(WAITS)
    rec = RunLogRecorder(show, "headless", None, started=START)
    steps = [(0.0, rec.attach), (0.0, act(rec, "goto 3")), (1.0, act(rec, "back")),
             (2.0, act(rec, "go")), (3.0, act(rec, "stop", "main")),
             (4.0, act(None, "back"))]  # a back nobody reported: not in the log
    drive(show, steps, until=10)
    assert calls(rec) == [(0.0, "goto 3", "main"), (1.0, "back", "main"), (2.0, "go", "main"),
                          (3.0, "stop", "main")]
    # back from 3 lands on 1 (2 is inside 1's cue sequence); the GO fires it at 2.0 and
    # the stop at 3.0 stops it in its prewait.
    one = next(c for c in rec.runlog().cues if c.cue == "1")
    assert (one.triggered, one.how, one.ended) == (2.0, "stopped", 3.0)


def test_operator_refuses_unknown_actions() -> None:
    rec = RunLogRecorder(make_show(WAITS), "live", None, started=START)
    with pytest.raises(ValueError, match="unknown action"):
        rec.operator("quit")
    with pytest.raises(ValueError, match="goto with a cue number"):
        rec.operator("goto")


def test_faults_and_cue_failures_are_recorded_with_times() -> None:
    show = make_show(WAITS)
    rec = RunLogRecorder(show, "headless", None, started=START)
    rec(ev.CueTriggered(1.0, "main", "1", 0.0))
    rec(ev.CueStarted(1.0, "main", "1", 4.0))
    rec(ev.CueFailed(1.0, "main", "1", "bad level"))
    rec(ev.DriverFaulted(2.5, "snd", "host unreachable"))
    rec(ev.Output(2.6, "snd", {"address": "/x"}))  # outputs are not the run log's business
    log = rec.runlog()
    assert [(f.at, f.output, f.reason) for f in log.faults] == [(2.5, "snd", "host unreachable")]
    assert [(f.at, f.cue, f.reason) for f in log.failures] == [(1.0, "1", "bad level")]
    assert log.cues[0].failed == "bad level" and log.cues[0].how == "running"
    assert log.ended == 2.5


def test_sections_are_assigned_by_memo_and_other_lists_by_time() -> None:
    show = make_show("""
        show: {title: Sections}
        cuelists:
          main:
            cues:
              - {number: 1, type: wait, duration: 1}
              - {number: 5, type: memo, name: Act 1}
              - number: 6
                type: group
                cues:
                  - {number: 6.1, type: start, target: A, list: amb}
              - {number: 9, type: memo, name: Interval}
          amb:
            cues:
              - {number: A, type: wait, duration: 1}
    """)
    rec = record(show, [(t, act(None, "go")) for t in (0, 2, 4, 6)], until=10)
    log = rec.runlog()
    assert [(s.cue, s.name) for s in log.sections] == [(None, "Before Act 1"), ("5", "Act 1"),
                                                       ("9", "Interval")]
    assert {(c.list, c.cue): c.section for c in log.cues} == {
        ("main", "1"): 0, ("main", "5"): 1, ("main", "6"): 1, ("main", "6.1"): 1,
        ("amb", "A"): 1, ("main", "9"): 2}
    assert {(c.cue, c.parent) for c in log.cues if c.parent} == {("6.1", "6")}


# ---------------------------------------------------------------------------- files


def demo_rehearsal() -> RunLogRecorder:
    """The demo called by hand, with a hold during cue 12's 2 s prewait."""
    show = load_show(DEMO)
    rec = RunLogRecorder(show, "headless", "shows/demo.yaml", started=START)
    steps: list[tuple[float, Callable[[Engine], Any]]] = [(0.0, rec.attach)]
    for t in (0.0, 1.3, 7.2, 13.0, 14.1, 21.0, 25.0, 26.1, 27.0, 28.4, 33.0, 34.0, 40.0,
              41.0, 42.5):
        steps.append((t, act(rec, "go", tell="before" if int(t) % 2 else "never")))
    steps += [(35.0, act(rec, "pause", "main")), (36.5, act(rec, "resume", "main"))]
    drive(show, steps, until=60)
    rec.finish(60)
    return rec


def test_round_trip_save_and_load(tmp_path: Path) -> None:
    rec = demo_rehearsal()
    path = rec.save(tmp_path / "runs" / "demo.runlog.yaml")
    assert path == tmp_path / "runs" / "demo.runlog.yaml"
    text = path.read_text(encoding="utf-8")
    assert f"format: {FORMAT}" in text
    assert sorted(os.listdir(path.parent)) == ["demo.runlog.yaml"]  # no temp file left
    loaded = load_runlog(path)
    assert loaded == rec.runlog()
    assert loaded.started == START
    assert loaded.show.title == "Aurora Summit 2026 — Opening"
    twelve = next(c for c in loaded.cues if c.cue == "12")
    assert (twelve.planned, twelve.started) == (36.0, 37.5)  # held 1.5 s in its prewait
    assert twelve.pauses == [(35.0, 36.5)]


def test_save_is_atomic_an_old_file_survives_a_failed_write(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    rec = demo_rehearsal()
    target = tmp_path / "demo.runlog.yaml"
    target.write_text("old", encoding="utf-8")

    def boom(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError, match="disk full"):
        rec.save(target)
    assert target.read_text(encoding="utf-8") == "old"
    assert os.listdir(tmp_path) == ["demo.runlog.yaml"]


def test_load_runlog_errors_are_clear(tmp_path: Path) -> None:
    with pytest.raises(ShowFileError, match="no such file"):
        load_runlog(tmp_path / "nope.runlog.yaml")
    script = tmp_path / "calls.yaml"
    script.write_text("- {at: 0, do: go}\n", encoding="utf-8")
    with pytest.raises(ShowFileError, match="not a showctl run log: a calling script"):
        load_runlog(script)
    newer = tmp_path / "newer.yaml"
    newer.write_text("format: showctl-runlog/2\n", encoding="utf-8")
    with pytest.raises(ShowFileError, match="'showctl-runlog/2' is not one this showctl"):
        load_runlog(newer)
    syntax = tmp_path / "syntax.yaml"
    syntax.write_text("format: [\n", encoding="utf-8")
    with pytest.raises(ShowFileError, match="YAML syntax error"):
        load_runlog(syntax)
    good = demo_rehearsal().save(tmp_path / "good.runlog.yaml")
    lines = good.read_text(encoding="utf-8").splitlines()
    n = next(i for i, ln in enumerate(lines) if ln.startswith("ended:"))
    lines[n] = "ended: soon"
    bad = tmp_path / "bad.runlog.yaml"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ShowFileError, match=r"bad\.runlog\.yaml:8:8: ended: Input should") as info:
        load_runlog(bad)
    (problem,) = info.value.problems
    assert problem.line == n + 1 and "ended" in problem.message


def test_default_runlog_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    when = datetime(2026, 3, 1, 19, 30, 5)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    p = default_runlog_path("shows/demo.yaml", when)
    assert p == tmp_path / "state" / "showctl" / "runs" / "demo-20260301-193005.runlog.yaml"
    p.parent.mkdir(parents=True)
    p.write_text("x", encoding="utf-8")
    assert default_runlog_path("demo.yaml", when).name == "demo-20260301-193005-2.runlog.yaml"
    monkeypatch.setenv("XDG_STATE_HOME", "relative/ignored")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_runlog_path(Path("/x/gala.show.yml"), when) == (
        tmp_path / "home" / ".local" / "state" / "showctl" / "runs"
        / "gala.show-20260301-193005.runlog.yaml")
    monkeypatch.delenv("XDG_STATE_HOME")
    assert default_runlog_path("gala.yaml", when).parent == (
        tmp_path / "home" / ".local" / "state" / "showctl" / "runs")


def test_save_without_a_path_uses_the_default_location(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    path = demo_rehearsal().save()
    assert path == tmp_path / "showctl" / "runs" / "demo-20260301-193000.runlog.yaml"
    assert load_runlog(path).mode == "headless"


# ---------------------------------------------------------------------------- replay


def starts(rows: Any) -> dict[tuple[str, str, int], float | None]:
    out: dict[tuple[str, str, int], float | None] = {}
    for r in rows:
        lst, cue = r.list, getattr(r, "cue", None) or r.number
        n = sum(1 for k in out if k[:2] == (lst, cue))
        out[(lst, cue, n)] = r.started
    return out


def test_a_run_log_replays_as_a_calling_script_with_the_same_cue_times(tmp_path: Path) -> None:
    rec = demo_rehearsal()
    path = rec.save(tmp_path / "rehearsal.runlog.yaml")
    show = load_show(DEMO)
    result = replay(show, load_calls(path))
    assert result.errors == []
    recorded = starts(load_runlog(path).cues)
    assert starts(result.rows) == recorded
    assert recorded[("main", "12", 0)] == 37.5 and recorded[("main", "15", 0)] == 42.5


def test_recording_a_replay_gives_the_same_run_log_again(tmp_path: Path) -> None:
    first = demo_rehearsal().save(tmp_path / "a.runlog.yaml")
    show = load_show(DEMO)
    _, rec = record_replay(show, load_calls(first), show_path="shows/demo.yaml",
                                started=START)
    again = rec.runlog()
    before = load_runlog(first)
    assert again.mode == "replay"
    assert again.calls == before.calls
    assert again.cues == before.cues
    assert again.gos == before.gos


def test_record_replay_without_a_script_records_the_auto_gos() -> None:
    show = load_show(DEMO)
    result, rec = record_replay(show, None, show_path=DEMO, started=START)
    log = rec.runlog()
    assert log.ended == 44.7 == result.length
    assert [c.at for c in log.calls] == [0.0, 1.0, 7.0, 12.5, 13.7, 20.7, 24.7, 25.7, 26.7,
                                         27.7, 31.7, 32.7, 38.7, 39.7, 40.7]
    assert {c.do for c in log.calls} == {"go"}


def test_saving_again_writes_the_run_so_far(tmp_path: Path) -> None:
    show = make_show(WAITS)
    rec = RunLogRecorder(show, "live", "waits.yaml", started=START)
    saved: list[Path] = []
    steps = [(0.0, rec.attach), (0.0, act(rec, "go")),
             (4.0, lambda e: saved.append(rec.save(tmp_path / "a.runlog.yaml"))),
             (20.0, lambda e: saved.append(rec.save(tmp_path / "b.runlog.yaml")))]
    drive(show, steps, until=30)
    early, late = (load_runlog(p) for p in saved)
    assert (early.ended, [c.how for c in early.cues]) == (4.0, ["running"])
    assert (late.ended, [c.how for c in late.cues]) == (20.0, ["completed", "completed"])
