"""Pause-all / resume-all, blackout and grandmaster on the engine: exact times."""

from typing import Any

from showctl.api.calls import Call
from showctl.replay import perform
from showctl.runlog.recorder import RunLogRecorder
from showctl.testing import cue_times, drive, events, make_show

SHOW = """
show: {title: t}
outputs: {lx: {kind: dmx, rate: 10}, snd: {kind: osc}}
cuelists:
  main:
    cues:
      - {number: 1, type: light, channels: {"1": 100}, time: 0}
      - {number: 2, type: wait, duration: 10, continue: auto_continue}
      - {number: 3, type: pause, target: "2"}
      - {number: 4, type: wait, duration: 4}
"""


def chan(trace: list[dict[str, Any]], t: float, ch: str = "1") -> int:
    value = 0
    for ln in trace:
        if ln["kind"] == "dmx" and ln["universe"] == 1 and ln["t"] <= t + 1e-9:
            value = ln["channels"].get(ch, value)
    return value


def test_resume_all_resumes_only_what_pause_all_paused() -> None:
    # 2 (a loop, say) is paused by the show's own pause cue 3; 4 is running.
    steps = [(0, lambda e: e.go()), (1, lambda e: e.go()), (1.5, lambda e: e.go()),
             (2, lambda e: e.pause_all()), (5, lambda e: e.resume_all())]
    trace = drive(make_show(SHOW), steps, until=30)
    # 4 ran 0.5 s, paused 3 s, so it completes at 1.5 + 4 + 3.
    assert cue_times(trace, "cue_completed").get("4") == 8.5
    # 2 stays paused: resume-all does not restart what the show paused.
    assert "2" not in cue_times(trace, "cue_completed")
    assert [t for t, _, c in events(trace, "cue_resumed")] == [5.0]
    marks = [(ln["t"], ln["paused"], ln["cues"]) for ln in trace if ln["kind"] == "pause_all"]
    assert marks == [(2.0, True, ["main/4"]), (5.0, False, ["main/4"])]


def test_toggle_pause_all() -> None:
    seen: list[bool] = []
    steps = [(0, lambda e: e.goto("4")), (0.5, lambda e: e.go()),
             (1, lambda e: seen.append(e.toggle_pause_all())),
             (2, lambda e: seen.append(e.toggle_pause_all()))]
    trace = drive(make_show(SHOW), steps, until=30)
    assert seen == [True, False]
    assert cue_times(trace, "cue_completed")["4"] == 5.5


def test_blackout_zeroes_and_release_restores_the_look() -> None:
    steps = [(0, lambda e: e.go()), (1, lambda e: e.set_blackout()),
             (2, lambda e: e.set_blackout())]
    trace = drive(make_show(SHOW), steps, until=3)
    assert (chan(trace, 0.5), chan(trace, 1.0), chan(trace, 2.0)) == (255, 0, 255)
    assert [(ln["t"], ln["on"]) for ln in trace if ln["kind"] == "blackout"] == [
        (1.0, True), (2.0, False)]


def test_grandmaster_scales_intensity_and_is_clamped() -> None:
    steps = [(0, lambda e: e.go()), (1, lambda e: e.set_grandmaster(0.5)),
             (2, lambda e: e.set_grandmaster(7))]
    trace = drive(make_show(SHOW), steps, until=3)
    assert (chan(trace, 0.5), chan(trace, 1.0), chan(trace, 2.0)) == (255, 128, 255)
    assert [(ln["t"], ln["level"]) for ln in trace if ln["kind"] == "grandmaster"] == [
        (1.0, 0.5), (2.0, 1.0)]


def test_masters_are_calling_script_actions_and_recorded_in_the_run_log() -> None:
    show = make_show(SHOW)
    rec = RunLogRecorder(show, "headless", None)

    def do(text: str) -> Any:
        return lambda e: perform(e, Call(at=0, do=text))

    steps = [(0, rec.attach), (0, lambda e: e.go()), (1, do("blackout on")),
             (2, do("blackout off")), (3, do("grandmaster 40")), (4, do("pause_all")),
             (5, do("resume_all"))]
    trace = drive(show, steps, until=6)
    assert chan(trace, 3.0) == 102
    calls = [(c.at, c.do) for c in rec.runlog().calls if c.do != "go"]
    assert calls == [(1.0, "blackout on"), (2.0, "blackout off"), (3.0, "grandmaster 40"),
                     (4.0, "pause_all"), (5.0, "resume_all")]
