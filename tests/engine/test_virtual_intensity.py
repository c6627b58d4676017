"""Virtual intensity: a fixture with colour emitters and no intensity channel (rgbw-par
4ch) dims with an intensity that scales its emitters, beside fixtures that have one."""

from typing import Any

import pytest

from showctl.lighting.patch import build_patch
from showctl.lighting.values import ValueConversionError, to_normalized
from showctl.testing import drive, make_show

SHOW = """
show: {title: t}
outputs: {lx: {kind: dmx, rate: 10}}
patch:
  - {id: 1, profile: rgbw-par, mode: 8ch, universe: 1, address: 1, groups: [mixed]}
  - {id: 2, profile: rgbw-par, mode: 4ch, universe: 1, address: 9, groups: [mixed]}
cuelists:
  main:
    cues:
      - {number: 1, type: light, time: 0, fixtures: {mixed: {intensity: 100, color: red}}}
      - {number: 2, type: light, time: 0, fixtures: {mixed: {intensity: 50}}}
      - {number: 3, type: light, time: 2, fixtures: {mixed: {intensity: 0}}}
"""


def dmx_state(trace: list[dict[str, Any]], universe: int, t: float) -> dict[int, int]:
    state: dict[int, int] = {}
    for ln in trace:
        if ln["kind"] == "dmx" and ln["universe"] == universe and ln["t"] <= t + 1e-9:
            state.update({int(k): v for k, v in ln["channels"].items()})
    return state


def channels(trace: list[dict[str, Any]], t: float, first: int, last: int) -> list[int]:
    state = dmx_state(trace, 1, t)
    return [state.get(i, 0) for i in range(first, last + 1)]


def test_a_group_of_mixed_modes_dims_together() -> None:
    trace = drive(make_show(SHOW), [(0, lambda e: e.go()), (1, lambda e: e.go()),
                                    (2, lambda e: e.go())], until=5)
    # 8ch: intensity, red, green, blue, white; 4ch: red, green, blue, white
    assert channels(trace, 0.5, 1, 5) == [255, 255, 0, 0, 0]
    assert channels(trace, 0.5, 9, 12) == [255, 0, 0, 0]
    assert channels(trace, 1.5, 1, 5) == [128, 255, 0, 0, 0]
    assert channels(trace, 1.5, 9, 12) == [128, 0, 0, 0]  # red × the virtual 50 %
    assert channels(trace, 3.0, 9, 12) == [64, 0, 0, 0]  # fading with the 8ch par
    assert channels(trace, 3.0, 1, 1) == [64]
    assert channels(trace, 4.5, 9, 12) == [0, 0, 0, 0]
    # the virtual intensity has no channel of its own: nothing lands on channel 13
    assert all(ln["channels"].get("13", 0) == 0 for ln in trace if ln["kind"] == "dmx")


def test_without_intensity_the_colour_shows_as_set() -> None:
    show = SHOW.replace("{intensity: 100, color: red}", "{color: red}")
    trace = drive(make_show(show), [(0, lambda e: e.go())], until=1)
    assert channels(trace, 0.5, 9, 12) == [255, 0, 0, 0]  # virtual intensity home: full


def test_values_and_errors() -> None:
    patch = build_patch(make_show(SHOW).patch)
    four = patch.fixture(2).layout
    assert four.virtual_intensity and not patch.fixture(1).layout.virtual_intensity
    assert to_normalized(four, "dimmer", 40) == {"intensity": 0.4}
    with pytest.raises(ValueConversionError, match="it has: intensity, red, green"):
        to_normalized(four, "pan", 10)


def test_the_grandmaster_scales_the_emitters_once() -> None:
    trace = drive(make_show(SHOW), [(0, lambda e: e.go()),
                                    (0.5, lambda e: e.set_grandmaster(0.5))], until=1.5)
    assert channels(trace, 1.2, 1, 2) == [128, 255]
    assert channels(trace, 1.2, 9, 12) == [128, 0, 0, 0]  # not 64: scaled once


def test_the_programmer_dims_the_group() -> None:
    from showctl.engine.engine import Engine
    from showctl.engine.programmer import Programmer

    prog = Programmer()

    def attach(e: Engine) -> None:
        fixtures = e.light_program.fixtures
        assert fixtures is not None
        prog.attach(e.lighting, fixtures.patch)

    trace = drive(make_show(SHOW), [
        (0, attach),
        (0, lambda e: e.go()),                                    # mixed 100 % red
        (1, lambda e: prog.set("mixed", {"intensity": 25})),
    ], until=2)
    assert channels(trace, 1.5, 1, 2) == [64, 255]
    assert channels(trace, 1.5, 9, 12) == [64, 0, 0, 0]
