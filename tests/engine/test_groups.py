"""Group modes on the virtual clock: timeline, playlist, first (enter)."""

from showctl.testing import cue_times, drive, make_show


def group_show(mode: str) -> str:
    return f"""
    show: {{title: t}}
    cuelists:
      main:
        cues:
          - number: 1
            type: group
            mode: {mode}
            cues:
              - {{number: 1.1, type: wait, duration: 2}}
              - {{number: 1.2, type: wait, duration: 1, prewait: 0.5}}
              - {{number: 1.3, type: wait, duration: 3}}
          - {{number: 2, type: memo}}
    """


def test_timeline_starts_all_children_together_with_their_prewaits() -> None:
    trace = drive(make_show(group_show("timeline")), [(0, lambda e: e.go())], until=10)
    assert cue_times(trace, "cue_started") == {"1": 0.0, "1.1": 0.0, "1.2": 0.5, "1.3": 0.0}
    assert cue_times(trace, "cue_completed")["1"] == 3.0  # the longest child


def test_playlist_runs_children_in_sequence() -> None:
    trace = drive(make_show(group_show("playlist")), [(0, lambda e: e.go())], until=10)
    assert cue_times(trace, "cue_started") == {"1": 0.0, "1.1": 0.0, "1.2": 2.5, "1.3": 3.5}
    assert cue_times(trace, "cue_completed")["1"] == 6.5


def test_first_mode_enters_the_group() -> None:
    show = make_show(group_show("first"))
    steps = [(0, lambda e: e.go()), (5, lambda e: e.go()), (6, lambda e: e.go()),
             (10, lambda e: e.go())]
    trace = drive(show, steps, until=20)
    heads = [ln["cue"] for ln in trace if ln["kind"] == "playhead"]
    assert heads == ["1.2", "1.3", "2", None]
    assert cue_times(trace, "cue_started") == {
        "1": 0.0, "1.1": 0.0, "1.2": 5.5, "1.3": 6.0, "2": 10.0}


def test_stopping_a_playlist_does_not_start_its_next_child() -> None:
    show = make_show(group_show("playlist"))
    trace = drive(show, [(0, lambda e: e.go()), (1, lambda e: e.stop())], until=10)
    assert set(cue_times(trace, "cue_started")) == {"1", "1.1"}
    assert cue_times(trace, "cue_stopped") == {"1": 1.0, "1.1": 1.0}


def test_pausing_a_group_pauses_its_children() -> None:
    show = make_show(group_show("playlist"))
    steps = [(0, lambda e: e.go()), (1, lambda e: e.pause()), (4, lambda e: e.resume())]
    trace = drive(show, steps, until=20)
    # 3 s paused: everything after shifts by 3 s.
    assert cue_times(trace, "cue_started") == {"1": 0.0, "1.1": 0.0, "1.2": 5.5, "1.3": 6.5}
    assert cue_times(trace, "cue_completed")["1"] == 9.5


INSTANT_FIRST = """
show: {title: t}
outputs: {snd: {kind: osc}}
cuelists:
  main:
    cues:
      - number: 1
        type: group
        cues:
          - {number: 1.1, type: osc, output: snd, address: /now}
          - {number: 1.2, type: wait, duration: 2, prewait: 0.5}
"""


def test_timeline_group_waits_for_children_started_after_an_instant_one() -> None:
    trace = drive(make_show(INSTANT_FIRST), [(0, lambda e: e.go())], until=5)
    assert cue_times(trace, "cue_completed") == {"1.1": 0.0, "1.2": 2.5, "1": 2.5}


def test_stopping_a_list_reaches_children_in_their_prewait() -> None:
    steps = [(0, lambda e: e.go()), (0.2, lambda e: e.stop("main"))]
    trace = drive(make_show(INSTANT_FIRST), steps, until=5)
    assert cue_times(trace, "cue_stopped") == {"1": 0.2, "1.2": 0.2}
    assert "1.2" not in cue_times(trace, "cue_started")
