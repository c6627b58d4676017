"""Continue modes, waits and GO on the virtual clock, with exact timestamps."""

from showctl.testing import cue_times, drive, events, make_show

SHOW = """
show: {title: t}
cuelists:
  main:
    cues:
      - {number: 1, type: wait, duration: 5, prewait: 1, postwait: 2, continue: auto_continue}
      - {number: 2, type: wait, duration: 3, prewait: 0.5, continue: auto_follow}
      - {number: 3, type: wait, duration: 1}
      - {number: 4, type: memo}
"""


def test_go_fires_standby_and_moves_playhead() -> None:
    show = make_show(SHOW)
    trace = drive(show, [(0, lambda e: e.go())], until=20)
    started = cue_times(trace, "cue_started")
    # 1: prewait 1 → starts at 1; auto-continue 2 s after its start → 2 triggered at 3,
    # prewait 0.5 → starts 3.5, runs 3 → ends 6.5; auto-follow → 3 starts at 6.5.
    assert started == {"1": 1.0, "2": 3.5, "3": 6.5}
    done = cue_times(trace, "cue_completed")
    assert done == {"1": 6.0, "2": 6.5, "3": 7.5}
    heads = [(ln["t"], ln["cue"]) for ln in trace if ln["kind"] == "playhead"]
    # 1 → 2 → 3 is one cue sequence: the GO puts the playhead on 4 at once (QLab).
    assert heads == [(0.0, "4")]


def test_no_continue_waits_for_go() -> None:
    show = make_show(SHOW)
    trace = drive(show, [(0, lambda e: e.go()), (10, lambda e: e.go())], until=20)
    assert cue_times(trace, "cue_started")["4"] == 10.0


def test_double_go_guard_rejects_fast_second_go() -> None:
    show = make_show(SHOW.replace("show: {title: t}", "show: {title: t}\nsettings: {go_guard: 1}"))
    steps = [(8, lambda e: e.go()), (8.4, lambda e: e.go()), (9.0, lambda e: e.go())]
    trace = drive(show, steps, until=30)
    assert events(trace, "go", "go_rejected") == [
        (8.0, "go", "1"), (8.4, "go_rejected", None), (9.0, "go", "4")]


def test_disarmed_cue_keeps_its_waits_and_continue() -> None:
    show = make_show("""
    show: {title: t}
    outputs: {snd: {kind: osc}}
    cuelists:
      main:
        cues:
          - {number: 1, type: osc, output: snd, address: /a, armed: false, prewait: 1,
             continue: auto_continue, postwait: 1}
          - {number: 2, type: osc, output: snd, address: /b}
    """)
    trace = drive(show, [(0, lambda e: e.go())], until=5)
    sent = [(ln["t"], ln["address"]) for ln in trace if ln["kind"] == "osc"]
    assert sent == [(2.0, "/b")]
    assert cue_times(trace, "cue_started") == {"1": 1.0, "2": 2.0}
