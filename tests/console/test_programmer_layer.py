"""The programmer layer on the virtual clock: override, release, recording helpers."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from showctl.engine.engine import Engine
from showctl.engine.programmer import (
    Programmer,
    ProgrammerError,
    cues_before,
    plan_update,
    simulate,
    tracked_state,
)
from showctl.model import show as m
from showctl.testing import drive, make_show

SHOW = """
show: {title: t}
settings: {default_fade: 0}
outputs: {lx: {kind: dmx, rate: 10}}
patch:
  - {id: 1, profile: rgbw-par, mode: 8ch, universe: 1, address: 1, groups: [front]}
  - {id: 2, profile: rgbw-par, mode: 8ch, universe: 1, address: 9, groups: [front]}
  - {id: 101, profile: moving-spot, mode: standard, universe: 2, address: 1}
cuelists:
  main:
    cues:
      - number: 1
        type: light
        time: 0
        fixtures:
          front: {intensity: 100, color: red}
      - number: 2
        type: light
        time: 2
        fixtures:
          front: {intensity: 50}
      - number: 3
        type: light
        cue_only: true
        fixtures:
          "101": {intensity: 100}
      - {number: 4, type: memo}
  side:
    cues:
      - {number: S, type: light, time: 0, fixtures: {"1": {intensity: 80, color: green}}}
"""


def dmx(trace: list[dict[str, Any]], universe: int, t: float) -> dict[int, int]:
    state: dict[int, int] = dict.fromkeys(range(1, 513), 0)
    for ln in trace:
        if ln["kind"] == "dmx" and ln["universe"] == universe and ln["t"] <= t + 1e-9:
            state.update({int(k): v for k, v in ln["channels"].items()})
    return state


def attach(prog: Programmer) -> Any:
    def step(e: Engine) -> None:
        fixtures = e.light_program.fixtures
        assert fixtures is not None
        prog.attach(e.lighting, fixtures.patch)
    return step


def test_programmer_overrides_intensity_and_colour_and_holds_through_fades() -> None:
    prog = Programmer()
    trace = drive(make_show(SHOW), [
        (0, attach(prog)),
        (0, lambda e: e.go()),                                   # front 100 % red
        (0.5, lambda e: e.go("side")),                           # 1 at 80 % (HTP) green
        (1, lambda e: prog.set("1", {"intensity": 30})),         # below the HTP of both
        (1, lambda e: prog.set("1", {"color": "blue"})),
        (2, lambda e: e.go()),                                   # cue 2: front 50 % in 2 s
    ], until=5)
    assert [dmx(trace, 1, 0.5).get(i) for i in (1, 2, 3, 4)] == [255, 0, 255, 0]
    # sent at once, at t=1 (not on the next frame), and it wins over HTP and LTP
    at_1 = dmx(trace, 1, 1.0)
    assert [at_1.get(i) for i in (1, 2, 3, 4, 5)] == [77, 0, 0, 255, 0]
    first = next(ln for ln in trace if ln["kind"] == "dmx" and ln["t"] == 1.0)
    assert first["universe"] == 1
    at_3 = dmx(trace, 1, 3.0)
    assert at_3[1] == 77                      # held through cue 2's fade …
    assert 127 < at_3[9] < 255                # … while fixture 2 fades on
    assert dmx(trace, 1, 5.0)[1] == 77


def test_clear_releases_at_once_or_with_a_fade() -> None:
    prog = Programmer()
    trace = drive(make_show(SHOW), [
        (0, attach(prog)),
        (0, lambda e: e.go()),
        (1, lambda e: prog.set("front", {"intensity": 10})),
        (2, lambda e: prog.clear("2")),                 # at once: back to the cue (100 %)
        (3, lambda e: prog.clear(time=2.0)),            # fixture 1 fades 10 % → 100 %
    ], until=6)
    assert dmx(trace, 1, 1.0)[1] == 26 and dmx(trace, 1, 1.0)[9] == 26
    assert dmx(trace, 1, 2.0)[9] == 255 and dmx(trace, 1, 2.0)[1] == 26
    mid = dmx(trace, 1, 4.0)[1]
    assert abs(mid - (26 + 255) / 2) <= 12  # within a frame (10 Hz) of halfway
    assert dmx(trace, 1, 5.0)[1] == 255
    assert not prog.active


async def _session_with_programmer() -> tuple[Any, Programmer]:
    from showctl.session import Session

    session = Session(make_show(SHOW))
    prog = Programmer()
    fixtures = session.engine.light_program.fixtures
    assert fixtures is not None
    prog.attach(session.lighting, fixtures.patch)
    return session, prog


def test_values_at_matches_values_and_grandmaster_scales_the_programmer() -> None:
    from showctl.clocks.virtual import run_virtual

    async def main() -> None:
        session, prog = await _session_with_programmer()
        lighting = session.lighting
        session.engine.go()
        prog.set("1-2", {"intensity": 40, "color": "warm white"})
        prog.set("101", {"pan": 45, "gobo": "breakup"})
        prog.clear("2", time=2.0)
        now = lighting.clock.now() + 0.5
        full = lighting.values(now)
        idx = np.arange(len(full), dtype=np.int64)
        assert np.allclose(lighting.values_at(now, idx), full)
        i = lighting.layout.index["1.intensity"]
        assert abs(full[i] - 0.4) < 1e-6
        lighting.grandmaster = 0.5
        assert abs(lighting.values(now)[i] - 0.2) < 1e-6
        pan = lighting.layout.index["101.pan"]
        assert abs(lighting.values(now)[pan] - (45 + 270) / 540) < 1e-4  # not scaled

    run_virtual(main)


def test_a_bad_value_changes_nothing_and_later_values_take_attributes_over() -> None:
    from showctl.clocks.virtual import run_virtual

    async def main() -> None:
        _session, prog = await _session_with_programmer()
        with pytest.raises(ProgrammerError, match="gobo"):
            prog.set("front", {"gobo": "breakup"})          # pars have no gobo
        with pytest.raises(ProgrammerError, match="no fixture or group"):
            prog.set("back", {"intensity": 50})
        assert prog.fixtures == {}
        prog.set("front", {"color": "warm white"})
        prog.set("1", {"red": 20})
        prog.set("front", {"intensity": 80})
        assert list(prog.fixtures["1"]) == ["color", "red", "intensity"]
        assert "red" not in prog.fixtures["1"]["color"].levels
        # written back: the group as typed where every fixture is alike, else per fixture,
        # colour before the red that overrides part of it
        assert prog.record_mapping(prog.fixtures) == {
            "1": {"color": "warm white", "red": 20, "intensity": 80},
            "2": {"color": "warm white", "intensity": 80},
        }
        prog.set("1", {"color": "warm white"})                # takes the red back
        assert prog.record_mapping(prog.fixtures) == {
            "front": {"intensity": 80, "color": "warm white"}}
        assert prog.lines() == ["front intensity 80", "front color warm white"]

    run_virtual(main)


def test_tracked_state_and_what_differs() -> None:
    show = make_show(SHOW)
    from showctl.engine.light_cues import LightProgram

    program = LightProgram(show)
    assert cues_before(show, "main", "2", inclusive=False) == ["1"]
    assert cues_before(show, "main", "3", inclusive=True) == ["1", "2", "3"]
    after_3 = tracked_state(program, "main", ["1", "2", "3"])
    assert after_3["1.intensity"] == pytest.approx(0.5)
    assert after_3["1.red"] == pytest.approx(1.0)
    assert after_3["101.intensity"] == 0.0     # cue 3 is cue-only: it does not track on


def test_plan_update_in_place_tracking_and_own_keys() -> None:
    from showctl.clocks.virtual import run_virtual

    async def main() -> None:
        session, prog = await _session_with_programmer()
        program = session.engine.light_program
        existing = {"front": {"intensity": 50}}
        before = tracked_state(program, "main", ["1"])
        prog.set("front", {"intensity": 70})
        assert plan_update(prog, existing, before) == {"front": {"intensity": 70}}
        prog.set("front", {"intensity": 100})            # what cue 1 left: it tracks
        assert plan_update(prog, existing, before) == {}
        prog.set("1", {"intensity": 30})                 # not the whole group any more
        plan = plan_update(prog, existing, before)
        assert plan == {"1": {"intensity": 30}}
        fixtures = session.engine.light_program.fixtures
        assert fixtures is not None
        got = simulate(fixtures.patch, plan)
        assert got == {"1.intensity": pytest.approx(0.3)}
        prog.clear()
        prog.set("101", {"pan": 90})
        assert plan_update(prog, existing, before) == {"front": {"intensity": 50},
                                                       "101": {"pan": 90}}

    run_virtual(main)


def test_demo_groups_and_ranges(demo_path: Any) -> None:
    from showctl.clocks.virtual import run_virtual
    from showctl.engine.light_cues import LightProgram
    from showctl.model.loader import load_show
    from showctl.session import Session

    show = load_show(demo_path)
    # a new cue after group 3 comes after everything inside it (3.4 sets the cyc blue)
    assert cues_before(show, "main", "3", inclusive=True)[-6:] == [
        "3", "3.1", "3.2", "3.3", "3.4", "3.5"]
    program = LightProgram(show)
    state = tracked_state(program, "main", cues_before(show, "main", "3", inclusive=True))
    assert state["21.intensity"] == pytest.approx(0.8)

    async def main() -> None:
        session = Session(show)
        prog = Programmer()
        fixtures = session.engine.light_program.fixtures
        assert fixtures is not None
        prog.attach(session.lighting, fixtures.patch)
        cue = next(c for _, c, _ in show.walk() if c.number == "3.4")
        assert isinstance(cue, m.LightCue)
        before = tracked_state(program, "main", cues_before(show, "main", "3.4",
                                                            inclusive=False))
        prog.set("spots", {"pan": 10})           # the range "101-102" in the cue: in place
        plan = plan_update(prog, cue.fixtures, before)
        assert plan["101-102"]["pan"] == 10 and list(plan) == ["cyc", "101-102"]

    run_virtual(main)
