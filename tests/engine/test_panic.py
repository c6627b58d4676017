"""Panic on the lights: out or hold, and a second panic completes the first at once."""

from typing import Any

import pytest

from showctl.testing import drive, events, make_show


def chan(trace: list[dict[str, Any]], t: float, ch: str) -> int:
    """Channel ``ch`` of universe 1 after the last frame at or before ``t``."""
    value = 0
    for ln in trace:
        if ln["kind"] == "dmx" and ln["universe"] == 1 and ln["t"] <= t + 1e-9:
            value = ln["channels"].get(ch, value)
    return value


def show(lights: str = "out") -> str:
    return f"""
    show: {{title: t}}
    settings: {{panic_time: 2, panic_lights: {lights}}}
    outputs: {{lx: {{kind: dmx, rate: 10}}, snd: {{kind: osc}}}}
    cuelists:
      main:
        cues:
          - {{number: 1, type: light, channels: {{"1": 100}}, time: 0}}
          - {{number: 2, type: light, channels: {{"2": 100}}, time: 4}}
          - {{number: 3, type: osc, output: snd, address: /x, prewait: 5}}
    """


STEPS = [(0, lambda e: e.go()), (1, lambda e: e.go())]


def test_single_panic_fades_every_intensity_out_completed_looks_included() -> None:
    trace = drive(make_show(show()), [*STEPS, (2, lambda e: e.panic())], until=10)
    # At the panic (2.0) ch1 (cue 1, completed) is full, ch2 is half way up its 4 s fade.
    assert chan(trace, 2.0, "1") == 255 and chan(trace, 2.0, "2") == 64
    assert chan(trace, 3.0, "1") == 128 and chan(trace, 3.0, "2") == 32
    assert chan(trace, 4.0, "1") == 0 and chan(trace, 4.0, "2") == 0
    assert chan(trace, 10.0, "1") == 0 and chan(trace, 10.0, "2") == 0


def test_second_panic_completes_the_first_at_once() -> None:
    steps = [*STEPS, (2, lambda e: e.panic()), (2.5, lambda e: e.panic())]
    trace = drive(make_show(show()), steps, until=10)
    # Never frozen part-way: at the second panic every level is where the panic ends.
    assert chan(trace, 2.5, "1") == 0 and chan(trace, 2.5, "2") == 0
    assert chan(trace, 10.0, "1") == 0 and chan(trace, 10.0, "2") == 0
    panics = [(ln["t"], ln["hard"], ln["lights"]) for ln in trace if ln["kind"] == "panic"]
    assert panics == [(2.0, False, "out"), (2.5, True, "out")]
    assert [t for t, kind, _ in events(trace, "cue_stopped")] == [2.5]


def test_panic_lights_hold_keeps_the_look_where_it_was() -> None:
    trace = drive(make_show(show("hold")), [*STEPS, (2, lambda e: e.panic())], until=10)
    assert chan(trace, 10.0, "1") == 255 and chan(trace, 10.0, "2") == 64
    assert [ln["lights"] for ln in trace if ln["kind"] == "panic"] == ["hold"]


@pytest.mark.parametrize("lights,ch2", [("out", 0), ("hold", 64)])
def test_double_panic_never_leaves_more_light_than_one(lights: str, ch2: int) -> None:
    one = drive(make_show(show(lights)), [*STEPS, (2, lambda e: e.panic())], until=10)
    two = drive(make_show(show(lights)),
                [*STEPS, (2, lambda e: e.panic()), (2.5, lambda e: e.panic())], until=10)
    for ch in ("1", "2"):
        assert chan(two, 10.0, ch) == chan(one, 10.0, ch)
    assert chan(two, 10.0, "2") == ch2


def test_panic_cuts_a_waiting_cue() -> None:
    steps = [(0, lambda e: e.goto("3")), (0.5, lambda e: e.go()), (1, lambda e: e.panic())]
    trace = drive(make_show(show()), steps, until=10)
    assert [ln for ln in trace if ln["kind"] == "osc"] == []


def test_panic_describes_what_happened() -> None:
    from showctl.engine import events as ev

    assert "fade to black" in ev.Panic(1.0, 2.0, lights="out").describe()
    assert "hold their look" in ev.Panic(1.0, 2.0, lights="hold").describe()
    assert "completed at once" in ev.Panic(1.0, 0.0, hard=True).describe()
