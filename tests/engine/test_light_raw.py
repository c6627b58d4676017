"""Light cues on raw channels: tracking, cue-only, block, split times, HTP/LTP."""

import itertools
from typing import Any

from showctl.testing import drive, make_show


def levels(trace: list[dict[str, Any]]) -> dict[float, dict[str, int]]:
    """Time → accumulated channel values of universe 1 after that frame."""
    state: dict[str, int] = {}
    out: dict[float, dict[str, int]] = {}
    for ln in trace:
        if ln["kind"] == "dmx" and ln["universe"] == 1:
            state.update(ln["channels"])
            out[ln["t"]] = dict(state)
    return out


def at(trace: list[dict[str, Any]], t: float) -> dict[str, int]:
    snap: dict[str, int] = {}
    for time, state in levels(trace).items():
        if time <= t + 1e-9:
            snap = state
    return snap


SHOW = """
show: {title: t}
outputs: {lx: {kind: dmx, rate: 10}}
cuelists:
  main:
    cues:
      - {number: 1, type: light, channels: {"1": 100, "2": 50}, time: 0}
      - {number: 2, type: light, channels: {"1": 0}, time: 1}
      - {number: 3, type: light, channels: {"3": 100}, time: 0, cue_only: true}
      - {number: 4, type: light, channels: {"4": 100}, time: 0}
      - {number: 5, type: light, channels: {"1": 100}, up: 2, down: 4}
  side:
    cues:
      - {number: S1, type: light, channels: {"1": 60, "2": 80}, time: 0}
"""


def test_zero_time_cue_goes_out_at_once_and_tracks() -> None:
    show = make_show(SHOW)
    steps = [(0, lambda e: e.go()), (5, lambda e: e.go())]
    trace = drive(show, steps, until=10)
    assert at(trace, 0.0) == {"1": 255, "2": 128}
    # cue 2 fades ch1 to 0 over 1 s at 10 frames/s; ch2 tracks at 50 %.
    assert at(trace, 5.5) == {"1": 128, "2": 128}
    assert at(trace, 6.0) == {"1": 0, "2": 128}


def test_cue_only_is_restored_by_the_next_cue() -> None:
    show = make_show(SHOW)
    steps = [(0, lambda e: e.goto("3")), (1, lambda e: e.go()), (2, lambda e: e.go())]
    trace = drive(show, steps, until=4)
    assert at(trace, 1.0)["3"] == 255
    after = at(trace, 2.0)
    assert after["3"] == 0 and after["4"] == 255


def test_goto_then_go_plays_the_full_tracked_look() -> None:
    show = make_show(SHOW)
    trace = drive(show, [(0, lambda e: e.goto("4")), (1, lambda e: e.go())], until=3)
    # Look of cue 4: 1 at 0 (from 2), 2 at 50 % (tracked from 1), 3 back out, 4 full.
    assert at(trace, 1.0) == {"2": 128, "4": 255}


def test_split_up_and_down_times() -> None:
    show = make_show(SHOW)
    steps = [(0, lambda e: e.goto("2")), (0.5, lambda e: e.go()),
             (2, lambda e: e.goto("5")), (3, lambda e: e.go())]
    trace = drive(show, steps, until=10)
    assert at(trace, 4.0)["1"] == 128  # up time 2 s: halfway after 1 s
    assert at(trace, 5.0)["1"] == 255


def test_htp_between_lists_and_ltp_latest_wins() -> None:
    show = make_show(SHOW.replace('channels: {"1": 60, "2": 80}, time: 0',
                                  'channels: {"1": 60, "2": 80}, time: 0'))
    steps = [(0, lambda e: e.go()), (1, lambda e: e.go("side"))]
    trace = drive(show, steps, until=3)
    # raw channels are intensity: highest takes precedence across the two lists.
    assert at(trace, 1.0) == {"1": 255, "2": 204}


def test_grandmaster_and_blackout_scale_intensity() -> None:
    show = make_show(SHOW)

    def gm(e: Any) -> None:
        assert e.lighting is not None
        e.lighting.grandmaster = 0.5
        e.lighting.send_now()

    def bo(e: Any) -> None:
        e.lighting.blackout = True
        e.lighting.send_now()

    trace = drive(show, [(0, lambda e: e.go()), (1, gm), (2, bo)], until=3)
    assert at(trace, 1.0) == {"1": 128, "2": 64}
    assert at(trace, 2.0) == {"1": 0, "2": 0}


def test_interrupted_fade_continues_from_current_value() -> None:
    show = make_show(SHOW)
    steps = [(0, lambda e: e.go()), (1, lambda e: e.go()), (1.5, lambda e: e.goto("5")),
             (1.5, lambda e: e.go())]
    trace = drive(show, steps, until=8)
    # ch1 was halfway down (128) when cue 5 took over with a 2 s up time: no jump.
    values = [v["1"] for t, v in levels(trace).items() if 1.5 <= t <= 3.6]
    assert values[0] == 128
    assert all(b >= a for a, b in itertools.pairwise(values))
    assert values[-1] == 255


def test_raw_channels_leave_on_the_output_that_carries_their_universe() -> None:
    show = make_show("""
    show: {title: t}
    outputs:
      lx: {kind: dmx, rate: 10, universes: [1]}
      lx2: {kind: dmx, rate: 10, universes: [2]}
    cuelists:
      main:
        cues:
          - {number: 1, type: light, channels: {"1": 100, "2/100": 50}, time: 0}
    """)
    trace = drive(show, [(0, lambda e: e.go())], until=1)
    sent = {(ln["output"], ln["universe"]) for ln in trace
            if ln["kind"] == "dmx" and ln["channels"]}
    assert sent == {("lx", 1), ("lx2", 2)}
