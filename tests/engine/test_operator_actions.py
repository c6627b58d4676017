"""Pause/resume of waits, panic, back/goto, two lists, control cues — exact times."""

from showctl.engine.navigation import Navigation
from showctl.testing import cue_times, drive, events, make_show

WAITS = """
show: {title: t}
settings: {panic_time: 2}
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
      - {number: B, type: osc, output: snd, address: /b}
"""


def test_pause_during_prewait_resumes_where_it_was() -> None:
    show = make_show(WAITS)
    steps = [(0, lambda e: e.go()), (1, lambda e: e.pause()), (11, lambda e: e.resume())]
    trace = drive(show, steps, until=30)
    # 1 s of prewait left at the pause → starts at 12; postwait from there → 2 at 15.
    assert cue_times(trace, "cue_started") == {"1": 12.0, "2": 15.0}
    assert cue_times(trace, "cue_paused") == {"1": 1.0}
    assert cue_times(trace, "cue_resumed") == {"1": 11.0}


def test_pause_during_postwait_delays_the_continue() -> None:
    show = make_show(WAITS)
    steps = [(0, lambda e: e.go()), (3, lambda e: e.pause()), (5, lambda e: e.resume())]
    trace = drive(show, steps, until=30)
    # started at 2; paused at 3 with 2 s of postwait left → continue at 7; action ends 8.
    assert cue_times(trace, "cue_started") == {"1": 2.0, "2": 7.0}
    assert cue_times(trace, "cue_completed")["1"] == 8.0


def test_panic_fades_then_stops_and_cuts_pending_waits() -> None:
    show = make_show(WAITS)
    trace = drive(show, [(0, lambda e: e.go()), (3, lambda e: e.panic())], until=30)
    assert events(trace, "panic") == [(3.0, "panic", None)]
    assert [ln["duration"] for ln in trace if ln["kind"] == "panic"] == [2.0]
    assert cue_times(trace, "cue_stopped") == {"1": 5.0}
    assert "2" not in cue_times(trace, "cue_started")  # its auto-continue was cancelled


def test_second_panic_within_fade_stops_hard() -> None:
    show = make_show(WAITS)
    steps = [(0, lambda e: e.go()), (3, lambda e: e.panic()), (3.5, lambda e: e.panic())]
    trace = drive(show, steps, until=30)
    assert [(ln["t"], ln["hard"]) for ln in trace if ln["kind"] == "panic"] == [
        (3.0, False), (3.5, True)]
    assert cue_times(trace, "cue_stopped") == {"1": 3.5}


def test_back_and_goto_move_the_playhead_without_firing() -> None:
    show = make_show(WAITS)
    steps = [(0, lambda e: e.goto("3")), (1, lambda e: e.back()), (2, lambda e: e.back()),
             (3, lambda e: e.go())]
    trace = drive(show, steps, until=4)
    heads = [(ln["t"], ln["cue"]) for ln in trace if ln["kind"] == "playhead"]
    # 2 is inside cue 1's sequence (1 auto-continues into it): back steps to 1, the
    # sequence's head, and a GO on 1 moves the playhead past the whole sequence.
    assert heads == [(0.0, "3"), (1.0, "1"), (2.0, "1"), (3.0, "3")]
    assert cue_times(trace, "cue_triggered") == {"1": 3.0}


def test_two_lists_run_at_once_with_their_own_playheads() -> None:
    show = make_show(WAITS)
    steps = [(0, lambda e: e.go("other")), (1, lambda e: e.go()), (12, lambda e: e.go("other"))]
    trace = drive(show, steps, until=30)
    assert cue_times(trace, "cue_started", "other") == {"A": 0.0, "B": 12.0}
    assert cue_times(trace, "cue_started", "main") == {"1": 3.0, "2": 6.0}
    assert cue_times(trace, "cue_completed", "other")["A"] == 10.0


def test_stop_one_list_leaves_the_other_running() -> None:
    show = make_show(WAITS)
    steps = [(0, lambda e: e.go("other")), (0, lambda e: e.go()), (3, lambda e: e.stop("main"))]
    trace = drive(show, steps, until=30)
    assert cue_times(trace, "cue_stopped") == {"1": 3.0}
    assert cue_times(trace, "cue_completed", "other") == {"A": 10.0}


CONTROL = """
show: {title: t}
outputs: {snd: {kind: osc}}
cuelists:
  main:
    cues:
      - {number: 1, type: start, list: bed, target: B1}
      - {number: 2, type: pause, list: bed}
      - {number: 3, type: resume, list: bed}
      - {number: 4, type: disarm, target: 6}
      - {number: 5, type: goto, target: 6}
      - {number: 6, type: osc, output: snd, address: /six}
      - {number: 7, type: arm, target: 6}
      - {number: 8, type: fade_out, list: bed, duration: 2}
      - {number: 9, type: stop, target: W}
      - {number: W, type: wait, duration: 100}
  bed:
    cues:
      - {number: B1, type: wait, duration: 20}
"""


def test_control_cues_act_on_their_targets() -> None:
    show = make_show(CONTROL)
    steps = [(float(t), lambda e: e.go()) for t in (0, 1, 4, 5, 6, 7, 8, 9)]
    steps += [(9.5, lambda e: e.goto("W")), (10, lambda e: e.go()),
              (11, lambda e: e.goto("9")), (12, lambda e: e.go())]
    trace = drive(show, steps, until=40)
    started = cue_times(trace, "cue_started", "bed")
    assert started == {"B1": 0.0}
    assert cue_times(trace, "cue_paused", "bed") == {"B1": 1.0}
    assert cue_times(trace, "cue_resumed", "bed") == {"B1": 4.0}
    # cue 5 (goto 6) at 6 does not fire 6; GO at 7 fires 6 while disarmed: no output.
    assert [ln for ln in trace if ln["kind"] == "osc"] == []
    assert [(ln["t"], ln["armed"]) for ln in trace if ln["kind"] == "cue_armed"] == [
        (5.0, False), (8.0, True)]
    # fade_out at 9 over 2 s stops the bed at 11; the Stop cue at 12 stops W.
    assert cue_times(trace, "cue_stopped", "bed") == {"B1": 11.0}
    assert cue_times(trace, "cue_stopped", "main") == {"W": 12.0}


def test_navigation_steps_are_clamped_to_the_list() -> None:
    show = make_show(WAITS)
    nav = Navigation(show.cuelists["main"].cues)
    first, second, third = nav.flat
    assert nav.step(first, 1) is second and nav.step(first, -1) is first
    assert nav.step(third, 5) is third
    assert nav.step(None, -1) is third and nav.step(None, 1) is third
