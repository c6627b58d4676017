"""The run of show's numbers: planned vs actual on the runtime's manual clock, the show
file's checks of planned times, and the arithmetic's corner cases."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from showctl.api.protocol import Command
from showctl.api.views import State
from showctl.clocks.manual import ManualClock
from showctl.live.runtime import LiveRuntime
from showctl.live.server import ApiServer
from showctl.model import schedule
from showctl.model.loader import load_show
from showctl.model.problems import ShowFileError

EVENT = """\
show: {title: Conference}
settings: {go_guard: 0}
cuelists:
  main:
    cues:
      - {number: "1", type: memo, name: Doors, segment: Doors, planned_start: "19:30"}
      - {number: "2", type: memo, name: Welcome, segment: Welcome, planned_start: "19:45",
         planned_length: "5:00"}
      - {number: "3", type: memo, name: Keynote, segment: Keynote, planned_start: "19:50",
         planned_length: "30:00"}
      - {number: "4", type: memo, name: Q&A, segment: Q&A}
"""


@pytest.fixture
def event_path(tmp_path: Path) -> Path:
    p = tmp_path / "event.yaml"
    p.write_text(EVENT, encoding="utf-8")
    return p


def test_the_plan_fills_lengths_and_starts_from_the_neighbours(event_path: Path) -> None:
    p = schedule.plan(load_show(event_path))
    assert p.time_of_day
    assert [(s.name, s.start, s.length) for s in p.segments] == [
        ("Doors", 19.5 * 3600, 15 * 60.0), ("Welcome", 19.75 * 3600, 300.0),
        ("Keynote", 19.5 * 3600 + 20 * 60, 1800.0), ("Q&A", 20 * 3600 + 20 * 60, None)]
    assert not p.segments[3].start_given


async def test_a_show_two_minutes_late_shows_plus_two_minutes(event_path: Path) -> None:
    clock = ManualClock()
    runtime = LiveRuntime(load_show(event_path), path=event_path, clock=clock)
    runtime.wall_start = datetime(2026, 11, 27, 19, 30, 0)  # show time 0 is 19:30:00
    await runtime.start()
    server = ApiServer(runtime)
    client = server.memory_client()
    await client.hello()
    try:
        clock.advance(120.0)  # doors were planned at 19:30: two minutes late already
        s = runtime.state().schedule
        assert s is not None and s["current"] is None and s["next"] == 0
        assert schedule.format_delta(s["over"]) == "+2:00"
        assert s["next_in"] == pytest.approx(-120.0)
        await client.command("go")  # Doors at 19:32
        state = client.state
        assert state is not None and state.schedule is not None
        s = state.schedule
        assert s["current"] == 0 and s["segments"][0]["state"] == "running"
        assert schedule.format_delta(s["over"]) == "+2:00"
        assert s["segments"][0]["start_delta"] == pytest.approx(120.0)
        assert schedule.format_length(s["next_in"]) == "13:00"  # Welcome at 19:45
        clock.advance(11 * 60.0)  # 19:43: welcome early, 2 min ahead
        await client.command("go")
        s = runtime.state().schedule
        assert s is not None and s["current"] == 1
        assert schedule.format_delta(s["over"]) == "-2:00"
        assert s["segments"][0]["actual_length"] == pytest.approx(660.0)
        assert s["segments"][0]["length_delta"] == pytest.approx(-240.0)
        clock.advance(8 * 60.0)  # welcome runs 8 of its 5 minutes: 3 over, 1 min late now
        s = runtime.state().schedule
        assert s is not None
        assert schedule.format_delta(s["over"]) == "+1:00"
        assert s["elapsed"] == pytest.approx(480.0) and s["remaining"] == pytest.approx(-180.0)
        assert schedule.format_plan_time(s["now"], True) == "19:51"
        # the state stream carries it as plain JSON; an old client ignores it
        assert State.from_json(runtime.state().to_json()).schedule == s
    finally:
        await server.close()
        await runtime.stop()


async def test_an_offset_plan_counts_from_the_first_segment(tmp_path: Path) -> None:
    p = tmp_path / "offsets.yaml"
    p.write_text(EVENT.replace('"19:30"', '"+0"').replace('"19:45"', '"+15m"')
                 .replace('"19:50"', '"+20:00"'), encoding="utf-8")
    clock = ManualClock()
    runtime = LiveRuntime(load_show(p), path=p, clock=clock)
    await runtime.start()
    try:
        s = runtime.state().schedule
        assert s is not None and s["now"] is None and s["over"] is None  # not started
        clock.advance(500.0)
        await runtime.execute(Command("go", {}))
        clock.advance(16 * 60.0)  # Doors ran 16 of its 15 minutes
        s = runtime.state().schedule
        assert s is not None and not s["time_of_day"]
        assert s["now"] == pytest.approx(960.0)
        assert schedule.format_delta(s["over"]) == "+1:00"
        assert schedule.format_plan_time(s["segments"][2]["planned_start"], False) == "+20:00"
    finally:
        await runtime.stop()


def test_check_finds_order_overlap_and_mixed_kinds_with_line_and_column(tmp_path: Path) -> None:
    p = tmp_path / "bad.yaml"
    p.write_text(EVENT.replace('"19:50"', '"19:48"')
                 .replace("segment: Q&A}", 'segment: Q&A, planned_start: "19:00"}')
                 + '      - {number: "5", type: memo, planned_length: 60}\n'
                 + '      - {number: "6", type: memo, segment: X, planned_start: "+5m"}\n',
                 encoding="utf-8")
    with pytest.raises(ShowFileError, match=r"bad\.yaml:9:83: segment 'Keynote' at 19:48") as err:
        load_show(p)
    text = str(err.value)
    assert f"{p}:9:83: segment 'Keynote' at 19:48 overlaps 'Welcome', planned until 19:50" \
        in text
    assert f"{p}:11:75: segment 'Q&A' is planned at 19:00, before 'Keynote'" in text
    assert f"{p}:12:51: planned_length needs a 'segment' name" in text
    assert (f"{p}:13:62: segment 'X': planned_start mixes a show offset with the times of "
            "day") in text
    bad = tmp_path / "bad2.yaml"
    bad.write_text(EVENT.replace('"19:30"', '"25:30"'), encoding="utf-8")
    with pytest.raises(ShowFileError, match=r"bad2.yaml:6:\d+: .*not a time of day"):
        load_show(bad)


@pytest.mark.parametrize(("t", "text"), [(120.0, "+2:00"), (-90.4, "-1:30"), (0.3, "0:00"),
                                         (3725.0, "+1:02:05")])
def test_over_under_is_written_with_its_sign(t: float, text: str) -> None:
    assert schedule.format_delta(t) == text


REPLAYED = """\
show: {title: Conference}
settings: {go_guard: 0, auto_go_gap: 0}
cuelists:
  main:
    cues:
      - {number: "1", type: wait, duration: 600, name: Doors, segment: Doors,
         planned_start: "19:30"}
      - {number: "2", type: wait, duration: 400, name: Welcome, segment: Welcome,
         planned_start: "19:45", planned_length: "5:00"}
      - {number: "3", type: wait, duration: 1800, name: Keynote, segment: Keynote,
         planned_start: "19:50", planned_length: "30:00"}
"""


def test_the_report_of_a_run_has_the_segment_table(tmp_path: Path) -> None:
    from showctl.replay import record_replay
    from showctl.report.html_page import render_html
    from showctl.report.model import build_report
    from showctl.report.text import render_text

    p = tmp_path / "replayed.yaml"
    p.write_text(REPLAYED, encoding="utf-8")
    show = load_show(p)
    # the run starts at 19:32 (two minutes late); each GO the moment the cue before ends
    _, rec = record_replay(show, None, started=datetime(2026, 11, 27, 19, 32).astimezone())
    report = build_report(rec.runlog(), show)
    sc = report.schedule
    assert sc is not None
    got = [(g["name"], schedule.format_delta(g["start_delta"]),
            schedule.format_length(g["actual_length"]),
            schedule.format_delta(g["length_delta"])) for g in sc["segments"]]
    assert got == [("Doors", "+2:00", "10:00", "-5:00"), ("Welcome", "-3:00", "6:40", "+1:40"),
                   ("Keynote", "-1:20", "30:00", "0:00")]
    assert schedule.format_delta(sc["over"]) == "-1:20"
    page = render_html(report)
    assert "<h2>Run of show</h2>" in page
    assert '<td class="n late">+2:00</td>' in page and "19:32" in page
    assert 'over/under in total</th><td class="n early">-1:20</td>' in page
    text = render_text(report)
    assert "Run of show" in text and "over/under in total" in text


def test_a_replay_prints_the_run_of_show(tmp_path: Path) -> None:
    import subprocess
    import sys

    p = tmp_path / "replayed.yaml"
    p.write_text(REPLAYED, encoding="utf-8")
    root = Path(__file__).resolve().parents[2]
    r = subprocess.run([sys.executable, "-m", "showctl", "replay", str(p), "--no-runlog"],
                       capture_output=True, text=True, timeout=60, cwd=root,
                       env={**__import__("os").environ, "PYTHONPATH": str(root)})
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    at = lines.index("Run of show")
    assert lines[at + 2].split() == ["Doors", "19:30", "15:00", "19:30", "10:00", "0:00",
                                     "-5:00"]
    assert lines[at + 4].split()[-1] == "0:00" and lines[at + 5].split()[-1] == "-3:20"
